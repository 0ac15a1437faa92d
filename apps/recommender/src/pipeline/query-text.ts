import { stopWords } from '@personalab/profile';
import { ordinaryWords } from './ordinary-words.js';
import { mentionedTagStems, stem } from './taste.js';

/**
 * Words of a chat message that ask for something rather than describe it: requests, fillers,
 * "movie" itself, ages and eras (the session's constraints read those). The item text index's IDF
 * is fitted on the catalogue, where such words are rare, so left in they outweigh what the user
 * described: "recommend something" landed on "Something to Talk About", "anything else?" on
 * "I'll Do Anything".
 */
const requestWords = new Set(
  (
    'recommend recommends recommendation recommendations suggest suggestion suggestions something anything everything nothing ' +
    'someone anyone movie movies film films flick flicks show shows watch watching watched see seen saw please pls thanks thank ' +
    'want wanna wanted like liked likes love loved loves enjoy enjoyed enjoying mood feel feeling fancy good great nice best better ' +
    'really maybe perhaps tonight today now else another different new newer recent older old classic classics year years yr ' +
    'hi hello hey ok okay um hmm yes yeah also give tell think know would could sure kind sort type usually looking look find ' +
    'instead options ideas idea watchable lol late early mid kids kid children child son daughter wife husband friends family night weekend ' +
    'one ones stuff things thing bit little lot please already seen maybe around ' +
    // What a film must have or is like ('it needs vampires', 'that heist vibe', 'I could go for some kung fu').
    'needs must vibe vibes go craving ' +
    // Taking part of a request back ("forget the comedies" had found "Forget Paris").
    'forget forgot scratch ditch ' +
    // Eras and quality: the session's years and the ranking answer them ("a modern classic" had found "Modern Affair, A").
    'modern contemporary vintage oldies era eras decade decades century twenties thirties forties fifties sixties seventies eighties nineties ' +
    'rated highest acclaimed greatest popular famous ' +
    // How often or how much a taste holds ("I generally like dramas" had searched "generally" and changed a simulated
    // MovieLens user's first list: recall@5 0.178 with "usually", 0.163 with "generally" or "mostly").
    'generally mostly typically normally often always sometimes occasionally mainly especially particularly tend tends ' +
    // Hedges, asides and asking words of a taste said in other words ("I guess I kind of like dramas", "I'd say", "honestly",
    // "lately", "help me pick", "any picks?", "my favourite genre", "yo"; a paraphrase sweep of "I usually like dramas").
    'guess say honestly lately help pick picks genre genres yo go-to ' +
    // Misspelt asking words ("I lov dramas, sugest a movie").
    'sugest sugestion sugestions recomend reccomend reccommend plz lov luv ' +
    "i'm i'd i've let's what's that's it's"
  ).split(' '),
);

/** Words after which "top" asks for the best ("top 10 movies", "top rated", "top picks"), not for "Top Gun". */
const rankingWords = /^(?:\d+|ten|five|twenty|rated|picks?|choices?|titles?|ones?|movies?|films?|flicks?|of|please)$/;

/**
 * Everyday words that name a genre as a subject ("aliens" → Sci-Fi, "gangsters" → Crime): still
 * searched when the genre is asked for ("a sci-fi movie about aliens"); only a word that names the
 * genre itself ("sci-fi", "comedies", "scary") is not.
 */
const subjectWords = /^(?:space|aliens?|robots?|futuristic|soldiers?|battles?|magic(?:al)?|dragons?|wizards?|gangsters?|heists?|mafia|detectives?|cowboys?|singing|laugh|humou?r)$/;

/**
 * Opinion words: what the user thinks of something, not what it is about. Searched, "I hate horror
 * movies" found "Hate (Haine, La)" and "Heat was not bad" found "Bad Boys".
 */
const opinionWords = new Set(
  (
    'hate hates hated hating dislike dislikes disliked adore adored adores prefer prefers preferred favourite favorite favourites favorites ' +
    'bad worse worst awful terrible horrible dreadful boring bored dull lame stupid overrated underrated mediocre meh decent fine alright ' +
    'amazing awesome excellent fantastic wonderful brilliant superb perfect masterpiece incredible cool loving lovely enjoyable ' +
    'stand bear tired sick fed enough fan fans ' +
    // A taste said in other words: "I really dig", "a sucker for", "a soft spot for", "partial to", "keen on", "a huge fan".
    'dig sucker soft spot partial keen huge'
  ).split(' '),
);

