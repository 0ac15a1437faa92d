import { isQuestion, normalizeText, sentences, stopWords, words } from './text.js';

/** A time of films: the catalogue's last years (`recent`), its old films (`classic`), or a decade by its first year (1980). */
export type Era = 'recent' | 'classic' | number;

/**
 * A question about one's film tastes, as an assistant asks it before recommending: which genres (`genres`), a film
 * one loved (`favorite`, of one genre when it names one: "your favourite horror movie?"), what one does not like
 * (`dislikes`), whether one likes a genre (`genre`), which of two or more genres (`choice`), whether one likes an era or
 * which of several (`era`, in the order named: "80s or recent?" is [1980, 'recent']; none named, "what era?", is
 * classics or recent), whether one has seen a catalogue film (`seen`, its ids: a title may be listed twice), or which of
 * several (`seenList`, each film's ids, in the order named), or what one thought of the films the assistant offered last
 * (`verdict`, their ids). Genres are the catalogue's, lower-cased ("sci-fi").
 */
export type TasteQuestion =
  /** `mood`: asked what one is in the mood for ("What are you in the mood for?"), not what one likes in general. */
  | { kind: 'genres'; mood?: true }
  | { kind: 'favorite'; genre?: string }
  | { kind: 'dislikes' }
  | { kind: 'genre'; genre: string }
  | { kind: 'choice'; genres: readonly string[] }
  | { kind: 'era'; eras: readonly Era[] }
  | { kind: 'seen'; itemIds: readonly string[] }
  | { kind: 'seenList'; films: ReadonlyArray<readonly string[]> }
  | { kind: 'verdict'; itemIds: readonly string[] };

/** Reads catalogue films in text (`FilmMentions`): each film is the ids its title names. */
export interface TitleReader {
  /** The films whose title is the whole of a phrase as written. */
  exactly(phrase: string): string[];
  /** The films a text names, in order; `before`, the text it follows, may say a capitalised word opening it is a title. */
  films(text: string, before?: string): string[][];
}

/** Words for a genre besides its own name and plural ("funny" for comedy), keyed by the catalogue's genre name. */
const genreSynonyms: Readonly<Record<string, string>> = {
  comedy: 'funny|light-hearted|lighthearted',
  horror: 'scary',
  romance: 'romantic',
  'sci-fi': 'science fiction|scifi|sci fi',
  animation: 'animated|cartoons?',
  "children's": "(?:kids'?|family) (?:movies|films)",
  'film-noir': 'noir|film noir',
  drama: 'serious',
};

/** A genre's name and plural, as normalised text writes them ("comedy|comedies", "sci-fi"). */
function genreForms(genre: string): string {
  const escaped = genre.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const plural = /y$/.test(genre) ? `${escaped.slice(0, -1)}ies` : /s$/.test(genre) ? escaped : `${escaped}s`;
  const synonyms = genreSynonyms[genre];
  return [escaped, plural, ...(synonyms ? [synonyms] : [])].join('|');
}

/**
 * Words a question about film tastes may hold besides stop words and genres. A question with any other word is about
 * something else ("your favorite mystery book?", "what kind of music do you like?") and is left to the corpus.
 */
const tasteVocabulary = new Set(
  (
    'movie movies film films flick flicks cinema genre genres kind kinds sort sorts type types style taste tastes favorite favorites ' +
    'favourite favourites fave fan enjoy enjoyed enjoying love loved liked prefer preference rather into mood usually generally typically ' +
    'normally mostly watch watched watching see seen saw recently lately last tonight anything something particular especially recent ' +
    'new newer newest latest old older oldie oldies classic classics era decade decades release releases dislike hate hated stand avoid ' +
    'best ever tell bit little else other ones either neither both instead personally least big huge light two three four ' +
    // Fillers of time and manner: "so far", "these days", "right now", "at the moment", "in general".
    'far days now right currently moment general'
  ).split(' '),
);

