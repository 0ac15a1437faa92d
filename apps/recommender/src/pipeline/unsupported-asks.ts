/**
 * Asks a film catalogue of titles, years and genres (MovieLens 100K, the synthetic world) cannot honour: running times,
 * studios, where a film streams, who is in it or made it, its language or country, its age rating, how well it is made
 * ("with better acting"). The chat reply says
 * plainly that it did not filter by them, and their words are searched for in no title ("a movie with Tom Hanks" had
 * listed *Tom & Viv*, "something in Spanish" *The Spanish Prisoner*) and read as no request or opinion.
 *
 * Languages are not guessed from titles: MovieLens writes some foreign films under their own titles ("Postino, Il")
 * but many under English ones ("Shall We Dance?" is Japanese, "Ridicule" French), so a list chosen by title would
 * claim a filter it cannot keep.
 */

import { ordinaryWords } from './ordinary-words.js';
import { wordList } from './word-list.js';

/** What kind of thing an ask filters by. */
export type UnsupportedKind = 'length' | 'studio' | 'streaming' | 'person' | 'language' | 'age rating' | 'quality' | 'topic';

export interface UnsupportedAsk {
  kind: UnsupportedKind;
  /** What the ask names, as written ("Disney", "Tom Hanks", "French", "PG"), for the reply; the phrase for a length. */
  said: string;
  /** Asked to leave out ("no Disney", "nothing R rated", "not on Netflix"): the reply cannot promise none is listed. */
  negated: boolean;
  /** Where the whole phrase stands in the message ("on Netflix", "with Tom Hanks", "under 90 minutes"). */
  start: number;
  end: number;
}

const AMOUNT = String.raw`(?:an?|one|two|three|\d+(?:\.\d+)?)\s*(?:and a half\s+)?`;
const UNIT = String.raw`(?:hours?|hrs?|h|minutes?|mins?)\b`;
/** What a length qualifies, looked at only (its genre is still read): "a 90 minute movie", "a two-hour comedy" (not "a two hour movie night"). */
const LENGTH_OF = String.raw`(?=[- ]?(?:long\s+)?(?:films?|movies?|flicks?|ones?|comed(?:y|ies)|dramas?|thrillers?|westerns?|musicals?|documentar(?:y|ies)|cartoons?)\b(?!\s+(?:night|marathon|session|date)s?\b))`;
/**
 * Asking for a running time: "shorter", "a short film", "a long movie", "under 90 minutes", "no longer than 100 minutes", "not too long",
 * "less than two hours", "a 90 minute movie", "90 minutes or less", "movies around 90 minutes". A number of minutes alone
 * is time the user has or a time of day ("I have 30 minutes before my bus", "meet you in 30 minutes", "I watched for 20
 * minutes"), not a film's length; nor is "I only have an hour and a half", which names no film either.
 */
const lengthAsk = new RegExp(
  [
    String.raw`\b(?:under|less than|no more than|not more than|at most|within|over|more than|(?:no |not |nothing )?(?:longer|shorter) than|max(?:imum)?(?: of)?)\s+${AMOUNT}${UNIT}`,
    // "Something long", not "something long ago" (a time, not a film's length).
    // "A long film", not "a long movie night" nor "it's a long movie" (said of a film).
    String.raw`\b(?:shorter|longer|short (?:one|film|movie)s?|(?<!(?:'s|\bis|\bwas) a )long (?:one|film|movie|flick)s?\b(?![- ](?:nights?|marathons?|sessions?|dates?)\b)|(?:something|anything) (?:short|long)\b(?![- ](?:ago|since|before|overdue|awaited|forgotten|lost|lasting|lived|term)\b)|(?:not|nothing) (?:too |so |that )?long|running time|runtime)`,
    String.raw`\b${AMOUNT}[- ]?${UNIT}${LENGTH_OF}`,
    String.raw`\b${AMOUNT}${UNIT}(?:\s+(?:long|or (?:less|under|shorter|so long)|max(?:imum)?|tops|at most|in length)\b)`,
    // The lookahead before the lookbehind: tried at every position, the lookbehind had read back over a whole run of spaces each time.
    String.raw`(?=around|about|roughly|approximately|~)(?<=\b(?:films?|movies?|flicks?|ones?|something|anything)\s+(?:(?:that(?:'s| is| are)|running|lasting)\s+)?)(?:around|about|roughly|approximately|~)\s*${AMOUNT}${UNIT}(?:\s+long\b)?`,
  ].join('|'),
  'gi',
);

