import type { Item, Profile } from '@personalab/core';
import { normalizeTitleText, titleVariants } from '@personalab/datasets';
import type { HistoryEntry, Refinement } from './types.js';

/** Lower-case word stems, so "comedies" meets "Comedy" and "thrillers" meets "Thriller". */
export function stem(word: string): string {
  let value = word.toLowerCase().replace(/[^a-z0-9'-]/g, '');
  if (value.length <= 3) return value;
  if (value.endsWith('ies')) value = `${value.slice(0, -3)}y`;
  else if (/(ss|x|ch|sh)es$/.test(value)) value = value.slice(0, -2);
  else if (value.endsWith('s') && !value.endsWith('ss')) value = value.slice(0, -1);
  // "comedy" and "comedies" meet at "comed".
  if (value.length > 4 && value.endsWith('y')) value = value.slice(0, -1);
  return value;
}

/**
 * Everyday words for genres, mapped to tag stems (MovieLens genres and the synthetic world's),
 * so "science fiction", "cartoons" or "scary movies" reach the tags they mean.
 */
const genreSynonyms: [RegExp, string[]][] = [
  // "Sci-Fi" is keyed "sci", a "Science Fiction" tag "science-fiction" (see tagKey).
  [/\bsci(ence)?[- ]?fi(ction)?\b|\bspace\b|\baliens?\b|\brobots?\b|\bfuturistic\b/, ['sci', 'science-fiction']],
  [/\bcartoons?\b|\banimated\b|\banime\b/, ['animation']],
  [/\bkids?\b|\bchildren'?s?\b|\bfamily\b/, ['children', 'famil']],
  [/\bscary\b|\bscar(y|ier)\b|\bslashers?\b|\bspooky\b/, ['horror']],
  [/\bromantic\b|\blove stor(y|ies)\b|\brom[- ]?coms?\b/, ['romance']],
  [/\bfunny\b|\bhumou?r\b|\blaugh\b|\brom[- ]?coms?\b/, ['comed']],
  [/\bdocumentar(y|ies)\b|\bdocs\b|\btrue stor(y|ies)\b/, ['documentary']],
  [/\bsuspense(ful)?\b|\bthrilling\b/, ['thriller']],
  [/\bdetectives?\b|\bwhodunn?its?\b|\bmyster(y|ies)\b/, ['mystery']],
  [/\bnoir\b/, ['noir']],
  [/\bcowboys?\b|\bwesterns?\b/, ['western']],
  [/\bsoldiers?\b|\bbattles?\b|\bwar\b/, ['war']],
  [/\bgangsters?\b|\bheists?\b|\bmafia\b/, ['crime']],
  [/\bmagic(al)?\b|\bdragons?\b|\bwizards?\b|\bfairy tales?\b/, ['fantasy']],
  [/\bmusicals?\b|\bsinging\b/, ['musical']],
];

/**
 * Family and children as people, not films: "my family", "our two kids", "friends and family", "a family friend", "the kids
 * learn" ("I like to go out with my friends and family" and "I love seeing the kids learn and grow" had been said back as
 * "you like children's").
 * "The kids" stays an ask after "for" ("something for the kids") or before a film word ("the kids movies").
 */
const people =
  /\b(?:(?:my|our|your|his|her|their)\s+(?:(?:whole|entire|own|extended|little|young|two|three|four)\s+)?(?:family|families|kids?|children)|(?<!\bfor\s+)the\s+(?:kids|children)\b(?!'?s?\s+(?:movies?|films?|flicks?|shows?|ones?|stuff)\b)|(?:friends?|relatives)\s+(?:and|&)\s+family|family\s+(?:and|&)\s+friends|family\s+friends?)\b/g;

/** The tag stems a piece of text names, directly ("comedies") or through an everyday word ("cartoons"). */
export function mentionedTagStems(text: string, knownTags?: ReadonlySet<string>): Set<string> {
  const lower = text.toLowerCase().replace(people, ' ');
  const found = new Set<string>();
  // Without a known tag set every word counts (callers then only look up item tags).
  const known = (stemmed: string) => knownTags === undefined || knownTags.has(stemmed);
  for (const word of lower.split(/[^a-z0-9'-]+/).filter(Boolean)) {
    const stemmed = stem(word);
    if (known(stemmed)) found.add(stemmed);
  }
  for (const [pattern, stems] of genreSynonyms) {
    if (!pattern.test(lower)) continue;
    for (const stemmed of stems) if (known(stemmed)) found.add(stemmed);
  }
  // A genre of several words ("action comedy" for an "Action Comedy" tag) is named by its words in a row.
  for (const key of knownTags ?? []) {
    if (!key.includes('-') || found.has(key)) continue;
    const words = key.split('-');
    if (new RegExp(`\\b${words.map(escapeRegExp).join('[\\s-]+')}`).test(lower)) found.add(key);
  }
  return found;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Genre words of six letters or more that people misspell ("comdy", "thriler", "documentry", "westren"). */
const genreSpellings = (
  'comedy comedies thriller thrillers documentary documentaries western westerns romance romantic musical musicals mystery mysteries ' +
  'fantasy horror action adventure adventures animation animated cartoon cartoons suspense detective detectives'
).split(' ');
const genreStems = new Set(genreSpellings.map(stem));
/** Real words one letter from a genre word: never corrected ("I was thrilled", "an auction", "mastery"). */
const realNeighbours = new Set('thrilled thrills auction auctions faction factions mastery carton cartons comely animate animates romancer adventurer adventurers'.split(' '));
/** Short misspellings an edit-distance rule would not reach safely. */
const shortMisspellings: Record<string, string> = { scarry: 'scary', scarey: 'scary', skary: 'scary', horor: 'horror', horrer: 'horror', comdy: 'comedy', comady: 'comedy', scifi: 'sci-fi', syfy: 'sci-fi' };

/** Whether two words are at most one letter apart: one letter changed, added or dropped, or two neighbours swapped. */
function oneEditApart(left: string, right: string): boolean {
  if (Math.abs(left.length - right.length) > 1) return false;
  let start = 0;
  while (start < left.length && left[start] === right[start]) start++;
  let leftEnd = left.length;
  let rightEnd = right.length;
  while (leftEnd > start && rightEnd > start && left[leftEnd - 1] === right[rightEnd - 1]) {
    leftEnd--;
    rightEnd--;
  }
  const leftRest = left.slice(start, leftEnd);
  const rightRest = right.slice(start, rightEnd);
  if (leftRest.length <= 1 && rightRest.length <= 1) return true;
  // "westren" for "western": two neighbouring letters swapped.
  return leftRest.length === 2 && rightRest.length === 2 && leftRest[0] === rightRest[1] && leftRest[1] === rightRest[0];
}

/**
 * The text with misspelled genre words spelled right ("somthing scarry" → "somthing scary", "a romantic comdy" →
 * "a romantic comedy", "recomend a thriler" → "recomend a thriller"): a word of five letters or more one letter from
 * a genre word of six or more, or a listed short misspelling. Real words that near ("thrilled", "auction",
 * "mastery") are left alone. Lower-case text in, the same text out with only those words changed.
 */
export function correctGenreTypos(text: string): string {
  return text.replace(/[a-z]{4,}/g, (word) => {
    const listed = shortMisspellings[word];
    if (listed !== undefined) return listed;
    // A genre word in another form ("actions", "romances") is no misspelling.
    if (word.length < 5 || realNeighbours.has(word) || genreStems.has(stem(word))) return word;
    return genreSpellings.find((genre) => oneEditApart(word, genre)) ?? word;
  });
}

/** Words that name the medium rather than the genre: "Film-Noir" is noir. */
const mediumWords = new Set(['film', 'films', 'movie', 'movies', 'cinema', 'genre', 'genres']);

/**
 * The one key (lower-case stem) of a genre name, so a name of several words stays one genre: "Sci-Fi" is
 * not also "fi", "Children's" not also "s", "K-Drama" not Drama. Words of the medium are left out
 * ("Film-Noir" → noir); a clipped compound of short words is keyed by its first ("Sci-Fi" → sci, as the
 * session constraints name it); any other compound by all its words ("K-Drama" → k-drama, "Action
 * Comedy" → action-comed), so it never merges with a genre named by one of its words.
 */
export function tagKey(genre: string): string {
  const words = genre
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/'s\b/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const distinctive = words.filter((word) => !mediumWords.has(word));
  const parts = distinctive.length > 0 ? distinctive : words;
  if (parts.length <= 1) return stem(parts[0] ?? '');
  if (parts.every((word) => word.length <= 3)) return stem(parts[0] ?? '');
  return stem(parts.join('-'));
}

/**
 * The genres a tag names, each with its key: one, or several when the tag lists them ("Action &
 * Adventure", "Sci-Fi/Fantasy").
 */
export function tagGenres(tag: string): { key: string; name: string }[] {
  return tag
    .split(/\s*[&/,]\s*/)
    .map((name) => name.trim())
    .filter(Boolean)
    .map((name) => ({ key: tagKey(name), name }))
    .filter((genre) => genre.key !== '');
}

const stemsByItem = new WeakMap<Item, string[]>();

/** The keys of an item's genres (`tagKey`: one per genre, lower case), without repeats; computed once per item object. */
export function tagStems(item: Item): string[] {
  let stems = stemsByItem.get(item);
  if (stems === undefined) {
    stems = [...new Set(item.tags.flatMap((tag) => tagGenres(tag).map((genre) => genre.key)))];
    stemsByItem.set(item, stems);
  }
  return stems;
}

/** Each genre key of the items, with the name the items spell it with ("sci" → "Sci-Fi"), for what users read. */
export function tagNamesByKey(items: Iterable<Item>): Map<string, string> {
  const names = new Map<string, string>();
  for (const item of items) for (const tag of item.tags) for (const genre of tagGenres(tag)) if (!names.has(genre.key)) names.set(genre.key, genre.name);
  return names;
}

/**
 * A dislike the user stated rather than a rating of something they watched: a title they said in chat
 * they dislike ("I hated Alien") or marked with a `dislike` event. It is no seed and no similarity, and
 * counts against its genres.
 */
export const isNamedDislike = (entry: HistoryEntry): boolean => entry.event === 'dislike' || (entry.source === 'chat' && entry.rating !== undefined && entry.rating < 3);

/**
 * A film the user said in chat was just ok ("Alien was ok", "Titanic was meh": rated 3 from chat): seen, so not offered
 * again, but no seed and no lean toward or away from its genres. As a seed it had filled a new user's next list with the
 * film's sequels and neighbours, as a liking would.
 */
export const isNamedLukewarm = (entry: HistoryEntry): boolean => entry.source === 'chat' && entry.rating === 3;

/** A title named in chat that says nothing in favour of films like it: a named dislike or a lukewarm verdict. */
export const seedsNothing = (entry: HistoryEntry): boolean => isNamedDislike(entry) || isNamedLukewarm(entry);

/**
 * The films a user's history says they like or watched, what seeds the model's query: not named dislikes or lukewarm verdicts, with no
 * rating or one of at least `minSeedRating` (default 3).
 */
export function seedEntries(history: readonly HistoryEntry[], minSeedRating = 3): HistoryEntry[] {
  return history.filter((entry) => !seedsNothing(entry) && (entry.rating === undefined || entry.rating >= minSeedRating));
}

/** How much a user's history already tells about their tastes: the number of its `seedEntries`. */
export function tasteEvidence(history: readonly HistoryEntry[], minSeedRating = 3): number {
  return seedEntries(history, minSeedRating).length;
}

/**
 * The number of films (`tasteEvidence`) at which a stated genre taste keeps half its weight (the candidate places and
 * the re-ranker's `statedGenreWeight` are scaled by c / (c + n)): chosen on two validation splits,
 * experiments/chatrec/stated-tastes.ts, which both prefer no decay (`Infinity`: the taste keeps its whole weight
 * whatever the history) once the films a user named stopped counting as stated genres ("I loved Star Wars" had been a
 * stated liking for War films, which a decay with the history had partly hidden). c = 20 had been chosen before, on
 * one split.
 */
export const defaultStatedHalfAt = Number.POSITIVE_INFINITY;

/**
 * The share of a stated genre taste's full weight kept once `evidence` films are known: c / (c + n) with c =
 * `halfAt` (1 with no evidence; `Infinity` keeps it whole).
 */
export function statedTasteShare(evidence: number, halfAt: number = defaultStatedHalfAt): number {
  if (evidence <= 0 || halfAt === Number.POSITIVE_INFINITY) return 1;
  return halfAt / (halfAt + evidence);
}

/** Whether `halfAt` is a valid half point for `statedTasteShare`: 0 or more, `Infinity` included. */
export const isStatedHalfAt = (halfAt: number): boolean => !Number.isNaN(halfAt) && halfAt >= 0;

/** A user's taste as weights on tag stems, from their ratings and their stated preferences. */
export interface Taste {
  /** Tag stem to affinity, roughly -1 (avoids) to 1 (seeks out). */
  tags: Map<string, number>;
  /** Per tag stem, the liked history items that carry it (for explanations). */
  likedByTag: Map<string, Item[]>;
  /** Per tag stem, the profile preference subject that mentions it (for explanations). */
  statedByTag: Map<string, { subject: string; polarity: 'like' | 'dislike' | 'neutral' }>;
  /**
   * Per tag stem, what the user said of it: the strengths of the profile preferences naming it, liked ones plus and
   * disliked ones minus, clipped to [-1, 1] (`tags` holds it too, times `statedWeight`, mixed with the ratings).
   */
  stated: Map<string, number>;
  /** Item ids the user rated or mentioned. */
  seen: Set<string>;
  /** Mean and spread of the release years in the history (era preference), when known. */
  years: { mean: number; spread: number } | undefined;
}

export interface TasteOptions {
  /** How much one stated preference weighs against the ratings-derived affinity. */
  statedWeight?: number;
  /** Weight of how often the user consumes a tag (share of their history). */
  shareWeight?: number;
  /** Weight of how the user rates a tag relative to their mean rating. */
  ratingWeight?: number;
}

/** How a taste turns into a fit score. */
export interface FitOptions {
  /** Weight of closeness to the user's usual release years. */
  yearWeight?: number;
}

/**
 * Whether a preference's subject is the title of one of `films` (any way it is written) or of the `unknown` films named as
 * written: a film the user named ("I
 * loved Star Wars") is an opinion of the film, a rating in the history, not a taste for the genres its title's words
 * spell (it had counted as a stated liking for War films).
 */
export function namesOneOf(films: Iterable<Item>, unknown: Iterable<string> = []): (subject: string) => boolean {
  // Films the catalogue lacks count as written ("I loved Inception and Alien").
  const titles = new Set([...[...films].flatMap((item) => titleVariants(item.title)), ...[...unknown].map(normalizeTitleText)]);
  // "I loved Star Wars and Toy Story", "Alien, Aliens and Heat": several films named together are films too (the list had
  // been read for its words: "you like war", "you like alien and aliens").
  return (subject) => titles.has(normalizeTitleText(subject)) || namesSeveral(subject, titles);
}

/**
 * The profile's preferences that are of genres or subjects, not of films the user named: a preference whose subject is a
 * film (or a list of films) in their history ("I loved Star Wars", "I loved Alien and Aliens") is a rating there, and its
 * title's words say no taste ("war", "alien").
 */
export function genrePreferences(profile: Profile, history: readonly HistoryEntry[]): Profile['preferences'] {
  if (profile.preferences.length === 0) return profile.preferences;
  const namesFilm = namesOneOf(history.map((entry) => entry.item));
  return profile.preferences.filter((preference) => !namesFilm(preference.subject));
}

/** The most parts of a list one title may span: "Sense and Sensibility" is two, "Sex, Lies, and Videotape" three. */
const TITLE_PARTS = 4;

/**
 * Whether `subject` is a list of two or more of `titles` (normalised), joined by "and", "&" or commas ("both" before it
 * allowed): its parts are split at each joint and put back together wherever a title holds one. Linear in its length.
 */
function namesSeveral(subject: string, titles: ReadonlySet<string>): boolean {
  const tokens = subject.toLowerCase().match(/[a-z0-9]+|[,&]/g) ?? [];
  // The list's parts, and for each joint what it adds inside a title that spans it ("and"; a comma or "&" adds nothing).
  const parts: string[][] = [[]];
  const joints: string[] = [];
  let joint: string | undefined;
  for (const [index, token] of tokens.entries()) {
    if (index === 0 && token === 'both') continue;
    if (token === ',' || token === '&' || token === 'and') {
      joint = token === 'and' || joint === 'and' ? 'and' : '';
      continue;
    }
    if (joint !== undefined) {
      joints.push(joint);
      parts.push([]);
      joint = undefined;
    }
    parts.at(-1)?.push(token);
  }
  if (joint !== undefined || parts.length < 2 || parts.some((part) => part.length === 0)) return false;
  // reached[i]: the first i parts are whole titles.
  const reached = parts.map((_, index) => index === 0);
  reached.push(false);
  for (let start = 0; start < parts.length; start++) {
    if (!reached[start]) continue;
    let text = '';
    for (let end = start; end < Math.min(parts.length, start + TITLE_PARTS); end++) {
      text = end === start ? (parts[end] ?? []).join(' ') : [text, joints[end - 1], ...(parts[end] ?? [])].filter(Boolean).join(' ');
      if (titles.has(text)) reached[end + 1] = true;
    }
  }
  return reached[parts.length] === true;
}

/**
 * Builds a taste from ratings (each tag's mean rating relative to the user's mean, shrunk toward
 * zero when there is little evidence) and from the profile's preferences whose subject names a tag.
 */
export function buildTaste(profile: Profile, history: readonly HistoryEntry[], knownTags?: ReadonlySet<string>, options: TasteOptions = {}): Taste {
  const statedWeight = options.statedWeight ?? 0.8;
  const shareWeight = options.shareWeight ?? 1;
  const ratingWeight = options.ratingWeight ?? 1;
  // One request re-ranks and explains from the same history array: build its taste once.
  // Keyed on the objects themselves (history array, profile), so no two requests share an entry.
  const key = knownTags === undefined ? `${statedWeight}|${shareWeight}|${ratingWeight}` : undefined;
  const cached = key === undefined ? undefined : tasteCache.get(history)?.get(profile)?.get(key);
  if (cached) return cached;
  const taste = computeTaste(profile, history, knownTags, statedWeight, shareWeight, ratingWeight);
  if (key !== undefined) {
    const perHistory = tasteCache.get(history) ?? new WeakMap<Profile, Map<string, Taste>>();
    const perProfile = perHistory.get(profile) ?? new Map<string, Taste>();
    perProfile.set(key, taste);
    perHistory.set(profile, perProfile);
    tasteCache.set(history, perHistory);
  }
  return taste;
}

const tasteCache = new WeakMap<readonly HistoryEntry[], WeakMap<Profile, Map<string, Taste>>>();

function computeTaste(profile: Profile, history: readonly HistoryEntry[], knownTags: ReadonlySet<string> | undefined, statedWeight: number, shareWeight: number, ratingWeight: number): Taste {
  const tags = new Map<string, number>();
  const likedByTag = new Map<string, Item[]>();
  const statedByTag = new Map<string, { subject: string; polarity: 'like' | 'dislike' | 'neutral' }>();
  const stated = new Map<string, number>();
  const rated = history.filter((entry) => entry.rating !== undefined);
  const mean = rated.length === 0 ? 0 : rated.reduce((sum, entry) => sum + (entry.rating ?? 0), 0) / rated.length;
  const sums = new Map<string, { total: number; count: number; watched: number }>();
  let watched = 0;
  for (const entry of history) {
    // A title the user only said in chat they dislike was named, not watched: it counts against its
    // tags (relative to a middling 3) and adds nothing to how often they watch them. One they said was just ok counts 0.
    const namedDislike = seedsNothing(entry);
    // Implicit events count as mildly positive.
    const deviation = entry.rating === undefined ? 0.5 : namedDislike ? entry.rating - 3 : entry.rating - mean;
    if (!namedDislike) watched++;
    for (const tag of new Set(tagStems(entry.item))) {
      const sum = sums.get(tag) ?? { total: 0, count: 0, watched: 0 };
      sum.total += deviation;
      sum.count += 1;
      if (!namedDislike) sum.watched += 1;
      sums.set(tag, sum);
      // Liked: rated 4 or 5, or a `like` or `purchase` event; a `view` says it was watched ("I've seen Aliens"), not liked.
      if (entry.rating === undefined ? entry.event !== 'view' : entry.rating >= 4) {
        const list = likedByTag.get(tag) ?? [];
        list.push(entry.item);
        likedByTag.set(tag, list);
      }
    }
  }
  const total = Math.max(1, watched);
  for (const [tag, sum] of sums) {
    // Share of history with the tag (how often they watch it) plus how they rate it; shrinkage 5.
    const share = sum.watched / total;
    const relative = sum.total / (sum.count + 5);
    tags.set(tag, shareWeight * share + ratingWeight * relative);
  }
  for (const preference of genrePreferences(profile, history)) {
    const sign = preference.polarity === 'like' ? 1 : preference.polarity === 'dislike' ? -1 : 0;
    for (const word of mentionedTagStems(preference.subject, knownTags)) {
      tags.set(word, (tags.get(word) ?? 0) + sign * statedWeight * preference.strength);
      statedByTag.set(word, { subject: preference.subject, polarity: preference.polarity });
      if (sign !== 0) stated.set(word, Math.max(-1, Math.min(1, (stated.get(word) ?? 0) + sign * preference.strength)));
    }
  }
  const yearValues = history.map((entry) => entry.item.year).filter((year): year is number => year !== undefined);
  let years: Taste['years'];
  if (yearValues.length >= 3) {
    const yearMean = yearValues.reduce((sum, year) => sum + year, 0) / yearValues.length;
    const variance = yearValues.reduce((sum, year) => sum + (year - yearMean) ** 2, 0) / yearValues.length;
    years = { mean: yearMean, spread: Math.max(2, Math.sqrt(variance)) };
  }
  return { tags, likedByTag, statedByTag, stated, seen: new Set(history.map((entry) => entry.item.id)), years };
}

/** How well an item fits a taste and a refinement: the mean of its tags' affinities plus refinement weights. */
export function profileFit(item: Item, taste: Taste, refinement?: Refinement, options: FitOptions = {}): number {
  const stems = [...new Set(tagStems(item))];
  let fit = 0;
  if (stems.length > 0) {
    let total = 0;
    for (const tag of stems) total += taste.tags.get(tag) ?? 0;
    fit = total / Math.sqrt(stems.length);
  }
  const yearWeight = options.yearWeight ?? 0;
  if (yearWeight > 0 && taste.years && item.year !== undefined) {
    const distance = Math.abs(item.year - taste.years.mean) / taste.years.spread;
    fit += yearWeight * (1 - Math.min(3, distance));
  }
  if (refinement) for (const tag of stems) fit += refinement.tagWeights[tag] ?? 0;
  return fit;
}

/** Every tag stem that occurs in an item set. */
export function collectTagStems(items: Iterable<Item>): Set<string> {
  const stems = new Set<string>();
  for (const item of items) for (const tag of tagStems(item)) stems.add(tag);
  return stems;
}