/** Words that say a question is about films, not about what one likes at large ("do you like it here?"). */
const filmWords = /\b(?:movies?|films?|flicks?|cinema|genres?|watch(?:ed|ing)?|seen|saw|see)\b/;
/** Words that ask for a film one loved. */
const favoriteWords = /\b(?:favou?rites?|fave|loved?|enjoyed|liked|best|good)\b/;
/** Words that ask for a kind of film rather than a film. */
const kindWords = /\b(?:kinds?|sorts?|types?|genres?|style|tastes?|mood)\b/;
/** Words that ask what one does not like. */
const dislikeWords = /\b(?:dislike|hated?|can not stand|cannot stand|not (?:a )?(?:big |huge )?fan|not (?:really )?into|not (?:really )?(?:like|enjoy)|rather not|avoid|least favou?rite)\b/;
/** Words that ask whether one likes something ("are you in the mood for a comedy?" too). */
const likeWords = /\b(?:like|love|enjoy|into|fan|prefer|rather|watch|mood)\b/;
/** Decades of the 1900s in words, by their first year ("eighties": 1980). */
const decadeNames: Readonly<Record<string, number>> = { twenties: 1920, thirties: 1930, forties: 1940, fifties: 1950, sixties: 1960, seventies: 1970, eighties: 1980, nineties: 1990 };
/** A decade, written "80s", "1970s", "'90s", "80's" or "nineties", but not one's age ("your thirties", "my 20s"). */
const decadePattern = `(?<!\\b(?:your|my|our|his|her|their) )(?:((?:1[89]|20)?)(\\d)0'?s|(${Object.keys(decadeNames).join('|')}))`;
/** Decades as written. */
const decades = new RegExp(`\\b${decadePattern}\\b`, 'g');
/** Words that place films in time. */
const eraWords = new RegExp(`\\b(?:recent|newer|newest|latest|old|older|oldies?|classics?|decades?|era|vintage|new releases?|${decadePattern})\\b`);
/** Each era a question names, where it names it: "new" counts once the question is about eras ("old or new?"). */
const namedEras = new RegExp(`\\b(?:(recent|new|newer|newest|latest)|(old|older|oldies?|classics?|vintage)|${decadePattern})\\b`, 'g');

/** The eras a question names, in order and once each; a decade's two-digit form is of the 1900s from the 20s on ("80s": 1980). */
function erasOf(text: string): Era[] {
  const eras: Era[] = [];
  for (const [, recent, classic, century, tens, named] of text.matchAll(namedEras)) {
    const decade =
      named !== undefined
        ? decadeNames[named]
        : tens === undefined
          ? undefined
          : century
            ? Number(`${century}${tens}0`)
            : Number(tens) >= 2
              ? 1900 + Number(tens) * 10
              : 2000 + Number(tens) * 10;
    const era: Era = recent !== undefined ? 'recent' : classic !== undefined ? 'classic' : (decade as number);
    if (!eras.includes(era)) eras.push(era);
  }
  return eras;
}

/** "Have you seen Fargo?", "Did you ever watch The Godfather?", "Seen Fargo?": the title as written, or undefined. */
const seenQuestion = /^(?:so |and |but )?(?:(?:have|did) you (?:ever |already )?(?:seen|watched|see|watch|caught)|(?:ever )?(?:seen|watched|caught)) (.+?)(?: yet| already| before)?\s*\?$/i;
/** "Which one have you seen?", "… seen, Fargo or Heat?", "Fargo or Heat: which have you seen?": the list as written, if any. */
const whichSeen = /^(?:(.+?)(?:\s*[,:]|\s+[-\u2013\u2014])\s*)?(?:which|what)(?: ones?| of (?:them|these|those)(?: two| three| films| movies)?)? (?:have|did) you (?:ever |already )?(?:seen|watched|see|watch|caught)(?:\s*[,:]\s*(.+?))?\s*\?$/i;
/** "Any of these: Fargo, Heat?", or after "have you seen", "any of these films: Fargo, Heat": the list as written. */
const listedFilms = /^(?:any|either|one|some|all|both|which) of (?:these|those|them|the following)(?: two| three| four)?(?: films| movies)?\s*[:,-]\s*(.+?)\s*\??$/i;
/** "Have you seen it?", "… either of them?": films the sentences before name. */
const pointingWords = /^(?:it|that|this|them|those|these|either|both|(?:that|this) (?:one|film|movie)|(?:any|either|one|some|all|both) of (?:them|those|these)(?: films| movies)?)$/i;
/** Pointing at one film ("it", "that one"): the nearest named; any other pointing ("them", "which one") is at all of them. */
const pointingAtOne = /^(?:it|that|this|(?:that|this) (?:one|film|movie))$/i;
/**
 * "Did you like the last one I suggested?", "How did you like it?", "Was that one any good?", "What did you think of
 * them?": the films asked about (`object`) as written.
 */