/**
 * Words that point back at something said or shown ("the first one", "already seen it", "that one
 * again") rather than describe a film: searched, "I've already seen the first one" found "First Kid"
 * and "First Knight".
 */
const referenceWords = new Set(
  (
    'first second third fourth fifth sixth last next previous former latter same again before earlier other others ' +
    'sequel sequels prequel part two three four five rewatch rewatched yet either neither'
  ).split(' '),
);

/** Words that rule out what follows them in their clause ("no war", "not bad", "nothing with zombies", "I hate horror", "I can't stand gore"). */
const negationWords = new Set(
  (
    'no not nothing none nor never without except avoid avoiding skip hate hates hated dislike dislikes disliked ' +
    "don't doesn't didn't isn't wasn't aren't weren't won't wouldn't shouldn't can't cannot couldn't " +
    'dont doesnt didnt isnt wasnt arent wont cant couldnt'
  ).split(' '),
);
/** Two-word negations ("tired of", "fed up"): what follows them is ruled out. */
const negationPairs = /^(?:tired|sick) of$|^fed up$|^rather not$/;
/** Words that end a negation's reach inside a sentence ("no war but a comedy"). */
const clauseBreaks = new Set(['but', 'instead', 'rather', 'though', 'although', 'however']);
/** After "and", these start a new request ("no horror and a comedy please"); other words stay ruled out ("I hate horror and gore"). */
const freshStart = new Set(['a', 'an', 'some', 'something', 'anything', 'i', "i'd", "i'm", "i'll", 'we', 'maybe', 'perhaps', 'please', 'give', 'show', 'find', 'more', 'also']);

/**
 * Occasions and moods said in a phrase: "date night", "girls' night", "valentine's day", "edge of my seat", "mind-bending"
 * (the chat reads their mood, not their words: "edge of my seat stuff" had found The Edge).
 */
