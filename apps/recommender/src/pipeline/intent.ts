import type { Item } from '@personalab/core';
import { spokenTitle } from '@personalab/datasets';
import { decadeOfWord, genresOf, noKidsSaid } from './constraints.js';
import { readComparison, readFilmQuestion, type FilmAspect } from './film-questions.js';
import { offTopicQuestion } from './off-topic.js';
import { correctGenreTypos, stem, tagStems } from './taste.js';
import type { Refinement } from './types.js';
import { EXAMPLE_OPENER, SIMILAR_ASKED } from './title-opinions.js';
import { unsupportedAsks, type UnsupportedAsk } from './unsupported-asks.js';
import { wordList } from './word-list.js';

export type Intent = 'recommend' | 'explain' | 'refine' | 'chitchat';

export interface ClassifiedTurn {
  intent: Intent;
  /** For `explain`: the item the user asks about, when it could be resolved. */
  target?: Item | undefined;
  /** For `refine` (and `recommend` with constraints): what to change. */
  refinement?: Refinement | undefined;
  /**
   * For `explain`: asked why it was suggested ("why Heat?"), about the item itself ("tell me more about Fargo", "is Alien
   * scary?"), or which of several films to watch ("Alien or Aliens?", "which of these is the best?").
   */
  question?: 'why' | 'about' | 'compare' | undefined;
  /**
   * For a question `about` a film that asks one thing of it (`film-questions.ts`): its story, cast, age, genre, feel ("scary"),
   * whether children can watch it, whether it is any good, its length; `genres` are the genre keys a yes-or-no question names
   * ("is Fargo a comedy?").
   */
  asked?: { aspect: FilmAspect; word?: string | undefined; genres?: string[] | undefined } | undefined;
  /** For `compare`: the films to choose between, and what they are compared by ("scary" for "scarier"), when not how good. */
  compared?: Item[] | undefined;
  comparedBy?: string | undefined;
  /**
   * Set when the offline reader cannot act on the message: `empty` when it has no words at all
   * ("   ", "👍", "?!"; classified as chit-chat), `language` when it is not in English ("recommande-moi
   * un film", "推荐一部电影"; classified as usual, so the reply can say it read only part of it).
   */
  unreadable?: 'empty' | 'language' | undefined;
  /** Set for a question about something other than films ("do you like pizza?", `offTopicQuestion`; classified as chit-chat). */
  offTopic?: boolean | undefined;
  /**
   * Set on a request only by default: a statement with no asking word, film word or taste ("My favorite food is pizza.",
   * "I like your hair."). Its list goes by the session, so its reply names no genre as if asked for again.
   */
  asksNothing?: true | undefined;
  /**
   * Set when the message asks for what the catalogue cannot tell (`unsupportedAsks`): running times ("under 90
   * minutes"), studios ("no Disney"), streaming services ("on Netflix"), cast or director ("with Tom Hanks"), language or
   * country ("a French film"), age ratings ("rated PG"), which no item carries, so the reply can say the list does not
   * answer that part.
   */
  unsupported?: readonly UnsupportedAsk[] | undefined;
  /**
   * The moods and occasions the message asks for ("date night", "a tearjerker"), by name, with the tag weights they
   * add (also inside `refinement.tagWeights`, with the message's explicit steering): what the session keeps as its mood.
   */
  mood?: { names: string[]; tagWeights: Record<string, number> } | undefined;
  /**
   * The message lets go of a mood: it asks for something else entirely ("something completely different", "change of
   * mood") or negates one by name (`negatedMoods`: "not so dark" after "something dark").
   */
  dropsMood?: boolean | undefined;
  negatedMoods?: string[] | undefined;
  /**
   * For `explain` without a `target`: the title the user asked about as they wrote it, when it names no catalogue film
   * ("tell me about The Matrix", "what about Avatar?", "why Inception?"), so the reply can say it is not in the catalogue.
   */
  unknownTitle?: string | undefined;
  /**
   * The user asks what the recommender knows of them ("what do you know about me?", "what have I told you I like?"):
   * classified as chit-chat, answered with what they said and rated rather than a list.
   */
  asksAboutSelf?: boolean | undefined;
  /**
   * For a request by example: the film it names as written when the catalogue does not have it ("something like The Matrix
   * but funnier"), so the reply can say it could not go by it.
   */
  unknownExample?: string | undefined;
  /**
   * Each film `unknownExample` names, and each the catalogue lacks that the message judges ("I loved The Matrix"): a liking of
   * one is no taste for its title's words ("you like inception and alien" had been noted).
   */
  unknownFilms?: readonly string[] | undefined;
}

/**
 * Asking what the recommender knows of the user: "what do you know about me?", "what have I told you I like?", "what are my tastes?".
 * No two `\s*` meet at its ends (`\s*[?.!]*\s*` had split a long run of spaces every way: 25 s for 4,000 spaces).
 */
const aboutSelf =
  /\bwhat (?:do|did) you (?:know|remember|have) (?:about|on|of) me\b|\bwhat (?:have|did) i (?:told|tell|said|say)(?: to)?(?: you)?(?: i (?:like|love|want|enjoy|hate))?(?:\s*(?:so far|before|earlier))?\s*(?:[?.!]+\s*)?$|\bwhat do you think i (?:like|want|enjoy)\b|\bwhat (?:are|is) my (?:tastes?|preferences|profile)\b|\bwhat do i (?:like|enjoy)\s*(?:[?.!]+\s*)?$|\bremind me what i (?:like|said|told you)\b|\bwhat you know about me\b/;

/** What `classifyTurn` reads a message against. */
export interface TurnContext {
  lastRecommended: readonly Item[];
  knownTags: ReadonlySet<string>;
  allItems: () => Iterable<Item>;
  /**
   * Titles a message about films names loosely ("why the godfater?", "tell me about Shawshank"), in order: asked
   * when no title is named exactly (the catalogue's `TitleOpinionReader.titles` with `aboutFilms`).
   */
  looseTitles?: ((message: string) => readonly Item[]) | undefined;
  /**
   * Where the message names catalogue titles exactly (`TitleOpinionReader.named`): a title's words ask for nothing ("Thirty-Two
   * Short Films About Glenn Gould" is no ask for short films).
   */
  namedTitles?: ((message: string) => readonly { start: number; end: number }[]) | undefined;
  /** The films the conversation is on (the one the last turn asked about): what "it" names in "is it scary?". */
  discussed?: readonly Item[] | undefined;
}

/**
 * Mood and occasion words and the tag stems they nudge (MovieLens genres, and the synthetic world's). These are soft
 * weights on the ranking, never filters: a mood says what a film feels like, not which genre it must be. The session
 * keeps the mood for its next turns until the user asks for something else (see `ClassifiedTurn.mood`). Each occasion
 * maps only where nearly everyone means the same genres; ambiguous ones ("girls night", "something for Christmas",
 * "with my wife", "thought-provoking") move nothing.
 */