const verdictQuestion =
  /^(?:(?:so|and|well|oh)\b,? )?(?:(?:did|do) you (?:like|enjoy|love)|how did you (?:like|find)|what (?:did|do) you think (?:of|about)|how (?:was|were)|(?:was|were|is|are)(?= .* good\?))\s(?<object>it|that|this|them|those|these|(?:that|this) one|(?:any|either|one|all|both) of (?:them|those|these)|the last (?:one|ones|films?|movies?|suggestions?|picks?)(?: i (?:suggested|recommended|mentioned|gave you))?|my (?:last )?(?:suggestions?|recommendations?|picks?))(?: any good| good)?(?: then| at all| so far)?\s*\?$/;
/** A verdict asked on what the assistant offered, whatever the message names ("the last one I suggested", "my picks"). */
const offerWords = /^(?:the last|my)\b/;
/** What parts a list of titles: commas, "and", "or" ("Fargo, Heat, or The Godfather"). */
const listSeparators = /(\s*,\s*(?:(?:and|or) )?|\s+(?:and|or)\s+)/i;

/**
 * Reads the first question of a message (or a "tell me" sentence) that asks about the reader's film tastes; undefined
 * when none does. `genres` are the catalogue's genre names; `offered`, the films the assistant offered last (in an earlier
 * turn), of which "what did you think of them?" and "have you seen them?" ask when the message names none. Each sentence
 * must hold only stop words, genres and words of film tastes, so ordinary chit-chat ("do you like it here?", "what do you
 * do?") is not read as one.
 */
export function readTasteQuestion(message: string, genres: readonly string[], titles?: TitleReader, offered: readonly string[] = []): TasteQuestion | undefined {
  const patterns = genres.map((genre) => ({ genre, pattern: new RegExp(`(?<![a-z])(?:${genreForms(genre)})(?![a-z])`, 'g') }));
  const all = sentences(message);
  for (const [index, sentence] of all.entries()) {
    if (!isQuestion(sentence) && !/\btell me\b/i.test(sentence)) continue;
    const normalized = normalizeText(sentence);
    const previous = all[index - 1];
    const before = all.slice(0, index);
    const question = echoQuestion.test(normalized)
      ? previous && askedBack(previous, patterns, titles)
      : (readVerdictQuestion(normalized, before, titles, offered) ??
        (titles && readSeenQuestion(sentence, before, titles, offered)) ??
        readSentence(normalized, patterns));
    if (question) return question;
  }
  return undefined;
}

/** A question that hands the sentence before it back to the reader ("How about you?", "And you?", "What about yourself?"). */
const echoQuestion = /^(?:(?:and|so|but|well)\b,? )?(?:(?:how|what) about )?(?:you|yourself)(?: too)?\s*\?$/;
/** A sentence of the speaker's own tastes ("I love comedies.", "I am a big fan of horror."): whether it says "I am", and what follows. */
const ownTaste = /^(?:(?:well|personally|honestly)\b,? )?i (am )?(.+?)[.!]*$/;

/**
 * The question a sentence of the speaker's film tastes asks when "How about you?" follows it: whether one saw the films
 * it names ("I loved Fargo."), else the sentence asked of the reader ("I love comedies." as "do you love comedies?").
 */
function askedBack(statement: string, patterns: ReadonlyArray<{ genre: string; pattern: RegExp }>, titles: TitleReader | undefined): TasteQuestion | undefined {
  const own = ownTaste.exec(normalizeText(statement));
  if (!own) return undefined;
  return seenOf(titles?.films(statement) ?? []) ?? readSentence(`${own[1] ? 'are' : 'do'} you ${(own[2] ?? '').replace(/\bmy\b/g, 'your')}?`, patterns);
}