/**
 * Asking for how well a film is made, which the catalogue does not record: "but with better acting", "something with a
 * great story", "but more realistic", "something less predictable", "but smarter", "a better-written one". Asked only: a
 * comparative or "with …" after a request word or "but"; praise ("they're so well-written", "practical effects look more
 * realistic", "coming up with a great story") is no ask (of the 26,543 Synthetic-Persona-Chat test turns, one reads as an ask: "I love anything with a good story").
 */
const QUALITY = String.raw`(?:acting|actors|performances?|cast|story(?:line|telling)?|plot|script|writing|screenplay|dialogue|ending|direction|cinematography|special effects|effects|cgi|visuals|soundtrack|music|characters?)`;
const ASKING = String.raw`(?:but|something|anything|ones?|films?|movies?)`;
const qualityAsk = new RegExp(
  [
    String.raw`\b${ASKING}\s+(?:with\s+)?(?:a\s+)?(?:(?:bit|little|lot)\s+)?(?:better|stronger|smarter|deeper)\s+${QUALITY}\b`,
    String.raw`\b${ASKING}\s+with\s+(?:a\s+)?(?:really\s+)?(?:good|great|strong|solid|excellent|superb|amazing)\s+${QUALITY}\b`,
    String.raw`\b${ASKING}\s+(?:(?:a\s+)?(?:bit|little|lot)\s+)?(?:more|less)\s+(?:realistic|predictable|original|clever|intelligent|believable|cheesy)\b`,
    String.raw`\b(?:but|something|anything|bit|little|lot)\s+(?:smarter|cleverer)\b`,
    String.raw`\bbetter[- ](?:acted|written|made|directed)\b`,
  ].join('|'),
  'gi',
);

/**
 * What a film is about, which the catalogue does not record (no plots, no keywords): "films about nature", "space films",
 * "anything with robots", "man vs nature films", "the one with the shark". Only named things that are no genre (not
 * "films about the war", "cowboy films"), so a genre asked this way is still read; their words are searched for in no
 * title ("space films" had led with *Space Jam*, "films about dogs" with *Reservoir Dogs*).
 */
const TOPIC = String.raw`(?:outer space|space|nature|the wild|wilderness|dogs?|puppies|cats?|animals?|horses?|sharks?|aliens?|robots?|zombies?|vampires?|werewol(?:f|ves)|monsters?|dinosaurs?|dragons?|ghosts?|witch(?:es)?|superhero(?:es)?|sports?|football|baseball|basketball|boxing|soccer|hockey|heists?|spies|pirates?|time travel|cars?|racing|trains?|the ocean|the sea|islands?|survival|natural disasters?|disasters?|prisons?|high school|college|politics|religion|cooking|food|dancing|magic|wizards?|knights?|ninjas?|samurai)`;
const FILMS = String.raw`(?:films?|movies?|flicks?|something|anything|ones?)`;
const topicAsk = new RegExp(
  [
    // "What's it called, the one with the shark?" asks for a film by its story: the asking words go too ("called" had found A Fish Called Wanda).
    String.raw`(?:\bwhat(?:'s| is| was)\s+(?:it|that|the film|the movie)\s+called\W+(?:the\s+)?)?\b${FILMS}\s+(?:about|involving|featuring|with)\s+(?:(?:a|an|the|some|lots of|talking)\s+)?(${TOPIC})\b`,
    // "Sports comedies", "a dog comedy": a genre named by what it is about, looked at only, so it is still read ("sports
    // comedies" had gone unnoted).
    String.raw`\b(${TOPIC})(?:[- ](?:films?|movies?|flicks?)\b|(?=[- ](?:comed(?:y|ies)|dramas?|thrillers?|adventures?|cartoons?|documentar(?:y|ies))\b))`,
    String.raw`\b(man\s+(?:vs\.?|versus|against)\s+(?:nature|machines?|the wild))(?:\s+(?:films?|movies?|flicks?|stories))?`,
  ].join('|'),
  'gi',
);

/** Streaming services ("on Netflix", "Disney+", "Amazon Prime"); ambiguous names ("Peacock", "Amazon") only after "on". */
const streamingAsk =
  /\b(?:(?:on|from|via|with)\s+)?(netflix|hulu|hbo(?: max)?|amazon prime(?: video)?|prime video|disney\s*(?:\+|plus)|apple tv(?:\s*\+|\s*plus)?|paramount\s*(?:\+|plus)|crunchyroll|youtube|tubi|mubi|criterion channel|starz)(?=$|[^\p{L}\p{N}+])|\bon\s+(amazon|prime|peacock|showtime)\b|\b((?:streaming|to stream|can stream)(?: service)?)\b/giu;