const moods: {
  /** What the session keeps the mood as (`ClassifiedTurn.mood.names`). */
  name: string;
  /** How the reply names it once it moved the list: "for <heard>" ("Romantic picks for date night"). */
  heard: string;
  /** The kind of film it leans to, said only of a list where most films carry one of `tags` ("Romantic" picks). */
  lean?: { word: string; tags: readonly string[] };
  pattern: RegExp;
  weights: Record<string, number>;
  negatable?: boolean;
  /** Counts only in a message that asks for films (`asksForFilms`): "It's so suspenseful", "that's a sad story" describe a book. */
  onlyAsked?: boolean;
  /**
   * The genres the mood leans to when it changes films named as examples ("like Fargo but funnier": comedy), without its
   * spill-over onto others (funnier also lifts animation and children's films); none for a mood that only steers away.
   */
  core?: readonly string[];
  /**
   * Its pushes away hold against the examples' own genres too: "Aladdin but for grown-ups" is away from children's films,
   * where "Pulp Fiction but less violent" stays among crime films.
   */
  againstExamples?: boolean;
}[] = [
  {
    name: 'light',
    core: ['comed', 'comedy'],
    heard: 'something light',
    lean: { word: 'Feel-good', tags: ['comed', 'animation', 'children', 'musical'] },
    // "Cosy", "heartwarming", "wholesome", "a comfort movie": light films too.
    // "Something to cheer me up", "I need cheering up", "a pick-me-up", "to brighten my day": what a light film is for; so
    // is "something relaxing", or "a relaxing evening" ("I find gardening relaxing" is a pastime).
    pattern:
      /\b(light(er)?|fun(ny|nier)?|cheerful|happ(y|ier)|feel[- ]good|upbeat|uplifting|easy|cheer(?:ing)? (?:me|us) up|(?:need|needs|use|want) (?:some )?cheering up|pick[- ]me[- ]up|brighten (?:up )?(?:my|our|the) (?:day|mood|evening|night)|lift (?:my|our) (?:mood|spirits)|(?:something|anything) (?:relaxing|soothing|calming)|(?:relaxing|soothing|calming) (?:movie|film|flick|watch|one|evening|night|afternoon)s?)\b/,
    weights: { comed: 0.6, comedy: 0.6, animation: 0.4, children: 0.4, musical: 0.3, romance: 0.2, famil: 0.4, horror: -1, thriller: -0.7, war: -0.8, crime: -0.5, film: 0, noir: -0.5, drama: -0.3 },
    negatable: true,
  },
  {
    name: 'cosy',
    core: ['comed', 'comedy'],
    heard: 'something heartwarming',
    lean: { word: 'Feel-good', tags: ['comed', 'animation', 'children', 'musical'] },
    // "Cosy", "heartwarming", "wholesome", "a comfort movie": light films too ("lasagna is so comforting" is not).
    pattern: /\b(heart[- ]?warming|wholesome|cozy|cosy|comfort(?:ing)?)\b(?=\s+(?:movie|film|flick|watch|one|stuff|comed\w*|something)s?\b)|\bsomething (?:heart[- ]?warming|wholesome|cozy|cosy|comforting)\b/,
    weights: { comed: 0.6, comedy: 0.6, animation: 0.4, children: 0.4, musical: 0.3, romance: 0.2, famil: 0.4, horror: -1, thriller: -0.7, war: -0.8, crime: -0.5, noir: -0.5, drama: -0.3 },
    negatable: true,
    onlyAsked: true,
  },
  {
    name: 'gentle',
    heard: 'something not too violent',
    // "Not too violent", "nothing violent", "I don't want anything violent", "without much gore".
    pattern:
      /\b(?:less|no|not|without|non|nothing|don'?t want|do not want|avoid)[- ](?:(?:too|so|very|that|overly|anything|any|at all|much|a lot of|lots of|of the|with)\s+){0,3}(?:violent|violence|gore|gory|blood|bloody)\b|\bpeaceful\b|\bgentle\b/,
    weights: { action: -0.8, war: -1, crime: -0.8, horror: -1, thriller: -0.6, western: -0.4 },
  },
  {
    name: 'grown-up',
    heard: 'grown-ups',
    // "For adults", "for grown-ups", "something more mature", "no kids", "not for kids": no children's films (the catalogue
    // cannot tell a teen film from an adult one; "a relaxing evening alone, no kids" had led with Aladdin and Toy Story).
    pattern: new RegExp(
      String.raw`\bfor (?:adults|grown[- ]?ups)\b|\b(?:${noKidsSaid})\b|\b(?:more|something|anything) (?:grown[- ]?up|mature|adult)\b|\bgrown[- ]?up (?:version|ones?|movies?|films?)\b`,
    ),
    weights: { children: -1, famil: -1, animation: -0.6 },
    onlyAsked: true,
    againstExamples: true,
  },
  {
    name: 'dark',
    core: ['drama', 'crime', 'noir', 'thriller'],
    heard: 'something darker',
    lean: { word: 'Serious', tags: ['drama', 'thriller', 'crime', 'noir', 'war'] },
    pattern: /\b(dark(er)?|serious|heav(y|ier)|intense|gritty|deep(er)?)\b/,
    weights: { drama: 0.5, thriller: 0.4, crime: 0.4, noir: 0.4, war: 0.3, comed: -0.5, comedy: -0.5, children: -0.6, animation: -0.4, musical: -0.4 },
    negatable: true,
  },
  {
    name: 'scary',
    core: ['horror'],
    heard: 'a scare',
    lean: { word: 'Horror', tags: ['horror'] },
    pattern: /\b(scar(y|ier)|creepy|spooky|frightening)\b/,
    weights: { horror: 0.9, thriller: 0.5, comed: -0.3, comedy: -0.3, children: -0.6 },
    negatable: true,
  },
  {
    name: 'exciting',
    core: ['action', 'adventure'],
    heard: 'something exciting',
    lean: { word: 'Action', tags: ['action', 'adventure'] },
    pattern: /\b(exciting|thrilling|action[- ]packed|adrenaline)\b/,
    weights: { action: 0.7, adventure: 0.5, thriller: 0.4, documentary: -0.5 },
    negatable: true,
  },
  {
    name: 'date night',
    core: ['romance'],
    heard: 'date night',
    lean: { word: 'Romantic', tags: ['romance'] },
    // Date night and Valentine's: romance first, a romantic comedy next.
    pattern: /\b(date[- ]night|valentine'?s?(?: day)?|romantic (?:evening|night|weekend))\b/,
    weights: { romance: 0.6, comed: 0.2, comedy: 0.2 },
    negatable: true,
    onlyAsked: true,
  },
  {
    name: 'tearjerker',
    core: ['drama'],
    heard: 'a good cry',
    lean: { word: 'Drama', tags: ['drama'] },
    // A good cry: drama, often a love story.
    pattern: /\b(tear[- ]?jerkers?|sad (?:movie|film|flick|one)s?|something sad|(?:good|big) cry|(?:to )?cry (?:to|at|over)|make (?:me|us) cry|weepies?|emotional (?:movie|film|one)s?)\b/,
    weights: { drama: 0.6, romance: 0.3, comed: -0.3, comedy: -0.3 },
    negatable: true,
    onlyAsked: true,
  },
  {
    name: 'good laugh',
    core: ['comed', 'comedy'],
    heard: 'a good laugh',
    lean: { word: 'Comedy', tags: ['comed'] },
    // A good laugh, "I need a laugh": comedy.
    pattern: /\b((?:good|big|a few) laughs?|a laugh|make (?:me|us) laugh|laugh out loud|hilarious)\b/,
    weights: { comed: 0.7, comedy: 0.7 },
    negatable: true,
    onlyAsked: true,
  },
  {
    name: 'mind-bending',
    core: ['sci', 'thriller', 'myster', 'mystery'],
    heard: 'something mind-bending',
    // Mind-bending, twisty: sci-fi, thrillers and mysteries.
    pattern: /\b(mind[- ]?(?:bending|benders?|twisting|fuck\w*)|twisty|(?:plot|big|crazy) twists?|keeps? you guessing)\b/,
    weights: { sci: 0.4, thriller: 0.4, myster: 0.4, mystery: 0.4, children: -0.4 },
    negatable: true,
    onlyAsked: true,
  },
  {
    name: 'edge of seat',
    core: ['thriller'],
    heard: 'the edge of your seat',
    lean: { word: 'Thriller', tags: ['thriller'] },
    // Edge of the seat, nail-biting: thrillers ("suspense" is the constraints' word for the genre).
    pattern: /\b(edge of (?:my|your|our|the) seats?|nail[- ]?bit(?:ing|er)s?)\b/,
    weights: { thriller: 0.7, action: 0.3 },
    negatable: true,
    onlyAsked: true,
  },
  {
    name: 'halloween',
    core: ['horror'],
    heard: 'Halloween',
    lean: { word: 'Horror', tags: ['horror'] },
    pattern: /\b(halloween|spooky season)\b/,
    weights: { horror: 0.6, thriller: 0.3 },
    negatable: true,
    onlyAsked: true,
  },
];
/** Each mood's pattern with the global flag, for `matchAll` (compiled once; it had been compiled per mood per turn). */
const everyMention = new Map(moods.map((entry) => [entry, new RegExp(entry.pattern.source, 'g')]));

/**
 * A clause that tells what happened rather than asks ("I had a scary dream last night", "it was a feel-good day at
 * the beach", "date night went well last week"): its mood words move nothing. A clause with an asking word still asks
 * ("I had a rough week, something light please" reads "something light please" as its own clause anyway).
 */
const narration = /\b(?:had|was|were|went|got|did|saw|watched|yesterday|last (?:night|week|weekend|month|year|time)|ago|once|used to)\b/;
const asking = /\b(?:want|wanna|need|something|anything|recommend\w*|suggest\w*|please|looking for|mood for|in the mood|feel like|fancy|up for|tonight|how about|what about|give me|show me|find me|any)\b|\?/;
/**
 * An answer that only goes along with the last list ("sure", "go on", "next", "I am."): it asks for more of the session's
 * request, so it is no statement that asks nothing (`asksNothing`; "Here are more:" had lost the genre after comedies).
 */
const goesAlong =
  /^\s*(?:(?:yes|yeah|yep|yup|sure|ok|okay|alright|fine|great|cool|nice|go on|go ahead|carry on|continue|next|keep going|sounds good|why not|of course|definitely|absolutely|i am|i'm|i am in|i'm in|let's go)\b[\s,.!]*)+$/;
/** Everyday things a mood word may describe instead of a film ("a scary dream", "a fun day", "a cozy cabin"). */
const notFilm =
  /^\s*(?:day|days|dream|dreams|nightmare|week|weekend|experience|moment|trip|life|weather|news|guy|guys|girl|person|people|man|woman|dog|cat|job|boss|place|house|home|cabin|room|food|meal|dinner|song|songs|music|book|books|game|games|party|face|kid|teacher|neighbou?r|sweater|blanket)\b/;

/**
 * A message that asks for films, for the occasion moods: asking words, five words or fewer ("a tearjerker", "halloween
 * movie night!"), or the mood naming a film ("a sad movie", "a cozy movie for a rainy sunday").
 */
function asksForFilms(text: string, found: { index: number; 0: string }): boolean {
  if (asking.test(text) || (text.match(/[\p{L}\p{N}'-]+/gu) ?? []).length <= 5) return true;
  return /^\s*(?:movie|film|flick|comed\w*|one)s?\b/.test(text.slice(found.index + found[0].length)) || /\b(?:movie|film|flick)s?\b/.test(found[0]);
}

/**
 * A mood word said of a person, not of a film: "I'm serious", "are you serious?", "I'm so happy for you", "we're easy", "my
 * brother is serious about films" (the last had got darker picks).
 */
const saidOfPerson =
  /\b(?:i'?m|i am|we'?re|we are|you'?re|you are|are you|am i|he'?s|he is|she'?s|she is|they'?re|they are|(?:my|our|your|his|her|their)\s+(?:brother|sister|wife|husband|partner|friends?|kids?|children|son|daughter|mom|mum|dad|mother|father|parents|family|boyfriend|girlfriend|boss)\s+(?:is|are|was|were))\s+(?:(?:so|very|really|pretty|dead|just|quite|not|too|always|being|a bit|kind of)\s+)*$/;
/** "Fun" of a pastime, not of a film: "what do you do for fun?", "have fun", "make fun of". */
const funOfPastime = /\b(?:for|have|having|had|has|make|making|made)\s+$/;
/**
 * "A lot of fun" of a thing ("it's a lot of fun"), unless its clause names the film asked for as the fun one ("I want a movie
 * that's a lot of fun": the fourteenth pass had read no mood there).
 */
const funAmount = /\b(?:much|lots of|a lot of|bit of)\s+$/;
const namesFilm = /\b(?:movie|film|flick|something|anything|one)s?\b/;
/**
 * A mood word that tells what a thing is or seems ("that sounds like fun", "it's easy to make", "cooking is easy and fun"):
 * a remark, not an ask, unless its clause asks or names films ("I want something that's fun", "I like the ones that are
 * really scary"). Each had got feel-good picks. Said of the mood itself it is one ("my mood is light").
 */
const describedAs = /(?:(?<!\b(?:mood|vibe)\s+)\b(?:is|are)|(?<!\b(?:mood|vibe))'s|\b(?:sounds?|seems?|looks?))\s+(?:like\s+)?(?:(?:a|an|so|really|very|such|pretty|quite|too|super|just|also|always)\s+)*(?:[a-z]+\s+(?:and|&)\s+)?$/;
/**
 * More films asked for beside thanks ("yes thanks, one more", "that's great thanks, more?"): still a request. A genre named
 * beside thanks ("any horror? thanks!") is read as one later, from the message's constraints.
 */
const moreBesideThanks = /\b(?:more|another)\b/;
/** How far before a mood word `saidOfPerson` and `funOfPastime` look. */
const MOOD_LOOK_BACK = 40;

/**
 * Whether the mood word found at `index` describes the film asked for: not in a clause that tells of life, nor before an
 * everyday thing, nor said of a person or a pastime ("No, I'm serious!" and "it's a lot of fun" had been answered with
 * darker and feel-good picks).
 */
function moodCounts(text: string, index: number, length: number): boolean {
  const start = Math.max(text.lastIndexOf(',', index), text.lastIndexOf('.', index), text.lastIndexOf(';', index), text.lastIndexOf('!', index)) + 1;
  const endAt = text.slice(index + length).search(/[,.;!]/);
  const clause = text.slice(start, endAt < 0 ? undefined : index + length + endAt);
  if (narration.test(clause) && !asking.test(clause)) return false;
  const before = text.slice(Math.max(0, index - MOOD_LOOK_BACK), index);
  const fun = text.startsWith('fun', index) && length === 3;
  if (saidOfPerson.test(before) || (fun && (funOfPastime.test(before) || (funAmount.test(before) && !namesFilm.test(clause))))) return false;
  if (describedAs.test(before) && !asking.test(clause) && !namesFilm.test(clause)) return false;
  return !notFilm.test(text.slice(index + length));
}

// Bare number words are left out: "the second one" must not read as "one".
const ordinals: Record<string, number> = { first: 0, '1st': 0, second: 1, '2nd': 1, third: 2, '3rd': 2, fourth: 3, '4th': 3, fifth: 4, '5th': 4, last: -1 };

/** Words a time phrase ends with ("last summer", "the first time", "last Friday", "the last few weeks"). */
const TIME_WORDS = String.raw`(?:time|night|week|weekend|month|year|session|visit|day|chat|summer|winter|spring|autumn|fall|christmas|easter|halloween|thanksgiving|holiday|vacation|season|semester|term|decade|century|morning|evening|afternoon|hour|minute|date|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?`;
/**
 * Each place word of a list ("the second one", "why the last?") as a pattern that skips time phrases: "last summer", "last
 * year", "the first time", "the last few weeks", "last minute", "at last", "at first", "first of all", "a second" are a when
 * (or a manner of speaking), not a place in the list.
 */
const placeWords: [RegExp, number][] = Object.entries(ordinals).map(([word, index]) => [
  new RegExp(String.raw`\b${word}\b(?<!\bat\s{1,3}${word}|\ba\s{1,3}${word})(?!\s+${TIME_WORDS}\b|\s+(?:few|couple(?:\s+of)?|\d+|two|three|four|five|six|ten)\s+${TIME_WORDS}\b|\s+of\s+all\b|\s+but\s+not\s+least\b)`),
  index,
]);

/** A time phrase in a title search's words ("last friday", "this christmas", "on sunday"), which names no film. */
const timePhrase = new RegExp(String.raw`(?<= )(?:last|this|next|every|on|since|until|by) ${TIME_WORDS}(?= )`, 'g');

const timePhraseWritten = new RegExp(String.raw`\b(?:last|this|next|every|on|since|until|by)\s+${TIME_WORDS}\b`, 'gi');
/** The message with its time phrases blanked ("last Friday", "on Halloween"), for a loose title search: they name no film. */
const untimed = (message: string) => message.replace(timePhraseWritten, (phrase) => ' '.repeat(phrase.length));

/**
 * A mood word negated ("nothing scary", "not too dark", "scary-free", "don't try to cheer me up"), which moves nothing toward
 * it ("don't try to cheer me up, I want a sad drama" had asked for light films).
 */
function negatedAt(text: string, index: number, length: number): boolean {
  return /\b(?:no|not|nothing|without|never|less|non|isn'?t|wasn'?t|(?:don'?t|do not)(?: (?:want|need|try))?(?: to)?|no need to)[- ](?:(?:too|so|very|that|overly|anything|any|at all)\s+)*$/.test(text.slice(0, index)) || /^(?:[- ]?free\b|-less\b)/.test(text.slice(index + length));
}

/** "more comedy", "no horror", "less action", "without romance", "anything but horror", "horror-free": explicit tag steering. */
function tagSteering(text: string, knownTags: ReadonlySet<string>): Record<string, number> {
  const weights: Record<string, number> = {};
  const pattern = /\b((?:anything|everything|all|nothing)\s+but|more|no|less|fewer|without|not|hate|avoid|skip|only|but)\s+(?:any\s+|too\s+much\s+|so\s+much\s+)?([a-z']+(?:-[a-z]+)?)/g;
  for (const match of text.matchAll(pattern)) {
    const tag = stem(match[2] ?? '');
    if (!knownTags.has(tag)) continue;
    const word = match[1] ?? '';
    // "Nothing but comedies" asks for them; "anything but horror" rules horror out; a bare "but comedy" asks.
    weights[tag] = word === 'more' || word === 'only' || word === 'but' || /^nothing\s+but$/.test(word) ? 0.8 : -1;
  }
  for (const match of text.matchAll(/\b([a-z]+)[- ]free\b/g)) {
    const tag = stem(match[1] ?? '');
    if (knownTags.has(tag)) weights[tag] = -1;
  }
  // "in the mood for crime movies", "I feel like a western", "how about some sci-fi": a nudge (0.3), not
  // the 0.8 of "more X". Simulated MovieLens users, whose stated mood is one of their liked genres while
  // their targets span all of them, found a target within 5 turns 0.945 / 0.935 / 0.89 of the time
  // at weights 0 / 0.3 / 0.8 (200 users, experiments/simulation/movielens.ts's setup).
  const wish = /\b(?:mood for|feel(?:ing)? like|fancy|how about|up for|craving)\s+(?:a |an |some |more |another )?(?:good |great |nice )?([a-z'-]+)/g;
  for (const match of text.matchAll(wish)) {
    const tag = stem(match[1] ?? '');
    if (knownTags.has(tag) && weights[tag] === undefined) weights[tag] = 0.3;
  }
  return weights;
}

function findItem(text: string, lastRecommended: readonly Item[], allItems: () => Iterable<Item>): Item | undefined {
  for (const [place, index] of placeWords) {
    // "Last time", "last summer", "the first time": a when, not a place in the list ("why that thriller you picked last time?").
    if (place.test(text) || (index >= 0 && new RegExp(`(#|number\\s*)${index + 1}\\b`).test(text))) {
      const item = index < 0 ? lastRecommended[lastRecommended.length - 1] : lastRecommended[index];
      if (item) return item;
    }
  }
  // Titles without their "(1995)" suffix or leading article, longest first, so "Toy Story 2" wins over "Toy Story";
  // whole words only, so "Heat" is not found in "theatre".
  const words = (value: string) => ` ${value.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `;
  const normalise = (title: string) => words(title.replace(/\(\d{4}\)/g, '').replace(/,\s*(the|a|an)\s*$/i, '')).trim();
  // A time phrase names no film: "last Friday" is not Friday (1995), nor "last Halloween" Halloween (1978); but a title
  // holding one is found whole ("He Walked by Night", "I Know What You Did Last Summer", "The Last Time I Saw Paris").
  const written = words(text);
  const lower = written.replace(timePhrase, ' ');
  let best: Item | undefined;
  let bestLength = 0;
  const consider = (item: Item) => {
    const title = normalise(item.title);
    if (title.length < 3 || title.length <= bestLength) return;
    if (lower.includes(` ${title} `) || (lower !== written && written.includes(` ${title} `) && ` ${title} `.replace(timePhrase, ' ') !== ` ${title} `)) {
      best = item;
      bestLength = title.length;
    }
  };
  for (const item of lastRecommended) consider(item);
  if (best) return best;
  for (const item of allItems()) consider(item);
  return best;
}

/**
 * A film of a list the user points at by what it is rather than by its place or title ("that sci-fi film you suggested
 * last time", "the comedy", "the older one", "the one from the 80s", "the one with Tom Hanks"), as `filmDescriptions`
 * reads it; `filmsDescribed` says which films of a list fit.
 */
export interface FilmDescription {
  /** Where the words stand in the message ("that sci-fi film"), so the film's title can take their place. */
  start: number;
  end: number;
  /** "The sci-fi films", "the comedies": every film that fits, not one. */
  plural: boolean;
  /** Genre keys it names, in the constraint reader's words ("sci-fi", "animated", "funny", "the western"). */
  genres: string[];
  /** "The older one", "the oldest", "the newest", "the most recent one". */
  age?: 'older' | 'oldest' | 'newer' | 'newest' | undefined;
  /** "The 80s one", "the one from the eighties": the decade's first year. */
  decade?: number | undefined;
  /** "The 1977 one", "the one from 1977". */
  year?: number | undefined;
  /** What follows "with", "starring", "by", "about" ("the one with Tom Hanks"): only a film's description can tell it. */
  about?: { words: string; kind: 'person' | 'subject' } | undefined;
  /** Said to be one the recommender showed: "you suggested", "you showed me", "from last time" right after it. */
  pointed: boolean;
}

/** Nouns a description ends with ("that sci-fi film", "the older one"). */
const descriptionHeads = new Set(['one', 'ones', 'film', 'films', 'movie', 'movies', 'flick', 'flicks', 'pick', 'picks', 'suggestion', 'suggestions', 'title', 'titles']);
/** Words that praise rather than describe ("that great sci-fi film"). */
const praiseWords = new Set(['great', 'good', 'nice', 'amazing', 'awesome', 'excellent', 'brilliant', 'lovely', 'cool', 'little', 'fantastic', 'wonderful']);
/** Words of a genre said in several ("kids movie", "science fiction", "film noir", "rom com"), read with the rest of the phrase. */
const genreParts = new Set(['kids', 'kid', "kids'", 'children', "children's", 'family', 'science', 'fiction', 'rom', 'com']);
const ageWords: Record<string, 'older' | 'oldest' | 'newer' | 'newest'> = { old: 'older', older: 'older', oldest: 'oldest', earliest: 'oldest', new: 'newer', newer: 'newer', newest: 'newest', recent: 'newer', latest: 'newest' };
/** A release year written as a word (1800 to 2099). */
const isYearWord = (word: string) => /^(?:18|19|20)\d\d$/.test(word);
/** When words pointing at films say they were shown or said: "you suggested last time", "the one I liked before". */
const SAID_WHEN = String.raw`(?:last time|before|earlier|the other day|yesterday|last night|last week|previously)`;
/**
 * "You suggested (me) last time", "you showed me", "from last time" after a description: it is of a film the recommender
 * showed. The whole clause, so that the film's title can take its place with the description's.
 */
const shownBy = new RegExp(
  String.raw`^,?\s+(?:(?:that|which)\s+)?(?:you|u)\s+(?:(?:just|had|have|once)\s+)?(?:suggested|recommended|showed|shown|picked|gave|given|listed|offered|mentioned|chose|put)(?:\s+(?:me|us|to me|to us|for me|for us))?(?:\s+${SAID_WHEN})?\b|^\s+(?:from|of)\s+(?:last time|before|earlier|the other day|your (?:list|suggestions|picks)|the (?:last )?list)\b`,
  'i',
);
/** "With Tom Hanks", "starring Meg Ryan", "about a dog", "from the 80s", "from 1977" after "the one". */
const describedBy = /^\s+(with|starring|featuring|directed by|by|about)\s+((?:(?!(?:you|u|that|which|from|last|and|but|i|we|was|is|were)\b)[\p{L}\p{N}.'-]+\s*){1,4})/iu;
const fromWhen = /^\s+from\s+(?:the\s+)?([\p{L}\p{N}']+)/iu;

/**
 * The descriptions of films in a message: "that", "the" and up to five words naming genres, an age, a decade or a year,
 * ending in "one", "film", "movie" (or a genre: "the comedy", "that thriller"), with what follows it ("with Tom Hanks",
 * "from the 80s") and whether it is said to be one shown ("you suggested"). "The one", "that film" with nothing more count
 * only with that pointer. Places ("the second one") and other words ("the other one", "the same film") are none. Reads
 * the message once, a few words past each "the" or "that": linear in its length.
 */
export function filmDescriptions(message: string, knownTags: ReadonlySet<string>): FilmDescription[] {
  const text = message.replace(/[’‘]/g, "'");
  const vocabulary = { stems: knownTags };
  const genreWord = (word: string) => genresOf(word, vocabulary).some((genre) => !genre.avoided);
  const found: FilmDescription[] = [];
  for (const determiner of text.matchAll(/\b(?:that|the)\b/gi)) {
    let at = determiner.index + determiner[0].length;
    const words: { word: string; end: number }[] = [];
    for (let count = 0; count < 6; count++) {
      const next = /^\s+([\p{L}\p{N}][\p{L}\p{N}'-]*)/u.exec(text.slice(at, at + 48));
      if (next === null) break;
      at += next[0].length;
      words.push({ word: (next[1] ?? '').toLowerCase(), end: at });
    }
    // Up to the head noun, or the last genre word when none follows ("the comedy you recommended").
    let end = -1;
    let head: string | undefined;
    let used = 0;
    for (const [index, { word, end: wordEnd }] of words.entries()) {
      if (descriptionHeads.has(word)) {
        head = word;
        end = wordEnd;
        used = index + 1;
        break;
      }
      if (genreWord(word)) {
        end = wordEnd;
        used = index + 1;
        continue;
      }
      if (praiseWords.has(word) || genreParts.has(word) || word === 'most' || ageWords[word] !== undefined || decadeOfWord(word) !== undefined || isYearWord(word)) continue;
      break;
    }
    if (end < 0) continue;
    const phrase = words.slice(0, used).map((entry) => entry.word);
    const description: FilmDescription = { start: determiner.index, end, plural: false, genres: [], pointed: false };
    description.genres = [...new Set(genresOf(phrase.join(' '), vocabulary).filter((genre) => !genre.avoided).map((genre) => genre.stem))];
    for (const [index, word] of phrase.entries()) {
      const age = ageWords[word];
      // "The most recent one" is the newest.
      if (age !== undefined) description.age = phrase[index - 1] === 'most' ? (age === 'older' ? 'oldest' : 'newest') : age;
      description.decade ??= decadeOfWord(word);
      if (isYearWord(word)) description.year = Number(word);
    }
    const last = phrase[phrase.length - 1] ?? '';
    description.plural = head !== undefined ? head.endsWith('s') : last.endsWith('s') && stem(last) !== last && !/(?:ss|'s)$/.test(last);
    if (head !== undefined) {
      const after = text.slice(end, end + 80);
      const by = describedBy.exec(after);
      const from = by === null ? fromWhen.exec(after) : null;
      const when = from === null ? undefined : (from[1] ?? '').toLowerCase();
      if (by !== null) {
        const words = (by[2] ?? '').trim();
        const verb = (by[1] ?? '').toLowerCase();
        description.about = { words, kind: verb === 'about' || (verb === 'with' && !/^\p{Lu}/u.test(words)) ? 'subject' : 'person' };
        description.end = end + by[0].trimEnd().length;
      } else if (when !== undefined && (decadeOfWord(when) !== undefined || isYearWord(when))) {
        if (/^\d{4}$/.test(when)) description.year = Number(when);
        else description.decade = decadeOfWord(when);
        description.end = end + (from?.[0].length ?? 0);
      }
    }
    const shown = shownBy.exec(text.slice(description.end, description.end + 80));
    description.pointed = shown !== null;
    if (shown !== null) description.end += shown[0].length;
    const described = description.genres.length > 0 || description.age !== undefined || description.decade !== undefined || description.year !== undefined || description.about !== undefined;
    // "The one", "that film" say which only when said to be shown ("the one you suggested"); "the film noir" names a genre by
    // "film", which then is no head.
    if (!described && !description.pointed) continue;
    found.push(description);
  }
  return found;
}

/**
 * The films of `list` a description fits: those with each genre it names, of its decade or year, and, of those, the one
 * its age points at (the oldest, or "the older one" when it is at least five years older than the rest; several when the
 * age does not tell them apart). `cannotTell` when it names what only a film's description says ("the one with Tom
 * Hanks") and no film of the list has one: the films are then those the rest of the description fits.
 */
export function filmsDescribed(description: FilmDescription, list: readonly Item[]): { films: Item[]; cannotTell?: 'person' | 'subject' } {
  let films = list.filter((item) => description.genres.every((genre) => tagStems(item).includes(genre)));
  const { decade, year, age, about } = description;
  if (decade !== undefined) films = films.filter((item) => item.year !== undefined && item.year >= decade && item.year < decade + 10);
  if (year !== undefined) films = films.filter((item) => item.year === year);
  let cannotTell: 'person' | 'subject' | undefined;
  if (about !== undefined) {
    if (!list.some((item) => (item.description ?? '') !== '')) cannotTell = about.kind;
    else {
      const words = about.words.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [];
      const says = (item: Item) => {
        const text = ` ${(item.description ?? '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
        return words.every((word) => text.includes(` ${word} `));
      };
      films = films.filter(says);
    }
  }
  if (age !== undefined && films.length > 1) {
    const dated = films.filter((item) => item.year !== undefined).sort((a, b) => ((a.year ?? 0) - (b.year ?? 0)) * (age === 'older' || age === 'oldest' ? 1 : -1));
    const [first, second] = dated;
    const gap = Math.abs((first?.year ?? 0) - (second?.year ?? 0));
    // "The oldest": one film of the earliest year; "the older one": of two, the older, of more, one clearly older than the rest.
    const superlative = age === 'oldest' || age === 'newest';
    if (first !== undefined && second !== undefined && gap > 0 && (superlative || dated.length === 2 || gap >= 5)) films = [first];
    else if (first !== undefined && second !== undefined && gap === 0 && superlative) films = dated.filter((item) => item.year === first.year);
  }
  return cannotTell === undefined ? { films } : { films, cannotTell };
}

/**
 * "The one I liked last time", "that film I said I loved", "the ones I hated": films the user gave their opinion of, with
 * where the words stand, which opinion, and what says it was said to the recommender: `said` ("that film I said I loved",
 * "the one I told you I hated"), `when` ("last time", "before", "yesterday"). Undefined when the message has none, or when
 * a time of the user's life follows ("the movies I loved as a kid", "the ones I liked in college"): those are films of
 * their life, not of this conversation.
 */
export function opinionReference(message: string): { start: number; end: number; polarity: 'like' | 'dislike'; plural: boolean; said: boolean; when: boolean } | undefined {
  const text = message.replace(/[’‘]/g, "'");
  for (const found of text.matchAll(opinionPointer)) {
    const { determiner = '', noun = '', said, verb = '', when } = found.groups ?? {};
    const end = found.index + found[0].length;
    if (when === undefined && lifeTime.test(text.slice(end, end + 40))) continue;
    return {
      start: found.index,
      end,
      polarity: /hated|disliked|n't|not|stand/i.test(verb) ? 'dislike' : 'like',
      plural: /s$/i.test(noun) || /^those$/i.test(determiner),
      said: said !== undefined,
      when: when !== undefined,
    };
  }
  return undefined;
}
const opinionPointer = new RegExp(
  String.raw`\b(?<determiner>the|that|those)\s+(?<noun>ones?|films?|movies?|flicks?)\s+(?:(?:that|which)\s+)?(?:i|we)\s+(?:(?<said>said|told you|mentioned|say)\s+(?:(?:that\s+)?(?:i|we)\s+)?)?(?:(?:really|so|absolutely|quite|also)\s+)?(?<verb>loved|liked|enjoyed|adored|hated|disliked|(?:didn't|did not) (?:like|enjoy)|couldn't stand|could not stand)\b(?:\s+(?<when>${SAID_WHEN}))?`,
  'gi',
);
/** A time of the user's life right after an opinion reference ("as a kid", "when I was young", "growing up", "in college", "years ago"). */
const lifeTime =
  /^\s+(?:as\s+(?:an?\s+)?(?:kids?|child|children|teens?|teenagers?|boy|girl|student|youngster)\b|when\s+(?:i|we)\s+(?:was|were)\b|growing\s+up\b|back\s+(?:then|in|when)\b|(?:\w+\s+)?(?:years|decades|ages)\s+ago\b|in\s+(?:my|our)\s+(?:youth|childhood|teens|twenties|thirties|school|college)\b|in\s+(?:high\s+school|college|school)\b|(?:last|this)\s+(?:year|summer|winter|spring|fall|autumn|month)\b|in\s+the\s+(?:'?\d0'?s|(?:19|20)\d0'?s|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b)/i;

/** Words that say the user means their last visit ("last time", "the other day", "yesterday"): a film of that session's list. */
export const mentionsLastTime = /\b(?:last (?:time|session|visit|night|week|weekend)|the other (?:day|night)|yesterday|previous (?:time|session|visit|chat)|previously)\b/i;

/**
 * The film of `candidates` a short answer picks ("the second one", "2", "#3", "Contact", "the 1977 one") after the
 * recommender asked which one was meant; undefined when it picks none or several.
 */
export function pickedAmong(message: string, candidates: readonly Item[], knownTags: ReadonlySet<string>): Item | undefined {
  const text = message.toLowerCase().replace(/[’‘]/g, "'");
  const number = /^\s*(?:#|number\s*|no\.?\s*)?([1-9])\s*[.!)]?\s*$/.exec(text);
  if (number !== null) return candidates[Number(number[1]) - 1];
  const found = findItem(text, candidates, () => []);
  if (found !== undefined) return found;
  for (const description of filmDescriptions(message, knownTags)) {
    const { films } = filmsDescribed(description, candidates);
    if (films.length === 1 && candidates.length > 1) return films[0];
  }
  return undefined;
}

/** The asks that lie outside every title the message names (the titles looked up only when there is an ask). */
function outsideTitles(asks: UnsupportedAsk[], titles: () => readonly { start: number; end: number }[]): UnsupportedAsk[] {
  if (asks.length === 0) return asks;
  const spans = titles();
  return asks.filter((ask) => !spans.some((span) => ask.start < span.end && span.start < ask.end));
}

/**
 * Rule-based intent classification (the offline path): explain ("why X?"), refine ("something
 * lighter", "less violent", "no horror"), chit-chat (greetings, thanks) or recommend.
 */
export function classifyTurn(message: string, context: TurnContext): ClassifiedTurn {
  const text = message.toLowerCase().replace(/[’‘]/g, "'");
  // Nothing to read: whitespace, emoji or punctuation only.
  if (!/[\p{L}\p{N}]/u.test(text)) return { intent: 'chitchat', unreadable: 'empty' };
  if (aboutSelf.test(text)) return { intent: 'chitchat', asksAboutSelf: true };
  const asks = outsideTitles(
    unsupportedAsks(message, { isTitle: (name) => namesTitleStart(name, context.allItems), isGenre: (words) => genresOf(words, { stems: context.knownTags }).length > 0 }),
    () => context.namedTitles?.(message) ?? [],
  );
  const notes = { ...(notEnglish(text) ? ({ unreadable: 'language' } as const) : {}), ...(asks.length > 0 ? { unsupported: asks } : {}) };
  // "What about HBO?", "why Netflix?": a service, studio or person the catalogue cannot filter by, not a film it lacks.
  const unknownUnlessAsked = (title: string | undefined) => (title !== undefined && asks.some((ask) => title.includes(ask.said)) ? undefined : title);
  // "Why not Star Wars?" proposes a title, and "sure, why not" agrees: neither asks why.
  const agrees = /\bwhy not\W*$/.test(text);
  const whyNot = /\bwhy not\s+\w/.test(text) && !/\bwhy not\b.*\b(?:recommend|suggest|includ|list|show|offer)/.test(text);
  if (!whyNot && !agrees && /\bwhy\b|\bexplain\b|\bwhat makes\b|\bhow come\b/.test(text)) {
    const target = findItem(text, context.lastRecommended, context.allItems) ?? context.looseTitles?.(untimed(message))[0];
    const asked = target === undefined ? /\b(?:why|explain|what makes|how come)\s+(?:did you (?:suggest|recommend|pick|list|choose)\s+)?(.+)/.exec(text) : null;
    const unknownTitle = unknownUnlessAsked(asked ? titleAsWritten(message, asked.index + asked[0].length - (asked[1] ?? '').length, context.knownTags) : undefined);
    if (target !== undefined || unknownTitle !== undefined || asks.length === 0) return { intent: 'explain', target, question: 'why', ...(unknownTitle ? { unknownTitle } : {}), ...notes };
  }
  // "Is Alien scary?", "how old is Casablanca?", "Heat or Casino for tonight?", "which of these is the best?": questions
  // about films and choices between them (they had been read as requests: a list of horror films for "is Alien scary?").
  const aboutFilms = filmQuestionOf(message, context) ?? comparisonOf(message, context);
  if (aboutFilms !== undefined) return { intent: 'explain', ...aboutFilms, ...notes };
  // "Tell me more about Fargo", "what is the second one about?", "what about the Godfather?": about an item, when one is
  // named after the asking words (a one-word title outside the last list only capitalised: "tell me about the kids
  // movies" is no film "Kids"; "what about something older?" names none).
  const about =
    /\b(?:tell me (?:more |a bit |a little )?about|more (?:info|information|details) (?:on|about)|^(?:(?:and|so|ok(?:ay)?|hmm+)\W+)?(?:what|how) about|what do you (?:think|know) (?:of|about)|what did you think (?:of|about)|(?:any )?thoughts on)\s+(.+)|\bwhat(?:'s| is| was)\s+(.{1,80}?)\s+(?:about\b|like\?)/.exec(text);
  // "What about something like Clueless?", "how about a mix of Heat and Fargo": a request by example, not a question about the film.
  if (about && !byExampleOpening.test(about[1] ?? about[2] ?? '') && !opensTitle(about, message, text, context)) {
    const named = about[1] ?? about[2] ?? '';
    const exact = findItem(named, context.lastRecommended, context.allItems);
    const target = exact !== undefined && (context.lastRecommended.includes(exact) || writtenAsTitle(message, exact)) ? exact : context.looseTitles?.(untimed(message.slice(about.index)))[0];
    if (target) return { intent: 'explain', target, question: 'about', ...notes };
    // "Tell me about The Matrix": a title the catalogue does not have is still a question about a film, not a request.
    const start = about[1] !== undefined ? about.index + about[0].length - about[1].length : -1;
    const unknownTitle = unknownUnlessAsked(start >= 0 ? titleAsWritten(message, start, context.knownTags) : undefined);
    if (unknownTitle) return { intent: 'explain', question: 'about', unknownTitle, ...notes };
  }
  const weights: Record<string, number> = {};
  // "Somthing scarry", "more comdy": genre words misspelled steer as spelled right.
  const moodText = correctGenreTypos(text);
  // Words of a catalogue title the message names are no mood ("I loved Dark City", "seen Happy Gilmore"): found only when a mood word is.
  let titles: { start: number; end: number }[] | undefined;
  const inTitle = (index: number, length: number) => (titles ??= namedTitleSpans(message, moodText, context.allItems)).some((span) => span.start <= index && index + length <= span.end);
  const mood = { names: [] as string[], tagWeights: {} as Record<string, number> };
  const negatedMoods: string[] = [];
  const readings = moods.map((entry) => {
    const found = [...moodText.matchAll(everyMention.get(entry) as RegExp)].filter((match) => !inTitle(match.index, match[0].length));
    // The mentions that count: "scary" in "I had a scary dream" does not, nor "nothing scary" (ruled out, not asked for: the constraints rule the genre out).
    const said = found.filter((match) => !(entry.negatable && negatedAt(moodText, match.index, match[0].length)) && moodCounts(moodText, match.index, match[0].length));
    return { entry, found, said, alone: said.some((match) => !entry.onlyAsked || asksForFilms(moodText, match)) };
  });
  // Beside a mood asked for, another one asks too, whichever the list names first ("a scary evening alone, no kids").
  const anyAsked = readings.some((reading) => reading.alone);
  for (const { entry, found, said, alone } of readings) {
    const counts = alone || (anyAsked && said.length > 0);
    if (!counts) {
      // "Not so dark", "nothing scary": a mood the session holds is let go of.
      if (entry.negatable && found.some((match) => negatedAt(moodText, match.index, match[0].length))) negatedMoods.push(entry.name);
      continue;
    }
    mood.names.push(entry.name);
    for (const [tag, weight] of Object.entries(entry.weights)) mood.tagWeights[tag] = (mood.tagWeights[tag] ?? 0) + weight;
  }
  for (const [tag, weight] of Object.entries(mood.tagWeights)) weights[tag] = weight;
  for (const [tag, weight] of Object.entries(tagSteering(moodText, context.knownTags))) weights[tag] = (weights[tag] ?? 0) + weight;
  const refinement = Object.keys(weights).length > 0 ? { tagWeights: weights, phrase: message.trim().slice(0, 120) } : undefined;
  const missing = unknownFilms(message, context);
  const moodNotes = {
    ...(mood.names.length > 0 ? { mood } : {}),
    ...(changeOfMood.test(text) ? { dropsMood: true } : {}),
    ...(negatedMoods.length > 0 ? { negatedMoods } : {}),
    ...(missing.length === 0 ? {} : { unknownExample: wordList(missing), unknownFilms: missing }),
  };
  // "Not that one", "none of these", "not those": the list is turned down, as "something else" turns it.
  const asksForMore = /\b(something else|anything else|what else|else (?:you|would|could|can)|another|different|other (ones|options|suggestions)|instead|more like|not (?:that|this) one|none of (?:these|those|them)|not (?:these|those))\b/.test(text);
  if (notes.unsupported && context.lastRecommended.length > 0) return { intent: 'refine', refinement: refinement ?? { tagWeights: {}, phrase: message.trim().slice(0, 120) }, ...notes, ...moodNotes };
  if ((refinement || asksForMore || whyNot) && context.lastRecommended.length > 0) {
    return { intent: 'refine', refinement: refinement ?? { tagWeights: {}, phrase: message.trim().slice(0, 120) }, ...notes, ...moodNotes };
  }
  // Tastes stated are a reason to recommend, after a greeting too ("hi, I'm Anna. I really loved Titanic").
  const wantsItems =
    /\b(recommend|suggest|movie|film|watch|show me|something|anything|what should|ideas?|options|like|love|enjoy|into|fan of|prefer)\b|\b(?:i|we)\s+(?:(?:really|absolutely|just|totally|also|always|truly|both)\s+)*(?:loved|liked|enjoyed|adored)\b/.test(text);
  // Thanks anywhere ("I will. Thanks for the suggestion." had got a list), unless more films are asked for beside them ("yes
  // thanks, one more" had got "You are welcome"); the other greetings only open a message.
  const thanksInside = /\b(?:thanks|thank you|thx)\b/.test(text) && !moreBesideThanks.test(text);
  const smallTalk = /^\s*(hi|hello|hey|thanks|thank you|thx|cheers|bye|goodbye|see (?:you|ya)|good (morning|evening|night)|how are you|ok(ay)?|cool|great|nice|perfect|awesome)\b/.test(text) || thanksInside;
  // "Ok, more please" asks for more after its small-talk word (it had been greeted); only a "more" that ends the message asks
  // ("Thanks. I'm staying here for a few more years." does not), and none beside a negation ("ok, no more", "ok, nothing
  // more", "I don't need any more" had listed more).
  const asksMore =
    /\bmore(?:\s+(?:please|pls|of (?:those|these|them)|like (?:that|those|these|them)|ideas|options|films|movies|suggestions))?[\s.!?]*$/.test(text) &&
    !/\b(?:no|not|nothing|never|none)\b|n't\b/.test(text);
  if ((smallTalk || agrees || farewell.test(text)) && !wantsItems && !asksMore && !refinement && !judgesTitle(message, text, context.allItems)) return { intent: 'chitchat', ...notes, ...moodNotes };
  // "Do you like pizza?", "have you seen my keys?": not about films, answered as such (a list had answered, Keys to Tulsa first).
  // After films were shown or talked of, "is it in english?" is about them.
  const filmsShown = context.lastRecommended.length > 0 || (context.discussed?.length ?? 0) > 0;
  if (!refinement && asks.length === 0 && offTopicQuestion(message, { namesGenre: (words) => genresOf(words, { stems: context.knownTags }).length > 0, namesTitle: () => namedTitleSpans(message, text, context.allItems).length > 0, filmsShown })) {
    return { intent: 'chitchat', offTopic: true, ...notes, ...moodNotes };
  }
  // "Like" is no ask here: "I like your hair" (a taste it names is read as constraints, which the reply then names).
  const asksNothing = refinement === undefined && !asking.test(text) && !goesAlong.test(text) && !/\b(?:movies?|films?|flicks?|watch\w*|more|else|another)\b/.test(text);
  return { intent: 'recommend', refinement, ...notes, ...moodNotes, ...(asksNothing ? { asksNothing } : {}) };
}

/**
 * A goodbye anywhere in the message: "it's been nice talking to you!", "have a great day", "talk to you later", "bye",
 * "goodnight" ("Well, it's been nice talking to you! I hope you have a great day!" and "goodnight" had been answered with a list).
 */
export const farewell =
  /\b(?:good ?night|nighty?[- ]night|(?:nice|good|great|lovely|fun|a pleasure) (?:talking|chatting|speaking) (?:to|with) you|(?:have|enjoy) a (?:great|good|nice|lovely|wonderful|fantastic|fun) (?:day|night|evening|weekend|one)|talk (?:to you )?(?:later|soon)|(?:good)?bye|see (?:you|ya)|take care|(?:gotta|got to|have to|need to) go|catch you later)\b/;

/** Words that make a genre named after them an occasion's wish: "a good night for a horror film", "a good time to see a comedy". */
const occasionFor = /\b(?:for|to)\b/;
/** A question about one film the message asks, with the film it names (or the title the catalogue lacks); undefined when it asks none. */
function filmQuestionOf(message: string, context: TurnContext): Pick<ClassifiedTurn, 'question' | 'target' | 'asked' | 'unknownTitle'> | undefined {
  const question = readFilmQuestion(message);
  if (question === undefined) return undefined;
  const genres = question.aspect === 'genre' && question.word !== undefined ? genresOf(question.word, { stems: context.knownTags }).filter((genre) => !genre.avoided).map((genre) => genre.stem) : [];
  // "Is it a good idea?", "is Fargo a masterpiece?": words naming no genre are no question about one; nor a genre after
  // "for" or "to", what the user wants rather than what the film is ("is it a good night for a horror film?" had asked
  // which film shown was meant).
  if (question.aspect === 'genre' && question.word !== undefined && (genres.length === 0 || occasionFor.test(question.word))) return undefined;
  const named = filmInQuestion(question.film.words, question.film.start, message, context);
  if (named === undefined) return undefined;
  // "Do you like Pixar?", "did you see Tom Hanks in it?": asked of the recommender, a name the catalogue lacks is no film to answer about.
  if (question.aspect === 'opinion' && 'unknown' in named) return undefined;
  const asked = { aspect: question.aspect, ...(question.word === undefined ? {} : { word: question.word }), ...(genres.length === 0 ? {} : { genres }) };
  if ('amongShown' in named) return { question: 'about', asked };
  return 'item' in named ? { question: 'about', target: named.item, asked } : { question: 'about', unknownTitle: named.unknown, asked };
}

/** A choice between films the message asks for, with the films it names (or the titles the catalogue lacks); undefined when it asks none. */
function comparisonOf(message: string, context: TurnContext): Pick<ClassifiedTurn, 'question' | 'compared' | 'comparedBy' | 'unknownTitle'> | undefined {
  const comparison = readComparison(message, context.lastRecommended.length > 1);
  if (comparison === undefined) return undefined;
  const by = comparison.by === undefined ? {} : { comparedBy: comparison.by };
  if (comparison.films.length === 0) return { question: 'compare', compared: [...context.lastRecommended], ...by };
  // "What are some films like Toy Story or Aladdin?": a request by example (the loose title reader found Toy Story in the
  // words before "or", and the two had been compared).
  if (comparison.films.some((film) => exampleInSlot.test(film.words))) return undefined;
  if (titleAcrossJoiner(message, comparison.films, context)) return undefined;
  const named = comparison.films.map((film) => filmInQuestion(film.words, film.start, message, context));
  // "Comedy or drama?": words that name no film are a request, not a choice between films.
  if (named.some((film) => film === undefined || 'amongShown' in film)) return undefined;
  const found = [...new Set(named.flatMap((film) => (film !== undefined && 'item' in film ? [film.item] : [])))];
  const unknown = named.flatMap((film) => (film !== undefined && 'unknown' in film ? [film.unknown] : []));
  if (unknown.length > 0) return { question: 'compare', compared: found, unknownTitle: wordList(unknown), ...by };
  return found.length < 2 ? undefined : { question: 'compare', compared: found, ...by };
}

/** The most words after a choice's joiner that a title holding the joiner is looked for in ("The People vs. Larry Flynt"). */
const TITLE_WORDS_AFTER_JOINER = 6;

/**
 * Whether the two films a choice names are one catalogue title that holds the joiner: "The People vs. Larry Flynt does not
 * really grab me" (a simulated user's reaction to the film) had been read as a choice between "the people" and "larry flynt
 * does not really grab me", and answered that neither is in the catalogue.
 */
function titleAcrossJoiner(message: string, films: readonly { words: string; start: number }[], context: TurnContext): boolean {
  const [first, second] = films;
  if (first === undefined || second === undefined) return false;
  const text = message.toLowerCase().replace(/[’‘]/g, "'");
  const before = text.slice(first.start, second.start);
  const after = second.words.split(/\s+/).slice(0, TITLE_WORDS_AFTER_JOINER);
  return after.some((_, index) => {
    const phrase = `${before}${after.slice(0, index + 1).join(' ')}`;
    const item = findItem(phrase, [], context.allItems);
    return item !== undefined && spokenMainTitle(item) === comparableTitle(phrase);
  });
}

/** Words asking for films like another ("films like Toy Story", "similar to Heat"): a request, not a film to choose. */
const exampleInSlot = new RegExp(String.raw`\b${EXAMPLE_OPENER}\b`);

/** Words that point at the film the conversation is on: "it", "that one", "this film". */
const pointsAtDiscussed = /^(?:it|that|this)(?:\s+(?:one|film|movie))?$/;
/**
 * Where a question about one film points at it rather than naming it ("it" of "what's it rated?"), for the question to be
 * read again with the film the user then picks; undefined for a question that names its film, or for no question.
 */
export function pointingWords(message: string): { start: number; end: number } | undefined {
  const question = readFilmQuestion(message);
  if (question === undefined || !pointsAtDiscussed.test(question.film.words)) return undefined;
  return { start: question.film.start, end: question.film.start + question.film.words.length };
}

/** A place in the list shown, as a whole phrase: "the third one", "the last", "number 2", "#4". */
const placeOnly = /^(?:the\s+)?(first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th)(?:\s+(?:one|film|movie|pick|suggestion|option))?$|^(?:number\s*|#)([1-9])$/;

/**
 * The film the words of a question name: "it" (the film the conversation is on), a place in the list shown ("the third
 * one"), a catalogue title written whole ("Toy Story", "the godfather", "casino": the question's frame says it is a film,
 * so a one-word title counts uncapitalised) or loosely ("jurasic park"); else, when written as a title, the title the
 * catalogue lacks ("The Matrix"). Undefined for words that name no film ("something scary").
 */
function filmInQuestion(words: string, start: number, message: string, context: TurnContext): { item: Item } | { unknown: string } | { amongShown: true } | undefined {
  const phrase = words.toLowerCase().replace(/[’‘]/g, "'").trim();
  if (pointsAtDiscussed.test(phrase)) {
    if (context.discussed?.length === 1 && context.discussed[0] !== undefined) return { item: context.discussed[0] };
    // "What's it rated?", "is it any good?" right after a list: "it" is one of the films shown, but which is not said (the
    // first is only a guess), so the user is asked (a new list had answered). One film shown is that film.
    if (context.lastRecommended.length === 1 && context.lastRecommended[0] !== undefined) return { item: context.lastRecommended[0] };
    if (context.lastRecommended.length <= 1) return undefined;
    // Unless the message says which elsewhere: "what's it rated, the second one?" (asked which one).
    const said = findItem(message.toLowerCase().replace(/[’‘]/g, "'"), context.lastRecommended, () => []);
    return said === undefined ? { amongShown: true } : { item: said };
  }
  const place = placeOnly.exec(phrase);
  if (place !== null) {
    const index = place[2] !== undefined ? Number(place[2]) - 1 : (ordinals[place[1] ?? ''] ?? 0);
    const item = index < 0 ? context.lastRecommended[context.lastRecommended.length - 1] : context.lastRecommended[index];
    return item === undefined ? undefined : { item };
  }
  // A one-word title after an article reads as a common noun unless capitalised: "what's the paper about?" is no question about The Paper.
  const commonNoun = (item: Item) => /^(?:the|a|an)\s/.test(phrase) && !/\s/.test(spokenMainTitle(item)) && !writtenAsTitle(message, item);
  const whole = findItem(phrase, [], context.allItems);
  if (whole !== undefined && !commonNoun(whole) && spokenMainTitle(whole) === comparableTitle(phrase)) return { item: whole };
  const loose = context.looseTitles?.(words)[0];
  if (loose !== undefined && !commonNoun(loose)) return { item: loose };
  const unknown = titleAsWritten(message, start, context.knownTags);
  // Only the words of the slot: "The Matrix" of "who is in The Matrix?", not the rest of the sentence.
  return unknown === undefined ? undefined : { unknown: message.slice(start, start + words.length) };
}

/**
 * Where a request by example names its film (after "something like", "similar to", "in the vein of", "a mix of", …), and
 * where a film judged is named (after "I loved", "we hated", …: past, so a film seen, not "I love Paris").
 */
const exampleNamed = new RegExp(String.raw`\b${EXAMPLE_OPENER}\s+|\b(?<judged>(?:i|we)\s+(?:(?:really|absolutely|totally|also|both)\s+)?(?:loved|liked|enjoyed|adored|hated|disliked))\s+`, 'gi');
/** Words that make what a message judges something other than a film: a book, a series, a show ("I really liked "The Great Gatsby" by F. Scott Fitzgerald"). */
const notAFilm = /\b(?:by|series|trilogy|saga|books?|novels?|read(?:ing)?|authors?|albums?|songs?|shows?|seasons?|episodes?|bands?|games?|hall)\b/i;

/** "I loved the movie Inception", "something like the film Heat": the film word before a name, not part of it. */
const filmNounBefore = /^\s*(?:the\s+)?(?:film|movie)\s+/i;
/** Words that say what a message judges is a film ("I loved Inception, the film"). */
const filmWord = /\b(?:films?|movies?|flicks?|cinema)\b/i;
/** A question for films like the one named ("anything similar?", "something like it"); not SIMILAR_ASKED, which unanchored would be quadratic. */
const similarAsked = /\b(?:any|anything|something|more|others?)\s+(?:similar|like (?:it|that|this|them|those))\b/i;

/**
 * Whether the names a message judges ("I loved X") are films, by a sign the message gives: a film word, a film of the
 * catalogue named too ("I loved The Matrix and Fargo"), a question for films like it (or, per list, a quoted name). Without
 * one a name is as likely a place, band, show or person ("It's hard to say, but I really loved Italy" had been told "I
 * cannot find Italy"). Read once for all the message's "I loved" (each had read the whole message again: seconds at 10,000 characters).
 */
function judgesFilms(text: string, context: TurnContext): (names: readonly string[]) => boolean {
  let notFilms: boolean | undefined;
  let films: boolean | undefined;
  const quoted = (name: string) => /^\s*["“'‘]/.test(name);
  return (names) =>
    !(notFilms ??= notAFilm.test(text)) && ((films ??= filmWord.test(text) || similarAsked.test(text) || (context.namedTitles?.(text) ?? []).length > 0) || names.some(quoted));
}

/**
 * The films a request by example names that the catalogue does not have ("something like The Matrix but funnier", on a
 * catalogue that ends in 1998; "a mix of Heat and The Matrix"), or that the user says they loved or hated ("I loved
 * Inception and Alien"), as written, so the reply can say it could not use them rather than answer as if it had. Each film of a list is looked at (only the first had been:
 * "a mix of Heat and The Matrix" went by Heat and said nothing of The Matrix).
 */
function unknownFilms(message: string, context: TurnContext): string[] {
  const missing: string[] = [];
  /** Notes `name` as missing, as `said` (its words as written), when it is written as a title the catalogue lacks. */
  const consider = (name: string, said?: string) => {
    const written = titleAsWritten(name, 0, context.knownTags);
    if (written === undefined) return;
    // The whole name is looked up ("L.A. Confidential"; titleAsWritten stops at its first full stop).
    const found = context.looseTitles?.(name) ?? [];
    const shown = said ?? written;
    if (found.length === 0 && !namesTitleStart(name, context.allItems) && !namesTitleStart(written, context.allItems) && !missing.includes(shown)) missing.push(shown);
  };
  const text = message.replace(/[’‘]/g, "'");
  const films = judgesFilms(text, context);
  const openers = [...text.matchAll(exampleNamed)];
  // Each name is looked up once, and only up to the next opener ("I liked X, I liked X, …" had looked up every name after each).
  const considered = new Set<string>();
  for (const [index, match] of openers.entries()) {
    // "other bands like Slayer and Megadeth": an example of something else than films.
    if (notAFilm.test(match[0])) continue;
    const start = match.index + match[0].length;
    // Up to what follows the titles: the change ("but funnier"), an audience, the sentence's end (not the stop of "L.A.").
    const names = message.slice(start, openers[index + 1]?.index).split(/(?<!\s)\s+(?:but|for|with|from|please|that|which|in the|set in|made in|except)\b|[;!?\n]|(?<!\b\p{Lu})\.(?:\s|$)/iu)[0] ?? '';
    const listed = names.split(/(?:(?<!\s)\s+)?,\s*(?:(?:and|or)\s+)?|(?<!\s)\s+(?:and|or)\s+/i).map((name) => name.replace(filmNounBefore, ''));
    if (match.groups?.judged !== undefined && !films(listed)) continue;
    for (const name of listed) {
      if (considered.has(name)) continue;
      considered.add(name);
      consider(name);
    }
  }
  // "Kramer vs. Kramer, anything like it?": the title told before a question for films like it, whole (full stops and all).
  const told = toldBeforeSimilar.exec(text)?.groups?.name?.trim();
  if (told !== undefined && !onlyReplyWords(told)) consider(told, told);
  return missing;
}

/**
 * A message opening with a name, then a question for films like it: "Kramer vs. Kramer, anything like it?", "The Matrix -
 * anything similar?". The name opens with no space, so a run of spaces before it is read once (the name had been tried from
 * each of its spaces: 5 s at 10,000 spaces).
 */
const toldBeforeSimilar = new RegExp(String.raw`^\s*(?<name>[^\s,;:!?][^,;:!?\n]{0,99}?)\s*(?:[,;:]|\s[-–—])\s*${SIMILAR_ASKED}`, 'i');

/** Words that answer or acknowledge rather than name a film ("nice", "yes", "okay sure"). */
const replyWords = new Set([...praiseWords, 'yes', 'yeah', 'yep', 'no', 'nope', 'sure', 'ok', 'okay', 'alright', 'right', 'perfect', 'thanks', 'thank', 'you', 'thx', 'cheers', 'wow', 'hmm', 'oh', 'ah', 'hi', 'hello', 'hey', 'well', 'so', 'fine', 'interesting']);
/** A message's opening made only of reply words: "Nice, anything similar?" asks for films like those shown, naming none (it had been a missing title). */
const onlyReplyWords = (name: string) => name.toLowerCase().split(/[\s,.!-]+/).filter(Boolean).every((word) => replyWords.has(word));

/** What opens a request by example after "what about" or "how about": "something like", "similar to", "a mix of", "more like". */
const byExampleOpening = new RegExp(String.raw`^\s*(?:(?:something|anything|stuff|movies?|films?|ones?|more|others?)(?:\s+\w+)?\s+similar to|(?:a\s+)?${EXAMPLE_OPENER})\b`);

/**
 * The words of `message` from `start` when they are written as a film title: capitalised ("The Matrix", "Avatar",
 * "the Matrix"), up to the end of the sentence, at most eight words, naming no genre, year or pointer ("the first one",
 * "something older", "Comedies?"). Undefined otherwise.
 */
function titleAsWritten(message: string, start: number, knownTags: ReadonlySet<string>): string | undefined {
  const phrase = (/^[^?!.\n]*/.exec(message.slice(start).replace(/[’‘]/g, "'"))?.[0] ?? '')
    .replace(/(?<!\s)\s+(?:please|then|again|instead|for me|for us|for tonight|tonight)\s*$/i, '')
    .replace(/^["'“]|["'”]$/g, '')
    .trim();
  const words = phrase.split(/\s+/).filter(Boolean);
  if (words.length === 0 || words.length > 8) return undefined;
  const first = /^(?:the|a|an)$/i.test(words[0] ?? '') && words.length > 1 ? words[1] : words[0];
  if (!/^\p{Lu}/u.test(first ?? '') || /^(?:I|I'm|I've|I'd|It|It's|That|This|Those|These|Them|Something|Anything|Some|Any|More|Other|Another|One|Ones)$/.test(first ?? '')) return undefined;
  if (/\d/.test(phrase) && !/[A-Za-z]{3,}/.test(phrase.replace(/\b\d0'?s\b/g, ''))) return undefined;
  const lower = phrase.toLowerCase();
  if (/\b(?:movies?|films?|flicks?|ones?|something|anything|first|second|third|fourth|fifth|last|older|newer|recent|classics?|genre|kind)\b/.test(lower)) return undefined;
  if (genresOf(lower, { stems: knownTags }).length > 0) return undefined;
  return phrase;
}

/** A catalogue title without its year and its article written last: "Godfather, The (1972)" → "Godfather". */
export function withoutYearOrArticle(title: string): string {
  return title.replace(/\s*\(\d{4}\)\s*$/, '').replace(/,\s*(?:the|a|an)\s*$/i, '');
}

/**
 * A name written capitalised, two words or more, with small words between ("Star Trek", "Winnie the Pooh"); "I" is no part
 * of one ("So I started" is not *So I Married an Axe Murderer*). Each starts a word, so a run of capitals is tried once (linear).
 */
const writtenLongName = /(?<![\p{L}\p{N}'])(?!I\b|I')\p{Lu}[\p{L}\p{N}']*(?:\s+(?:(?:the|of|and|a|an|in|on|to)\s+)*(?!I\b|I')\p{Lu}[\p{L}\p{N}']*)+/gu;

/**
 * Whether a message writes a name of two words or more, an article aside, that begins a catalogue title ("He loves Star Trek",
 * "my kids love Winnie the Pooh"): a series named, where one capitalised word may be anyone ("a cat named Tom", not *Tom &
 * Viv*; "The Office", not *Office Killer*).
 */
export function writesTitleOpening(message: string, allItems: () => Iterable<Item>): boolean {
  return [...message.matchAll(writtenLongName)].some((name) => comparableTitle(name[0]).includes(' ') && namesTitleStart(name[0], allItems));
}

/** Whether a name begins a catalogue title ("Alien", "Star Wars", "Tom" of *Tom & Viv*): the film or series, not a person. */
function namesTitleStart(name: string, allItems: () => Iterable<Item>): boolean {
  const wanted = comparableTitle(name);
  if (wanted.length < 2) return false;
  for (const item of allItems()) {
    const title = comparableTitle(withoutYearOrArticle(item.title));
    if (title === wanted || title.startsWith(`${wanted} `)) return true;
  }
  return false;
}

/**
 * A catalogue title without its year, a second title in parentheses or its trailing article: "Seventh Seal" of "Seventh
 * Seal, The (Sjunde inseglet, Det) (1957)" (with the second title, "Promise, The (Versprechen, Das)" had been no one-word
 * title).
 */
const mainTitle = (title: string) =>
  title
    .replace(/\s*\([^)]*\)/g, ' ')
    .trim()
    .replace(/,\s*(?:the|a|an)\s*$/i, '');

/**
 * A film's title as said, comparable (`comparableTitle`), without a second title in parentheses: "The Seventh Seal" of
 * "Seventh Seal, The (Sjunde inseglet, Det)" (with it, "is The Promise any good?" had named a film the catalogue lacks,
 * and "the promise" was no one-word title).
 */
const spokenMainTitle = (item: Item) => comparableTitle(spokenTitle(item.title).replace(/\s*\([^)]*\)/g, ' '));

const comparableTitle = (title: string) =>
  title
    .toLowerCase()
    .replace(/^(?:the|a|an)\s+/, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/**
 * Asking for something else entirely: "something completely different", "something else entirely", "a change of pace",
 * "different mood". Not "something else" or "anything else?", which ask for more of the same kind.
 */
const changeOfMood =
  /\b(?:something|anything)\s+(?:(?:completely|totally|entirely|altogether|very|really)\s+)?different\b|\b(?:something|anything)\s+else\s+(?:entirely|altogether|completely)\b|\bchange of (?:pace|mood|scenery)\b|\b(?:different|another|new) mood\b|\bnot in (?:that|the|this) mood\b/;

/**
 * Where the message names a catalogue title, as spans of `text` (the message in lower case, typos corrected): titles
 * of two or more words, and one-word titles written capitalised (`writtenAsTitle`: "Heavy", not "something heavy").
 */
/**
 * Whether the "what's … about" a message matched opens a title it names: "Hmm, What's Eating Gilbert Grape, maybe not. I am
 * not sure about Raising Arizona." (a simulated user's reaction) had been a question about Gilbert Grape.
 */
function opensTitle(about: RegExpExecArray, message: string, text: string, context: TurnContext): boolean {
  if (about[2] === undefined) return false;
  return namedTitleSpans(message, text, context.allItems).some((span) => span.start <= about.index && about.index < span.end);
}

function namedTitleSpans(message: string, text: string, allItems: () => Iterable<Item>): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  // The words single-spaced, as titles are below ("under siege 2: dark" had not matched "under siege 2 dark"), with where each character stands in `text`.
  let words = '';
  const at: number[] = [];
  for (const run of text.matchAll(/[\p{L}\p{N}]+|[^\p{L}\p{N}]+/gu)) {
    const isWord = /^[\p{L}\p{N}]/u.test(run[0]);
    words += isWord ? run[0] : ' ';
    for (let offset = 0; offset < (isWord ? run[0].length : 1); offset++) at.push(run.index + offset);
  }
  for (const item of allItems()) {
    const title = item.title
      .replace(/\(\d{4}\)/g, '')
      .replace(/,\s*(?:the|a|an)\s*$/i, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
    if (title.length < 3) continue;
    for (let index = words.indexOf(title); index >= 0; index = words.indexOf(title, index + 1)) {
      const end = index + title.length;
      if (/[\p{L}\p{N}]/u.test(words[index - 1] ?? '') || /[\p{L}\p{N}]/u.test(words[end] ?? '')) continue;
      if (!/\s/.test(title) && !writtenAsTitle(message, item)) continue;
      spans.push({ start: at[index] ?? 0, end: (at[end - 1] ?? 0) + 1 });
    }
  }
  return spans;
}

/**
 * A mood's weights when it changes films named as examples ("like Fargo but funnier", "like Pulp Fiction but less
 * violent"): its lift of the genres it leans to most (`core`: comedy for funnier, horror for scarier) or that the
 * examples have, and its pushes away from genres the examples lack. Its spill-over (funnier also lifting animation and
 * children's films) and its pushes against the examples' own genres (funnier against crime and thrillers, which had
 * turned "like Fargo but funnier" into Disney cartoons) are dropped: the change is made within films like the examples.
 */
export function moodWithinExamples(names: readonly string[], weights: Readonly<Record<string, number>>, exampleTags: ReadonlySet<string>): Record<string, number> {
  const core = new Set(moodCore(names));
  const against = names.some((name) => moods.find((entry) => entry.name === name)?.againstExamples === true);
  const kept: Record<string, number> = {};
  for (const [tag, weight] of Object.entries(weights)) if ((weight > 0 && (core.has(tag) || exampleTags.has(tag))) || (weight < 0 && (against || !exampleTags.has(tag)))) kept[tag] = weight;
  return kept;
}

/** The genres the named moods lean to most (`core`), as tag keys: what a change to examples ("but funnier") asks of them. */
export function moodCore(names: readonly string[]): string[] {
  return [...new Set(names.flatMap((name) => moods.find((entry) => entry.name === name)?.core ?? []))];
}

/**
 * How a reply names the moods that moved its list: `lead` "Romantic picks for date night" when at least half the list
 * carries a genre the mood leans to, else "Picks for date night" (several: "Picks for a scare and Halloween"), and
 * `heard` ("date night") for a reply that keeps it ("still with date night in mind"). Undefined for no known mood.
 */
export function moodInWords(names: readonly string[], listed: readonly Item[]): { heard: string; lead: string } | undefined {
  // Moods that only steer away ("nothing too violent") are said last: "a scare and something not too violent".
  const steersAway = (entry: (typeof moods)[number]) => Object.values(entry.weights).every((weight) => weight <= 0);
  const known = names
    .map((name) => moods.find((entry) => entry.name === name))
    .filter((entry) => entry !== undefined)
    .sort((a, b) => Number(steersAway(a)) - Number(steersAway(b)));
  const [only] = known;
  if (only === undefined) return undefined;
  const heard = known.map((entry) => entry.heard).join(' and ');
  const lean = known.length === 1 ? only.lean : undefined;
  const leaning = lean !== undefined && listed.length > 0 && listed.filter((item) => tagStems(item).some((tag) => lean.tags.includes(tag))).length * 2 >= listed.length;
  return { heard, lead: leaning ? `${lean.word} picks for ${heard}` : `Picks for ${heard}` };
}

/** Words that judge a film: "Fargo was great", "Heat was boring", "hated Alien". */
const judgement = /\b(?:great|good|amazing|awesome|brilliant|fantastic|excellent|masterpiece|fun|funny|boring|dull|bad|terrible|awful|overrated|hated?|loved?|liked?|enjoyed|disliked)\b/;

/** A catalogue title named, as a title, beside a word judging it ("Hi there. Fargo was great."): a taste stated, worth recommending on. */
function judgesTitle(message: string, text: string, allItems: () => Iterable<Item>): boolean {
  if (!judgement.test(text)) return false;
  const named = findItem(text, [], allItems);
  return named !== undefined && writtenAsTitle(message, named);
}

/** A catalogue title of two or more words, or a one-word title written capitalised in the message ("Fargo", not "kids"). */
function writtenAsTitle(message: string, item: Item): boolean {
  const title = mainTitle(item.title);
  if (/\s/.test(title)) return true;
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const found = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'iu').exec(message);
  return found !== null && /^\p{Lu}/u.test(found[0]);
}

/** Function words of French, Spanish, Italian, Portuguese and German that English does not use. */
const foreignWords = new Set(
  'le les un une des du et est pour avec sans je tu moi toi quelque chose voir regarder veux peux el los las una unos unas para con sin quiero puedes algo ver película películas pelicula peliculas recomienda recomiéndame recomiendame recommande gli uno per senza voglio qualcosa vedere um uma com sem eu quero filme der das ein eine und ist nicht mit ohne ich mir bitte etwas empfehlen'.split(' '),
);
const englishWords = new Set('the a an and is are i you me my to of for with in on it this that what some something movie please can could would recommend watch like want good'.split(' '));

/** A message mostly in another script ("推荐一部电影") or with more foreign than English function words ("recommande-moi un film"). */
function notEnglish(text: string): boolean {
  const letters = text.match(/\p{L}/gu) ?? [];
  if (letters.length > 0 && letters.filter((letter) => !/\p{Script=Latin}/u.test(letter)).length > letters.length / 2) return true;
  const words = text.match(/[\p{L}']+/gu) ?? [];
  const foreign = words.filter((word) => foreignWords.has(word)).length;
  return foreign >= 2 && foreign > words.filter((word) => englishWords.has(word)).length;
}