/**
 * "Have you seen Fargo?" when the rest of the question is a catalogue title, written as one ("Have you seen the new Star
 * Wars movie?", "Did you watch the game?" are not), or a list of them ("Fargo or Heat?", "any of these: Fargo, Heat?");
 * "Have you seen it?" of the films the nearest sentence before it names ("I was thinking of Fargo."), "Which one have you
 * seen?" and "Have you seen them?" of every film the sentences before name.
 */
function readSeenQuestion(sentence: string, before: readonly string[], titles: TitleReader, offered: readonly string[]): TasteQuestion | undefined {
  const text = sentence.trim();
  const asked = seenQuestion.exec(text)?.[1];
  const which = whichSeen.exec(text);
  // "Which one have you seen?" names no film: it points, as "have you seen them?" does.
  const phrase = asked !== undefined ? (listedFilms.exec(asked)?.[1] ?? asked) : which ? (which[1] ?? which[2] ?? 'them') : listedFilms.exec(text)?.[1];
  if (phrase === undefined) return undefined;
  const films = pointingWords.test(phrase) ? pointedFilms(before, titles, !pointingAtOne.test(phrase), offered) : titleList(phrase, titles);
  return seenOf(films);
}

/** Whether one has seen one film or each of several; undefined for none. */
function seenOf(films: string[][]): TasteQuestion | undefined {
  const [first, second] = films;
  if (first === undefined) return undefined;
  return second === undefined ? { kind: 'seen', itemIds: first } : { kind: 'seenList', films };
}

/**
 * The films "it" or "them" points at: those the sentences before name (`namedBefore`), else, when it opens the message,
 * those offered last, each its own ("I went to Paris and Rome. Have you seen them?" points at the cities).
 */
function pointedFilms(before: readonly string[], titles: TitleReader, all: boolean, offered: readonly string[]): string[][] {
  const named = namedBefore(before, titles, all);
  return named.length > 0 || before.length > 0 ? named : offered.map((itemId) => [itemId]);
}

/**
 * A question on what one thought of films: of the films the message names before it ("Fargo is a classic. Did you like
 * it?"), whether one has seen them; else a verdict on the films offered last, of which "the last one I suggested" always
 * asks, and "it" or "them" when the question opens the message ("I went hiking. Did you like it?" asks of the hike).
 * Undefined for any other question, or when nothing was offered or named.
 */
function readVerdictQuestion(text: string, before: readonly string[], titles: TitleReader | undefined, offered: readonly string[]): TasteQuestion | undefined {
  const asked = verdictQuestion.exec(text);
  if (!asked) return undefined;
  const object = asked.groups?.object ?? '';
  const named = !offerWords.test(object) && titles ? namedBefore(before, titles, !pointingAtOne.test(object)) : [];
  if (named.length > 0) return seenOf(named);
  return offered.length > 0 && (offerWords.test(object) || before.length === 0) ? { kind: 'verdict', itemIds: offered } : undefined;
}

/**
 * The films the sentences before name, in order (`all`), or those of the nearest sentence that names one, each read
 * after the sentences before it.
 */
function namedBefore(before: readonly string[], titles: TitleReader, all: boolean): string[][] {
  if (all) return titles.films(before.join(' '));
  for (let index = before.length - 1; index >= 0; index--) {
    const films = titles.films(before[index] ?? '', before.slice(0, index).join(' '));
    if (films.length > 0) return films;
  }
  return [];
}

/**
 * The films of a phrase that is a list of titles and nothing else, a title holding "and" kept whole ("Sense and
 * Sensibility, Heat"): the longest title from each part on. None when a part is no title.
 */