const occasionPhrase =
  /\b(?:date|girls'?|guys'?|ladies'?|lads'?|boys'?|movie|family|game|pizza|popcorn|friday|saturday)[- ]nights?\b|\bvalentine'?s?(?: day)?\b|\bedge of (?:my|your|our|the) seats?\b|\bmind[- ]?(?:bending|benders?|twisting)\b|\btear[- ]?jerkers?\b|\bfeel[- ]good\b/g;

/**
 * "This time", "last time", "every time": when, not what ("I watched Heat again, it was boring this time" had found A Time to
 * Kill). Not "time travel" or "the time machine" ("any time travel films?"), nor a bare "the time" or "in time" (The Time
 * Machine, Somewhere in Time: a title's words are searched).
 */
const timePhrase =
  /\b(?:this|that|last|next|first|second|every|each|any|some|one|a long|no|on|of all|at a|one more|(?:all|at|by|have|had|got|most of) the)\s+time\b(?![- ]?(?:travel|machine|loop|warp|bandit|cop|tracer|slip))/g;
/** "I've gone off sci-fi", "went off westerns": no longer liked, so ruled out like "not" ("gone" had found Gone Fishin'). */
const goneOff = /\b(?:gone|went|go|going|goes)\s+off\b/g;
/**
 * A clause that tells of the user's life rather than of a film ("I have 30 minutes before my bus", "it was long"): opens with
 * the user or "it" and holds no word that asks for, describes or judges films. Searched, "bus" had found Get on the Bus.
 */
const aboutLife = /^\s*(?:(?:and|but|so|well|oh|also|just|anyway|though)\s+)*(?:i|we|my|our|i'm|i've|i'd|i'll|we're|we've|it|it's|that|that's)\b/;
/**
 * A message that opens as a remark about someone or something said ("He's my best friend.", "Me too! I love dogs!", "That's
 * great! I'd love to hear your music sometime"), after any greeting or exclamation: with nothing asked, it describes no film.
 */
const remarkOpening =
  /^\s*(?:(?:hi|hello|hey|oh|wow|well|yes|yeah|no|haha|lol|nice|cool|great|awesome|ok|okay)\b[^.!?,]*[.!?,]\s*)*(?:me|i|we|you|he|she|they|my|our|your|his|her|their|it|that|i'm|i'd|i've|i'll|we're|we've|you're|he's|she's|they're|it's|that's)\b/i;

/** Whether a message opens as a remark (`remarkOpening`), not as a subject asked for ("time travel", "alien", "dogs"). */
export function opensRemark(message: string): boolean {
  return remarkOpening.test(message.replace(/[’‘]/g, "'"));
}
const filmWords =
  /\b(?:want|wanna|need|something|anything|recommend\w*|suggest\w*|please|looking|mood|feel|fancy|up for|go for|craving|how about|what about|give me|show me|find me|any|movies?|films?|flicks?|shows?|about|with|into|fan|fans|love|loved|loves|like|liked|likes|enjoy\w*|adore\w*|favou?rites?|watch\w*|seen|saw|stories|story|kind|type|set)\b/;
/**
 * "It" or "that" as the film asked for: what it must have or its vibe ("it has to have dinosaurs", "it needs vampires", "that
 * heist vibe", "that zombie stuff"), searched though the clause opens like a remark ("it was long").
 */
const filmDemand =
  /^\s*(?:(?:and|but|so|well|oh|also|just|anyway|though)\s+)*(?:it|that|it'd|it'll)\b.*\b(?:(?:has to|have to|had to|got to|gotta|should|must|ought to)\s+(?:have|feature|include|involve|star|be set|be about)\b(?!\s+been)|needs?\s+(?!to\b|a lot\b|some work\b)|vibes?|stuff|energy)\b/;

export interface QueryContentOptions {
  /** Genre keys the user ruled out or dislikes: words naming them ("war", "scary" for horror) are not searched. */
  ruledOut?: ReadonlySet<string> | undefined;
  /**
   * Genre keys the request asks for or the user likes: the genre sources serve them, so words naming the
   * genre itself ("comedy", "westerns", "scary" for horror) are not searched. In the item texts a genre
   * word matches short entries of that genre at random ("horror" → "Fear, The" 0.55, "western" → "Dead
   * Man" 0.58), above the popular films of the genre.
   */
  genres?: ReadonlySet<string> | undefined;
  /**
   * Whether a word is part of a catalogue title that holds more than it ("mom" of Serial Mom, "day" of One Fine Day). An
   * everyday word (`ordinaryWords`) that is only that is searched where the message names the film: quoted, in a title it
   * names whole (`named`), or as what a film is about ("a movie about a dog"). Searched, "my mom hates horror" had found
   * Serial Mom, "a movie for my dad" Getting Even with Dad.
   */
  titleFragment?: ((word: string) => boolean) | undefined;
  /** Whether a word is one of the titles the message names, as the title reader finds them ("home alone": Home Alone). */
  named?: ((word: string) => boolean) | undefined;
  /**
   * Whether a word is a catalogue title by itself ("friday": Friday, "mother": Mother). Such an everyday word is searched
   * where a title stands (`titleSlot`), though other titles hold it too: "something like friday" had searched nothing.
   */
  wholeTitle?: ((word: string) => boolean) | undefined;
}

/**
 * The words the item text search reads in lower-case text, quotes at their ends dropped ("'til" → "til", "heroes'" →
 * "heroes"): a message's, and a title's when asked whether a message's word is one of its (`ItemCatalog.titleFragments`).
 */
export function searchWords(text: string): string[] {
  return text
    .split(/[^a-z0-9'&-]+/)
    .map((word) => word.replace(/^'+|(?<!')'+$/g, ''))
    .filter(Boolean);
}

/** Words a title follows: "like friday", "I loved mother", "have you seen manhattan?". */
const titleTakers = new Set(['like', 'love', 'loved', 'liked', 'hate', 'hated', 'enjoyed', 'seen', 'saw', 'watched']);

/** Whether a word stands where a title does: the whole message, or after a word a title follows (`titleTakers`). */
function titleSlot(words: readonly string[], index: number, spokenClauses: number): boolean {
  return (spokenClauses === 1 && words.length === 1) || titleTakers.has(words[index - 1] ?? '');
}

/** The words a message writes in double quotes (`"Serial Mom"`): a title named as one. */
function quotedWords(text: string): Set<string> {
  const words = new Set<string>();
  for (const [, quoted] of text.matchAll(/["“]([^"“”\n]{1,100})["”]/g)) for (const word of searchWords((quoted ?? '').toLowerCase())) words.add(word);
  return words;
}

/**
 * Whether the words around a word ask for it as a film's subject: "about" or "set in" up to three words before it, or a film
 * word up to two after ("a movie about a dog", "set in a high school", "time travel films").
 */
function asSubject(words: readonly string[], index: number): boolean {
  for (let before = Math.max(0, index - 3); before < index; before++) {
    const word = words[before];
    if (word === 'about' || (/^(?:in|at|on)$/.test(word ?? '') && words[before - 1] === 'set')) return true;
  }
  return words.slice(index + 1, index + 3).some((word) => /^(?:movies?|films?|flicks?)$/.test(word));
}

/**
 * The words of a message that describe what the user wants (for the item text index), or '' when none
 * do: request words, opinion words, references back ("the first one"), what a negation rules out in
 * its clause ("no war", "not bad") and words naming a ruled-out genre are left out.
 */
export function queryContent(text: string, options: QueryContentOptions = {}): string {
  const { ruledOut, genres, titleFragment, named, wholeTitle } = options;
  const quoted = titleFragment === undefined ? new Set<string>() : quotedWords(text);
  const names = (word: string) => ruledOut !== undefined && ruledOut.size > 0 && [...mentionedTagStems(word)].some((key) => ruledOut.has(key));
  const namesGenre = (word: string) =>
    genres !== undefined && genres.size > 0 && (genres.has(stem(word)) || (!subjectWords.test(word) && [...mentionedTagStems(word)].some((key) => genres.has(key))));
  const kept: string[] = [];
  const clauses = text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/\bscience[- ]fiction\b/g, 'sci-fi')
    // Occasions say when and with whom, not what a film is about: "a girls night movie" had found Girls Town and Bad Girls.
    .replace(occasionPhrase, ' ')
    .replace(timePhrase, ' ')
    .replace(goneOff, ' not ')
    .split(/[.,;:!?()\n]+/);
  const spoken = clauses.filter((clause) => clause.trim() !== '').length;
  // An everyday word only part of a title, in a message that does not name the film ("my mom hates horror": Serial Mom), or
  // a title's word as the verb after "I" or "we" ("I promise I liked it": The Promise).
  const strayFragment = (words: readonly string[], index: number, word: string) =>
    (ordinaryWords.has(word) || /^(?:i|we)$/.test(words[index - 1] ?? '')) &&
    titleFragment?.(word) === true &&
    !quoted.has(word) &&
    !asSubject(words, index) &&
    named?.(word) !== true &&
    !(wholeTitle?.(word) === true && titleSlot(words, index, spoken));
  for (const clause of clauses) {
    if (aboutLife.test(clause) && !filmWords.test(clause) && !filmDemand.test(clause)) continue;
    // "Drama-ish", "horror-ish": the genre, loosely (the "-ish" had kept it from being read as the genre asked for); any
    // word loses it ("boy-ish" is searched as "boy").
    const words = searchWords(clause).map((word) => word.replace(/^(.+)-ish$/, '$1'));
    let negated = false;
    for (const [index, word] of words.entries()) {
      const pair = `${words[index - 1] ?? ''} ${word}`;
      if (clauseBreaks.has(word) || (word === 'and' && freshStart.has(words[index + 1] ?? ''))) negated = false;
      if (negationWords.has(word) || negationPairs.test(pair)) {
        negated = true;
        continue;
      }
      if (negated) continue;
      if (stopWords.has(word) || requestWords.has(word) || opinionWords.has(word) || referenceWords.has(word)) continue;
      if (word === 'top' && rankingWords.test(words[index + 1] ?? 'please')) continue;
      // Years and spans ("1990-95", "80s-90s") are the session's constraints; "horror-free", "non-violent" rule out what they name.
      if (/^'?\d[\d's-]*(?:st|nd|rd|th)?$/.test(word) || /-free$|-less$|^non-/.test(word) || names(word) || namesGenre(word)) continue;
      if (strayFragment(words, index, word)) continue;
      kept.push(word);
    }
  }
  return kept.join(' ');
}
