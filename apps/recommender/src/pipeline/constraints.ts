import type { Item } from '@personalab/core';
import { z } from 'zod';
import { correctGenreTypos, stem, tagKey, tagStems } from './taste.js';

/**
 * What the user asked for in a chat session, kept across its turns (dialogue state): genres wanted
 * or ruled out, a span of release years, and who is watching. "A romantic comedy" then "from the
 * 90s please" then "I'm watching with my 6 year old" narrows one request; it does not start three.
 */
export interface SessionConstraints {
  /** Tag stem → weight: positive for genres asked for (a boost), negative for genres ruled out (a filter). */
  tags: Record<string, number>;
  /** Release years asked for, inclusive. */
  years?: { from?: number | undefined; to?: number | undefined } | undefined;
  /** `children`: only items tagged for children (when the catalogue has such tags). */
  audience?: 'children' | undefined;
  /** The mood or occasion the session asked for ("date night"): soft weights on the ranking, never a filter. */
  mood?: SessionMood | undefined;
  /** The genres asked for are alternatives ("horror or comedy"): films of either, not films that are all of them. */
  either?: true | undefined;
  /**
   * Of genres asked for together (`ConstraintUpdate.together`), the ones only the one watching with the user asked for:
   * dropped when the user then watches alone ("I'm on my own tonight").
   */
  companion?: string[] | undefined;
}

/**
 * A mood or occasion asked for in a session ("something for date night", "a tearjerker"), kept for its next turns
 * ("more like the second one", "anything older?") until the user asks for something else: another mood, a genre,
 * something else entirely, or a start over. It nudges the ranking and never filters, so it is no constraint in
 * `hasConstraints`, `constraintFilter` or `describeConstraints`.
 */
export interface SessionMood {
  /** The moods heard, as `classifyTurn` names them ("date night", "tearjerker"). */
  names: string[];
  /** Tag stem → the weight the mood adds to an item's score per tag (negative: steers away). */
  tagWeights: Record<string, number>;
  /** The words it was asked in ("something for date night"), for explanations. */
  phrase: string;
}

export const sessionConstraintsSchema = z.object({
  tags: z.record(z.string(), z.number()),
  years: z.object({ from: z.number().int().optional(), to: z.number().int().optional() }).optional(),
  audience: z.literal('children').optional(),
  mood: z.object({ names: z.array(z.string()), tagWeights: z.record(z.string(), z.number()), phrase: z.string() }).optional(),
  either: z.literal(true).optional(),
  companion: z.array(z.string()).optional(),
});

export const noConstraints = (): SessionConstraints => ({ tags: {} });

/** What one message says about the constraints. */
export interface ConstraintUpdate {
  /** Start over: drop everything asked before this message. */
  reset: boolean;
  /** Genres asked for in this message (tag stem → weight). */
  wanted: Record<string, number>;
  /** Genres ruled out in this message. */
  avoided: Record<string, number>;
  /** Adds to the genres asked for before ("also", "too", "and some") instead of replacing them. */
  adds: boolean;
  /**
   * Genres the message says the user dislikes without asking for anything ("hmm, actually I can't stand
   * horror", "I've gone off westerns"): ruled out when the session asks for them, else left to the profile.
   */
  disliked?: Record<string, number> | undefined;
  /** A new span of years; `null` drops the old one ("any year"). */
  years?: SessionConstraints['years'] | null;
  /**
   * The years were asked for relative to the session's ("older ones", "something newer", "older than that"): with a
   * span already asked for, `mergeConstraints` moves before or after it; without one, `years` (old classics, recent
   * films) holds.
   */
  yearsRelative?: 'older' | 'newer' | undefined;
  audience?: 'children' | null;
  /**
   * The message asks for films for the user and someone watching with them ("my wife loves romance and I like action,
   * something for both of us"): each one's tastes it states are asked for together, and a genre one of them cannot stand
   * is ruled out ("I love horror but my partner hates it").
   */
  together?: boolean | undefined;
  /** Of a request `together`: the genres only the one watching with the user asks for ("my husband is into war movies"). */
  companion?: string[] | undefined;
  /** The user says they watch alone ("I'm on my own tonight", "just me"): a companion's genres asked for before are dropped. */
  alone?: boolean | undefined;
  /** Of a request `together`: genres one of them asks for and the other cannot stand ("I love horror but my partner hates it"), ruled out. */
  contested?: string[] | undefined;
  /** The genres this message asks for are offered as alternatives ("anything scary or funny?"): films of either. */
  either?: boolean | undefined;
  /**
   * Genres the message takes back without ruling them out ("forget the comedies", "drop the romance", "never mind the
   * animation"): whatever the session said of them (asked for or ruled out) is dropped, and they are neither asked for
   * nor ruled out by this message.
   */
  dropped?: string[] | undefined;
}

/** The weight a genre asked for adds to an item's score, per genre (the re-ranker's "how about X" nudge). */
export const WANTED_WEIGHT = 0.3;