function titleList(phrase: string, titles: TitleReader): string[][] {
  // Parts and the separators between them, alternating: ["Fargo", ", ", "Heat"].
  const pieces = phrase.split(listSeparators);
  const films: string[][] = [];
  let start = 0;
  while (start < pieces.length) {
    let end = pieces.length - 1;
    let itemIds: string[] = [];
    for (; end >= start; end -= 2) {
      itemIds = titles.exactly(pieces.slice(start, end + 1).join(''));
      if (itemIds.length > 0) break;
    }
    if (itemIds.length === 0) return [];
    films.push(itemIds);
    start = end + 2;
  }
  return films;
}

/** Questions that ask why or how ("why do you hate it?", "how do you avoid them?"), or what one likes about something. */
const notAboutTastes = /\bwhy\b|\bhow\b(?! about)|\blike about\b/;
/** A follow-up that offers or asks after one more thing ("How about a comedy?", "What about thrillers?", "And dramas?"). */
const followUp = /^(?:(?:and|so|but|or) )?(?:how|what) about\b|^(?:and|or) /;
/** A genre's name after "the", "that" or "your" is a thing ("What about the war?", "And your drama at work?"), not a genre offered. */
const pointedAt = /\b(?:the|that|this|your|my|his|her|their|our)\s+$/;
/** "watch" as a thing worn ("your favorite watch?", "what kind of watch"), not as watching. */
const wristWatch = /\b(?:favou?rite|kinds? of|types? of|sorts? of|your|a|the|new|this|my) watch(?:es)?\b/;

function readSentence(text: string, patterns: ReadonlyArray<{ genre: string; pattern: RegExp }>): TasteQuestion | undefined {
  if (notAboutTastes.test(text) || wristWatch.test(text)) return undefined;
  // Genres in the order they are named, their words taken out before the vocabulary check.
  const named: Array<{ genre: string; at: number }> = [];
  let rest = text;
  for (const { genre, pattern } of patterns) {
    for (const match of text.matchAll(pattern)) named.push({ genre, at: match.index });
    rest = rest.replace(pattern, ' ');
  }
  const mentioned = [...new Set(named.sort((left, right) => left.at - right.at).map(({ genre }) => genre))];
  // Decades ("80s", "1970s") place films in time like the era words.
  const others = words(rest.replace(decades, ' '))
    .map((word) => word.replace(/'s$/, ''))
    .filter((word) => !stopWords.has(word) && !tasteVocabulary.has(word));
  if (others.length > 0) return undefined;
  const either = /\bor\b/.test(text);
  const [first, second] = mentioned;
  if (first !== undefined && second !== undefined && either) return { kind: 'choice', genres: mentioned };
  // A follow-up asks whether one likes what it names, as "do you like …?" does.
  const asksLike = likeWords.test(text) || followUp.test(text);
  if (eraWords.test(text) && (either || asksLike || favoriteWords.test(text))) {
    const eras = erasOf(text);
    return { kind: 'era', eras: eras.length > 0 ? eras : ['classic', 'recent'] };
  }
  const asksWhich = /\b(?:what|which)\b/.test(text);
  if (first !== undefined && mentioned.length === 1) {
    // A genre's name alone may be of books or travels ("your favorite mysteries?", "what kind of adventures do you go
    // on?"): a film word, or a plain yes-or-no question ("do you like horror?"), says it is of films.
    const offered = followUp.test(text) && !pointedAt.test(text.slice(0, named[0]?.at ?? 0));
    if (!filmWords.test(text) && !/^(?:do|are|would|have)\b/.test(text) && !offered) return undefined;
    return asksWhich && favoriteWords.test(text) ? { kind: 'favorite', genre: first } : asksLike || dislikeWords.test(text) ? { kind: 'genre', genre: first } : undefined;
  }
  if (dislikeWords.test(text)) return { kind: 'dislikes' };
  const mood = /\bmood\b/.test(text);
  if (!filmWords.test(text) && !mood) return undefined;
  if (kindWords.test(text)) return mood ? { kind: 'genres', mood } : { kind: 'genres' };
  // "What did you watch lately that you enjoyed?" asks for a film; "what do you like to watch?" for a kind.
  if (favoriteWords.test(text)) return { kind: 'favorite' };
  return asksWhich && likeWords.test(text) ? { kind: 'genres' } : undefined;
}
