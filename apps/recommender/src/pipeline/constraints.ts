import type { Item } from '@personalab/core';
import { z } from 'zod';
import { stem, tagStems } from './taste.js';

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
}

export const sessionConstraintsSchema = z.object({
  tags: z.record(z.string(), z.number()),
  years: z.object({ from: z.number().int().optional(), to: z.number().int().optional() }).optional(),
  audience: z.literal('children').optional(),
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
  /** A new span of years; `null` drops the old one ("any year"). */
  years?: SessionConstraints['years'] | null;
  audience?: 'children' | null;
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
] satisfies [RegExp, string][]).map(([pattern, genre]): [RegExp, string] => [new RegExp(pattern.source, 'g'), stem(genre)]);

/** Words that rule out a genre named up to five words later ("no horror", "nothing scary", "not in the mood for a western"); a comma ends their reach. */
const negationBefore = /\b(?:no|not|without|nothing|never|hate|avoid|skip|except|but not|none of|don'?t want|no more|less|fewer|anything but)\s+(?:\w+\s+){0,5}$/;
/** Negations that are requests by themselves ("no horror", "nothing scary"); "never" is not ("I've never been on an adventure"). */
const strongNegationBefore = /\b(?:no|not|without|nothing|avoid|skip|except|but not|none of|don'?t want|no more|less|fewer|anything but)\s+(?:\w+\s+){0,5}$/;

const decadeWords: Record<string, number> = { twenties: 1920, thirties: 1930, forties: 1940, fifties: 1950, sixties: 1960, seventies: 1970, eighties: 1980, nineties: 1990 };
const decadeWordPattern = new RegExp(`\\b(${Object.keys(decadeWords).join('|')})\\b`, 'g');

/** What a message is read against: the catalogue's tag stems and its latest release year. */
export interface GenreVocabulary {
  /** Every tag stem in the catalogue. */
  stems: ReadonlySet<string>;
  /** The latest release year in the catalogue ("recent" is measured from it). */
  latestYear?: number | undefined;
}

/** The decades a message names ("the 90s", "1970s", "'80s", "sixties"); several ("60s or 70s") span from the first to the last. */
function decadeOf(text: string): { from: number; to: number } | undefined {
  const decades: number[] = [];
  for (const digits of text.matchAll(/\b(?:the\s+)?(?:(19|20)(\d)0|'?(\d)0)'?s\b/g)) {
    decades.push(digits[1] !== undefined ? Number(`${digits[1]}${digits[2]}0`) : 1900 + Number(digits[3]) * 10);
  }
  for (const match of text.matchAll(decadeWordPattern)) decades.push(decadeWords[match[1] as string] as number);
  if (decades.length === 0) return undefined;
  return { from: Math.min(...decades), to: Math.max(...decades) + 9 };
}

function yearsOf(text: string, latestYear: number | undefined): ConstraintUpdate['years'] {
  if (/\b(?:any|whatever|all)\s+(?:year|era|decade|age)s?\b|\bdoesn'?t matter when\b|\bold or new\b/.test(text)) return null;
  const between = /\bbetween\s+((?:19|20)\d\d)\s+and\s+((?:19|20)\d\d)\b/.exec(text);
  if (between) return { from: Math.min(Number(between[1]), Number(between[2])), to: Math.max(Number(between[1]), Number(between[2])) };
  const before = /\b(?:before|earlier than|older than|pre-?)\s*((?:19|20)\d\d)\b/.exec(text);
  const after = /\b(?:after|since|later than|newer than|post-?)\s*((?:19|20)\d\d)\b|\bfrom\s+((?:19|20)\d\d)\s+(?:on|onwards?|forward)\b|\b((?:19|20)\d\d)\s+or (?:later|newer|after)\b/.exec(text);
  const afterYear = after ? Number(after[1] ?? after[2] ?? after[3]) : undefined;
  if (before || after) {
    // "after 1995" starts in 1996; "since 1995", "from 1995 on", "1995 or later" in 1995.
    const inclusive = after !== null && !/^(?:after|later than|newer than|post)/.test(after[0]);
    return { ...(afterYear !== undefined ? { from: afterYear + (inclusive ? 0 : 1) } : {}), ...(before ? { to: Number(before[1]) - 1 } : {}) };
  }
  const decade = decadeOf(text);
  if (decade) {
    // "early 90s", "late 80s": half the decade.
    if (/\bearly\s+(?:the\s+)?\S*\d0'?s\b|\bearly\s+\w+ies\b/.test(text)) return { from: decade.from, to: decade.from + 4 };
    if (/\b(?:late|end of the)\s+(?:the\s+)?\S*\d0'?s\b|\blate\s+\w+ies\b/.test(text)) return { from: decade.from + 5, to: decade.to };
    return decade;
  }
  // "from 1994", "made in 1994"; "in 1994" only about films ("I was born in 1965" is not).
  const single = /\b(?:from|made in|released in|came out in)\s+((?:19|20)\d\d)\b/.exec(text) ?? (/\b(?:born|married|moved|graduated)\b/.test(text) ? null : /\b(?:in|of)\s+((?:19|20)\d\d)\b/.exec(text));
  if (single) return { from: Number(single[1]), to: Number(single[1]) };
  // Vague eras ("recent", "a classic") only about films, or in a short message ("an old classic"): "it's a classic" is praise.
  const aboutFilms = /\b(?:movies?|films?|flicks?|ones|stuff|titles|watch\w*|see)\b/.test(text) || text.split(/\s+/).filter(Boolean).length <= 3;
  if (latestYear !== undefined && aboutFilms) {
    if (/\b(?:recent|newer|newest|latest|new releases?|more modern|modern)\b/.test(text)) return { from: latestYear - 4 };
    if (/\b(?:classics?|oldies|vintage|golden age|black and white|something older)\b|\bold(?:er)?\s+(?:movies?|films?|ones|stuff|titles)\b/.test(text)) return { to: latestYear - 25 };
  }
  return undefined;
}

/** The genres a text names, as tag stems, each with whether it was ruled out and whether by a negation that is a request by itself. */
function genresOf(text: string, vocabulary: GenreVocabulary): { stem: string; avoided: boolean; strong: boolean }[] {
  const found = new Map<string, { avoided: boolean; strong: boolean }>();
  const note = (tag: string, index: number) => {
    if (!vocabulary.stems.has(tag)) return;
    const before = text.slice(0, index);
    const avoided = negationBefore.test(before);
    const strong = avoided && strongNegationBefore.test(before);
    const earlier = found.get(tag);
    // A genre both asked for and ruled out in one message ("comedy, but no romantic comedy") is ruled out.
    found.set(tag, { avoided: (earlier?.avoided ?? false) || avoided, strong: (earlier?.strong ?? false) || strong });
  };
  for (const match of text.matchAll(/[a-z][a-z'-]*/g)) {
    const word = match[0];
    const stemmed = stem(word);
    // Only tags that are whole genres by themselves: "film" (of Film-Noir) or "fi" are not.
    if (singleWordTag.has(stemmed)) note(stemmed, match.index);
  }
  for (const [pattern, tag] of genreWords) for (const match of text.matchAll(pattern)) note(tag, match.index);
  return [...found].map(([tag, { avoided, strong }]) => ({ stem: tag, avoided, strong }));
}

/** The tag stem the constraints use for a catalogue genre name ("Sci-Fi" → "sci", "Film-Noir" → "noir", "Comedy" → "comed"). */
export function genreStem(genre: string, vocabulary: GenreVocabulary): string | undefined {
  const named = genresOf(genre.toLowerCase(), vocabulary)[0]?.stem;
  if (named !== undefined) return named;
  const stems = tagStems({ id: '', title: '', tags: [genre] }).filter((value) => vocabulary.stems.has(value));
  return stems[0];
}

/** Tag stems that name a genre as one word (MovieLens and the synthetic world's genres). */
const singleWordTag = new Set(
  ['action', 'adventure', 'animation', 'comedy', 'crime', 'documentary', 'drama', 'fantasy', 'horror', 'musical', 'mystery', 'romance', 'thriller', 'war', 'western', 'family', 'noir'].map(stem),
);

const standingTaste = /\b(?:i|we)\s+(?:(?:usually|really|generally|mostly|always|just|also|especially|still|often|sometimes|typically|normally|particularly|do(?:n'?t)?|never)\s+)*(?:like|love|enjoy|prefer|adore|hate|dislike|can'?t stand|am into|'m into|watch)\b|\bmy favou?rite\b/;
/** A standing-taste clause that still asks ("I love dramas, recommend one tonight") is a request. */
const request = /\b(?:want|wanna|looking for|look for|mood|recommend|suggest|show me|give me|how about|what about|fancy|feel like|up for|craving|tonight|now|find me|any\b)/;
/**
 * What makes a clause's genre words a request rather than talk ("I was in a war", "family law", "it's
 * a great mystery"): asking words, "please", "movie" or "film", a question, or a message of three words
 * or fewer ("comedies please", "horror").
 */
const requestCue = /\b(?:want|wanna|looking for|look for|mood|recommend|suggest|show me|give me|how about|what about|fancy|feel like|up for|craving|tonight|find me|any|some|something|anything|another|more|please|instead|actually|only|rather|prefer|maybe|perhaps|watch|see|movies?|films?|flicks?)\b|\?/;
/** Children will watch: said outright ("for the kids", "kid-friendly", "family movie night"). */
const childrenStrong = /\bkid[- ]friendly\b|\bfamily[- ](?:friendly|movie|film|night)\b|\bsuitable for (?:kids|children)\b|\bfor (?:the |my |our )?(?:kids|children|little ones|toddlers?)\b/;
/** Children are around ("my 6 year old", "with my family", "my kids"): an audience only in a sentence about watching. */
const childrenWeak =
  /\b(?:my|our|a|with (?:my|the|our))\s+(?:[1-9]|1[0-2]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[- ]?(?:year|yr)[- ]?olds?\b|\bwith (?:the |my |our )?(?:kids|children|little ones|toddlers?|son|daughter)\b|\b(?:whole|entire) family\b|\bwith (?:my|the|our) family\b|\b(?:my|our|the) kids\b/;
const watching = /\b(?:watch\w*|see|movies?|films?|show|tonight|night in)\b/;

/** Reads what a message asks to change in the session's constraints. */
export function readConstraints(message: string, vocabulary: GenreVocabulary): ConstraintUpdate {
  const text = message.toLowerCase().replace(/[’‘]/g, "'");
  // Not "I'll start again soon", "I'll never forget it", "pasta from scratch".
  const reset = /\bstart (?:over|afresh|from scratch)\b|\b(?<!never )forget (?:that|it|all that|everything|what i said|about (?:that|it))\b|\bnever ?mind\b|\banything (?:is fine|goes)\b|\bno preference\b|\bsurprise me\b/.test(text);
  const wanted: Record<string, number> = {};
  const avoided: Record<string, number> = {};
  // A standing taste ("I usually like dramas", "I hate horror") is the profile's to keep; a request
  // ("I'm in the mood for a comedy", "no horror tonight") is the session's.
  const requested = text
    .split(/(?<=[.;!?])|,?\s+but\s+/)
    .filter((clause) => !standingTaste.test(clause) || request.test(clause))
    .join(' ');
  const short = text.split(/\s+/).filter(Boolean).length <= 3;
  for (const clause of requested.split(/(?<=[.;!?])|,/)) {
    const asks = short || requestCue.test(clause);
    for (const genre of genresOf(clause, vocabulary)) {
      // "star wars" names a title, not the genre.
      if (genre.stem === 'war' && /\bstar wars\b/.test(text)) continue;
      if (!asks && !genre.strong) continue;
      if (genre.avoided) avoided[genre.stem] = -1;
      else if (avoided[genre.stem] === undefined) wanted[genre.stem] = WANTED_WEIGHT;
    }
  }
  const update: ConstraintUpdate = { reset, wanted, avoided, adds: /\b(?:also|too|as well|and some|plus|more of)\b/.test(text) };
  const years = yearsOf(requested, vocabulary.latestYear);
  if (years !== undefined) update.years = years;
  const forChildren = childrenStrong.test(text) || text.split(/(?<=[.;!?])/).some((sentence) => childrenWeak.test(sentence) && watching.test(sentence));
  // Adults only wins over a mention of the kids ("the kids are asleep, just adults").
  if (/\b(?:just (?:me|us|adults|the two of us)|adults only|for (?:the )?(?:adults|grown[- ]ups)|grown[- ]ups only|kids (?:are )?(?:asleep|in bed))\b/.test(text)) update.audience = null;
  else if (forChildren) update.audience = 'children';
  return update;
}

/** The session's constraints after a message: the update applied to the previous ones. */
export function mergeConstraints(previous: SessionConstraints, update: ConstraintUpdate): SessionConstraints {
  const base = update.reset ? noConstraints() : previous;
  const tags: Record<string, number> = {};
  const hasWanted = Object.keys(update.wanted).length > 0;
  for (const [tag, weight] of Object.entries(base.tags)) {
    // Genres asked for anew replace the ones asked for before, unless the user adds to them; ruled-out genres stay out.
    if (weight > 0 && hasWanted && !update.adds) continue;
    tags[tag] = weight;
  }
  for (const [tag, weight] of Object.entries(update.wanted)) tags[tag] = weight;
  for (const [tag, weight] of Object.entries(update.avoided)) tags[tag] = weight;
  const next: SessionConstraints = { tags };
  const years = update.years === undefined ? base.years : update.years === null ? undefined : update.years;
  if (years !== undefined) next.years = years;
  const audience = update.audience === undefined ? base.audience : update.audience === null ? undefined : update.audience;
  if (audience !== undefined) next.audience = audience;
  return next;
}

export const hasConstraints = (constraints: SessionConstraints): boolean =>
  Object.keys(constraints.tags).length > 0 || constraints.years !== undefined || constraints.audience !== undefined;

/** Tag stems that mark an item as made for children. */
const childrenStems = ['children', 'family'];

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

const tagNames: Record<string, string> = { comed: 'comedy', sci: 'sci-fi', children: "children's", myster: 'mystery', fantas: 'fantasy', documentar: 'documentary' };
const tagName = (tag: string) => tagNames[tag] ?? tag;

/** The constraints in words, for replies and explanations: "romance and comedy, 1990 to 1999, for children, no horror". */
export function describeConstraints(constraints: SessionConstraints): string {
  const parts: string[] = [];
  // "For children" already says the children's genre.
  const wanted = Object.entries(constraints.tags)
    .filter(([tag, weight]) => weight > 0 && !(tag === 'children' && constraints.audience === 'children'))
    .map(([tag]) => tagName(tag));
  if (wanted.length > 0) parts.push(wanted.join(' and '));
  const { years } = constraints;
  if (years?.from !== undefined && years.to !== undefined) parts.push(years.from === years.to ? `from ${years.from}` : `${years.from} to ${years.to}`);
  else if (years?.from !== undefined) parts.push(`from ${years.from} on`);
  else if (years?.to !== undefined) parts.push(`up to ${years.to}`);
  if (constraints.audience === 'children') parts.push('for children');
  const avoided = Object.entries(constraints.tags).filter(([, weight]) => weight < 0).map(([tag]) => tagName(tag));
  if (avoided.length > 0) parts.push(`no ${avoided.join(' or ')}`);
  return parts.join(', ');
}
