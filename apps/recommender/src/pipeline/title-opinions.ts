import type { Item } from '@personalab/core';
import { titleVariants } from '@personalab/datasets';
import { LooseTitleIndex, type MessageWord } from './loose-titles.js';
import { ordinaryWords } from './ordinary-words.js';

/** A catalogue title the user mentioned with an opinion of it. */
export interface TitleOpinion {
  item: Item;
  /** `neutral`: a lukewarm verdict ("Alien was ok", "Titanic was meh", "Fargo was fine I guess"), neither a liking nor a dislike. */
  polarity: 'like' | 'dislike' | 'neutral';
  /** The rating the statement stands for: 5 loved, 4 liked, 3 just ok, 2 disliked, 1 hated. */
  rating: number;
  /** The part of the message it was read from (a substring of the message). */
  clause: string;
  /**
   * Read from a request by example ("something like Alien" → like 4, "nothing like Titanic" → dislike 2),
   * not stated: weaker than an opinion the user gave of the title, which it should not replace.
   */
  byExample?: boolean | undefined;
  /**
   * Set on a title asked for by example when the message also gave the same opinion of it ("I loved Fargo! anything like
   * it?"): a liking said, not only an example.
   */
  stated?: true | undefined;
  /**
   * Set on a title asked for by example that the user gave no opinion of: one someone else watched ("my wife watched heat,
   * anything similar?"). Films like it are asked for; no rating of the user's is read (it had been noted as liked).
   */
  unrated?: true | undefined;
}

type Opinion = Omit<TitleOpinion, 'item' | 'clause'>;

/** An opinion word or phrase in a sentence; no opinion for wishes to watch ("I'd like to see"), which claim a title for none. */
interface Cue {
  start: number;
  end: number;
  opinion: Opinion | undefined;
  /**
   * Someone else's opinion ("my son loved Toy Story", "everyone loved Titanic") or one the user no longer
   * holds ("I used to love Star Wars"): no opinion of the user's, and "it" after it may still give one
   * ("… but I hated it").
   */
  reported?: boolean;
}

/** A title named in the message: its item and where it stands in the message. */
interface Mention {
  item: Item;
  start: number;
  end: number;
}

const like = (rating: number): Opinion => ({ polarity: 'like', rating });
const dislike = (rating: number): Opinion => ({ polarity: 'dislike', rating });
/** A lukewarm verdict: the middle of the 1-to-5 scale, which MovieLens users give films they found just ok. */
const lukewarm: Opinion = { polarity: 'neutral', rating: 3 };

/**
 * Opinion words, most specific first: a phrase claims its words, so "didn't like" is not also "like"
 * and "I'd like to see" is no liking at all. Read on the lower-cased message with titles blanked out,
 * so a title's own words ("Good Will Hunting", "Love Actually") are not opinions.
 */