/** Words before "on Netflix" that place one film the user has in mind: "watch it", "saw that one", "it's (finally)". */
const aboutOne = /\b(?:it|that|this|them|those|that one|this one)\s*$|\b(?:it's|it is|it was|they're|they are)\s+(?:(?:also|now|finally|still|already|only)\s+)?$/i;

/**
 * Studios, by names that are no everyday words; "Universal", "Paramount", "Columbia", "Marvel" only capitalised (below).
 * Not a theme park ("we just got back from Disney World": 40 of the Synthetic-Persona-Chat turns naming Disney).
 */
const studioAsk =
  /\b(?:(?:from|by|made by|produced by)\s+)?(disney(?:'s)?|walt disney|pixar|dreamworks|studio ghibli|ghibli|miramax|mgm|lionsgate|lions gate|a24|warner bros\.?|warner brothers|20th century fox|twentieth century fox|fox searchlight|new line cinema|touchstone pictures|amblin)(?![\p{L}\p{N}+])(?!\s+(?:world|land|parks?|resorts?|cruises?|on ice|vacations?|trips?)\b)/giu;
const capitalisedStudioAsk = /\b(?:(?:[Ff]rom|[Bb]y|[Mm]ade by|[Pp]roduced by)\s+)?(Universal|Paramount|Columbia Pictures|Marvel|DC Comics|Sony Pictures)(?![\p{L}\p{N}+])/gu;

/** Age ratings: "rated PG", "PG-13", "R-rated", "nothing rated R", "NC-17", "MPAA rating". */
const ageRatingAsk = /\b(pg-13|pg13|nc-17|pg|mpaa(?: rating)?|age rating)\b|\b(?:rated\s+(g|r|pg|x)|(g|r|x)[- ]rated)\b/gi;

const nationalities =
  'french|italian|german|spanish|japanese|korean|chinese|indian|russian|swedish|danish|norwegian|finnish|dutch|polish|mexican|brazilian|argentinian|argentine|iranian|persian|turkish|greek|portuguese|czech|hungarian|taiwanese|thai|vietnamese|israeli|egyptian|nigerian|british|irish|scottish|australian|canadian|european|asian|scandinavian|latin american|hong kong|bollywood|hindi|mandarin|cantonese|foreign|foreign[- ]language|non[- ]english';
const languages = 'french|spanish|italian|german|japanese|korean|mandarin|cantonese|chinese|hindi|russian|swedish|danish|norwegian|finnish|dutch|polish|portuguese|arabic|farsi|persian|turkish|greek|czech|hungarian|thai|vietnamese|hebrew';
const countries = 'france|italy|germany|spain|japan|korea|south korea|china|india|russia|sweden|denmark|norway|finland|mexico|brazil|iran|hong kong|taiwan|poland|turkey|greece|portugal|britain|the uk|england|ireland|australia|canada|argentina|europe|asia|overseas|abroad';
/** Words a film is named by after a nationality ("a French film", "Korean dramas", "Italian westerns"). */
const filmWords = String.raw`(?:films?|movies?|cinema|flicks?|comed(?:y|ies)|dramas?|thrillers?|horror|westerns?|romances?|rom-?coms?|crime|noir|animation|animated|cartoons?|musicals?|documentar(?:y|ies)|classics?|ones?|titles?|stuff)`;
/** A film's language or country: "a French film", "something in Spanish", "movies from Japan", "subtitles", "dubbed". */
const languageAsk = new RegExp(
  [
    String.raw`\b(${nationalities})(?:[- ](?:language|speaking))?\s+(?:(?:art[- ]house|indie|old|classic|new wave|black and white|language)\s+)?${filmWords}\b`,
    String.raw`\b(?:in|spoken in|dubbed in|subtitled in)\s+(${languages})\b`,
    String.raw`\b(?:${filmWords}|something|anything)\s+(?:from|made in)\s+(${countries})\b`,
    String.raw`\b(subtitles|subtitled|dubbed|world cinema|international (?:films?|movies?|cinema)|not in english)\b`,
  ].join('|'),
  'gi',
);

/**
 * Who is in a film or made it: "with Tom Hanks", "starring Harrison Ford", "something by Spielberg", "directed by Wes
 * Anderson", "a Hitchcock film", "a big Tarantino fan". Names are read from capitals: "with" and "by" need a film word or
 * "something" before them ("something by Spielberg"; not "by Friday", "watching with Sarah"), and a name before "film",
 * "movie" or "fan" must not open the sentence ("Horror movies please").
 */
const NAME = String.raw`((?:\p{Lu}[\p{L}'’.-]+)(?:\s+(?:\p{Lu}[\p{L}'’.-]+|de|van|von|del|da|di|le|la|du)){0,3})`;
const personAsks = [
  new RegExp(String.raw`\b(?:[Ss]tarring|[Ff]eaturing|[Dd]irected by|[Ff]rom director|[Mm]ade by director|[Ww]ith (?:the )?actors?|[Ww]ith (?:the )?actress)\s+${NAME}`, 'gu'),
  new RegExp(String.raw`\b(?:${filmWords}|something|anything)(?:\s+(?:good|great|new|old|fun|funny|else|decent|recent|classic|older|newer))?\s+(?:[Ww]ith|[Bb]y)\s+${NAME}`, 'gu'),
  // `(?=\p{Lu})` first: the lookbehind, tried at every position, had read back over a whole run of spaces each time.
  new RegExp(String.raw`(?=\p{Lu})(?<=[\p{Ll},]\s+)${NAME}(?:'s)?\s+(?:films?|movies?|flicks?|fan|fans|classics?)\b`, 'gu'),
];
/**
 * "Who is tom hanks?": a whole message asking who someone of two names is, in any case (names are read from capitals
 * elsewhere); not "who is your favourite?", "who is playing tonight?" (`notNameWords`), nor, in lower case, a verb in "-ing"
 * or an everyday word after it ("who's winning tonight?", "who is joining us?" had been read as names: `everydayName`).
 */
const whoIsPerson = /^\s*who(?:'s|\s+is|\s+was)\s+([a-z][a-z'.-]+\s+[a-z][a-z'.-]+)\s*(?:\?+\s*)?$/i;
const notNameWords = /^(?:your|you|my|me|the|a|an|this|that|these|those|it|he|she|they|there|here|in|on|at|playing|going|coming|next|best|worst|his|her|their|our|someone|somebody|anyone|anybody|still|not|so|really|more|most|better|worse)$/i;

/**
 * Two words after "who is" that, in lower case, are no name: one ends in "-ing" ("winning tonight") or the second is an
 * everyday word ("joining us", "hungry now"); "tom hanks", "will smith" are names, "Harrison Ford" only written so.
 */
function everydayName(words: readonly string[]): boolean {
  if (words.every((word) => /^\p{Lu}/u.test(word))) return false;
  return words.some((word) => /ing$/i.test(word)) || ordinaryWords.has((words[1] ?? '').toLowerCase());
}

/** Capitalised words that name no person: the speaker, family, days, months, holidays, articles, pronouns. */
const notPeople =
  /^(?:I|I'm|I've|I'd|I'll|Me|My|Mom|Mum|Mommy|Mummy|Dad|Daddy|Mother|Father|Grandma|Grandpa|Granny|Nan|Nana|Papa|Auntie|Uncle|Sis|Bro|Christmas|Xmas|Halloween|Easter|Thanksgiving|Valentine's|Valentines|New|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December|The|A|An|It|This|That|These|Those|Some|Any|Something|Anything|Oscar|Oscars|Academy|English|American|Sci-Fi|Scifi|Film-Noir)$/;

export interface UnsupportedAskOptions {
  /** Whether a name is a catalogue title or a series ("Star Wars", "Alien"): then it is the film, not a person. */
  isTitle?: ((name: string) => boolean) | undefined;
  /** Whether words name a catalogue genre ("Horror movies", "Western fan"). */
  isGenre?: ((words: string) => boolean) | undefined;
}

/** Whether the words just before a phrase negate it: "no Disney", "nothing R rated", "not on Netflix", "without subtitles". */
const negatedBefore = /\b(?:(?:anything|something) but|but not|no more|no|not|nothing|none|never|without|avoid|except)\s+(?:(?:on|from|by|in|with|rated|a|an|any)\s+)?$/i;

/** The asks of a message that the catalogue cannot honour, in the order they are written; none overlap. */
export function unsupportedAsks(message: string, options: UnsupportedAskOptions = {}): UnsupportedAsk[] {
  const text = message.replace(/[’‘]/g, "'");
  const found: UnsupportedAsk[] = [];
  const add = (kind: UnsupportedKind, said: string, at: number, end: number) => {
    // "No Disney": the negation is part of the phrase, or the readers would read a bare "no" ("an animated movie, but no").
    const before = text.slice(Math.max(0, at - 24), at);
    const negation = negatedBefore.exec(before);
    const start = negation === null ? at : at - before.length + negation.index;
    if (found.some((ask) => ask.start < end && start < ask.end)) return;
    found.push({ kind, said, negated: negation !== null, start, end });
  };
  for (const match of text.matchAll(lengthAsk)) add('length', match[0], match.index, match.index + match[0].length);
  for (const match of text.matchAll(qualityAsk)) {
    const said = match[0].replace(/^(?:but|something|anything|ones?|films?|movies?|bit|little|lot)\s+(?:with\s+)?(?:a\s+)?(?:(?:bit|little|lot|really)\s+)?/i, '');
    add('quality', said, match.index, match.index + match[0].length);
  }
  for (const match of text.matchAll(streamingAsk)) {
    // "I'll watch it on Netflix", "it's on Netflix": where a film the user has in mind is, not a filter asked for.
    if (aboutOne.test(text.slice(Math.max(0, match.index - 30), match.index))) continue;
    add('streaming', spoken(match[1] ?? match[2] ?? match[3] ?? match[0]), match.index, match.index + match[0].length);
  }
  for (const pattern of [studioAsk, capitalisedStudioAsk]) for (const match of text.matchAll(pattern)) add('studio', spoken(match[1] ?? match[0]), match.index, match.index + match[0].length);
  for (const match of text.matchAll(ageRatingAsk)) {
    const rating = match[1] ?? match[2] ?? match[3] ?? match[0];
    // "pg" alone only in capitals or beside "rated": "pg" is no common word, but keep to what reads as a rating.
    add('age rating', /^(?:mpaa|age)/i.test(rating) ? 'age rating' : rating.toUpperCase().replace(/^PG13$/, 'PG-13'), match.index, match.index + match[0].length);
  }
  for (const match of text.matchAll(languageAsk)) {
    const said = match[1] ?? match[2] ?? match[3] ?? match[4] ?? match[0];
    add('language', spoken(said), match.index, match.index + match[0].length);
  }
  for (const match of text.matchAll(topicAsk)) {
    const said = (match[1] ?? match[2] ?? match[3] ?? match[0]).replace(/^the\s+/i, '').replace(/\s+/g, ' ');
    // "anything with Aliens": a capitalised title is the film asked for, not a topic.
    if (/^\p{Lu}/u.test(said) && options.isTitle?.(said) === true) continue;
    add('topic', said.toLowerCase(), match.index, match.index + match[0].length);
  }
  const who = whoIsPerson.exec(text);
  const whoWords = who?.[1]?.split(/\s+/) ?? [];
  if (who !== null && !whoWords.some((word) => notNameWords.test(word)) && !everydayName(whoWords) && options.isTitle?.(who[1] ?? '') !== true) {
    const at = who.index + who[0].indexOf(who[1] ?? '');
    add('person', spoken(who[1] ?? ''), at, at + (who[1] ?? '').length);
  }
  for (const pattern of personAsks) {
    for (const match of text.matchAll(pattern)) {
      const name = (match[1] ?? '').replace(/(?<![.'’])[.'’]+$/, '').replace(/'s$/, '');
      const first = name.split(/\s+/)[0] ?? '';
      const at = match.index + match[0].indexOf(match[1] ?? '');
      // The end of a longer capitalised name ("the Lord of the Rings movies", "the Fast and Furious movies") is no person.
      const insideName = /\p{Lu}[\p{L}'’]*\s+(?:of|and|&|of the|in the|on the|at the|to the)\s+$/u.test(text.slice(Math.max(0, at - 30), at));
      // "The Conjuring movies", "the new Hobbit movie": a series named by its title, not a person (Persona-Chat's "the Hangover
      // movies"); "the Judd Apatow movies" is then no person either, where "Judd Apatow movies" and "a Hitchcock film" are.
      const series = /(?:\bthe\s+(?:(?:new|newest|latest|last|next|first|original|old|older|other|whole|recent)\s+)?|\b(?:new|newest|latest|next)\s+)$/i.test(text.slice(Math.max(0, at - 30), at));
      // "A Die Hard-style movie" names a film as a kind; "a Tarantino-style movie" still names a person.
      const asKind = name.replace(/[-–](?:style|type|esque|inspired|ish|like)$/i, '');
      if (name === '' || insideName || series || notPeople.test(first) || options.isTitle?.(name) === true || options.isTitle?.(asKind) === true || options.isGenre?.(name.toLowerCase()) === true) continue;
      // The whole phrase, preposition included ("with Tom Hanks"), is what is left out of the search; a name before "film" is the name alone.
      const start = /^\s*\p{Lu}/u.test(match[0]) ? at : match.index;
      add('person', asKind, start, at + name.length);
    }
  }
  return found.sort((left, right) => left.start - right.start);
}

/** The ask as a reply names it: "Netflix", "Disney", "French"; lower-case words capitalised where they are names. */
function spoken(said: string): string {
  const words = said.trim().replace(/\s+/g, ' ');
  const names: Record<string, string> = { hbo: 'HBO', 'hbo max': 'HBO Max', mgm: 'MGM', a24: 'A24', youtube: 'YouTube', dreamworks: 'DreamWorks', 'disney+': 'Disney+', 'disney plus': 'Disney+', "disney's": 'Disney' };
  const known = names[words.toLowerCase()];
  if (known !== undefined) return known;
  if (/^(?:streaming|to stream|can stream)(?: service)?$|^(?:subtitles|subtitled|dubbed|world cinema|not in english)$|^international/i.test(words)) return words.toLowerCase();
  if (/^(?:foreign|foreign[- ]language|non[- ]english)$/i.test(words)) return words.toLowerCase();
  return words.replace(/(^|[\s-])(\p{Ll})/gu, (_all, space: string, letter: string) => `${space}${letter.toUpperCase()}`);
}

/** The message with each ask blanked out (spaces, so positions stay), for the readers and the text search. */
export function withoutUnsupportedAsks(message: string, asks: readonly UnsupportedAsk[]): string {
  let text = message;
  for (const ask of asks) text = text.slice(0, ask.start) + ' '.repeat(ask.end - ask.start) + text.slice(ask.end);
  return text;
}

const describedAs: Record<UnsupportedKind, string> = {
  length: 'running time',
  studio: 'studio',
  streaming: 'where they stream',
  person: 'who is in them or who made them',
  language: 'language or country',
  'age rating': 'age rating',
  quality: 'how well they are made',
  topic: 'what they are about',
};

/**
 * What the reply says of the asks it could not honour: "I cannot choose films by running time, so these go by the rest
 * of what you asked."; "I cannot choose films by studio (Disney), so I cannot promise none of these is Disney's; they go
 * by the rest of what you asked." With a topic's genre the list leans to (`leanedTo`): "I cannot choose films by what they
 * are about (alien), so these are sci-fi films, the genre nearest it." Undefined when there are none.
 */
export function unsupportedNote(asks: readonly UnsupportedAsk[], leanedTo?: string): string | undefined {
  if (asks.length === 0) return undefined;
  const kinds = [...new Set(asks.map((ask) => ask.kind))];
  const parts = kinds.map((kind) => {
    if (kind === 'length') return describedAs.length;
    const said = [...new Set(asks.filter((ask) => ask.kind === kind).map((ask) => ask.said))];
    return `${describedAs[kind]} (${wordList(said)})`;
  });
  const negated = [...new Set(asks.filter((ask) => ask.negated && ask.kind !== 'length').map(leftOutAs))];
  const by = wordList(parts, 'or');
  if (negated.length === 0) return `I cannot choose films by ${by}, so these ${leanedTo === undefined ? 'go by the rest of what you asked' : `are ${leanedTo} films, the genre nearest it`}.`;
  return `I cannot choose films by ${by}, so I cannot promise to leave out ${wordList(negated, 'or')}; these go by the rest of what you asked.`;
}

/** What a negated ask would have left out, as the reply names it: "Disney films", "R-rated films", "what is on Netflix". */
function leftOutAs(ask: UnsupportedAsk): string {
  if (ask.kind === 'streaming') return /^(?:streaming|to stream|can stream)/.test(ask.said) ? 'streaming films' : `what is on ${ask.said}`;
  if (ask.kind === 'person') return `films with ${ask.said}`;
  if (ask.kind === 'topic') return `films about ${ask.said}`;
  if (ask.kind === 'age rating') return ask.said === 'age rating' ? 'films by their age rating' : `${ask.said}-rated films`;
  if (ask.kind === 'language' && /^\p{Ll}/u.test(ask.said)) return /^(?:subtitles|subtitled|dubbed)$/.test(ask.said) ? `films with ${ask.said === 'dubbed' ? 'dubbing' : 'subtitles'}` : `${ask.said} films`;
  return `${ask.said} films`;
}