/** Everyday words for genres, matched to catalogue tags by their stems. */
const genreWords: [RegExp, string][] = ([
  [/\bsci(?:ence)?[- ]?fi(?:ction)?\b/, 'sci'],
  [/\bcartoons?\b|\banimated\b|\banime\b/, 'animation'],
  // "Do you have kids?" is not a genre; "kids movies", "children's", "family films" are.
  [/\b(?:kids?'?|children'?s?|family)\s+(?:movies?|films?|flicks?|shows?|stuff|ones)\b|\bchildren's\b/, 'children'],
  [/\bscary\b|\bslashers?\b|\bspooky\b/, 'horror'],
  [/\bromantic\b|\blove stor(?:y|ies)\b/, 'romance'],
  [/\brom[- ]?coms?\b/, 'romance'],
  [/\brom[- ]?coms?\b|\bfunny\b|\bcomedic\b/, 'comedy'],
  [/\bdocumentar(?:y|ies)\b|\bdocs\b/, 'documentary'],
  [/\bsuspense(?:ful)?\b/, 'thriller'],
  [/\bwhodunn?its?\b|\bdetective\b/, 'mystery'],
  [/\b(?:film[- ])?noir\b/, 'noir'],
  [/\bcowboys?\b/, 'western'],
  [/\bgangsters?\b|\bheists?\b|\bmafia\b/, 'crime'],
  [/\bmusicals?\b/, 'musical'],
  // Only ruled out: "nothing with singing", "no singing please" ("I love singing", "do you like singing?" ask for no musical).
  // The lookahead first: the lookbehind, tried at every position, had read back over a whole run of spaces each time.
  [/(?=singing\b)(?<=\b(?:no|nothing with|without|not with|less)\s+(?:(?:any|all the|too much|much|the)\s+)?)singing\b/, 'musical'],
] satisfies [RegExp, string][]).map(([pattern, genre]): [RegExp, string] => [new RegExp(pattern.source, 'g'), stem(genre)]);

/**
 * The words between a negation and the genre it rules out: up to five, none of which starts another
 * thought. A verb of wanting ("no, I want a comedy"), "more" ("less action and more comedy"), "and a",
 * "but", "instead", "sure" ("not sure, a western maybe"), praise ("nothing beats a good comedy") or a
 * verb of having seen ("I have not seen a good comedy in years") ends a negation's reach; so do a comma
 * and a sentence's end, which no gap word crosses.
 */
const NEGATION_GAP = String.raw`(?:(?!(?:want|wants|wanted|wanna|need|needs|prefer|rather|instead|more|but|sure|beats?|compares?|tops|seen|watched|saw|found|had|heard|(?:would|i'd|we'd)\s+(?:like|love|rather|prefer)|and\s+(?:a|an|some|something|maybe|perhaps|just|also|then))\b)[\w']+\s+){0,5}$`;
/** "No" as an answer ("No I want a comedy", "no thanks") negates no genre after it. */
const NO = String.raw`no(?!\s+(?:i|i'm|i'd|i've|i'll|we|we're|we'd|you|it|it's|that|that's|this|let's|lets|just|thanks|thank|problem|worries|idea|doubt)\b)`;
/** "Nothing" as praise or a rest ("nothing beats a good comedy", "nothing but comedies", "nothing like a good western") rules nothing out. */
const NOTHING = String.raw`nothing(?!\s+(?:but|beats?|compares?|tops|like|quite|better|else)\b)`;
/** Having gone off a genre, with at most two words before it: "I've gone off westerns", "tired of rom-coms", "I'm so over horror". */
const GONE_OFF = String.raw`(?:gone off|tired of|sick of|fed up with|bored of|done with|(?:'m|am|'re|are)\s+(?:(?:so|totally|completely|really|just)\s+)?over)\s+(?:(?!(?:but|and|more|instead)\b)[\w']+\s+){0,2}$`;
/** Words that rule out a genre named up to five words later ("no horror", "nothing scary", "not in the mood for a western", "I've gone off westerns"). */
const negationBefore = new RegExp(
  String.raw`\b(?:${GONE_OFF}|(?:${NO}|not|without|${NOTHING}|never|hate|dislike|detest|loathe|can'?t stand|cannot stand|avoid|skip|except|but not|none of|don'?t (?:want|like|enjoy)|do not (?:want|like|enjoy)|no more|less|fewer|anything but|everything but|all but|(?:anything|something|everything|films?|movies?|ones?) other than|(?:anything|something) (?:else )?(?:apart|aside) from)\s+${NEGATION_GAP})`,
);
/** Negations that are requests by themselves ("no horror", "nothing scary"); "never" is not ("I've never been on an adventure"), nor "I hate" (a standing taste). */
const strongNegationBefore = new RegExp(
  String.raw`\b(?:${NO}|not|without|${NOTHING}|avoid|skip|except|but not|none of|don'?t want|do not want|no more|less|fewer|anything but|everything but|all but|(?:anything|something|everything|films?|movies?|ones?) other than|(?:anything|something) (?:else )?(?:apart|aside) from)\s+${NEGATION_GAP}`,
);
/** Negations after the genre word: "scary-free", "horror free", "romance-less". */
const negationAfter = /^(?:[- ]?free|-less)\b/;
/** Dull, tiring, not for me: how a dislike of a genre is said after it ("westerns are boring", "I find musicals tedious"). */
const DISLIKE_WORDS = String.raw`(?:(?:so|really|too|pretty|kind of|a bit|very|just|always|usually|quite|super|mostly)\s+)*(?:boring|dull|tedious|awful|terrible|stupid|silly|annoying|overrated|predictable|not (?:for me|my (?:thing|cup of tea)))\b`;
/** A dislike said after the genre: "westerns are boring", "horror movies bore me", "rom-coms aren't for me"; "I find musicals tedious" with the "find" before it. */
const dislikeAfter = new RegExp(
  String.raw`^(?:\s+(?:movies?|films?|flicks?))?\s*(?:(?:is|are|were|was|get|gets)\s+${DISLIKE_WORDS}|(?:bore|bores) me\b|put me to sleep\b|(?:aren'?t|isn'?t|are not|is not|just aren'?t|just isn'?t) (?:for me|my thing)\b)`,
);
const findBefore = /\b(?:i|we)\s+(?:(?:really|just|usually|always|generally)\s+)?(?:find|found)\s+(?:(?:most|all|the)\s+)?$/;
const findAfter = new RegExp(String.raw`^(?:\s+(?:movies?|films?|flicks?))?\s+${DISLIKE_WORDS}`);

const decadeWords: Record<string, number> = {
  twenties: 1920,
  thirties: 1930,
  forties: 1940,
  fifties: 1950,
  sixties: 1960,
  seventies: 1970,
  eighties: 1980,
  nineties: 1990,
  // As people misspell them ("the ninties", "sci fi from the eightees").
  ninties: 1990,
  nintees: 1990,
  ninetys: 1990,
  eightys: 1980,
  eightees: 1980,
  seventys: 1970,
  sixtys: 1960,
  fiftys: 1950,
};
const decadeWordPattern = new RegExp(`\\b(${Object.keys(decadeWords).join('|')})\\b`, 'g');

/** A release year as people write it (1890 to 2039). */
const YEAR = String.raw`(?:18|19|20)\d\d`;
/** A genre named as a noun, as requests write it after an era or a year ("a classic western", "a 1995 comedy", "recent thrillers"). */
const GENRE_NOUN = String.raw`(?:(?:film[- ])?noir\b|\w+ies\b|(?:horror|westerns?|comed\w*|musicals?|romance|thrillers?|war|crime|drama|mystery|sci-fi|adventure|action|animation|cartoons?)\b)`;
/** A decade as people write it ("the 90s", "1970s", "'80s", "sixties"). */
const DECADE = String.raw`(?:(?:18|19|20)\d0'?s|'?\d0'?s|${Object.keys(decadeWords).join('|')})\b`;

/**
 * "Classic" is at most this year. A catalogue's recent end minus 25 years keeps it relative for an
 * old catalogue (MovieLens ends in 1998: up to 1973, The Godfather in); the cap keeps one new item,
 * or a modern catalogue, from dragging "an old classic" into the last decades (with one 2020 item
 * added to MovieLens it had become "up to 1995").
 */
export const CLASSIC_LATEST_YEAR = 1979;
/** A year is the catalogue's recent end when it holds at least this share of the dated items. */
const RECENT_END_SHARE = 0.01;

/** What a message is read against: the catalogue's tag stems and its release years. */
export interface GenreVocabulary {
  /** Every tag stem in the catalogue. */
  stems: ReadonlySet<string>;
  /** The latest release year in the catalogue. */
  latestYear?: number | undefined;
  /**
   * The latest release year that holds a reasonable share of the catalogue (`recentEndOf`): "recent"
   * counts back from it, so that one new item does not make "recent" mean its year. Falls back to
   * `latestYear` when not given.
   */
  recentEnd?: number | undefined;
}

/**
 * The catalogue's recent end: the latest release year holding at least 1% of the dated items
 * (MovieLens 100K: 1998, 65 of 1,681 items; one 2020 item added does not move it).
 */
export function recentEndOf(years: Iterable<number | undefined>): number | undefined {
  const counts = new Map<number, number>();
  let total = 0;
  for (const year of years) {
    if (year === undefined) continue;
    counts.set(year, (counts.get(year) ?? 0) + 1);
    total++;
  }
  if (total === 0) return undefined;
  const byYear = [...counts].sort((left, right) => right[0] - left[0]);
  return (byYear.find(([, count]) => count >= RECENT_END_SHARE * total) ?? byYear[0])?.[0];
}

/** What "recent" and "classic" mean for a catalogue: from its recent end's last five years; up to 25 years before that end, 1979 at the latest. */
export function eraYears(vocabulary: Pick<GenreVocabulary, 'latestYear' | 'recentEnd'>): { recentFrom?: number | undefined; classicTo: number } {
  const end = vocabulary.recentEnd ?? vocabulary.latestYear;
  return { recentFrom: end === undefined ? undefined : end - 4, classicTo: Math.min(CLASSIC_LATEST_YEAR, (end ?? Infinity) - 25) };
}

const wholeDecade = new RegExp(String.raw`^(?:${DECADE})$`);
/** The first year of a decade written alone as one word as in `DECADE` ("80s", "'80s", "1980s", "eighties"); undefined for any other word. */
export function decadeOfWord(word: string): number | undefined {
  return wholeDecade.test(word) ? decadeStart(word) : undefined;
}

/** The first year of a decade written as in `DECADE`. */
function decadeStart(written: string): number {
  const word = decadeWords[written];
  if (word !== undefined) return word;
  const digits = /(?:(18|19|20)(\d)0|(\d)0)/.exec(written);
  if (digits?.[1] !== undefined) return Number(`${digits[1]}${digits[2]}0`);
  return 1900 + Number(digits?.[3] ?? 0) * 10;
}

/**
 * The decades a message names ("the 90s", "1970s", "'80s", "sixties"), each narrowed by "early", "mid" or "late" before
 * it (1990–1994, 1993–1997, 1995–1999); several ("60s or 70s", "the late 80s or early 90s") span from the first year
 * of the earliest to the last of the latest.
 */
function decadeOf(text: string): { from: number; to: number } | undefined {
  const spans: { from: number; to: number }[] = [];
  const add = (start: number, index: number) => {
    const part = /\b(early|mid|late|end of)[- ]?(?:the\s+)?'?$/.exec(text.slice(0, index))?.[1];
    spans.push(part === 'early' ? { from: start, to: start + 4 } : part === 'mid' ? { from: start + 3, to: start + 7 } : part === undefined ? { from: start, to: start + 9 } : { from: start + 5, to: start + 9 });
  };
  for (const digits of text.matchAll(/\b(?:(18|19|20)(\d)0|'?(\d)0)'?s\b/g)) {
    add(digits[1] !== undefined ? Number(`${digits[1]}${digits[2]}0`) : 1900 + Number(digits[3]) * 10, digits.index);
  }
  for (const match of text.matchAll(decadeWordPattern)) add(decadeWords[match[1] as string] as number, match.index);
  if (spans.length === 0) return undefined;
  return { from: Math.min(...spans.map((span) => span.from)), to: Math.max(...spans.map((span) => span.to)) };
}

/** A span of years written out: "from 1990 to 1995", "1980-1985", "1990–95", "between 1985 and 1980" (read in order). */
const yearSpan = new RegExp(String.raw`\b(?:(between)\s+(${YEAR})\s+and\s+(${YEAR})|(${YEAR})\s*(?:-|–|—|to|till|until|through|thru)\s*(${YEAR}|\d\d)(?!\d))`);
/** An open end at a decade: "90s or newer", "from the 80s on", "since the 70s", "before the 90s", "80s or older". */
const decadeFrom = new RegExp(String.raw`\b(?:since|from)\s+(?:the\s+)?(${DECADE})\s*(?:on(?:wards?)?|forward|and (?:up|later|newer|after))\b|\bsince\s+(?:the\s+)?(${DECADE})|\b(${DECADE})\s*(?:or|and|&)\s*(?:newer|later|after|up|onwards?|beyond|more recent)\b|\b(${DECADE})\s+onwards?\b`);
const decadeAfter = new RegExp(String.raw`\b(?:after|post-?|newer than|later than)\s*(?:the\s+)?(${DECADE})`);
const decadeBefore = new RegExp(String.raw`\b(?:before|pre-?|older than|earlier than)\s*(?:the\s+)?(${DECADE})`);
const decadeUpTo = new RegExp(String.raw`\b(?:up to|until|till|through)\s+(?:the\s+)?(${DECADE})|\b(${DECADE})\s*(?:or|and|&)\s*(?:older|earlier|before)\b`);

/**
 * Life told, not films asked for: a year or decade in the same clause ("I went to Rome in 1998", "I've
 * been married since 1985", "we met in 2005", "I was born in the 80s") says when something happened.
 */
const lifeEvent =
  /\b(?:trips?|travel\w*|vacation|holidays?|honeymoon|visit(?:ed|ing)?|went|been to|moved|married|marry|wedding|met|born|graduat\w*|retired|divorced|engaged|lived|living|worked|working|hired|joined|enlisted|served|died|passed away|grew up|growing up|class of|bought|built|started|began|when (?:i|we) (?:was|were))\b|\b(?:i|we|he|she|they)(?:'ve|'d| have| has| had)\s+(?:[\w']+\s+){0,4}?since\b/;
/** An age, never a decade: "in my 40s", "we are in our thirties", "a woman in her late 50s". */
const ageDecade = new RegExp(String.raw`\b(?:in|into|of)\s+(?:my|our|their|his|her|your|its)\s+(?:(?:early|mid|late)[- ]?)?(?:\d0'?s|${Object.keys(decadeWords).join('|')})\b`, 'g');
/** What makes years in a sentence about films: film words and asking words ("something from 1995", "90s movies", "anything made in 1965?"). */
const filmYearCue =
  /\bolder(?=\s*(?:please|ones?|instead|then|[.!?]*\s*$))|\b(?:older|earlier|newer|later|more recent) than (?:that|those|these|this|them|the last)\b|\bmeant\b(?!\s+to\b)|\bno wait\b|\bmake (?:it|that)\b|\btop (?:\d{1,2}|three|five|ten)\b|\b(?:movies?|films?|flicks?|ones|titles|watch\w*|see|made|released|came out|recommend|suggest|show me|give me|find me|how about|what about|something|anything|please|instead|mood|fancy|feel like|looking for|prefer|rather|maybe|perhaps)\b/;

/**
 * The part of the message whose years are about films: sentences with a film or asking word, or a clause
 * shaped as a request ("from the 90s", "90s or newer", "an old classic"); clauses about life events and
 * ages ("in my 40s") left out. "I just got back from a trip to Spain in 2019" names no film years.
 */
function filmYearText(sentences: readonly string[], vocabulary: GenreVocabulary): string {
  const parts: string[] = [];
  for (const sentence of sentences) {
    // Web addresses hold "watch?v=…" and digits that are no years.
    const clauses = sentence.replace(/\bhttps?:\/\/\S+|\bwww\.\S+/g, ' ').replace(ageDecade, ' ').split(',');
    const aboutFilms = filmYearCue.test(clauses.join(',')) || clauses.some((clause) => requestPhrase(clause, vocabulary, false));
    if (aboutFilms) parts.push(...clauses.filter((clause) => !lifeEvent.test(clause)));
  }
  return parts.join(', ');
}

/** Release years written out: spans, open ends, decades, single years (no eras). */
/** Single years (compiled once: they ran on every message): "from 1994", "made in 1994"; a year after a correction ("no wait, 1985", "I meant 1985"); "in 1994". */
const madeInYear = new RegExp(String.raw`\b(?:from|made in|released in|came out in)\s+(${YEAR})\b`);
const correctedYear = new RegExp(String.raw`\b(?:meant|no wait|wait|actually|make it|make that|sorry|rather|or maybe|how about|what about)[\s,]+(?:the year\s+|in\s+)?(${YEAR})\s*(?=$|[,.;!?]|(?:instead|then|please)\b)`);
const inYear = new RegExp(String.raw`\b(?:in|of)\s+(${YEAR})\b`);
/** Words before a number of films owned or counted: "I own 2000 movies", "we have 1800 films", "over 1900 films" ("do you have 1995 films?" asks). */
const COUNT_WORDS = String.raw`(?:(?<!\b(?:you|u)\s+)(?:have|has|had|got)|own|owns|owned|over|about|around|nearly|almost|than)`;
/**
 * A year written before the films asked for: "a 1995 film", "1995 comedies", "any 1997 thrillers?", "a 1995 family movie";
 * not a count (`COUNT_WORDS`), nor one film named by its year ("the 1995 film Heat", "that 1995 movie": a request for films
 * like Heat had listed only films of 1995). Both are looked at from the year, once each (linear on runs of spaces).
 */
const yearBeforeFilm = new RegExp(
  String.raw`\b(${YEAR})(?<!\b${COUNT_WORDS}\s+${YEAR})(?!(?<=\b(?:the|that|this)\s+${YEAR})\s+(?:[a-z'-]+\s+)?(?:movie|film|flick|release)\b)\s+(?:(?:[a-z'-]+\s+)?(?:movies?|films?|flicks?|releases?)\b|${GENRE_NOUN})`,
);

function statedYearsOf(text: string): ConstraintUpdate['years'] {
  const span = yearSpan.exec(text);
  // "from 1990 to 1995" is a span, not 1990; written backwards ("from 1995 to 1990") it is the same span.
  if (span && (span[1] !== undefined || /^\d{4}/.test(span[5] ?? '') || /[-–—]/.test(span[0]))) {
    const first = Number(span[2] ?? span[4]);
    const written = span[3] ?? span[5] ?? '';
    let second = Number(written);
    // "1990-95": the second year in the first one's century.
    if (written.length === 2) second = first - (first % 100) + second + (first % 100 > second ? 100 : 0);
    return { from: Math.min(first, second), to: Math.max(first, second) };
  }
  const before = new RegExp(String.raw`\b(?:before|earlier than|older than|pre-?)\s*(${YEAR})\b|\b(${YEAR})\s+or\s+(?:earlier|older|before)\b`).exec(text);
  const after = new RegExp(String.raw`\b(?:after|since|later than|newer than|post-?)\s*(${YEAR})\b|\bfrom\s+(${YEAR})\s+(?:on|onwards?|forward)\b|\b(${YEAR})\s+or (?:later|newer|after)\b`).exec(text);
  const afterYear = after ? Number(after[1] ?? after[2] ?? after[3]) : undefined;
  if (before || after) {
    // "after 1995" starts in 1996; "since 1995", "from 1995 on", "1995 or later" in 1995; "before 1960" ends in 1959, "1960 or earlier" in 1960.
    const inclusive = after !== null && !/^(?:after|later than|newer than|post)/.test(after[0]);
    const to = before ? (before[1] !== undefined ? Number(before[1]) - 1 : Number(before[2])) : undefined;
    return { ...(afterYear !== undefined ? { from: afterYear + (inclusive ? 0 : 1) } : {}), ...(to !== undefined ? { to } : {}) };
  }
  const fromDecade = decadeFrom.exec(text);
  const afterDecade = decadeAfter.exec(text);
  const beforeDecade = decadeBefore.exec(text);
  const upToDecade = decadeUpTo.exec(text);
  if (fromDecade || afterDecade || beforeDecade || upToDecade) {
    const from = fromDecade ? decadeStart(fromDecade[1] ?? fromDecade[2] ?? fromDecade[3] ?? fromDecade[4] ?? '') : afterDecade ? decadeStart(afterDecade[1] ?? '') + 10 : undefined;
    const to = beforeDecade ? decadeStart(beforeDecade[1] ?? '') - 1 : upToDecade ? decadeStart(upToDecade[1] ?? upToDecade[2] ?? '') + 9 : undefined;
    return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
  }
  // "early 90s", "late 80s": half the decade; "the late 80s or early 90s": 1985 to 1994.
  const decade = decadeOf(text);
  if (decade) return decade;
  // "From 1994", "made in 1994"; "in 1994" is when a film was seen ("I saw Titanic in 1998") unless it says made or from;
  // a year alone after a correction ("no wait, 1985", "I meant 1985", "make it 1985") is the year now asked for; "a 1995
  // film" asks for that year's films unless the message tells of one seen ("I watched a 1995 film").
  const single = madeInYear.exec(text) ?? correctedYear.exec(text) ?? (/\b(?:saw|seen|watched)\b/.test(text) ? null : (inYear.exec(text) ?? yearBeforeFilm.exec(text)));
  if (single) return { from: Number(single[1]), to: Number(single[1]) };
  return undefined;
}

/**
 * The years a text about films asks for: written out (`statedYearsOf`), else an era ("something recent", "an old
 * classic", "older please"); an era said as a comparison ("older ones", "something newer", "older than that") is
 * marked relative, for `mergeConstraints` to read against the session's span.
 */
function yearsOf(text: string, vocabulary: GenreVocabulary): { years: ConstraintUpdate['years']; relative?: ConstraintUpdate['yearsRelative'] } {
  const stated = statedYearsOf(text);
  if (stated !== undefined) return { years: stated };
  // Vague eras only about films (the text holds only sentences about films): "it's a classic" is praise, "classic cars" are cars.
  const { recentFrom, classicTo } = eraYears(vocabulary);
  if (recentFrom !== undefined && (recentEra.test(text) || newerThanThat.test(text))) return { years: { from: recentFrom }, ...(newerThanThat.test(text) || newerWord.test(text) ? { relative: 'newer' as const } : {}) };
  if ((classicEra.test(text) && !praise.test(text)) || olderThanThat.test(text)) return { years: { to: classicTo }, ...(olderThanThat.test(text) || olderWord.test(text) ? { relative: 'older' as const } : {}) };
  return { years: undefined };
}

/** Films asked for from a year named earlier in the message: "films from that year?", "anything made the same year". */
const thatYear = /\b(?:from|of|in|made in|released in|made|released)\s+(?:that|the same|that same|that very)\s+year\b|\bthat year'?s\s+(?:movies?|films?|releases?)\b/;
const yearWritten = new RegExp(String.raw`\b${YEAR}\b`, 'g');
/** A clause before "from that year" that turns it down: "nothing", "no films", "not", "I don't want anything". */
const turnedDown = /\b(?:no|not|nothing|none|never|except|avoid|skip|without|don'?t|do not|anything but)\b/;

/**
 * The year a message's "from that year" points back at: the one year it names ("summer 1995 was great, films from that
 * year?", "I was born in 1980, anything from that year?" had asked for no year: the year is in a clause about life, the
 * request in another). Undefined unless it names exactly one year; no year when the clause turns it down (`turnedDown`:
 * the session has no years to rule out, and the year written is not the one asked for).
 */
function yearPointedBack(text: string): { years: ConstraintUpdate['years'] } | undefined {
  const pointer = thatYear.exec(text);
  if (pointer === null) return undefined;
  // "Nothing from that year please" turns the year down ("1995 was a terrible year for me, nothing from that year" had asked for 1995).
  if (turnedDown.test(text.slice(0, pointer.index).split(/[,.;:!?]/).at(-1) ?? '')) return { years: undefined };
  const years = new Set(text.match(yearWritten) ?? []);
  if (years.size !== 1) return undefined;
  const year = Number([...years][0]);
  return { years: { from: year, to: year } };
}

/** "Older than that", "newer than those", "earlier than these": relative to what was asked or shown before. */
const olderThanThat = /\b(?:older|earlier) than (?:that|those|these|this|them|the last (?:ones?|list|batch|few))\b/;
const newerThanThat = /\b(?:newer|later|more recent|more modern) than (?:that|those|these|this|them|the last (?:ones?|list|batch|few))\b/;
/** Comparatives that ask for older or newer than the session's years ("older ones", "something newer", "more recent"), not eras ("old classics", "recent"). */
const olderWord = /\b(?:older|earlier ones?)\b/;
const newerWord = /\b(?:newer|more recent|more modern|later ones?)\b/;

/**
 * Years asked for relative to the session's span: older is before its first year (or, with only an end, ten years
 * earlier than that end); newer is after its last year (or, with only a start, ten years later, up to the recent era).
 * Without a span the era read from the message holds.
 */
function relativeYears(previous: SessionConstraints['years'], direction: 'older' | 'newer', era: SessionConstraints['years']): SessionConstraints['years'] {
  if (previous === undefined) return era;
  if (direction === 'older') {
    if (previous.from !== undefined) return { to: previous.from - 1 };
    return previous.to === undefined ? era : { to: previous.to - 10 };
  }
  if (previous.to !== undefined) return { from: previous.to + 1 };
  if (previous.from === undefined) return era;
  return { from: Math.max(previous.from, Math.min(previous.from + 10, era?.from ?? previous.from + 10)) };
}

/** What may follow an era word asked for: nothing, a film word, an asking word or a genre ("something recent", "newer ones", "a classic western"). */
const ERA_NEXT = String.raw`(?=\s*(?:$|[,.;!?]|(?:movies?|films?|flicks?|ones?|stuff|titles|releases?|please|instead|then|tonight|maybe|perhaps|for|from|or|and|with|like)\b|${GENRE_NOUN}))`;
/** Recent films asked for: "something recent", "newer ones", "the latest movies"; not "my latest film" (one's own) nor "the latest fashion". */
const recentEra = new RegExp(String.raw`(?<!\b(?:my|our|his|her|their|your|its)\s+(?:[\w']+\s+)?)\b(?:recent|newer|newest|latest|new releases?|more modern|modern)\b${ERA_NEXT}`);
/** Old films asked for: "an old classic", "classics", "a classic film noir", "something older", "anything a bit older?", "black and white". */
const classicEra = new RegExp(
  String.raw`\b(?:classics|oldies|golden age|black and white|(?:something|anything)(?:\s+(?:a\s+)?(?:bit|little|lot|much|slightly|even))?\s+older\b(?!\s+than\b))|(?:^|,)\s*(?:(?:but|and|ok|okay|maybe|now)\s+)*(?:(?:a\s+)?(?:bit|little|lot|much|slightly|even)\s+)?older(?:\s+(?:please|ones?|instead|then|this time))*\s*[.!?]*\s*(?:,|$)|\bold(?:er)?\s+(?:movies?|films?|ones|stuff|titles)\b|\bvintage\s+(?:movies?|films?|flicks?)\b${ERA_NEXT}|\bclassic\b(?!\s+(?:movies?|films?)\s+(?:person|people|fans?|buffs?|lovers?|nerds?|geeks?|guy|girl|kind))${ERA_NEXT}`,
);
/** "It's a classic", "that film is a classic": praise of a film, not a request for old ones. */
const praise = /\b(?:it'?s|is|was|that'?s|are|were|become|became|a real|such a|true)\s+(?:(?:a|an|such|true|real|total|absolute|modern|cult|bit of|kind of)\s+)*classics?\b/;

/** Each place a text names a genre the catalogue has: its tag stem, where the words start and how long they are. */
function genreMentions(text: string, vocabulary: GenreVocabulary): { stem: string; index: number; length: number }[] {
  const mentions: { stem: string; index: number; length: number }[] = [];
  const note = (tag: string, index: number, length: number) => {
    if (vocabulary.stems.has(tag)) mentions.push({ stem: tag, index, length });
  };
  for (const match of text.matchAll(/[a-z][a-z'-]*/g)) {
    const word = match[0];
    const stemmed = stem(word);
    // Only tags that are whole genres by themselves: "film" (of Film-Noir) or "fi" are not.
    if (singleWordTag.has(stemmed)) note(stemmed, match.index, word.length);
    else if (word.includes('-')) {
      // "horror-free", "comedy-drama": each part.
      let offset = match.index;
      for (const part of word.split('-')) {
        if (singleWordTag.has(stem(part))) note(stem(part), offset, part.length);
        offset += part.length + 1;
      }
    }
  }
  for (const [pattern, tag] of genreWords) for (const match of text.matchAll(pattern)) note(tag, match.index, match[0].length);
  return mentions;
}

/**
 * How far before a genre word its negation or "I find" is looked for, in words: the longest negation ("something else apart
 * from", "I'm totally over") and its five gap words. The patterns end at `$`: tried on all the text before each genre word, a
 * message of many genre words was read in time quadratic in its length ("I'm partial to dramas " 2,800 times).
 */
const BEFORE_WORDS = 12;
/** The longest word read back over whole; a longer one (a run of hyphens) is cut. */
const BEFORE_WORD_LENGTH = 40;

/**
 * The `BEFORE_WORDS` words before `index`, each run of whitespace between them one space ("nothing with" before a long run of
 * spaces still rules out "singing").
 */
function wordsBefore(text: string, index: number): string {
  const space = (at: number) => /\s/.test(text[at - 1] ?? '');
  let at = index;
  for (let words = 0; at > 0 && words < BEFORE_WORDS; words++) {
    while (at > 0 && space(at)) at--;
    for (let length = 0; at > 0 && !space(at) && length < BEFORE_WORD_LENGTH; length++) at--;
  }
  return text.slice(at, index).replace(/\s+/g, ' ');
}

/** The genres a text names, as tag stems, each with whether it was ruled out and whether by a negation that is a request by itself. */
export function genresOf(text: string, vocabulary: GenreVocabulary): { stem: string; avoided: boolean; strong: boolean }[] {
  const found = new Map<string, { avoided: boolean; strong: boolean }>();
  for (const { stem: tag, index, length } of genreMentions(text, vocabulary)) {
    const before = wordsBefore(text, index);
    // "scary-free", "horror free": ruled out by the word after; a request by itself.
    const after = text.slice(index + length);
    const free = negationAfter.test(after);
    // "Westerns are boring", "I find musicals tedious": a dislike, as weak as "I hate westerns".
    const disliked = dislikeAfter.test(after) || (findBefore.test(before) && findAfter.test(after));
    const avoided = free || disliked || negationBefore.test(before);
    const strong = free || (avoided && strongNegationBefore.test(before));
    const earlier = found.get(tag);
    // A genre both asked for and ruled out in one message ("comedy, but no romantic comedy") is ruled out.
    found.set(tag, { avoided: (earlier?.avoided ?? false) || avoided, strong: (earlier?.strong ?? false) || strong });
  }
  return [...found].map(([tag, { avoided, strong }]) => ({ stem: tag, avoided, strong }));
}

/**
 * What may stand between two genres a message offers as alternatives: a film word, "or", and up to three words that
 * rule nothing out ("horror or comedy", "scary or funny", "a western or a war film", "a comedy or maybe a romance").
 */
const alternativeGap = /^\s*(?:(?:movies?|films?|flicks?|ones|stuff)\s*)?,?\s*or\s+(?:(?!(?:no|not|nothing|without|and|but)\b)[\w']+\s+){0,3}$/;
/**
 * "And" before a second article between genres: two films asked for, one of each ("a comedy and a horror film", "a sci-fi
 * film and a comedy"), read as alternatives so the list holds both; "comedy and romance", "a romantic comedy" and "a
 * comedy-drama" stay one blend (films of both had answered "a comedy and a horror film": five horror comedies).
 */
const pairGap = /^\s*(?:(?:movies?|films?|flicks?)\s*)?,?\s*(?:and|&|plus)\s+(?:(?:also|maybe|perhaps)\s+)?(?:an?|one|another)\s+$/;
/**
 * One film of both genres said outright: "a film that's both a comedy and a horror", "a comedy and a horror in one", "at
 * the same time" (`pairGap` had read them as either genre); not "for both of us".
 */
const bothInOne = /\bboth\b(?!\s+of\s+(?:us|you|them))|\b(?:in one|all in one|in the same (?:film|movie)|at the same time|at once)\b/;
/** A comma between genres of a list that "or" ends: "a western, a war film or a thriller". */
const listGap = /^\s*(?:(?:movies?|films?|flicks?|ones|stuff)\s*)?,\s*(?:(?:a|an|some|maybe)\s+)?$/;
/** The longest text between two genres `alternativeGap` is tried on; a longer one joins no alternatives. */
const ALTERNATIVE_GAP_LENGTH = 60;

/**
 * Whether a message offers the genres it asks for (`wanted`) as alternatives, joined by "or" ("anything scary or funny?",
 * "horror or comedy", "a western, a war film or a thriller"): a person means either, not films that are both. Only when "or"
 * joins every one of them: "a crime or mystery thriller" is a thriller either way, "a romantic comedy or a thriller" a
 * romantic comedy or a thriller (all read as alternatives, they had listed The Godfather and Toy Story).
 */
function offersAlternatives(text: string, vocabulary: GenreVocabulary, wanted: Readonly<Record<string, number>>): boolean {
  const mentions = genreMentions(text, vocabulary)
    .filter((mention) => wanted[mention.stem] !== undefined)
    .sort((a, b) => a.index - b.index);
  const joined = new Set<string>();
  // Runs of genres joined by "or" or by a list's commas; a run counts once "or" is in it.
  let run: string[] = [];
  let or = false;
  for (const [position, mention] of mentions.entries()) {
    const previous = mentions[position - 1];
    const gap = previous === undefined ? undefined : text.slice(previous.index + previous.length, mention.index);
    const joinedBy = gap === undefined || gap.length > ALTERNATIVE_GAP_LENGTH ? undefined : alternativeGap.test(gap) || (pairGap.test(gap) && !bothInOne.test(text)) ? 'or' : listGap.test(gap) ? 'list' : undefined;
    if (joinedBy === undefined) {
      if (or) for (const stem of run) joined.add(stem);
      run = [];
      or = false;
    }
    if (joinedBy === 'or') or = true;
    run.push(mention.stem);
  }
  if (or) for (const stem of run) joined.add(stem);
  return joined.size > 1 && Object.keys(wanted).every((stem) => joined.has(stem));
}

/**
 * Words that take back what was just said for what follows: "or rather", "or actually", "no wait", "I mean", "make that",
 * "on second thought", "actually" opening a clause ("horror? actually a comedy"). Not "rather" alone ("I'd rather a comedy
 * than horror"), which does not turn one request into another.
 */
const correctionCue = /(?:\bor\s+(?:rather|actually|better yet|wait)|\b(?:no|oh)[,\s]+(?:wait|actually)|\bwait[,\s]+no|\bi mean|\bi meant|\bmake (?:it|that)|\b(?:change|switch) (?:it|that) to|\bon (?:second|further) thoughts?|\bscratch that|\bsorry|[,.;!?]\s*actually)\b/g;

/** What may stand between a correction's cue and the genre it corrects to: its clause's first few words ("or rather a", "no wait, a"). */
const correctionGap = /^[\s,.;:!?-]*(?:[^\s,.;:!?-][^\s,.;:!?]*\s+){0,4}$/;

/**
 * The genres a message asks for and then corrects (`correctionCue`) to others: "horror, or rather a comedy" (horror), "a
 * thriller... no wait, a western" (thriller). Only when genres asked for are named after the last correction, and only those
 * named before it and not after: "a comedy, I mean a romantic comedy" keeps comedy.
 */
function correctedGenres(text: string, vocabulary: GenreVocabulary, wanted: Readonly<Record<string, number>>): string[] {
  let cue: number | undefined;
  for (const match of text.matchAll(correctionCue)) cue = match.index + match[0].length;
  // "A comedy, actually also a romance" adds to the request.
  if (cue === undefined || /\b(?:also|too|as well|plus)\b/.test(text.slice(cue))) return [];
  const mentions = genreMentions(text, vocabulary).filter((mention) => wanted[mention.stem] !== undefined);
  // "A horror film, sorry if that is weird, with some romance": a genre outside the cue's clause corrects nothing.
  const first = mentions.find((mention) => mention.index >= (cue ?? 0));
  if (first === undefined || !correctionGap.test(text.slice(cue, first.index))) return [];
  const after = new Set(mentions.filter((mention) => mention.index >= (cue ?? 0)).map((mention) => mention.stem));
  if (after.size === 0) return [];
  return [...new Set(mentions.filter((mention) => mention.index < (cue ?? 0) && !after.has(mention.stem)).map((mention) => mention.stem))];
}

/** The tag stem the constraints use for a catalogue genre name ("Sci-Fi" → "sci", "Film-Noir" → "noir", "Comedy" → "comed"). */
export function genreStem(genre: string, vocabulary: GenreVocabulary): string | undefined {
  const stems = tagStems({ id: '', title: '', tags: [genre] }).filter((value) => vocabulary.stems.has(value));
  // A genre the catalogue has is itself, even where an everyday word points elsewhere: "Anime" had been read as Animation.
  if (stems.length === 1) return stems[0];
  return genresOf(genre.toLowerCase(), vocabulary)[0]?.stem ?? stems[0];
}

/** Tag stems that name a genre as one word (MovieLens and the synthetic world's genres). */
export const singleWordTag = new Set(
  ['action', 'adventure', 'animation', 'comedy', 'crime', 'documentary', 'drama', 'fantasy', 'horror', 'musical', 'mystery', 'romance', 'thriller', 'war', 'western', 'family', 'noir'].map(stem),
);

/**
 * A taste the user holds: "I usually like dramas", "we watch a lot of horror". Not a question with "I" or "we" after its
 * verb ("what should we watch with the kids?", "can I watch it alone?"), which had read as a taste beside the children's.
 * The look back follows "i" or "we", so it is tried only there (tried at every position, it read back over runs of spaces).
 */
const standingTaste = /\b(?:i|we)(?<!\b(?:should|shall|can|could|would|will|do|did|may|might|must)\s+(?:i|we))\s+(?:(?:usually|really|generally|mostly|always|just|also|especially|still|often|sometimes|typically|normally|particularly|do(?:n'?t)?|never)\s+)*(?:like|love|enjoy|prefer|adore|hate|dislike|can'?t stand|am into|'m into|watch)\b|\bmy favou?rite\b/;
/**
 * A standing dislike ("I hate horror", "I can't stand westerns", "I don't like romance", "not a fan of war
 * films", "westerns are boring", "I find them tedious") or a change of mind ("I've gone off westerns",
 * "I'm tired of rom-coms", "I'm over horror").
 */
const standingDislike = new RegExp(
  String.raw`\b(?:i|we)\s+(?:(?:really|just|absolutely|truly|generally|usually|still|also|totally|honestly|now|kind of|kinda)\s+)*(?:hate|dislike|detest|loathe|can'?t stand|cannot stand|don'?t (?:like|enjoy|do)|do not (?:like|enjoy)|am not (?:a fan of|into)|'m not (?:a fan of|into)|'m no fan of|(?:find|found)\s+(?:[\w'-]+\s+){1,3}?${DISLIKE_WORDS})|\bnot (?:a|the biggest) fan of\b|\b(?:is|are|were|was)\s+${DISLIKE_WORDS}|\bbores? me\b|\b(?:aren'?t|isn'?t) (?:for me|my thing)\b|\b(?:gone off|tired of|sick of|fed up with|bored of|done with)\b|(?:\bi'm|\bi am|\bwe're|\bwe are)\s+(?:(?:so|totally|completely|really|just)\s+)?over\b`,
);
/** A standing-taste clause that still asks ("I love dramas, recommend one tonight") is a request. */
const request = /\b(?:want|wanna|looking for|look for|mood|recommend|suggest|show me|give me|how about|what about|fancy|feel like|up for|craving|tonight|now|find me|any\b)/;
/** A message that asks for a film outright: a standing dislike in it rules the genre out ("I can't stand horror, suggest a movie"). */
const filmRequest =
  /\b(?:recommend|suggest|show me|give me|find me|pick (?:me )?(?:a|an|some|something)|looking for (?:a|an|some|something)|what should (?:i|we) watch|(?:want|wanna|like) to (?:watch|see)|(?:want|need) (?:a|an|some|something) (?:good )?(?:movie|film)|something to watch|any (?:good )?(?:movie|film)s?)\b/;
/**
 * What makes a clause's genre words a request rather than talk ("I was in a war", "family law", "it's
 * a great mystery"): asking words, "please", "movie" or "film", a question, or a message of three words
 * or fewer ("comedies please", "horror").
 */
const requestCue =
  /\b(?:want|wanna|looking for|look for|mood|recommend|suggest|show me|give me|how about|what about|fancy|feel like|up for|craving|tonight|find me|any|some|something|anything|another|more|please|instead|only|rather|prefer|maybe|perhaps|watch|see|movies?|films?|flicks?|(?:wouldn'?t|would not) mind|could go for|open to|(?:would|'d) (?:like|love)|make (?:it|that)|switch to|change (?:it|that) to|top (?:\d{1,2}|three|five|ten))\b|\?/;
/**
 * A liking said in words the profile's taste reader does not take: "I'm partial to dramas", "a soft spot for westerns", "I
 * usually go for thrillers", "I tend to enjoy", "I guess I kind of like", "dramas all the way", "mainly comedies for me",
 * "drama fan here". Beside a request for a film its genres are asked for: they had been searched through the item text, and
 * the list was the general one (the canonical "I usually like dramas" is the profile's, and stays so).
 */
const likingInOtherWords =
  /\b(?:partial to|(?:can'?t|cannot) get enough of|soft spot for|keen on|a sucker for|go for|tend to (?:like|love|enjoy|watch|prefer)|(?:normally|usually|often|mostly|generally|typically|always|mainly) watch|(?:kind of|kinda|sort of) (?:like|love|enjoy)|(?:mostly|mainly) into|lov|luv|(?:my|the) (?:thing|go-to)|all the way|especially|mainly|fan here|what (?:i'm|i am) after)\b/;
/** What asks for a film beside `likingInOtherWords`: a request for one, an asking word (misspelt too: "sugest") or a question. */
const asksBesideLiking = (text: string) => filmRequest.test(text) || askingWords.test(text) || text.includes('?') || /\b(?:sugest|recomm?end|reccomm?end)\b/.test(text);
/** Turning from the usual taste tonight: "…but I'm not in the mood for one", "something else", "for a change". */
const turnsFromLiking = /\bnot (?:really |quite )?in the mood for (?:one|them|that|those|it)\b|\b(?:something|anything) (?:else|different)\b|\bfor a change\b|\bbreak from\b/;
/**
 * Whether a liking said in other words asks for its genres: beside a film asked for that names no genre of its own
 * ("drama fan here, but what's a good comedy?" asks for comedies, "I usually go for dramas. Any comedies?" too: both had
 * asked for dramas as well), and not turned from ("I usually go for dramas, but I'm not in the mood for one tonight").
 */
function likingAsks(text: string, vocabulary: GenreVocabulary): boolean {
  if (!asksBesideLiking(text) || turnsFromLiking.test(text)) return false;
  // A part that asks for a genre itself; not one that goes on with the liking ("I tend to enjoy dramas, thrillers too").
  const asked = (part: string) => (requestCue.test(part) || askingWords.test(part)) && !likingInOtherWords.test(part) && !standingTaste.test(part) && genresOf(part, vocabulary).some((genre) => !genre.avoided);
  return !text.split(/(?<=[.;!?])|,|\bbut\b/).some(asked);
}
/** A mild wish that asks only beside a request for a film: "I don't mind horror, suggest a movie". */
const mildWish = /\b(?:don'?t|do not) mind\b|\b(?:ok|okay|fine|happy) with\b/;
/** A request that points back at a genre named in the message: "nothing beats a good comedy, suggest one", "I don't mind horror, recommend a good one". */
const anaphoricRequest = /\b(?:recommend|suggest|show me|give me|find me|pick)\s+(?:me\s+|us\s+)?(?:a\s+)?(?:good\s+|great\s+|decent\s+|nice\s+)?(?:one|ones)\b(?!\s+(?:of|more|day|time|thing))/;
/** A clause that turns down what the clause before named: "a western? No way.", "I love horror but not tonight", "nah". */
const rejection =
  /^\s*(?:(?:oh|hmm+|um+|ugh|ew+|eh|well|actually|honestly|god|hell)\s+)*(?:no+|nope|nah|no way|no thanks|no thank you|not (?:tonight|today|now|right now|this time|at the moment|again|for me|that|those|them|it)|never again|absolutely not|definitely not|please no|pass)\s*[.!?]*\s*$/;
/** "No" answering what came before, with a request of its own after it: "Horror? No, I want a comedy" reads "no" at a clause's start, "No I want a comedy" too. */
const answeringNo = /^\s*(?:no+|nope|nah)\s*(?:$|[.!?]|(?:i|we|i'm|i'd|we'd|just|let's)\b)/;
/** Words that point back at a genre named before ("I find them boring", "I can't stand those"). */
const pronoun = /\b(?:them|those|it|that|these|they|they're|'em)\b/;

/**
 * Watching with someone, said outright: "for both of us", "we'll both enjoy", "something we can watch together", "a
 * compromise", "movie night with my dad", "me and my brother", "my wife and I".
 */
const watchingTogether =
  /\b(?:for (?:both of us|the two of us|us both|us two|the both of us)|(?:we|we'll|we will|we can|we could|we'd|we would|we both)\s+(?:both\s+)?(?:enjoy|like|love|watch|agree on)\b|both of us\b|\b(?:watch|see|enjoy)\w*\s+(?:[\w']+\s+){0,3}?together\b|compromise\b|middle ground\b|keeps? (?:us )?both happy\b|(?:movie|film) night with\b|watch(?:ing)? (?:it |a (?:movie|film) |something )?with (?:my|our)\b|me and my\b|my (?:wife|husband|partner|girlfriend|boyfriend|fianc[ée]e?|dad|father|mum|mom|mother|son|daughter|kids?|brother|sister|friend|roommate|flatmate)\s+and\s+i\b)/;
/** What follows the one whose taste it is: "loves", "is into", "'s a big fan of", "is crazy about". */
const TASTE_VERB = String.raw`(?:'s|'re|\s+is|\s+are)?\s+(?:(?:really|only|just|mostly|always|also|totally)\s+)*(?:loves?|likes?|enjoys?|prefers?|adores?|wants?|watch(?:es)?|into|a (?:big |huge )?fan of|(?:crazy|mad|nuts) about|obsessed with)\b`;
/** Someone else's taste: "my wife loves romance", "she's into thrillers", "he likes westerns", "my son only watches animation". */
const otherTaste = new RegExp(String.raw`\b(?:he|she|they|my\s+[a-z]+)${TASTE_VERB}`);
/** A child's taste: "my kids love cartoons", "my son is into dinosaurs", "our 6 year old likes musicals". */
const childTaste = new RegExp(
  String.raw`\b(?:my|our)\s+(?:(?:little|young|younger|youngest|older|oldest|eldest)\s+)?(?:kids?|children|sons?|daughters?|little ones|toddlers?|(?:[1-9]|1[0-2]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[- ]?(?:year|yr)[- ]?olds?)${TASTE_VERB}`,
);
/**
 * The taste of someone who watches with the user: family, a partner, friends, those one lives with, or "he", "she" ("my
 * husband is into war movies"), not a boss's, a coworker's or a pet's ("my boss likes war movies and I like dramas" had
 * asked for both).
 */
const companionTaste = new RegExp(
  String.raw`\b(?:he|she|they|(?:my|our)\s+(?:wife|husband|partner|spouse|girlfriend|boyfriend|gf|bf|fianc[ée]e?|other half|date|mum|mom|mother|dad|father|parents|brothers?|sisters?|siblings?|(?:best\s+)?friends?|roommates?|flatmates?|housemates?|family|grandma|grandpa|granny|grandmother|grandfather|cousins?))${TASTE_VERB}`,
);
/**
 * The user watching alone: "for me tonight", "I'm on my own", "watching alone"; not "not for me" (a dislike), "for me and my
 * wife", nor "I'm not alone tonight", "I won't be watching alone" (they had dropped the children's films).
 */
const watchingAlone = /\b(?<!(?:\bnot|\bnever|n't)(?: be| being| watching| be watching)? )(?:alone|by myself|on my own|just me|only me)\b|(?<!\bnot |n't )\bfor me\b(?!\s+(?:and|&)\b)/;
/** The user's own liking, beside someone else's: "I like comedies", "I'm more into thrillers", "I prefer westerns". */
const ownTaste = /\b(?:i|i'm|i am)\s+(?:(?:really|usually|mostly|just|also|more|much more|rather|personally)\s+)*(?:like|love|enjoy|prefer|adore|into|a (?:big |huge )?fan of)\b/;
/** Where a sentence turns from one person's taste to another's: a comma, or "and", "but", "while", "whereas" before a person. */
const tasteTurn = /[,;]|\b(?:and|but|while|whereas)\s+(?=(?:i|i'm|me|my|our)\b)/;

/**
 * Someone else's taste and the user's told side by side, each naming a genre: "my kids love cartoons and I like comedies",
 * "my husband is into war movies and I like dramas". Told to a recommender, the other one's taste says who watches too,
 * so the message asks for a film for both (as a child's had been read; another adult's had stayed the user's standing
 * taste alone, and "my husband is into war movies and I like dramas" listed films that were not war films). Only someone
 * who watches with the user (`companionTaste`), and not when the user says they watch alone (`watchingAlone`).
 */
function tastesBeside(text: string, vocabulary: GenreVocabulary): boolean {
  if (watchingAlone.test(text)) return false;
  const { theirs, own } = tastesByWhom(text, vocabulary);
  return theirs.length > 0 && own.length > 0;
}

/** The genres liked in the parts of a message telling a companion's or a child's taste, and in the parts telling the user's own. */
function tastesByWhom(text: string, vocabulary: GenreVocabulary): { theirs: string[]; own: string[] } {
  const liked = (part: string) => genresOf(part, vocabulary).flatMap((genre) => (genre.avoided ? [] : [genre.stem]));
  const parts = text.split(/(?<=[.;!?])/).flatMap((sentence) => sentence.split(tasteTurn));
  return {
    theirs: parts.flatMap((part) => (childTaste.test(part) || companionTaste.test(part) ? liked(part) : [])),
    own: parts.flatMap((part) => (ownTaste.test(part) && !otherTaste.test(part) ? liked(part) : [])),
  };
}
/** Someone else's dislike: "my partner hates it", "she can't stand horror", "he doesn't like westerns". */
const otherDislike =
  /\b(?:he|she|they|my\s+[a-z]+)(?:'s|'re|\s+is|\s+are)?\s+(?:(?:really|just|absolutely|totally)\s+)*(?:hates?|dislikes?|detests?|loathes?|can'?t stand|cannot stand|(?:doesn'?t|does not|don'?t|won'?t|will not)\s+(?:like|watch|do|enjoy)|(?:not|isn'?t|aren'?t)\s+into|scared of|afraid of)\b/;

/** A film watched or a time gone by: "we watched a funny movie yesterday", "I saw a western once". */
const pastViewing = /\b(?:watched|saw|went|yesterday|last (?:night|week|weekend|month|year|time)|ago|once|used to)\b/;

/** A verb of what films do to people, before whom they do it to: "scare my wife", "make me laugh", "remind me of". */
const effectVerb =
  /\b([a-z'-]+)\s+(?:(?:always|really|just|usually|still|never|all|kind of|kinda|totally|sometimes)\s+)?(?:scare|scares|scared|frighten|frightens|terrify|terrifies|make|makes|made|give|gives|gave|remind|reminds|reminded|keep|keeps|kept|freak|freaks|creep|creeps|upset|upsets|help|helps|relax|relaxes|cheer|cheers)\s+(?:me|my|us|our|him|her|his|them|their|you|your|people|everyone|everybody)\b/g;

/** A clause telling what a genre does to people ("horror movies scare my wife", "westerns remind me of my dad"): the genre or a film word right before the verb. */
function genreEffect(clause: string, vocabulary: GenreVocabulary): boolean {
  for (const match of clause.matchAll(effectVerb)) {
    const word = match[1] ?? '';
    if (/^(?:movies?|films?|flicks?|ones)$/.test(word) || genresOf(word, vocabulary).length > 0) return true;
  }
  return false;
}

/** Words a request for a genre is made of besides the genre and the years ("a good old comedy from the 80s please"). */
const requestPhraseWords = new Set(
  'funny scary spooky romantic animated a an some any another one more few couple of good great nice fun light dark short long new old older recent newer classic classics tearjerker tear-jerker tearjerkers nail-biter nail-biters mind-bender mind-benders weepie weepies proper real solid decent little quick cheesy clever smart gritty movie movies film films flick flicks ones stuff please tonight instead then maybe perhaps too also again for the kids kid family me us night weekend or and with no without but not nothing just only pure straight ok okay so well hmm um actually early late mid from in of made released between before after since until till through thru to up on onward onwards forward or later newer earlier'.split(' '),
);
/** Years written in a request ("from the 80s", "1990-1995", "'80s"), left out when a clause is read for its shape. */
const yearWords = new RegExp(String.raw`\b${YEAR}s?\b|\b${DECADE}|'\d0s\b|\b\d\d\b`, 'g');

/**
 * A clause that is a request by its shape: a noun phrase naming genres, with at most years, a
 * determiner, adjectives and request words around them ("a comedy", "thrillers from the 90s",
 * "western from the 60s", "an 80s comedy, no romance"). "Comedy is my favourite genre" and "a mystery
 * to me" are not.
 */
function requestPhrase(clause: string, vocabulary: GenreVocabulary, needsGenre = true): boolean {
  // Who watches is part of a request ("comedies from the 90s with my 6 year old"), and no era.
  // "Black and white" is an era ("an old black and white mystery").
  // "I want", "can I get", "do you have" before the phrase frame it: the phrase is read as said alone (they had broke its shape).
  const withoutAudience = clause.replace(requestOpening, ' ').replace(audiencePhrase, ' ').replace(/\bblack[- ]and[- ]white\b|\bb&w\b/g, ' old ');
  let rest = withoutAudience.replace(yearWords, ' ');
  // Without a genre, a phrase of years or an era ("from the 90s", "90s or newer", "an old classic").
  const era = rest !== withoutAudience || /\b(?:old|older|classics?|recent|newer)\b/.test(withoutAudience);
  let genres = 0;
  for (const [pattern, tag] of genreWords) {
    rest = rest.replace(pattern, (words) => {
      // "Funny", "scary", "romantic" describe; only a genre named as a noun makes the phrase ("a comedy", "some sci-fi").
      if (vocabulary.stems.has(tag) && !genreAdjective.test(words)) genres++;
      return ' ';
    });
  }
  // "mid-90s": the hyphen left by the decade taken out.
  const words = (rest.match(/[a-z][a-z'-]*/g) ?? []).map((word) => word.replace(/(?<!-)-+$/, ''));
  if (words.length > 10) return false;
  for (const word of words) {
    if ([word, ...word.split('-')].some((part) => singleWordTag.has(stem(part)) && vocabulary.stems.has(stem(part)))) genres++;
    else if (!requestPhraseWords.has(word) && !/^(?:free|less)$/.test(word.split('-').at(-1) ?? '')) return false;
  }
  return genres > 0 || (!needsGenre && era);
}
/**
 * Words that open a clause as a wish or a question for what follows: "I want", "we'd like", "I need", "I'm after", "I meant"
 * ("no wait, I meant a comedy" had asked for nothing, and the drama asked for before stayed), "can I get", "could we have", "do you have", "what do you have", "what's there", "got any", "give me". Only at the clause's
 * start, and only what follows is read.
 */
const requestOpening =
  /^\s*(?:(?:ok|okay|so|well|hmm+|um+|actually|now|then|and|but|oh|also|hi|hey|hello|please|no|wait|sorry)[,\s]+)*(?:(?:i|we)\s+(?:meant|mean)|(?:i|we)(?:'d|\s+would)\s+(?:really\s+|rather\s+)?(?:like|love|prefer)|(?:i|we)\s+(?:(?:really|just|kind of|kinda)\s+)?(?:want|wanna|need|fancy)|(?:i'm|i\s+am|we're|we\s+are)\s+(?:(?:really|just)\s+)?(?:looking for|after|up for|in the mood for|hoping for)|looking for|(?:can|could|may)\s+(?:i|we)\s+(?:please\s+)?(?:get|have|see|watch)|(?:do|does)\s+(?:you|anyone)\s+(?:have|know(?:\s+of)?)|what\s+(?:do|did|would)\s+you\s+(?:have|got|suggest|recommend)|what(?:'ve|\s+have)\s+you\s+got|what(?:'s|\s+is)(?:\s+there)?|(?:have\s+you\s+)?got|(?:give|show|find|get)\s+(?:me|us))\s+/;
/**
 * Who watches, said within a request: "with my 6 year old", "for our kids", and how many ("for 4 people", "for the three of
 * us", "for a group of friends": "a comedy for 4 people" had asked for no comedy, "people" breaking the phrase's shape).
 */
const audiencePhrase =
  /\b(?:with|for)\s+(?:my|our|the)\s+(?:(?:[1-9]|1[0-2]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[- ]?(?:year|yr)[- ]?olds?|kids|children|little ones|toddlers?)\b|\b(?:with|for)\s+(?:(?:the|a|us|a group of|a party of)\s+)?(?:\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several|a (?:big |small )?group(?: of)?)\s*(?:people|persons|adults|friends|guests|guys|girls|of us)?\b/g;
const genreAdjective = /^(?:funny|scary|spooky|romantic|comedic|animated|suspenseful|detective)$/;
/** Children will watch: said outright ("for the kids", "kid-friendly", "family movie night", "a family comedy"; not "a family drama", about one). */
const childrenStrong = /\bkid[- ]friendly\b|\bfamily[- ](?:friendly|movies?|films?|night|comed(?:y|ies)|flicks?|adventures?|fun|fare)\b|\bsuitable for (?:kids|children)\b|\bfor (?:the |my |our )?(?:kids|children|little ones|toddlers?)\b/;
/**
 * Children are around ("my 6 year old", "with my family", "my kids", "we're a family of four", "my son is 5"): an audience
 * only in a sentence about watching. "With a family friend" is an adult; "my son is one of…", "my daughter is 2 hours away"
 * say no age.
 */
const childrenWeak =
  /\b(?:my|our|a|with (?:my|the|our))\s+(?:[1-9]|1[0-2]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[- ]?(?:year|yr)[- ]?olds?\b|\bwith (?:the |my |our )?(?:kids|children|little ones|toddlers?|son|daughter)\b|\b(?:whole|entire) family\b|\b(?:with|for) (?:my|the|our|a) family\b(?![- ]friends?\b)|\ba family of (?:[3-9]|three|four|five|six|seven|eight)\b|\b(?:my|our|the) (?:kids|children)\b|\b(?:my|our) (?:son|daughter|boy|girl|kid)(?:'s| is) (?:[1-9]|1[0-2]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b(?! (?:of\b|(?:hours?|hrs?|minutes?|mins?|miles?)\b|(?:years?|yrs?) (?:older|younger)))/;
const watching = /\b(?:watch\w*|see|movies?|films?|show|tonight|night in)\b/;
/**
 * Alone said outright, not "for me" nor Home Alone: with a word of watching or of now, it ends the children's audience ("I
 * live alone" does not).
 */
const aloneTonight = /\b(?:(?<!\bhome )alone|by myself|on my own|only me)\b/;
/**
 * Asking words that make a whole message a request, so children mentioned in it watch ("with my 6 year old,
 * something from the 90s", "anything good with my kids?"); "I do anything for my kids" does not ask.
 */
const askingWords =
  /\b(?:please|recommend\w*|suggest\w*|any (?:ideas|suggestions|tips)|what (?:should|can|could) (?:i|we)|ideas\?)|(?:^|[,.;!?]\s*)(?:something|anything|(?:(?:some|any|a few|give me|show me)\s+)?(?:more|other|another))\b|\b(?:something|anything)\s+(?:good|fun|funny|nice|light|new|old|suitable|appropriate|to (?:watch|see)|from|made|released|we (?:can|could)|\?)/;
/**
 * A message that opens with the children ("with my 6 year old", "with the kids, from the 90s", "for a family of four", "alone
 * with the kids"): the rest, if any, is read as a request ("for a family of four", "alone with the kids" had got the general list).
 */
const childrenOpening =
  /^\s*(?:(?:ok|okay|so|and|now|well|hmm|also|this time)[,\s]+)?(?:(?:alone|on my own|by myself)\s+)?(?:with|for) (?:(?:my|our|the) (?:(?:[1-9]|1[0-2]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[- ]?(?:year|yr)[- ]?olds?|kids|children|little ones|toddlers?|son|daughter|family)|a family(?: of (?:[3-9]|three|four|five|six|seven|eight))?)\b[\s,.;!?-]*/;

/**
 * "No kids", "not for (the) kids", "without the kids", "kid-free", but not "I have no kids" (life told): a regular expression's
 * source, without word boundaries, shared by the audience read here (`adultsOnly`) and the grown-up mood (intent.ts).
 */
export const noKidsSaid = String.raw`no (?:kids|children)(?<!\b(?:have|had|got|with)\s+no \w+)|not for (?:the )?(?:kids|children)|without (?:the )?(?:kids|children)|kid[- ]free`;

/**
 * Adults watching, said outright: "just us", "adults only", "for grown-ups", "the kids are asleep", "no kids", "not for (the)
 * kids", "without the kids", "kid-free"; not "I have no kids" (life told). The look back is tried only after "no kids" (tried
 * at every position, it would read back over runs of spaces).
 */
const adultsOnly = new RegExp(
  String.raw`\b(?:just (?:me|us|adults|the two of us)|adults only|for (?:the )?(?:adults|grown[- ]ups)|grown[- ]ups only|kids (?:are )?(?:asleep|in bed)|${noKidsSaid})\b`,
);
/**
 * Taking back part of a request: "forget the comedies", "drop the romance", "never mind about the animation", "scratch
 * the 90s", "it doesn't have to be a comedy". What follows (up to `DROP_REACH` words) names what is taken back.
 */
const dropPhrase =
  /\b(?:forget(?:\s+about)?|drop|scratch|ditch|lose|never\s*mind(?:\s+about)?|no need for|leave out|take out|get rid of|(?:it\s+)?(?:doesn'?t|does not|don'?t|do not|needn'?t)\s+(?:have|need) to be)\s+(?:(?:the|all|those|these|that|a|an|any|of)\s+)*/;
/** How many words after a drop phrase can name what is dropped ("forget the romantic comedies"; not "forget how good westerns are"). */
const DROP_REACH = 2;
/** Years or who watches named as what is taken back: "forget the 90s", "drop the year thing", "never mind the kids". */
const droppedYears = new RegExp(String.raw`^(?:years?|decades?|eras?|dates?|${YEAR}s?|${DECADE})`);
const droppedAudience = /^(?:kids?|children|little ones|family)\b/;

/** What a clause takes back with a drop phrase: its genres (stems), and whether the years or the audience. */
function droppedBy(clause: string, vocabulary: GenreVocabulary): { genres: string[]; years: boolean; audience: boolean; at: number } | undefined {
  const found = dropPhrase.exec(clause);
  if (!found) return undefined;
  const after = clause.slice(found.index + found[0].length);
  const reach = after.trim().split(/\s+/).slice(0, DROP_REACH).join(' ');
  const genres = genresOf(reach, vocabulary)
    .filter((genre) => !genre.avoided)
    .map((genre) => genre.stem);
  const years = droppedYears.test(reach);
  const audience = droppedAudience.test(reach);
  return genres.length > 0 || years || audience ? { genres, years, audience, at: found.index } : undefined;
}

/** Reads what a message asks to change in the session's constraints. */
export function readConstraints(message: string, vocabulary: GenreVocabulary): ConstraintUpdate {
  // "A romantic comdy", "recomend a thriler": genre words misspelled are read as spelled right.
  const text = correctGenreTypos(message.toLowerCase().replace(/[’‘]/g, "'"));
  const drops = text.split(/(?<=[.;!?])|,/).flatMap((clause) => droppedBy(clause, vocabulary) ?? []);
  // Not "I'll start again soon", "I'll never forget it", "pasta from scratch"; "never mind the comedies" takes back only those.
  const reset =
    /\bstart (?:over|afresh|from scratch)\b|\b(?<!never )forget (?:that|it|all that|everything|what i said|about (?:that|it))\b|\banything (?:is fine|goes)\b|\bno preference\b|\bsurprise me\b/.test(text) ||
    (/\bnever ?mind\b/.test(text) && drops.length === 0);
  const wanted: Record<string, number> = {};
  const avoided: Record<string, number> = {};
  const disliked: Record<string, number> = {};
  // A standing taste ("I usually like dramas", "I hate horror") is the profile's to keep; a request
  // ("I'm in the mood for a comedy", "no horror tonight") is the session's. A standing dislike in a
  // message that asks for a film ("I can't stand horror, suggest a movie") rules the genre out too.
  const asksForFilm = filmRequest.test(text);
  const asksForOther = asksForFilm || /\b(?:something|anything)\s+(?:else|different)\b/.test(text);
  const likingBeside = likingAsks(text, vocabulary);
  // Watching with someone: the tastes each one states are what the message asks for, together.
  const together = (watchingTogether.test(text) && (standingTaste.test(text) || otherTaste.test(text))) || tastesBeside(text, vocabulary);
  // Someone else's dislike rules a genre out when the message watches with them or asks for a film ("my wife hates
  // horror, anything for tonight?"); told in passing ("my mom hates horror movies lol"), it is their taste, not the user's.
  const othersCount = together || asksForFilm || askingWords.test(text);
  const short = text.split(/\s+/).filter(Boolean).length <= 3;
  const kept: string[] = [];
  const named: string[] = [];
  // Genres someone watching cannot stand ("my partner hates it"), and which of them another asked for.
  const contested = new Set<string>();
  // The genres named by the clause just before, which a bare "no way" or "I find them boring" is about.
  let previous: { stem: string; avoided: boolean }[] = [];
  // A question to the other person ("do you like horror movies? No.") is not turned down by the answer.
  let previousAsksYou = false;
  // "Anything but horror" is one thought, not two clauses. The spaces before "but" are read from where their run starts (or
  // from just after a sentence's end, where the split goes on): tried from every space of a long run, it was quadratic.
  for (const sentence of text.split(/(?<=[.;!?])|,?(?:(?<!\s)|(?<=[.;!?]\s))\s+(?<!\b(?:anything|everything|all|nothing)\s+)but\s+/)) {
    const dislikes = asksForFilm && standingDislike.test(sentence);
    const likes = likingBeside && likingInOtherWords.test(sentence);
    const read = !standingTaste.test(sentence) || request.test(sentence) || dislikes || together || likes;
    // Years are read from the clauses that state no taste: "I love sci-fi, anything from the 90s?" asks for the 90s.
    if (read) kept.push(sentence);
    else kept.push(...sentence.split(',').filter((clause) => !standingTaste.test(clause)));
    for (const clause of sentence.split(/(?<=[.;!?])|,/)) {
      // "Forget the comedies": the genres taken back are neither asked for nor ruled out.
      const dropping = new Set(droppedBy(clause, vocabulary)?.genres ?? []);
      const genres = genresOf(clause, vocabulary).filter((genre) => !(genre.stem === 'war' && /\bstar wars\b/.test(text)) && !dropping.has(genre.stem));
      // "A western? No way.", "I love horror but not tonight", "my husband wants a western but I find them boring".
      // "I love horror but my partner hates it, what's a compromise?", "my wife hates horror, anything for tonight?": ruled
      // out, as someone watching cannot stand it.
      const theyDislike = othersCount && otherDislike.test(clause);
      if (previous.length > 0 && !previousAsksYou && (genres.length === 0 ? rejection.test(clause) || ((standingDislike.test(clause) || theyDislike) && pronoun.test(clause)) : answeringNo.test(clause))) {
        for (const genre of previous) {
          if (genre.avoided) continue;
          // Ruled out when this message asked for it or asks for something else; else the session's only if it asks for it.
          if (wanted[genre.stem] !== undefined || asksForOther || theyDislike) {
            delete wanted[genre.stem];
            avoided[genre.stem] = -1;
            if (theyDislike) contested.add(genre.stem);
          } else disliked[genre.stem] = -1;
        }
      }
      previous = genres;
      previousAsksYou = /\byou\b/.test(clause);
      // A companion's or a child's taste told to a recommender asks for a film for them ("my wife loves comedies", "my kids love
      // cartoons" had got the general list); it is the session's, not the user's standing taste. Not beside the user's own
      // dislike ("my husband loves westerns but I can't stand them" tells, and asks for nothing), nor when the user watches alone.
      const forThem = (companionTaste.test(clause) || childTaste.test(clause)) && !standingDislike.test(text) && !watchingAlone.test(text);
      const asks =
        requestCue.test(clause) ||
        requestPhrase(clause, vocabulary) ||
        (asksForFilm && mildWish.test(clause)) ||
        (likingBeside && likingInOtherWords.test(clause)) ||
        forThem ||
        (together && (standingTaste.test(clause) || otherTaste.test(clause)));
      // A message of three words or fewer asks ("comedies please", "never horror"), unless it only states a dislike ("westerns are boring").
      const statesDislike = standingDislike.test(clause);
      // "Horror movies scare my wife", "comedies make me laugh": what a genre does to people, told, not asked for.
      const tellsEffect = genreEffect(clause, vocabulary);
      // "We watched a funny movie yesterday": a film told of, in a message that asks for nothing.
      const toldOf = pastViewing.test(clause) && !asksForOther && !askingWords.test(text);
      // "My mom hates horror movies lol": someone else's dislike, told in passing, asks for nothing (it had been read as
      // a request for horror).
      if (!theyDislike && otherDislike.test(clause)) continue;
      for (const raw of genres) {
        // "She can't stand horror": someone watching rules it out.
        const genre = theyDislike ? { ...raw, avoided: true, strong: true } : raw;
        if (theyDislike) contested.add(genre.stem);
        if (!genre.avoided) named.push(genre.stem);
        if ((tellsEffect || toldOf) && !genre.avoided) continue;
        // A dislike said in passing ("hmm, actually I can't stand horror") stays for the session to weigh.
        if (genre.avoided && statesDislike) disliked[genre.stem] = -1;
        if (!read || (genre.avoided ? !(asks || genre.strong || dislikes || (short && !statesDislike)) : !(asks || short))) continue;
        if (genre.avoided) avoided[genre.stem] = -1;
        else if (avoided[genre.stem] === undefined) wanted[genre.stem] = WANTED_WEIGHT;
      }
    }
  }
  // "Nothing beats a good comedy, suggest one": "one" asks for the genre named.
  if (anaphoricRequest.test(text)) for (const tag of named) if (avoided[tag] === undefined && disliked[tag] === undefined) wanted[tag] = WANTED_WEIGHT;
  for (const tag of Object.keys(avoided)) {
    delete wanted[tag];
    delete disliked[tag];
  }
  // "Horror, or rather a comedy": the genres before a correction are taken back (both had been asked for, as alternatives).
  for (const tag of correctedGenres(text, vocabulary, wanted)) delete wanted[tag];
  const update: ConstraintUpdate = { reset, wanted, avoided, adds: /\b(?:also|too|as well|and some|plus|more of)\b/.test(text) };
  if (together) {
    update.together = true;
    const { theirs, own } = tastesByWhom(text, vocabulary);
    const companion = [...new Set(theirs)].filter((tag) => wanted[tag] !== undefined && !own.includes(tag));
    if (companion.length > 0) update.companion = companion;
  } else if (watchingAlone.test(text)) update.alone = true;
  // "Anything scary or funny?": either genre (it had asked for films that are both, horror comedies).
  if (Object.keys(wanted).length > 1 && offersAlternatives(text, vocabulary, wanted)) update.either = true;
  const fought = [...contested].filter((tag) => avoided[tag] !== undefined && named.includes(tag));
  if (fought.length > 0) update.contested = fought;
  if (Object.keys(disliked).length > 0) update.disliked = disliked;
  // "Never mind the kids" takes back the children's films asked for with them ("a family movie with my kids").
  const droppedChildren = drops.some((drop) => drop.audience) ? childrenStems.filter((tag) => vocabulary.stems.has(tag)) : [];
  const dropped = [...new Set([...drops.flatMap((drop) => drop.genres), ...droppedChildren])].filter((tag) => wanted[tag] === undefined && avoided[tag] === undefined);
  if (dropped.length > 0) update.dropped = dropped;
  const anyYear = /\b(?:any|whatever)\s+(?:year|era|decade)s?\b|\ball (?:years|eras|decades)\b|\bdoesn'?t matter when\b|\bold or new\b/.test(text) || drops.some((drop) => drop.years);
  const yearReading: ReturnType<typeof yearsOf> = anyYear ? { years: null } : (yearPointedBack(text) ?? yearsOf(filmYearText(kept, vocabulary), vocabulary));
  const years = yearReading.years;
  if (years !== undefined) update.years = years;
  if (yearReading.relative !== undefined) update.yearsRelative = yearReading.relative;
  // Children mentioned in a message that asks for films watch too ("with my 6 year old, something from the 90s",
  // "with my 6 year old"); not in one that tells of life ("I went to Spain with my 6 year old", "my 6 year old is sick").
  const opening = childrenOpening.exec(text);
  const rest = opening ? text.slice(opening[0].length).trim() : undefined;
  const asks =
    (years !== undefined && years !== null) ||
    Object.keys(wanted).length > 0 ||
    asksForFilm ||
    askingWords.test(text) ||
    (rest !== undefined && (rest === '' || rest.split(/[,.;!?]/).every((clause) => clause.trim() === '' || requestPhrase(clause, vocabulary, false))));
  const forChildren =
    childrenStrong.test(text) ||
    text.split(/(?<=[.;!?])/).some((sentence) => childrenWeak.test(sentence) && (watching.test(sentence) || (asks && !lifeEvent.test(sentence))));
  // Adults only wins over a mention of the kids ("the kids are asleep, just adults", "no kids", "not for kids": "not for kids"
  // had asked for children's films, "no kids" had been read as nothing).
  if (adultsOnly.test(text) || drops.some((drop) => drop.audience)) update.audience = null;
  else if (forChildren) update.audience = 'children';
  // Watching alone, no children watch ("actually, alone tonight" after "with my kids" had kept the children's films).
  else if (update.alone === true && aloneTonight.test(text) && (watching.test(text) || /\b(?:this time|now|today|instead)\b/.test(text))) update.audience = null;
  return update;
}

/**
 * One message's reading by an LLM with the offline reader's reading of it as a floor: the LLM may add genres,
 * years or an audience, never drop what the offline reader found. Genres ruled out or asked for by either are
 * kept; where the two readers disagree on a genre (one asks for it, the other rules it out), on the years or on the
 * audience, the offline reader wins: its rules are tested, and the LLM's answer is unchecked text. A start-over
 * or "also" said by either holds (neither drops a constraint this message states).
 */
export function withOfflineFloor(offline: ConstraintUpdate, llm: ConstraintUpdate): ConstraintUpdate {
  const avoided: Record<string, number> = { ...offline.avoided };
  for (const [tag, weight] of Object.entries(llm.avoided)) if (offline.wanted[tag] === undefined) avoided[tag] ??= weight;
  const wanted: Record<string, number> = { ...offline.wanted };
  for (const [tag, weight] of Object.entries(llm.wanted)) if (avoided[tag] === undefined && offline.disliked?.[tag] === undefined) wanted[tag] ??= weight;
  const update: ConstraintUpdate = { reset: offline.reset || llm.reset, wanted, avoided, adds: offline.adds || llm.adds };
  if (offline.together === true || llm.together === true) update.together = true;
  if (offline.contested !== undefined) update.contested = offline.contested;
  if (offline.companion !== undefined) update.companion = offline.companion;
  if (offline.alone === true) update.alone = true;
  if (offline.either === true) update.either = true;
  const dropped = (offline.dropped ?? []).filter((tag) => wanted[tag] === undefined && avoided[tag] === undefined);
  if (dropped.length > 0) update.dropped = dropped;
  const disliked = { ...(llm.disliked ?? {}), ...(offline.disliked ?? {}) };
  for (const tag of Object.keys(disliked)) if (wanted[tag] !== undefined || avoided[tag] !== undefined) delete disliked[tag];
  if (Object.keys(disliked).length > 0) update.disliked = disliked;
  const years = offline.years !== undefined ? offline.years : llm.years;
  if (years !== undefined) update.years = years;
  // "Older ones" read offline stays relative to the session's years, whatever era the LLM put on it.
  if (offline.years !== undefined && offline.yearsRelative !== undefined) update.yearsRelative = offline.yearsRelative;
  const audience = offline.audience !== undefined ? offline.audience : llm.audience;
  if (audience !== undefined) update.audience = audience;
  return update;
}

/**
 * The session's constraints after a message: the update applied to the previous ones. `shownYears`: the release
 * years of the list the user saw last, which "older than that" compares with when the session asks for no years.
 * `exampleYears`: the release years of the films the message asks for more like ("like Men in Black but older"),
 * which "older" and "newer" compare with before the list shown: their decades (`exampleSpan`).
 * The session's mood is kept unless the message starts over or asks for a genre (a new mood is the caller's to set).
 */
export function mergeConstraints(
  previous: SessionConstraints,
  update: ConstraintUpdate,
  context: { shownYears?: readonly number[] | undefined; exampleYears?: readonly number[] | undefined; latestYear?: number | undefined } = {},
): SessionConstraints {
  const base = update.reset ? noConstraints() : previous;
  const tags: Record<string, number> = {};
  const hasWanted = Object.keys(update.wanted).length > 0;
  for (const [tag, weight] of Object.entries(base.tags)) {
    // Genres asked for anew replace the ones asked for before, unless the user adds to them; ruled-out genres stay out.
    if (weight > 0 && hasWanted && !update.adds) continue;
    tags[tag] = weight;
  }
  // A change of mind about a genre the session asks for ("a horror movie please", then "actually I can't stand horror") rules it out.
  for (const [tag, weight] of Object.entries(update.disliked ?? {})) if ((base.tags[tag] ?? 0) > 0 && update.wanted[tag] === undefined) tags[tag] = weight;
  for (const [tag, weight] of Object.entries(update.wanted)) tags[tag] = weight;
  for (const [tag, weight] of Object.entries(update.avoided)) tags[tag] = weight;
  // "Forget the comedies": what the session said of them is taken back.
  for (const tag of update.dropped ?? []) delete tags[tag];
  // "I'm on my own tonight" after a request for two: the companion's genres go, the user's own stay, and so does one the user
  // has since ruled out ("no war films" had been dropped with the companion's war).
  if (update.alone === true) for (const tag of base.companion ?? []) if (update.wanted[tag] === undefined && (tags[tag] ?? 0) > 0) delete tags[tag];
  const next: SessionConstraints = { tags };
  // Whose the genres are holds while they are the ones asked for: a new request (not an addition) or watching alone ends it.
  const companion = update.together === true ? update.companion : (hasWanted && !update.adds) || update.alone === true ? undefined : base.companion;
  if (companion !== undefined) next.companion = companion;
  const stated = update.yearsRelative !== undefined && update.years !== null ? relativeYears(base.years ?? exampleSpan(context.exampleYears, context.latestYear) ?? shownSpan(context.shownYears), update.yearsRelative, update.years) : update.years;
  const years = stated === undefined ? base.years : stated === null ? undefined : stated;
  if (years !== undefined) next.years = years;
  const audience = update.audience === undefined ? base.audience : update.audience === null ? undefined : update.audience;
  if (audience !== undefined) next.audience = audience;
  if (base.mood !== undefined && !hasWanted) next.mood = base.mood;
  // Alternatives asked anew replace the old way of asking; added to ("also romance") they stay alternatives; kept otherwise.
  const either = hasWanted ? update.either === true || (update.adds && base.either === true) : base.either === true;
  if (either && Object.values(tags).filter((weight) => weight > 0).length > 1) next.either = true;
  return next;
}

/**
 * What "older than that" compares with when the session asks for no years: the median release year of the list
 * shown, as a one-year span, so older is up to the year before it and newer from the year after. The median, not the
 * oldest film: one 1939 classic among 90s films would otherwise ask for films before 1939, and one 1977 film would
 * skip the 80s. Undefined when the list had no years.
 */
function shownSpan(years: readonly number[] | undefined): SessionConstraints['years'] {
  if (years === undefined || years.length === 0) return undefined;
  const sorted = [...years].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as number;
  return { from: median, to: median };
}

/**
 * What "older" and "newer" compare with when the message names the films it wants more like: the decades they were
 * made in, so "like Men in Black (1997) but older" is up to 1989 and "like Casablanca (1942) but newer" from 1950 on.
 * One year older than the film (1996) would not be what a person means by older; the list's median rule is for lists.
 * A decade the catalogue (up to `latestYear`) does not see the end of ends at the newest example: "similar to GoodFellas
 * (1990) but newer" is from 1991 on (from 2000 it had found nothing).
 */
function exampleSpan(years: readonly number[] | undefined, latestYear: number | undefined): SessionConstraints['years'] {
  if (years === undefined || years.length === 0) return undefined;
  const newest = Math.max(...years);
  const decadeEnd = Math.floor(newest / 10) * 10 + 9;
  return { from: Math.floor(Math.min(...years) / 10) * 10, to: latestYear !== undefined && decadeEnd >= latestYear ? newest : decadeEnd };
}

export const hasConstraints = (constraints: SessionConstraints): boolean =>
  Object.keys(constraints.tags).length > 0 || constraints.years !== undefined || constraints.audience !== undefined;

/** Tag stems that mark an item as made for children. */
// Keys as `tagKey` writes them: a "Family" tag is keyed "famil" (the literal 'family' had never matched one).
const childrenStems = ['children', tagKey('Family')];

/**
 * The hard part of the constraints as an item test: release years, the audience, and genres ruled
 * out. Genres asked for are a boost, not a filter (a romantic comedy asked for still lets a good
 * comedy through). An item without a year passes a year constraint only when none is set.
 */
export function constraintFilter(constraints: SessionConstraints, catalogueStems: ReadonlySet<string>): ((item: Item) => boolean) | undefined {
  const avoided = Object.entries(constraints.tags).filter(([, weight]) => weight < 0).map(([tag]) => tag);
  const { years } = constraints;
  const forChildren = constraints.audience === 'children' && childrenStems.some((tag) => catalogueStems.has(tag));
  if (avoided.length === 0 && years === undefined && !forChildren) return undefined;
  return (item: Item) => {
    if (years !== undefined) {
      if (item.year === undefined) return false;
      if (years.from !== undefined && item.year < years.from) return false;
      if (years.to !== undefined && item.year > years.to) return false;
    }
    const stems = tagStems(item);
    if (avoided.some((tag) => stems.includes(tag))) return false;
    if (forChildren && !childrenStems.some((tag) => stems.includes(tag))) return false;
    return true;
  };
}

const tagNames: Record<string, string> = { comed: 'comedy', sci: 'sci-fi', children: "children's", myster: 'mystery', fantas: 'fantasy', documentar: 'documentary', noir: 'film noir' };
const tagName = (tag: string) => tagNames[tag] ?? tag;

/** The constraints in words, for replies and explanations: "romance and comedy, 1990 to 1999, for children, no horror". */
export function describeConstraints(constraints: SessionConstraints): string {
  const parts: string[] = [];
  // "For children" already says the children's genre.
  const wanted = Object.entries(constraints.tags)
    .filter(([tag, weight]) => weight > 0 && !(tag === 'children' && constraints.audience === 'children'))
    .map(([tag]) => tagName(tag));
  if (wanted.length > 0) parts.push(wanted.join(constraints.either === true ? ' or ' : ' and '));
  const { years } = constraints;
  if (years?.from !== undefined && years.to !== undefined) parts.push(years.from === years.to ? `from ${years.from}` : `${years.from} to ${years.to}`);
  else if (years?.from !== undefined) parts.push(`from ${years.from} on`);
  else if (years?.to !== undefined) parts.push(`up to ${years.to}`);
  if (constraints.audience === 'children') parts.push('for children');
  const avoided = Object.entries(constraints.tags).filter(([, weight]) => weight < 0).map(([tag]) => tagName(tag));
  if (avoided.length > 0) parts.push(`no ${avoided.join(' or ')}`);
  return parts.join(', ');
}