const cuePatterns = (
  [
    // A hedge ("I wouldn't say I loved Titanic", "can't say Heat was great") states no opinion.
    [/\b(?:wouldn'?t|would not|can'?t|cannot|couldn'?t|won'?t)\s+(?:really\s+|exactly\s+|honestly\s+)?say\s+(?:that\s+)?(?:i\s+)?(?:(?:really|particularly|exactly|totally|ever)\s+)?(?:loved|liked|enjoyed|hated|adored|disliked|love|like|enjoy|hate)?/, undefined],
    // Wanting to watch a title ("I'd like to see Fargo", "never seen Heat") is not an opinion of it.
    [/(?:\bwould|'d|\bwant|\bwanna|\bgonna|\bplan(?:ning)?|\bgoing|\bhop(?:e|ing)|\bneed)\s+(?:(?:really|like|love)\s+)?(?:to\s+)?(?:see|watch|rewatch|check out|try)\b/, undefined],
    [/\b(?:haven'?t|have not|hasn'?t|never|not)\s+(?:yet\s+)?(?:seen|watched)\b|\bfeel(?:ing)? like\b|\bin the mood for\b/, undefined],
    // Taking up a film offered, unseen ("Titanic looks great", "Titanic could be great", "I like the sound of Titanic"): interest,
    // not a verdict on a film seen ("great" and "like" had stored a 4 and said "Noted: you like Titanic").
    [/\b(?:looks?|sounds?|seems?)\s+(?:(?:really|so|very|pretty|quite|just|absolutely|like it(?:'d| would| will| could) be)\s+)*(?:great|good|fun|amazing|awesome|brilliant|fantastic|excellent|interesting|promising|lovely|nice|cool|perfect|right up my street)\b|\b(?:could|might|may|should|would|will|'d|'ll)\s+(?:(?:really|definitely|probably|certainly|actually|totally)\s+)?be\s+(?:(?:really|so|very|pretty|quite)\s+)?(?:great|good|fun|amazing|awesome|brilliant|fantastic|excellent|interesting|lovely|nice|cool|perfect)\b|\b(?:like|love)\s+the\s+(?:sound|look)s?\s+of\b/, undefined],
    // A guess turning down a film, seen or not ("I don't think I'd like Jerry Maguire", "I doubt I'd enjoy Titanic", "not sure
    // I'd like Fargo", "Star Wars does not really grab me", "Hmm, Fargo, maybe not", "Fargo, hmm, not really."): a weak dislike, as
    // "not my thing" is ("like" had read a liking; "not really" had read nothing). "Not really" only where it ends its clause:
    // "not really sure" is no verdict, and "not really into Fargo" is read below.
    // Not a guess made before the film ("I didn't think I'd like Titanic, but I loved it"), nor praise by comparison ("I don't
    // think I would like anything more than Fargo", "not sure I'd like Heat as much as Fargo"): both had been read as turning
    // the films down (a title is blanked with "#").
    [/\b(?:(?:don'?t|do not)\s+think\s+(?:that\s+)?|doubt\s+(?:that\s+|if\s+)?|not\s+(?:so\s+|too\s+|really\s+|entirely\s+)?sure\s+(?:that\s+|if\s+|whether\s+)?)(?:i|we)(?:'d|'ll|\s+would|\s+will|\s+could)?\s+(?:(?:really|much|ever|actually)\s+)?(?:like|love|enjoy|be into|care for|get into)\b(?!\s+(?:[a-z'#]+\s+){0,2}(?:more|better|as much)\b)|\b(?:doesn'?t|does not|didn'?t|did not|never|won'?t|will not|isn'?t|is not)\s+(?:(?:really|quite|exactly|particularly|much|at all)\s+)?(?:grab(?:bed|bing)?|appeal(?:ed|ing)?\s+to|interest(?:ed|ing)?|excite[sd]?|(?:do(?:es)?|did)\s+(?:(?:it|much|anything)\s+)for)\s+(?:me|us)\b|\bmaybe not\b|\bnot really\b(?=\s*(?:[.!;]|$))/, dislike(2)],
    [/\b(?:not|never|don'?t|didn'?t|doesn'?t|wasn'?t|isn'?t|weren'?t|no)\s+(?:(?:really|even|particularly|much|that|so|too|especially|actually|exactly)\s+)?(?:like|liked|love|loved|enjoy|enjoyed|into|a fan|(?:a )?(?:big |huge )?fan)\b/, dislike(2)],
    [/\b(?:not|never|wasn'?t|isn'?t|weren'?t|aren'?t|hardly)\s+(?:(?:that|so|very|really|particularly|too|as|even|exactly|all that)\s+)?(?:good|great|fun|funny|amazing|awesome|brilliant|fantastic|the best|my favou?rite|worth (?:it|watching))\b/, dislike(2)],
    [/\b(?:not|wasn'?t|isn'?t|weren'?t|never)\s+(?:(?:that|so|too|at all)\s+)?(?:bad|boring)\b/, like(4)],
    // "I didn't hate Fargo" is faint praise at most: no opinion, and not "hate".
    [/\b(?:not|never|don'?t|didn'?t|doesn'?t|wasn'?t|isn'?t)\s+(?:(?:really|even|actually|exactly|totally|completely|entirely)\s+)?(?:hate|hated|dislike|disliked|mind|minded|loathe|loathed|detest|detested)\b/, undefined],
    [/\b(?:hate|hated|hating|loathe|loathed|detest|detested|can'?t stand|cannot stand|couldn'?t stand|awful|terrible|worst|horrible|dreadful|unwatchable)\b/, dislike(1)],
    // "Seven was too dark", "Heat is way too long": a complaint.
    [/\b(?:was|is|were|felt|seemed|got)\s+(?:(?:way|far|much|a bit|a little|just|kind of|kinda)\s+)?too\s+(?:dark|long|slow|violent|gory|sad|depressing|scary|silly|weird|much|boring|predictable|cheesy|loud)\b/, dislike(2)],
    // "Alien was ok", "Fargo was fine I guess", "Titanic was meh", "Toy Story was so-so": lukewarm, neither liked nor disliked
    // ("meh" had been a dislike). A verdict on a film seen, so in the past: "Fargo is fine" takes a suggestion; nor "was fine
    // for the kids" or "ok with me", which say whether it suits.
    [/\b(?:was|were|seemed|felt)\s+(?:(?:just|only|pretty|kind of|kinda|sort of|really|actually|honestly|quite|fairly|basically|all)\s+)*(?:ok|okay|alright|all right|fine|so-so|so so|average|passable|watchable|middling)\b(?!\s+(?:for|with|by|to)\b)|\b(?:meh|so-so|nothing special|middle of the road|hit or miss|hit and miss|mixed feelings)\b/, lukewarm],
    // "Aliens was better" (than the film before): a liking; "X was better than Y" says nothing of either on its own.
    [/\b(?:was|is|were)\s+(?:(?:much|way|far|a lot|even|so much)\s+)?better\b(?!\s+than\b)/, like(4)],
    // "Not for me", "it's not my thing", "wasn't my cup of tea", "does not sound like my kind of film": a dislike.
    [/\b(?:dislike|disliked|boring|bored|dull|bad|overrated|not (?:a )?(?:big )?fan|not into|disappointing|disappointed|mediocre|forgettable)\b|(?:\bnot|n't) (?:(?:really|just|quite|exactly)\s+)?(?:(?:sound|seem|look)s?\s+like\s+)?(?:for me|my (?:thing|cup of tea|(?:kind|type|sort) of (?:film|movie|thing)))\b/, dislike(2)],
    [/\b(?:love|loved|loving|adore|adored|favou?rites?|best|amazing|awesome|brilliant|masterpiece|fantastic|excellent|incredible)\b/, like(5)],
    // "Dumb and Dumber was hilarious": praise of a film seen (it had read no opinion).
    [/\b(?:like|liked|enjoy|enjoyed|great|good|fun|hilarious|into|fan of)\b/, like(4)],
  ] satisfies [RegExp, Opinion | undefined][]
).map(([pattern, opinion]): [RegExp, Opinion | undefined] => [new RegExp(pattern.source, 'g'), opinion]);

/** Asking for nothing like a title ("nothing like Titanic please", "no more films like Heat", "something not like Alien") turns it down. */
const againstExample =
  /\b(?:nothing|none|not (?:anything|something|more|another)|no (?:more\s+)?(?:movies?|films?|ones?|more)|(?:something|anything|movies?|films?|ones?)\s+(?:that'?s\s+|that is\s+)?not|(?:don'?t|do not|never)\s+(?:[\w']+\s+){0,3}?(?:anything|something|movies?|films?|more|others?))(?:\s+\w+)?\s+(?:like|such as|similar to|in the vein of|along the lines of)\s*$/;
/** Asking for items like a title ("something like Alien") names it as a seed, a liking in effect. */
/**
 * The words that open a request by example, right before its film: "something like", "similar to", "in the vein of", "a
 * mix of" (the intent classifier reads the same words: one list, so a reader and the classifier agree on "a fusion of").
 */
export const EXAMPLE_OPENER = String.raw`(?:(?:something|anything|stuff|movies?|films?|ones?|more|others?)(?:\s+\w+)?\s+(?:like|such as)|similar to|in the (?:vein|style|spirit|mou?ld) of|along the lines of|(?:mix|mixture|blend|cross|crossover|combination|combo|mash-?up|hybrid|fusion)\s+(?:of|between))`;
const byExample = new RegExp(
  String.raw`\b(?:${EXAMPLE_OPENER}|(?:if|since|as|because|given that)\s+(?:i|you|we)\s+(?:(?:really|all|also|both)\s+)?(?:liked|loved|enjoyed|like|love|enjoy)|^\s*(?:(?:ok(?:ay)?|so|fine|alright)[\s,]+)*(?:just|simply)\s+like)\s*(?:the\s+)?$`,
);
/** A title set beside another as a mix ("Alien meets Jaws", "Heat crossed with Fargo"): between two blanked titles. */
const meets = /^\s*(?:meets|crossed with|mixed with|x|\+|with a (?:bit|dash|touch) of)\s*$/;
/** What makes a title a kind when it follows it: "a Die Hard-style movie", "Alien-esque", "Fargo-type films". */
const KIND = String.raw`(?:style|type|esque|inspired|ish)\b`;
/** A title used as a kind: the words right after it. */
const asKind = new RegExp(String.raw`^\s*(?:[-–]\s*)?${KIND}`);
/**
 * A change asked of a title, after its "but": "funnier", "in the 80s", "for adults", "with better acting", "not so violent"
 * ("not for me", "not as good" are verdicts).
 */
const CHANGE = String.raw`(?:(?:a\s+)?(?:bit|little|lot|much|tad|slightly|way)\s+)?(?:(?:darker|funnier|scarier|lighter|older|newer|shorter|longer|better|grittier|sadder|happier|gentler|creepier|sillier|smarter|cheerier|sweeter|bloodier|weirder|stranger|more|less|for|in|from|with|without|set|made|starring)\b|not\s+(?:so|too|that|quite)\s+(?!(?:good|great|bad|fun|funny|interesting)\b)\w)`;
/**
 * What a message opening with a title may go on with to ask for films like it with a change: "Fargo but funnier", "The
 * Godfather but in the 80s", "Heat, but darker", "Clueless but for adults". Read after the "but" (the part after it).
 */
export const changeAfterBut = new RegExp(String.raw`^\s*${CHANGE}`);
/** What may come before a title that opens a request by example ("a", "something", "how about"). */
const openingWords = /^\s*(?:(?:a|an|the|something|anything|maybe|how about|what about|like|kind of|sort of|basically|ok|okay|so)\s+)*$/;

/**
 * A verdict that needs no title before it, said after "but" of the film just named: "Star Wars, but not for me", "Fargo
 * but it's not my thing", "Titanic, but it wasn't my cup of tea". Read as a dislike of that film, not as a request.
 */
const NOT_FOR_ME = String.raw`(?:(?:(?:it|that)(?:'s|\s+is|\s+was)\s+)?(?:(?:just|really|simply)\s+)?not|(?:it|that)\s+(?:wasn'?t|isn'?t))\s+(?:(?:really|just|quite|exactly)\s+)?(?:for me|my (?:thing|cup of tea|kind of (?:film|movie)))\b`;
/** A part that is only such a verdict ("not for me"): it speaks of the title before it, as "it" does. */
// "Fargo? Not really." too, as "Fargo, not really." is (the eighteenth pass): the "?" had left the title unread.
const verdictOnly = new RegExp(String.raw`^\s*(?:${NOT_FOR_ME}|(?:hmm+[,.]?\s+)?(?:maybe not|not really))[\s.!]*$`, 'i');
/** What a message opening with a title may go on with as a verdict on it: ", but not for me", " but it's not my thing". */
// `\s*,\s+|\s+` is `\s*,?\s+` without its two ways of splitting one run of spaces (quadratic on a long run).
const verdictAfterBut = new RegExp(String.raw`^[!?.]*(?:\s*,\s+|\s+)but\s+${NOT_FOR_ME}`, 'i');
/**
 * The same verdict said right after a title that opens the message: "Fargo is not my thing", "Fargo isn't for me", "Fargo?
 * Not my thing", "Fargo, hmm, not really." (the title had not been read: a capitalised first word counts only with an opinion
 * after it).
 */
const verdictAfterTitle = new RegExp(
  String.raw`^[!?.,:]*\s*(?:[-–—]+\s*)?(?:(?:hmm+[,.]?\s+)?(?:maybe not|not really)\b(?=\s*(?:[.!;]|$))|(?:(?:is|was|'s)\s+)?${NOT_FOR_ME}|(?:(?:just|really|simply)\s+)?(?:isn'?t|wasn'?t|is not|was not)\s+(?:(?:really|just|quite|exactly)\s+)?(?:for me|my (?:thing|cup of tea|kind of (?:film|movie)))\b)`,
  'i',
);

/**
 * Where a sentence divides into parts that can each hold an opinion: commas and semicolons, lists
 * ("and", "or") and contrasts ("but", "while", "whereas"). "I loved Alien, Fargo was boring" and "I
 * loved Heat and hated Fargo" are two opinions each.
 */
// Each match starts where a run of spaces starts (`(?<!\s)`): tried inside a long run, each alternative had rescanned the
// rest of the run (quadratic). Every match ends past the spaces after it, so no later match starts inside a run.
const separator = /(?:(?<!\s)\s+)?[,;:]\s*(?:(?:and|or|but|while|whereas|though|although|yet)\s+)?|(?<!\s)\s+[-–—]+\s+|(?<!\s)\s+(?:and|or|nor|plus|then|but|while|whereas|although|though|yet|however)\s+/g;
const contrast = /\b(?:but|while|whereas|although|though|yet|however)\b/;
const list = /^\s*(?:and|or|nor|plus)\s*$/;

/** Words that leave a part a bare list entry ("and Heat", "both Alien and Aliens", "the original Star Wars too"). */
const filler = new Set(
  'the a an and or nor also too as well plus both even especially particularly maybe probably of course so really very much more original first one ones movie movies film films version i guess think mean oh yeah yes then again all two three obviously definitely certainly sure though actually absolutely not but please pls'.split(
    ' ',
  ),
);
/** Questions in a question sentence: a part that opens like one, or is about "you" ("so you loved Alien?"). */
const questionOpening = /^\s*(?:(?:and|but|so|also|or|then)\s+)?(?:have|has|had|did|do|does|is|are|was|were|can|could|would|will|should|shall|what|which|who|whose|why|how|where|when|any|ever|seen)\b/;
/** A question asking for films like the one just told of: "anything similar?", "anything like it?", "any more like that?". */
export const SIMILAR_ASKED = String.raw`(?:(?:and|so|ok(?:ay)?|got|have you got|do you have)\s+)*(?:(?:any|anything|something|more|others?|films?|movies?)\s+)+(?:similar|like (?:it|that|this|them|those))\b`;
const similarAsked = new RegExp(String.raw`^\s*${SIMILAR_ASKED}`);
/** A sequel's number after a title ("Speed 2", "Alien III"), not a count or a score ("Heat 2 times", "Fargo 4 out of 5", "4/5"). */
const sequelNumber = /^:?\s+(?:[2-4]|II|III|IV)(?![\w/.])(?!\s*(?:times?|x\b|hours?|hrs?|stars?|out of|of\b|\/))/;

/** The message lower-cased character by character (positions in it are positions in the message), its titles blanked out, so their words and punctuation ("E.T.", "Airplane!") neither split sentences nor read as opinions. */
function blanked(message: string, mentions: readonly Mention[]): string {
  let text = message
    .replace(/[’‘]/g, "'")
    .split('')
    .map((character) => (character.toLowerCase().length === 1 ? character.toLowerCase() : character))
    .join('');
  for (const mention of mentions) text = text.slice(0, mention.start) + '#'.repeat(mention.end - mention.start) + text.slice(mention.end);
  return text;
}

/** The user saying they have seen something: "I've (already) seen", "we watched", "already saw", a sentence opening "Seen …". */
const watchedCue =
  /\b(?:i|we)(?:'ve|'d| have| had)?\s+(?:(?:already|just|also|both|all|recently|finally|actually)\s+)*(?:seen|watched|saw|rewatched)\b|\b(?:already|just)\s+(?:seen|watched|saw)\b|^\s*(?:(?:already|just)\s+)?(?:seen|watched|saw)\b/;
/** Not seen, doubted, or only wished for: "haven't seen", "never watched", "I don't think I've seen", "I want to see", "I'd like to watch". */
const unwatched = /\b(?:haven'?t|have not|hasn'?t|has not|never|not|didn'?t|did not)\s+(?:(?:yet|even|ever|actually)\s+)*(?:seen|watched|saw|see|watch)\b|\b(?:(?:don'?t|do not)\s+think|doubt|not\s+sure)\s+(?:that\s+|if\s+|whether\s+)?(?:i|we)(?:'ve|\s+have)\s+(?:ever\s+)?(?:seen|watched)\b|(?:\bwant|\bwanna|\bwould like|'d like|\bgoing|\bgonna|\bplan(?:ning)?|\bhop(?:e|ing)|\bneed)\s+(?:to\s+)?(?:see|watch)\b/;

/** A past viewing or verdict just before a title ("I loved Shawshank", "we watched the Shawshank"), not a standing love ("I love Christmas"). */
const SEEN_OR_JUDGED = String.raw`(?:loved|liked|hated|enjoyed|adored|disliked|watched|rewatched|saw|seen|(?:didn't|did not)\s+(?:really\s+)?(?:like|enjoy|love))`;
const seenOrJudged = new RegExp(String.raw`\b${SEEN_OR_JUDGED}\s+(?:(?:really|absolutely|totally|just|also|so|again)\s+)*$`, 'i');
/** A request by example right before a title: "anything like", "something similar to". */
const exampleBefore = new RegExp(String.raw`\b${EXAMPLE_OPENER}\s+$`, 'i');
/** How far before a title its verb or example opener is looked for (a window: read from the message's start, a long message had been read once per word). */
const CUE_WINDOW = 80;
/** What may follow a title that ends its phrase: the clause's end, "and", "please", "so much", "yesterday" ("I loved heat waves" names no film). */
const phraseEnd =
  /^\s*(?:$|[,.;:!?)]|[-–—]|(?:and|but|so|too|though|or|please|tonight|instead|for|a lot|so much|very much|yesterday|last|again|as well|when|because|lol|haha|i (?:guess|think)|the other day|recently|years? ago|as a kid|back then|even|more|on (?:tv|dvd|video|cable|netflix|the plane)|at (?:home|the cinema|the movies)|in (?:the )?(?:cinema|theaters?|theatres?))\b)/i;

/**
 * A one-word title written in lower case where a film stands: the object of a past verdict or viewing ("I loved heat", "I
 * really liked babe", "we watched fargo") or of a request by example ("anything like shawshank?"), ending its phrase, and
 * no everyday word (`ordinaryWords`: "I loved mother", "we watched football" name none). A verb in the present states a
 * standing taste of the thing ("I love speed", "I like heat"), and a film no more than a capitalised word would.
 */
function filmWordAt(message: string, start: number, end: number, word: string, isTitle?: (words: string) => boolean): boolean {
  if (ordinaryWords.has(word)) return false;
  const before = message.slice(Math.max(0, start - CUE_WINDOW), start);
  const after = message.slice(end, end + CUE_WINDOW);
  const opensExamples = start === before.length && (before.trim() === '' || listedAfterTitle(before, isTitle, titleListedFirst)) && similarAfterList.test(after);
  return (seenOrJudged.test(before) || exampleBefore.test(before) || listedAfterTitle(before, isTitle) || opensExamples) && phraseEnd.test(after) && !everydayPair(after, isTitle);
}
/** "And humidity" ending its clause: the last word of a pair of everyday nouns, as in "I didn't like heat and humidity". */
const pairedWord = /^\s+(?:and|or|&)\s+([a-z][a-z'-]*)\s*(?:$|[,.;:!?)])/;
/** Words that end a clause after a title without being a second noun: "I loved heat and all", "saw fargo and more". */
const pairEnders = new Set(['it', 'them', 'that', 'this', 'those', 'these', 'all', 'both', 'more', 'everything', 'stuff', 'so', 'too', 'again']);
/**
 * Whether a one-word title written in lower case is the first of a pair of everyday nouns ("I didn't like heat and
 * humidity" had rated Heat): "and" and one more word end the clause, a word that is no title ("heat and fargo" is two
 * films), no verb in the past ("I watched heat and cried") and no word that only rounds the clause off ("and all").
 */
function everydayPair(after: string, isTitle: ((words: string) => boolean) | undefined): boolean {
  const word = pairedWord.exec(after)?.[1];
  return word !== undefined && !pairEnders.has(word) && !/ed$/.test(word) && isTitle?.(word) !== true;
}
/** The rest of a list of titles, then a question for films like them: ", anything similar?" after "heat and fargo" opening a message. */
const similarAfterList = new RegExp(String.raw`^(?:\s*(?:,|and|&)\s*[a-z0-9'.:-]+)*\s*[,.:;!-]*\s*${SIMILAR_ASKED}`);

/** Titles of a list before its joiner ("casablanca and ", "fargo, babe, "), the words before the last joiner captured. */
const LISTED = String.raw`([a-z0-9' ,-]+?)(?:\s*,\s*|(?:\s*,)?\s+(?:and|or)\s+)$`;
/**
 * A title of a list after a past verdict or viewing: "I liked casablanca and heat", "we saw fargo, babe". The text before
 * first (`[\s\S]*`): the list follows the last verdict ("I hated the ending, but I liked heat and fargo" had read from "hated").
 */
const titleListed = new RegExp(String.raw`^[\s\S]*\b${SEEN_OR_JUDGED}\s+(?:(?:really|absolutely|totally|just|also|so|both)\s+)*${LISTED}`, 'i');
/** The same list opening the message ("heat and fargo, anything similar?"), read where a question for films like them follows. */
const titleListedFirst = new RegExp(String.raw`^\s*${LISTED}`, 'i');

/** Whether the words between a verdict and a list's joiner are a catalogue title ("casablanca" in "I liked casablanca and heat": heat had not been read). */
function listedAfterTitle(before: string, isTitle: ((words: string) => boolean) | undefined, pattern = titleListed): boolean {
  const listed = isTitle === undefined ? null : pattern.exec(before);
  const titles = (listed?.[1] ?? '').toLowerCase().split(/\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+/);
  return listed !== null && titles.every((title) => isTitle?.(title.trim()) === true);
}
/** Seeing a film: "it" after it is the film ("I saw Heat yesterday and loved it"), not a place ("I hiked to Georgia, it was amazing"). */
const watched = /\b(?:saw|seen|see|watch\w*|rewatch\w*|movies?|films?|flicks?|cinema|theat(?:er|re)s?)\b/;
/** Someone else's viewing: "my wife watched", "he saw", "our son has seen" (not "I" or "we"). */
const otherViewing = /\b(?:(?:my|our|his|her|their)\s+[a-z]+|he|she|they)\s+(?:(?:just|already|also|finally|recently)\s+)*(?:watched|saw|rewatched|(?:has|had|'s)\s+seen)\b/;
/** A part that refers back to a title named just before ("I saw Heat yesterday and loved it"). */
const pronoun = /\b(?:it|them|both|those|these|that one|this one|that|this)\b/;

/** The message's words lower-cased and single-spaced, as catalogue titles are, with where each character came from. */
function normalizeWithOffsets(text: string): { normal: string; starts: number[]; ends: number[] } {
  // Characters gathered in an array and joined once: `endsWith` on a string grown by `+=` flattened it on every character,
  // time quadratic in the message (9.5 ms at 40,000 characters, 0.68 s at 160,000; 3.1 ms and 18 ms so).
  const characters: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  // Nothing yet, or a space last: no space is added.
  let spaced = true;
  for (let index = 0; index < text.length; index++) {
    for (const character of (text[index] ?? '').toLowerCase()) {
      if (/[a-z0-9]/.test(character)) {
        characters.push(character);
        starts.push(index);
        ends.push(index + 1);
        spaced = false;
      } else if (!spaced) {
        characters.push(' ');
        starts.push(index);
        ends.push(index);
        spaced = true;
      }
    }
  }
  if (spaced && characters.length > 0) {
    characters.pop();
    starts.pop();
    ends.pop();
  }
  return { normal: characters.join(''), starts, ends };
}

/**
 * The ways a title is written besides its catalogue form (`titleVariants`): its alternative title in
 * parentheses ("Seven (Se7en)" → "se7en", "Independence Day (ID4)" → "id4"), its punctuation joined
 * rather than spaced ("M*A*S*H" → "mash", "Schindler's List" → "schindlers list"), "&" as "and", and
 * a dotted initialism before an epithet ("E.T. the Extra-Terrestrial" → "e t").
 */
export function alternateTitleVariants(title: string): string[] {
  const plain = title.replace(/\s*\(\d{4}\)\s*$/, '').trim();
  const main = plain.replace(/\s*\([^)]*\)\s*/g, ' ').trim();
  const forms: string[] = [];
  for (const [, alternative] of plain.matchAll(/\(([^)]*)\)/g)) if (alternative !== undefined && !/^\d+$/.test(alternative.trim())) forms.push(alternative);
  for (const form of [main, ...forms]) {
    forms.push(form.replace(/(?<=[A-Za-z0-9])[.'’*-](?=[A-Za-z0-9])/g, '').replace(/\.(?=\s|$)/g, ''));
    if (/\s&\s/.test(form)) forms.push(form.replace(/\s&\s/g, ' and '));
  }
  // "Godfather: Part III, The" is also written "Godfather III" ("Part" dropped before a sequel's number).
  for (const form of [...forms, main]) if (/\bPart\s+(?:[IVX]+|\d+)\b/.test(form)) forms.push(form.replace(/:?\s+Part\s+(?=[IVX]+\b|\d+\b)/, ' '));
  const initialism = /^((?:[A-Za-z]\.){2,})\s+the\s+\S+$/i.exec(main);
  if (initialism?.[1] !== undefined) forms.push(initialism[1]);
  const variants = forms.flatMap((form) => (form === initialism?.[1] ? [form.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()] : titleVariants(form)));
  const primary = new Set(titleVariants(title));
  return [...new Set(variants)].filter((variant) => variant.length >= 3 && !primary.has(variant));
}

/**
 * A title's "&" written "and" ("Dumb & Dumber" → "dumb and dumber"): read in lower case where a film stands, as a one-word
 * title is (as an alternative title it had needed capitals: "dumb and dumber was hilarious" had read no film).
 */
function ampersandSpelledOut(title: string): string[] {
  return respelledVariants(title, /\s&\s/g, ' and ');
}

/**
 * A title's "and" written "&" ("Sense and Sensibility" → "sense & sensibility", normalised "sense sensibility"): read only
 * where the message writes an "&" ("sense & sensibility, anything similar?" had read no film).
 */
function ampersandWritten(title: string): string[] {
  return respelledVariants(title, /\sand\s/gi, ' & ').filter((variant) => variant.includes(' '));
}

/** The variants (`titleVariants`) of a title with `joiner` written `as` that the title's own variants lack; none if it has no `joiner`. */
function respelledVariants(title: string, joiner: RegExp, as: string): string[] {
  const respelled = title.replace(joiner, as);
  if (respelled === title) return [];
  const primary = new Set(titleVariants(title));
  return titleVariants(respelled).filter((variant) => !primary.has(variant));
}

/**
 * One written form of a title; `ampersand`: `spelled`, its "&" written "and" (`ampersandSpelledOut`), or `written`, its
 * "and" written "&" (`ampersandWritten`).
 */
interface TitleEntry {
  item: Item;
  variant: string;
  alternate: boolean;
  ampersand?: 'spelled' | 'written';
}

/**
 * Reads which catalogue titles a chat message names with an opinion ("I loved Alien", "Twister
 * was boring", "something like Fargo"). Titles of two or more words match in any case; a one-word
 * title only when quoted, or written capitalised (as the message's first word only when an opinion
 * of it follows, "Twister was boring"; never inside a longer name: "North Carolina"), or mixing
 * letters and digits ("se7en"), so that "heat", "speed" or "go" in ordinary words are not read as films. Longer titles win over titles inside them.
 * Alternative titles ("Se7en", "E.T.") and punctuation variants ("MASH", "Batman and Robin") count
 * when written as titles.
 *
 * Each opinion word is given to the nearest title in its part of the sentence (parts divide at
 * commas, "and", "but", "while", …), so "I loved Alien, Fargo was boring" likes Alien and dislikes
 * Fargo. A part that is only a title ("I loved Alien and Heat", "Alien and Heat were boring") shares
 * its neighbour's opinion; "it" takes the opinion back to the title before ("I saw Heat and loved
 * it"). Titles without an opinion, or in questions ("have you seen Alien?"), are not read. When a
 * message gives one title two opinions, the later one stands ("I hated Alien. No wait, I loved it").
 * Only the user's current opinions count: not someone else's ("my son loved Toy Story", "everyone
 * loved Titanic" — "except me" turns it round), not a former one ("I used to love Star Wars"), not a
 * hedge ("I wouldn't say I loved it", "I didn't hate it"); "it" after one may give the user's ("… but
 * I hated it"). Opinions read from a request by example ("something like Alien", "nothing like
 * Titanic") are marked `byExample`. A lukewarm verdict ("Alien was ok", "Titanic was meh", "I didn't love Heat but it was
 * fine") is `neutral`, rated 3.
 */
export class TitleOpinionReader {
  private readonly items = new Map<string, Item>();
  /** Every written form of every title, longest first; catalogue forms before alternative ones of the same length. */
  private readonly entries: TitleEntry[] = [];
  /** The items written the same way ("sabrina": Sabrina (1954) and Sabrina (1995)), for a year written after the title to choose. */
  private readonly byVariant = new Map<string, Item[]>();

  constructor(items: Iterable<Item>) {
    for (const item of items) this.items.set(item.id, item);
    const entries: TitleEntry[] = [];
    for (const item of this.items.values()) {
      const spelled = new Set(ampersandSpelledOut(item.title));
      for (const variant of titleVariants(item.title)) entries.push({ item, variant, alternate: false });
      for (const variant of spelled) entries.push({ item, variant, alternate: false, ampersand: 'spelled' });
      for (const variant of ampersandWritten(item.title)) entries.push({ item, variant, alternate: false, ampersand: 'written' });
      for (const variant of alternateTitleVariants(item.title)) if (!spelled.has(variant)) entries.push({ item, variant, alternate: true });
    }
    // At equal length "the shawshank redemption" goes before "shawshank redemption the", which would take the "The" of a title after it.
    const movedArticle = (variant: string) => Number(/ (?:the|a|an)$/.test(variant));
    entries.sort((left, right) => right.variant.length - left.variant.length || Number(left.alternate) - Number(right.alternate) || movedArticle(left.variant) - movedArticle(right.variant));
    this.entries = entries;
    for (const { item, variant } of entries) this.byVariant.set(variant, [...(this.byVariant.get(variant) ?? []), item]);
  }

  /** Misspelled and shortened titles, for the words no exact title takes; built on first need. */
  private looseIndex: LooseTitleIndex | undefined;

  /**
   * The catalogue titles a message names (exactly, or misspelled or shortened as `mentions` reads them), in order.
   * `aboutFilms`: the message is known to speak of a film ("why …?", "tell me about …"), so one word of a title
   * ("Shawshank") counts without a verb of seeing or judging before it.
   */
  titles(message: string, options: { aboutFilms?: boolean } = {}): Item[] {
    return this.mentions(message, options.aboutFilms ?? false).map((mention) => mention.item);
  }

  /** Where the message names catalogue titles (as `titles` finds them), each with its film. */
  named(message: string): readonly { item: Item; start: number; end: number }[] {
    return this.mentions(message);
  }

  read(message: string): TitleOpinion[] {
    const mentions = this.mentions(message);
    if (mentions.length === 0) return [];
    const text = blanked(message, mentions);

    const opinions = new Map<string, TitleOpinion>();
    const give = (mention: Mention, opinion: Opinion, part: Part) => {
      // A later opinion of the same title in the message stands; the first mention keeps its place.
      const clause = message.slice(part.start, part.end).trim();
      const earlier = opinions.get(mention.item.id);
      // "I loved Fargo! anything like it?": the example keeps that the liking was said.
      const said = earlier !== undefined && opinion.byExample === true && (earlier.byExample !== true || earlier.stated === true) && earlier.polarity === opinion.polarity;
      if (earlier !== undefined) opinions.delete(mention.item.id);
      opinions.set(mention.item.id, { item: mention.item, ...opinion, ...(said ? { stated: true } : {}), clause });
    };
    // Titles no part gave an opinion to, waiting for "it" in the next part ("I saw Heat yesterday. Loved it!").
    let waiting: { mentions: Mention[]; part: Part } | undefined;
    for (const sentence of sentencesOf(text)) {
      const parts = partsOf(text, sentence, mentions);
      const question = text.slice(sentence.start, sentence.end).trim().endsWith('?');
      // In a question, only the parts before it count ("I loved Alien, anything like it?").
      const asked = question ? parts.findIndex((part) => questionOpening.test(part.text) || /\byou\b/.test(part.text)) : -1;
      const readable = asked < 0 ? parts : parts.slice(0, asked);
      for (const [index, part] of readable.entries()) {
        // "I saw Heat. Anything similar?": a sentence asking for films like the titles waiting, with no "it" (nothing had been
        // read); within a sentence the question after the titles is read below.
        const similarNext = index === 0 && part.mentions.length === 0 && similarAsked.test(part.text.toLowerCase());
        if (waiting !== undefined && part.mentions.length === 0 && ((part.cues.length > 0 && (pronoun.test(part.text) || verdictOnly.test(part.text))) || similarNext) && (waiting.part.bare || watched.test(waiting.part.text) || waiting.part.cues.some((cue) => cue.reported === true))) {
          // "… recommend something like it" asks by example.
          const example = againstExample.test(part.text.slice(0, part.text.search(pronoun)).trimEnd())
            ? { ...dislike(2), byExample: true }
            : similarNext || byExample.test(part.text.slice(0, part.text.search(pronoun)).trimEnd())
              ? { ...like(4), byExample: true, ...(otherViewing.test(waiting.part.text) || waiting.part.cues.some((cue) => cue.reported === true) ? { unrated: true as const } : {}) }
              : undefined;
          const opinion = example ?? part.cues[0]?.opinion;
          if (opinion) for (const mention of waiting.mentions) give(mention, opinion, waiting.part);
          // "My wife watched heat and hated it. Anything like it?": someone else's verdict gives the user's none, and the titles
          // wait on for a question by example in the next sentence (nothing had been read).
          else if (part.cues.every((cue) => cue.reported === true)) continue;
        }
        waiting = undefined;
        if (part.mentions.length === 0) continue;
        const pending: Mention[] = [];
        for (const mention of part.mentions) {
          const opinion = exampleOpinion(text, readable, index, mention, sentence) ?? (part.cues.length > 0 ? ownOpinion(text, part, mention) : sharedOpinion(readable, index));
          if (opinion === 'none') continue;
          if (opinion) give(mention, softened(opinion, readable[index + 1]), part);
          else pending.push(mention);
        }
        if (pending.length > 0) waiting = { mentions: pending, part };
      }
      // "Kramer vs. Kramer, anything like it?", "I watched heat last night, anything similar?": the title told before a question
      // asking for films like it is the example (the question had reset it, and nothing was read).
      // Only a title told without an opinion: "I loved Casablanca, anything like it?" is read as before; and one seen
      // ("I haven't seen heat, anything similar?" had been noted as liked).
      const asking = question ? parts.findIndex((part, index) => index > 0 && part.mentions.length === 0 && similarAsked.test(part.text)) : -1;
      // Each title of a list told so ("heat and fargo, anything similar?" had read only Fargo), read by its first part.
      let first = asking - 1;
      // "My wife watched heat and loved it, anything similar?": a part that only refers back to the title told before it
      // (someone else's liking, which gives the user's none) leaves that title the example (Heat had been listed).
      if (first > 0 && parts[first]?.mentions.length === 0 && pronoun.test(parts[first]?.text ?? '') && (parts[first - 1]?.mentions.length ?? 0) > 0) first--;
      // Joined by "and" or by commas ("heat, fargo and babe, anything similar?" had read only Fargo and Babe).
      while (first > 0 && parts[first]?.bare === true && (parts[first]?.joined === 'list' || parts[first]?.joined === 'comma') && (parts[first - 1]?.mentions.length ?? 0) > 0) first--;
      const told = asking > 0 ? parts[first] : undefined;
      if (told !== undefined && (told.bare || watched.test(told.text)) && !unwatched.test(told.text)) {
        // "My wife watched heat": an example, no liking of the user's.
        const theirs = otherViewing.test(told.text) ? { unrated: true as const } : {};
        for (const part of parts.slice(first, asking)) for (const mention of part.mentions) if (!opinions.has(mention.item.id)) give(mention, { ...like(4), byExample: true, ...theirs }, part);
      }
      if (asked >= 0) {
        waiting = undefined;
        // A question asking for more like a title ("do you have anything like Heat?") still names it as a seed; one about the title ("is it anything like Heat?") does not.
        for (const [index, part] of parts.entries()) {
          if (index < asked || /^\s*(?:(?:and|but|so)\s+)?(?:is|are|was|were)\b/.test(part.text)) continue;
          for (const mention of part.mentions) {
            const example = exampleOpinion(text, parts, index, mention, sentence);
            if (example !== undefined) give(mention, example, part);
          }
        }
      }
    }
    return [...opinions.values()];
  }

  /**
   * The titles the user says they have seen ("I've already seen Aliens", "we saw Fargo last week", "seen it already:
   * Heat"), outside questions ("have you seen Heat?"), negations ("never seen Heat") and wishes ("I want to see Heat"),
   * and not someone else's viewing ("my son saw Toy Story"). An opinion given as well is `read`'s.
   */
  watched(message: string): Item[] {
    const mentions = this.mentions(message);
    if (mentions.length === 0) return [];
    const text = blanked(message, mentions);
    const seen: Item[] = [];
    for (const sentence of sentencesOf(text)) {
      const body = text.slice(sentence.start, sentence.end);
      if (body.trim().endsWith('?') || !watchedCue.test(body) || unwatched.test(body)) continue;
      for (const mention of mentions) if (mention.start >= sentence.start && mention.end <= sentence.end && !seen.includes(mention.item)) seen.push(mention.item);
    }
    return seen;
  }

  /** The last message's mentions: a chat turn reads its message for opinions and for viewings (`read`, `watched`). */
  private lastMentions: { message: string; aboutFilms: boolean; mentions: readonly Mention[] } | undefined;

  /** Every title named in the message, each place it is named, longest titles first and none inside another. */
  private mentions(message: string, aboutFilms = false): readonly Mention[] {
    const last = this.lastMentions;
    if (last !== undefined && last.message === message && last.aboutFilms === aboutFilms) return last.mentions;
    const mentions = this.findMentions(message, aboutFilms);
    this.lastMentions = { message, aboutFilms, mentions };
    return mentions;
  }

  private findMentions(message: string, aboutFilms: boolean): Mention[] {
    const { normal, starts, ends } = normalizeWithOffsets(message);
    let haystack = ` ${normal} `;
    const mentions: Mention[] = [];
    const isTitle = (words: string) => this.byVariant.has(words.replace(/^the\s+/, '')) || this.byVariant.has(words);
    for (const { item, variant, alternate, ampersand } of this.entries) {
      for (let position = haystack.indexOf(` ${variant} `); position >= 0; position = haystack.indexOf(` ${variant} `, position + 1)) {
        const start = starts[position] ?? 0;
        const end = ends[position + variant.length - 1] ?? start;
        // "Sense sensibility" is a title only where the message wrote its "&" (`ampersandWritten`).
        if (ampersand === 'written' && !message.slice(start, end).includes('&')) continue;
        // "Speed 2" is a sequel, not Speed: a number after a title that ends in none names another film (read loosely below).
        if (!/\d$/.test(variant) && sequelNumber.test(message.slice(end))) continue;
        // A one-word title mixing letters and digits ("se7en", "id4") is no ordinary word.
        const distinctive = /[a-z]/.test(variant) && /\d/.test(variant);
        // "Sabrina (1954)", "Sabrina 1954", "heat 1995": a year written after a title names the film of that year (of several
        // that share the title, "Sabrina (1954)" had named Sabrina (1995)); a title followed by its own year is meant as one.
        const written = /^[!?.]*\s*(?:\(((?:18|19|20)\d\d)\)|((?:18|19|20)\d\d)(?![\w/-]|[.,:]\d))/.exec(message.slice(end, end + CUE_WINDOW));
        const year = written?.[1] ?? written?.[2];
        const dated = year === undefined ? undefined : this.byVariant.get(variant)?.find((other) => other.year === Number(year));
        if (!distinctive && dated === undefined) {
          if (!variant.includes(' ') && !writtenAsTitle(message, start, end) && !filmWordAt(message, start, end, variant, isTitle)) continue;
          // Alternative forms ("the killer" of "Die xue shuang xiong (Killer, The)") only as written titles.
          if (alternate && !writtenAsTitle(message, start, end, true)) continue;
          // "In and out", "heaven and earth": an "&" spelled out is everyday words unless written as a title or where a film
          // stands ("I loved going in and out of the shops" had rated In & Out).
          if (ampersand === 'spelled' && !writtenAsTitle(message, start, end, true) && !filmWordAt(message, start, end, variant, isTitle) && !opensWithVerdict(message, start, end)) continue;
        }
        // "My family", "my crazy life" in lower case are the user's own ("I love my family" had liked My Family).
        // Written as a title: quoted, or its second word capitalised ("My Family", not "My family and I").
        const titled = opensQuote(message.slice(0, start)) || /^\S+\s+\p{Lu}/u.test(message.slice(start, end));
        if (possessivePhrase(variant) && !titled && !filmWordAt(message, start, end, variant, isTitle)) continue;
        // A title's own closing punctuation ("Mars Attacks! was awful", "When Harry Met Sally... and") ends no sentence when the sentence goes on in lower case.
        const closing = /^[!?.]+(?=\s*[a-z,])/.exec(message.slice(end));
        if (written !== null && dated !== undefined) {
          mentions.push({ item: dated, start, end: end + written[0].length });
          haystack = haystack.slice(0, position + 1) + ' '.repeat(variant.length) + haystack.slice(position + 1 + variant.length);
          continue;
        }
        mentions.push({ item, start, end: end + (closing !== null && /[!?.]$/.test(item.title.replace(/\s*\(\d{4}\)\s*$/, '')) ? closing[0].length : 0) });
        haystack = haystack.slice(0, position + 1) + ' '.repeat(variant.length) + haystack.slice(position + 1 + variant.length);
      }
    }
    // Then titles named loosely in the words left: "the godfater", "Shawshank" (a one-word or shortened one only written as a title).
    const words: MessageWord[] = Array.from(haystack.matchAll(/[a-z0-9]+/g), (match) => ({ text: match[0], at: match.index - 1 }));
    if (words.length === 0) return mentions.sort((left, right) => left.start - right.start);
    this.looseIndex ??= new LooseTitleIndex(this.entries);
    const startOf = (index: number) => starts[words[index]?.at ?? 0] ?? 0;
    const endOf = (index: number) => {
      const word = words[index];
      return word === undefined ? 0 : (ends[word.at + word.text.length - 1] ?? 0);
    };
    const loose = this.looseIndex.find(words, (match) => {
      if (match.kind === 'misspelled' && match.last > match.first) return true;
      // "Anything like shawshank?": one word of a title in lower case where a film stands.
      if (match.kind === 'shortened' && match.oneWord && filmWordAt(message, startOf(match.first), endOf(match.last), words[match.titleWord]?.text ?? '')) return true;
      if (!writtenAsTitle(message, startOf(match.titleWord), endOf(match.last))) return false;
      // One word of a title ("Shawshank") only as the thing seen or judged: "I loved Christmas" is no film.
      return !match.oneWord || aboutFilms || seenOrJudged.test(message.slice(0, startOf(match.first)));
    });
    for (const match of loose) mentions.push({ item: match.item, start: startOf(match.first), end: endOf(match.last) });
    return mentions.sort((left, right) => left.start - right.start);
  }
}

/**
 * A title of everyday words led by "my", "his", "our"…: "my family", "my favorite year", "his girl friday", "my best friend's
 * wedding" (not "my fair lady": "fair" is no everyday word). In lower case it is read only where a film stands: people say
 * "my family" of their family.
 */
function possessivePhrase(variant: string): boolean {
  const words = variant.split(' ');
  return /^(?:my|your|his|her|our|their)$/.test(words[0] ?? '') && words.every((word) => ordinaryWords.has(word));
}

/** Words at `start` opening the message with an opinion of them or a request by example after: "Twister was boring", "Fargo? Loved it". */
function opensWithVerdict(message: string, start: number, end: number): boolean {
  const after = message.slice(end);
  return message.slice(0, start).trim() === '' && (opinionPredicate.test(after) || exampleAfterFirst.test(after) || verdictAfterBut.test(after) || verdictAfterTitle.test(after));
}

/** Whether the text before a title ends by opening a quote: `"`, `“`, `‘`, or `'` after a space. */
const opensQuote = (before: string) => /["“‘]$|(?:^|\s)'$/.test(before);

/**
 * A title at `start` written as one: quoted, or capitalised, not as the message's first word (unless
 * `anywhere`, or an opinion of it follows: "Twister was boring", "Titanic, but not for me"), and not inside a longer name
 * ("North Carolina", "The Hating Game", "Beach Boys").
 */
function writtenAsTitle(message: string, start: number, end: number, anywhere = false): boolean {
  const before = message.slice(0, start);
  if (opensQuote(before)) return true;
  const first = message.charAt(start);
  // "fargo was great": a lower-case first word is a title when a verdict in the past follows (one seen; "fargo is great" may be
  // the town) and it is no everyday word ("work was boring").
  if (first === first.toLowerCase()) return !anywhere && /^\s+was\b/i.test(message.slice(end)) && !ordinaryWords.has(message.slice(start, end).toLowerCase()) && opensWithVerdict(message, start, end);
  // The message's first word is a title when an opinion of it follows ("Twister was boring", "Fargo? Loved it").
  if (!anywhere && before.trim() === '' && !opensWithVerdict(message, start, end)) return false;
  const next = /^\s+([A-Za-z][\w']*)/.exec(message.slice(end))?.[1];
  const previous = wordBeforeSpaces(before);
  const previousOpensSentence = previous !== undefined && /(?:^|[.!?:"“(]\s*)$/.test(before.slice(0, previous.index));
  const capitalised = (word: string | undefined) => word !== undefined && /^[A-Z]/.test(word) && !/^I(?:'|$)/.test(word);
  return !capitalised(next) && (previousOpensSentence || !capitalised(previous?.word));
}

/**
 * What `/([A-Za-z][\w']*)\s+$/.exec(text)` finds, read from the end: the word (from its first letter) that the spaces ending
 * `text` follow. The pattern, tried from every letter, had read each long word to its end again (quadratic).
 */
function wordBeforeSpaces(text: string): { word: string; index: number } | undefined {
  // `trimEnd` strips what `\s` matches: WhiteSpace and LineTerminator.
  const trimmed = text.trimEnd();
  if (trimmed.length === text.length) return undefined;
  let start = trimmed.length;
  while (start > 0 && /[\w']/.test(trimmed.charAt(start - 1))) start--;
  while (start < trimmed.length && !/[A-Za-z]/.test(trimmed.charAt(start))) start++;
  return start === trimmed.length ? undefined : { word: trimmed.slice(start), index: start };
}

/**
 * A message opening with a title asks for films like it when a mix or a change follows: "Alien meets Jaws", "Fargo but
 * funnier", "Heat, but darker", "Die-Hard-style": its capitalised first word is then a title.
 */
// `,\s+but` after `^\s*`, and `\s+but` alone: `\s*,?\s+` had split a long run of spaces every way (quadratic).
// "Casablanca, anything like it?", "Sabrina 1954, anything similar?": a question for films like it follows (`similarAsked`).
// "Heat and Fargo, anything similar?": the rest of a list of one-word titles before that question (spaces around "and", so
// that a run of "andand…" splits one way).
const exampleAfterFirst = new RegExp(
  String.raw`^(?:\s*(?:[-–]\s*${KIND}|(?:meets|crossed with|mixed with)\s+\S|,\s+but\s+${CHANGE})|\s+but\s+${CHANGE}|(?:(?:\s*,\s*|\s+(?:and|&)\s+)[a-z0-9'.:-]+)*(?:\s+(?:18|19|20)\d\d)?\s*[,:;.!?-]\s*${SIMILAR_ASKED})`,
  'i',
);

/**
 * An opinion said of the word just before: "was boring", "is not bad", "was a masterpiece", "was ok I guess", "? Loved it",
 * "- hated it", "rocks", "doesn't really appeal to me", "does not sound like my kind of film", ending its clause ("Heat is awful today" is the weather). A capitalised first word
 * of a message followed by one is read as a title.
 */
const opinionPredicate = new RegExp(
  String.raw`^\s*(?:[?!:.,]+\s*|[-–—]+\s*)?(?:(?:was|is|were|'s|has been|had been|remains)\s+(?:(?:so|really|very|pretty|quite|just|absolutely|totally|truly|such|a|an|not|kind of|too|the|my|all-time|one of the|most|seriously|honestly|incredibly|super|rather|bit|little|that)\s+)*(?:great|good|amazing|awesome|brilliant|fantastic|excellent|incredible|fun|funny|boring|dull|bad|terrible|awful|horrible|dreadful|overrated|underrated|mediocre|disappointing|meh|masterpiece|classic|favou?rite|best|worst|decent|solid|superb|perfect|wonderful|hilarious|stupid|slow|tedious|forgettable|unwatchable|ok|okay|alright|all right|fine|so-so|average|better)\b|(?:bored me|rocks|rocked|sucks|sucked|ruled|blew me away)\b|(?:doesn'?t|does not|didn'?t|did not|never)\s+(?:(?:really|quite|exactly|particularly|much)\s+)?(?:(?:grab(?:bed)?|appeal(?:ed)?\s+to|interest(?:ed)?|excite[sd]?)\s+(?:me|us)|(?:sound|seem|look)\s+like\s+my\s+(?:kind|type|sort)\s+of\s+(?:film|movie|thing))\b|(?:i\s+)?(?:(?:really|absolutely|totally|just)\s+)?(?:loved|liked|hated|enjoyed|adored|disliked|love|like|hate|enjoy)\s+(?:it|that one|this one)\b)(?=\s*(?:$|[,.;:!?)]|[-–—]|(?:and|but|though|too|imo|honestly|tbh|lol|haha|i (?:guess|suppose|think))\b))`,
  'i',
);

interface Part {
  start: number;
  end: number;
  /** The part's text, lower case, titles blanked. */
  text: string;
  /** The separator before it: `list` ("and", "or"), `contrast` ("but", "while"), `comma`, or none at the sentence's start. */
  joined: 'list' | 'contrast' | 'comma' | 'start';
  mentions: Mention[];
  cues: Cue[];
  /** Nothing but titles and filler words ("and Heat", "both Alien and Aliens"). */
  bare: boolean;
  /** Opens with "not" ("I loved Alien, not Aliens"). */
  negated: boolean;
}

function sentencesOf(text: string): { start: number; end: number }[] {
  const sentences: { start: number; end: number }[] = [];
  let start = 0;
  // "I loved Airplane! and Alien": an "!" before "and" or "or" goes on (a title the catalogue lacks had ended the sentence, and Alien with it).
  for (const match of text.matchAll(/(?<=[.?;])\s+|(?<=!)\s+(?!\s|(?:and|or)\b)|\n+/g)) {
    sentences.push({ start, end: match.index });
    start = match.index + match[0].length;
  }
  sentences.push({ start, end: text.length });
  return sentences.filter((sentence) => text.slice(sentence.start, sentence.end).trim() !== '');
}

function partsOf(text: string, sentence: { start: number; end: number }, mentions: readonly Mention[]): Part[] {
  const parts: Part[] = [];
  const body = text.slice(sentence.start, sentence.end);
  const subjects = new SentenceSubjects(text, sentence);
  let start = 0;
  let joined: Part['joined'] = 'start';
  const close = (end: number, next: Part['joined']) => {
    const from = sentence.start + start;
    const to = sentence.start + end;
    const partText = text.slice(from, to);
    const inside = mentions.filter((mention) => mention.start >= from && mention.end <= to);
    const words = partText.replace(/#+/g, ' ').match(/[a-z']+/g) ?? [];
    parts.push({
      start: from,
      end: to,
      text: partText,
      joined,
      mentions: inside,
      cues: cuesOf(text, from, to, subjects),
      bare: words.every((word) => filler.has(word)),
      negated: /^\s*(?:but\s+)?not\b/.test(partText),
    });
    joined = next;
  };
  for (const match of body.matchAll(separator)) {
    if (match.index === 0) {
      start = match[0].length;
      continue;
    }
    close(match.index, contrast.test(match[0]) ? 'contrast' : list.test(match[0]) ? 'list' : 'comma');
    start = match.index + match[0].length;
  }
  close(body.length, 'start');
  return parts;
}

/** Words that may stand between a subject and its verb: "I really loved", "we kind of liked". */
const ADVERB_WORDS = ['really', 'absolutely', 'totally', 'all', 'also', 'just', 'both', 'always', 'truly', 'actually', 'still', 'honestly', 'kind of', 'kinda', 'seriously', 'definitely', 'so', 'simply'];
const ADVERBS = String.raw`(?:(?:${ADVERB_WORDS.join('|')})\s+)*`;
/** Up to six words and "and" between a subject and its verb: "my wife saw it and loved it". */
const CONJOINED = String.raw`(?:(?:[\w'#*-]+\s+){1,6}?(?:and|then)\s+${ADVERBS})?$`;
// The patterns ending in `$` are searched from `SentenceSubjects`' window start (`lastIndex`), hence `g`.
/** The user as the subject of an opinion verb: "I loved", "we really enjoyed", "I saw it and loved". */
const selfSubject = new RegExp(String.raw`\b(?:i|we)\s+${ADVERBS}${CONJOINED}`, 'g');
/** Someone else as the subject: "my son loved", "she hated", "everyone loved", "my wife saw it and loved"; not "with my wife" (an object) nor "me and my wife". */
const otherSubject = new RegExp(
  String.raw`(?:\b(?:he|she|they|everyone|everybody|people|critics|nobody|no one|you)|(?<!\b(?:with|to|for|at|from|by|of|about|like|than|me and)\s+)\b(?:my|our|his|her|their|your)(?:\s+[\w'-]+){1,2}?)\s+${ADVERBS}${CONJOINED}`,
  'g',
);
/** Someone else's words or view: "my wife said Titanic was boring", "he thinks Heat is great". */
const reportedSpeech = new RegExp(
  String.raw`\b(?:he|she|they|everyone|everybody|people|critics|(?:my|our|his|her|their)\s+[\w'-]+)\s+${ADVERBS}(?:thinks?|thought|says?|said|finds?|found|feels?|felt|told me|reckons?)\b`,
  'g',
);
const reportedSpeechAt = new RegExp(reportedSpeech.source, 'y');
/** An opinion the user once held: "I used to love Star Wars". */
const formerly = new RegExp(String.raw`\bused to\s+${ADVERBS}$`, 'g');
/** The user named: "i", "we" (in "I'm", "we've" too). */
const userWord = /\b(?:i|we)\b/g;
const userWordAt = new RegExp(userWord.source, 'y');
/** The user set against everyone else's opinion: "everyone loved Titanic except me". */
const exceptMe = /\b(?:except|but|apart from|other than|besides|save)\s+(?:for\s+)?me\b|\bnot me\b|\bexcept myself\b/;
/** Opinion words that are verbs, with or without a negation: someone's opinion, whose subject decides whose it is. */
const opinionVerb = /^(?:(?:not|never|don'?t|didn'?t|doesn'?t)\s+(?:[a-z]+\s+)?)?(?:lov|lik|hat|enjoy|ador|dislik|loath|detest|can'?t stand|cannot stand|couldn'?t stand)/;

/** The opinion words of the part from `start` to `end`, each read for whose opinion it is (the sentence gives the subject). */
function cuesOf(text: string, start: number, end: number, subjects: SentenceSubjects): Cue[] {
  // The cues kept so far, in order and apart: a match overlapping one of them is the earlier pattern's (checking each match
  // against every cue kept took time quadratic in the number of opinion words).
  let cues: Cue[] = [];
  const partText = text.slice(start, end);
  for (const [pattern, opinion] of cuePatterns) {
    const starts = cues.map((cue) => cue.start);
    const added: Cue[] = [];
    for (const match of partText.matchAll(pattern)) {
      const from = start + match.index;
      const to = from + match[0].length;
      // The last kept cue starting before this match ends is the only one that can reach into it.
      const before = cues[countBelow(starts, to) - 1];
      if (before && from < before.end) continue;
      added.push({ start: from, end: to, ...subjects.whose(from, match[0], opinion) });
    }
    if (added.length > 0) cues = mergedByStart(cues, added);
  }
  return cues;
}

/** Two lists of cues, each in order of start, merged into one in that order. */
function mergedByStart(left: readonly Cue[], right: readonly Cue[]): Cue[] {
  const merged: Cue[] = [];
  let [l, r] = [0, 0];
  while (l < left.length || r < right.length) {
    const [a, b] = [left[l], right[r]];
    if (a && (!b || a.start <= b.start)) {
      merged.push(a);
      l++;
    } else if (b) {
      merged.push(b);
      r++;
    }
  }
  return merged;
}

/** Adverbs' words: a subject pattern's match holds any number of them, and at most ten other words. */
const ADVERB_WORD_SET = new Set(ADVERB_WORDS.flatMap((words) => words.split(' ')));
/** How many words other than adverbs a cue looks back over for its subject: more than any subject pattern's match holds. */
const SUBJECT_WORDS = 12;

/** How many of the ascending `values` are below `limit`. */
function countBelow(values: readonly number[], limit: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((values[middle] as number) < limit) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Whose opinion each cue of one sentence gives, read from the sentence before the cue. Each cue's patterns run over the
 * words near it, not the whole sentence before it (which took time quadratic in its length: "I loved Fargo. " + "i like "
 * × 1,500 took 0.14 s); what they find is what they found on the whole.
 */
class SentenceSubjects {
  /** The sentence's text; positions below are positions in it. */
  private readonly body: string;
  private readonly offset: number;
  /** Where each run of non-space characters starts and ends, and which of them are not adverbs' words. */
  private words: { starts: number[]; ends: number[]; bound: number[] } | undefined;
  private reported: { indices: number[]; ends: number[] } | undefined;
  private users: { indices: number[]; ends: number[] } | undefined;
  private againstEveryone: boolean | undefined;

  constructor(text: string, sentence: { start: number; end: number }) {
    this.body = text.slice(sentence.start, sentence.end);
    this.offset = sentence.start;
  }

  /** Whose opinion a cue at `at` (in the message) gives: the user's, someone else's (`reported`), or the user's against everyone else's ("everyone loved it except me"). */
  whose(at: number, words: string, opinion: Opinion | undefined): Pick<Cue, 'opinion' | 'reported'> {
    if (opinion === undefined) return { opinion };
    const end = at - this.offset;
    const before = this.body.slice(0, end);
    const verb = opinionVerb.test(words);
    if (verb && this.endingAt(formerly, before) >= 0) return { opinion: undefined, reported: true };
    // The nearer subject decides: "I loved Alien and my wife hated Heat", "my son loved it but I hated it".
    const selfAt = this.endingAt(selfSubject, before);
    const otherAt = verb ? this.endingAt(otherSubject, before) : -1;
    if (otherAt <= selfAt && this.reportedAt(before) <= this.userAt(before)) return { opinion };
    this.againstEveryone ??= exceptMe.test(this.body);
    if (this.againstEveryone) return { opinion: opinion.polarity === 'like' ? dislike(2) : like(4) };
    return { opinion: undefined, reported: true };
  }

  /** The runs of non-space characters, read on first need. */
  private wordsOf() {
    if (this.words === undefined) {
      const words: { starts: number[]; ends: number[]; bound: number[] } = { starts: [], ends: [], bound: [] };
      for (const match of this.body.matchAll(/\S+/g)) {
        if (!ADVERB_WORD_SET.has(match[0])) words.bound.push(words.starts.length);
        words.starts.push(match.index);
        words.ends.push(match.index + match[0].length);
      }
      this.words = words;
    }
    return this.words;
  }

  /**
   * Where the words before `end` that a cue at `end` looks back over begin: the start of the `SUBJECT_WORDS`th word back
   * that is not an adverb's. A match of `selfSubject`, `otherSubject` or `formerly` ending at `end` starts after it (it
   * holds at most ten such words), and `reportedSpeech`, tried before it, reads nothing at or after `end` (it reads at most
   * into the second such word after its subject), so finds there what it finds in the whole sentence.
   */
  private windowStart(end: number): number {
    const words = this.wordsOf();
    const bound = countBelow(words.bound, countBelow(words.ends, end + 1));
    return bound < SUBJECT_WORDS ? 0 : (words.starts[words.bound[bound - SUBJECT_WORDS] as number] as number);
  }

  /** Where the first match of `pattern` (which ends at `$`, after a space) in `before` starts; -1 for none. */
  private endingAt(pattern: RegExp, before: string): number {
    // The last character alone: `/\s$/` on `before` tries every position of it, for each cue.
    if (!/\s/.test(before.charAt(before.length - 1))) return -1;
    pattern.lastIndex = this.windowStart(before.length);
    return pattern.exec(before)?.index ?? -1;
  }

  /** Where the last of `reportedSpeech`'s matches in `before` (found left to right, as `matchAll` finds them) starts; -1 for none. */
  private reportedAt(before: string): number {
    const end = before.length;
    const reported = (this.reported ??= matchesOf(this.body, reportedSpeech));
    // Up to the window, the matches found in the whole sentence.
    const from = this.windowStart(end);
    const earlier = countBelow(reported.indices, from);
    let found = earlier > 0 ? (reported.indices[earlier - 1] as number) : -1;
    // None starts in a word that `before` ends inside: a subject needs a space after it.
    const words = this.wordsOf();
    const straddled = countBelow(words.ends, end + 1);
    const limit = Math.min(end, words.starts[straddled] ?? end);
    let position = Math.max(from, earlier > 0 ? (reported.ends[earlier - 1] as number) : 0);
    while (position < limit) {
      // A match starts at a word's first character (`\b` then a letter).
      if (!isWordCharacter(before, position) || isWordCharacter(before, position - 1)) {
        position++;
        continue;
      }
      reportedSpeechAt.lastIndex = position;
      const match = reportedSpeechAt.exec(before);
      if (match === null) position++;
      else {
        found = position;
        position += match[0].length;
      }
    }
    return found;
  }

  /** Where the last "i" or "we" in `before` starts; -1 for none. */
  private userAt(before: string): number {
    const end = before.length;
    const users = (this.users ??= matchesOf(this.body, userWord));
    const ended = countBelow(users.ends, end + 1);
    let found = ended > 0 ? (users.indices[ended - 1] as number) : -1;
    // One ending where `before` ends is a word there even when the sentence goes on in the same word ("in't").
    for (const start of [end - 2, end - 1]) {
      if (start < 0) continue;
      userWordAt.lastIndex = start;
      if (userWordAt.exec(before)?.[0].length === end - start) found = Math.max(found, start);
    }
    return found;
  }
}

/** Where each of `pattern`'s matches in `text` starts and ends. */
function matchesOf(text: string, pattern: RegExp): { indices: number[]; ends: number[] } {
  const indices: number[] = [];
  const ends: number[] = [];
  for (const match of text.matchAll(pattern)) {
    indices.push(match.index);
    ends.push(match.index + match[0].length);
  }
  return { indices, ends };
}

/** Whether `text` has a word character (`\w`) at `index`. */
function isWordCharacter(text: string, index: number): boolean {
  return index >= 0 && index < text.length && /\w/.test(text.charAt(index));
}

/**
 * A title asked for by example, whatever opinion words the part holds: "something like Alien", "similar to Se7en", "in
 * the vein of Casablanca", "a mix of Star Wars and Toy Story" (both), "Alien meets Jaws" (both), "a Die Hard-style movie",
 * "if I liked Titanic, what else…", "The Godfather but in the 80s"; "nothing like Titanic" turns it down. Undefined when
 * the title is not named as an example ("I hate movies like Alien" is a dislike: `ownOpinion` reads it).
 */
function exampleOpinion(text: string, parts: readonly Part[], index: number, mention: Mention, sentence: { start: number; end: number }): Opinion | undefined {
  const part = parts[index];
  if (part === undefined) return undefined;
  const asExample: Opinion = { ...like(4), byExample: true };
  const before = text.slice(part.start, mention.start).trimEnd();
  if (againstExample.test(before)) return { ...dislike(2), byExample: true };
  if (byExample.test(before)) {
    const against = part.cues.some((cue) => cue.end <= mention.start && cue.opinion?.polarity === 'dislike' && !byExample.test(text.slice(part.start, cue.end)));
    return against ? undefined : asExample;
  }
  if (asKind.test(text.slice(mention.end, part.end))) return asExample;
  // "Alien meets Jaws": a title set beside another.
  for (const other of part.mentions) {
    if (other === mention) continue;
    const between = other.end <= mention.start ? text.slice(other.end, mention.start) : text.slice(mention.end, other.start);
    if (meets.test(between)) return asExample;
  }
  // "A mix of Star Wars and Toy Story", "similar to Heat or Ronin": a bare part after one asking by example shares it.
  if (part.bare && (part.joined === 'list' || part.joined === 'comma')) {
    for (let at = index - 1; at >= 0; at--) {
      const earlier = parts[at] as Part;
      const first = earlier.mentions[0];
      if (first !== undefined && !earlier.bare) {
        const opening = text.slice(earlier.start, first.start).trimEnd();
        return byExample.test(opening) && !againstExample.test(opening) && earlier.cues.every((cue) => cue.opinion?.polarity !== 'dislike') ? asExample : undefined;
      }
      if (!earlier.bare || (earlier.joined !== 'list' && earlier.joined !== 'comma' && at > 0)) return undefined;
    }
  }
  // "The Godfather but in the 80s", "Fargo, but funnier": a title opening the sentence, then a change after "but".
  const next = parts[index + 1];
  if (
    part.mentions.length === 1 &&
    openingWords.test(text.slice(sentence.start, mention.start)) &&
    text.slice(mention.end, part.end).trim() === '' &&
    next !== undefined &&
    next.mentions.length === 0 &&
    /\bbut\b/.test(text.slice(part.end, next.start)) &&
    changeAfterBut.test(next.text) &&
    // A verdict after the "but" is no change: "Fargo, but in the end it was boring", "Scream, but for me it dragged".
    !/\b(?:it|that one|this one)\b/.test(next.text) &&
    next.cues.every((cue) => cue.opinion === undefined || /\b(?:less|more)\s+$/.test(text.slice(next.start, cue.start)))
  ) {
    return asExample;
  }
  return undefined;
}

/** The opinion a part's own words give a title in it: "something like X", else the nearest opinion word (before it on a tie). */
function ownOpinion(text: string, part: Part, mention: Mention): Opinion | undefined | 'none' {
  const before = text.slice(part.start, mention.start).trimEnd();
  // "Nothing like Titanic please" turns it down; it is no liking of it.
  if (againstExample.test(before)) return { ...dislike(2), byExample: true };
  if (byExample.test(before)) {
    // "I hate movies like Alien" is about Alien too.
    const against = part.cues.find((cue) => cue.end <= mention.start && cue.opinion?.polarity === 'dislike' && !byExample.test(text.slice(part.start, cue.end)));
    return against?.opinion ?? { ...like(4), byExample: true };
  }
  let nearest: Cue | undefined;
  let distance = Infinity;
  for (const cue of part.cues) {
    const gap = cue.end <= mention.start ? mention.start - cue.end : cue.start - mention.end + 0.5;
    if (gap < distance) {
      nearest = cue;
      distance = gap;
    }
  }
  // Someone else's opinion leaves the title waiting for the user's ("my son loved Toy Story but I hated it").
  if (nearest?.reported === true) return undefined;
  return nearest?.opinion ?? 'none';
}

/**
 * A mild verdict that the next part, turning on it ("but"), takes back toward the middle: "I didn't love Braveheart but it
 * was fine", "I liked Heat but it was nothing special" are lukewarm. Other opinions stand as given.
 */
function softened(opinion: Opinion, next: Part | undefined): Opinion {
  if (next === undefined || next.joined !== 'contrast' || next.mentions.length > 0 || !pronoun.test(next.text)) return opinion;
  const turn = next.cues.find((cue) => cue.opinion !== undefined)?.opinion;
  if (turn === undefined || opinion.byExample === true) return opinion;
  const mildDislike = opinion.polarity === 'dislike' && opinion.rating === 2 && turn.polarity !== 'dislike';
  const mildLike = opinion.polarity === 'like' && opinion.rating === 4 && turn.polarity === 'neutral';
  return mildDislike || mildLike ? lukewarm : opinion;
}

/** A part a list of titles passes through: bare, or a short name not in the catalogue ("I loved The Conjuring, The Exorcist and The Shining"). */
const listEntry = (part: Part) => part.bare || (part.mentions.length === 0 && (part.text.match(/[a-z']+/g) ?? []).length <= 4);

/**
 * The opinion a bare part ("and Heat") shares with its neighbours: the part before it with an
 * opinion ("I loved Alien and Heat"), or the part after ("Alien and Heat were boring") when only a
 * list joins them or nothing with an opinion comes before. "Not X" after a liking is a dislike.
 */
function sharedOpinion(parts: readonly Part[], index: number): Opinion | undefined | 'none' {
  const part = parts[index];
  if (part === undefined || !part.bare) return undefined;
  let previous: Part | undefined;
  let crossesContrast = false;
  for (let at = index; at > 0; at--) {
    const current = parts[at] as Part;
    if (current.joined === 'contrast') crossesContrast = true;
    const candidate = parts[at - 1] as Part;
    if (candidate.cues.length > 0) {
      previous = candidate;
      break;
    }
    if (!listEntry(candidate)) break;
  }
  const lastOpinion = (candidate: Part) => [...candidate.cues].reverse().find((cue) => cue.opinion !== undefined)?.opinion;
  if (part.negated) {
    const earlier = previous && lastOpinion(previous);
    return earlier?.polarity === 'like' ? dislike(2) : 'none';
  }
  let next: Part | undefined;
  let onlyList = true;
  for (let at = index + 1; at < parts.length; at++) {
    const candidate = parts[at] as Part;
    if (candidate.joined === 'contrast') break;
    if (candidate.joined !== 'list') onlyList = false;
    if (candidate.cues.length > 0) {
      next = candidate;
      break;
    }
    if (!listEntry(candidate)) break;
  }
  const nextFirst = next?.cues[0];
  // The predicate after the titles ("Heat and Fargo were boring") or about them ("Alien, loved it").
  const predicate = next !== undefined && nextFirst !== undefined && (next.mentions.length === 0 || (next.mentions[0]?.start ?? 0) < nextFirst.start);
  // "I've seen Heat and Fargo, loved Alien": an opinion the next part gives its own title is not the list's.
  if (next !== undefined && !predicate && next.mentions.length > 0 && previous === undefined) return undefined;
  if (next !== undefined && (previous === undefined || crossesContrast || (onlyList && predicate && part.joined !== 'list'))) {
    return nextFirst?.opinion ?? 'none';
  }
  if (previous === undefined || crossesContrast) return undefined;
  // "Something like Pulp Fiction and Reservoir Dogs": the list shares the request by example, not a liking of its own.
  const example = previous.mentions[0] === undefined ? '' : previous.text.slice(0, previous.mentions[0].start - previous.start).trimEnd();
  if ((part.joined === 'list' || part.joined === 'comma') && example !== '' && !againstExample.test(example) && byExample.test(example)) return { ...like(4), byExample: true };
  return lastOpinion(previous) ?? 'none';
}
