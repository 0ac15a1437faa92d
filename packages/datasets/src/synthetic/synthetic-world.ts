import { PersonalabError, createRandom, hashString, type Item, type Random, type RatingInteraction, type User } from '@personalab/core';
import * as words from './vocabulary.js';

/**
 * The synthetic world: a seeded generator of users with hidden profiles, items with attributes, ratings from a
 * latent-factor model with noise, and (lazily, per user) multi-session conversations in which users reveal their
 * facts and preference changes. Everything the generator decided is exposed as ground truth (`hidden`), so other
 * components can be scored against it.
 *
 * Rating model, for user u, item i at time t (all drawn from the seed):
 *   score = 3.5 + b_u + b_i + (p_u · q_i) + tasteWeight · mean over the item's genres g of taste_u(g, t) + N(0, noise²)
 *   rating = clamp(round(score), 1, 5)
 * p_u, q_i are `latentDimension`-dimensional factors (q_i also carries a per-genre component, so genres correlate with
 * factors); taste_u(g, t) is the user's affinity in [-1, 1] for genre g at time t, which changes at known times.
 * Which items a user rates follows item popularity (Zipf-like) tilted towards the user's liked genres.
 */

export type SyntheticGenre = (typeof words.syntheticGenres)[number];

export interface SyntheticWorldOptions {
  /** An integer in [0, 2^32 - 1]; anything else is `invalid_argument`. */
  seed: number;
  /** Number of users (default 50). */
  users?: number;
  /** Number of items (default 300). */
  items?: number;
  /** Mean ratings per user (default 20; each user gets between 5 and min(items, 4 × mean)). */
  ratingsPerUser?: number;
  /** Dimension of the latent factors (default 8). */
  latentDimension?: number;
  /** Standard deviation of the rating noise (default 0.5). */
  noise?: number;
  /** Weight of genre tastes in the score (default 1.2). */
  tasteWeight?: number;
  /** Conversation sessions per user (default 4, at least 2 so that changes can be revealed after a first statement). */
  sessionsPerUser?: number;
  /** Most preference changes per user (default 2; never more than sessionsPerUser - 1). */
  maxPreferenceChanges?: number;
  /** Start of the world's timeline, ms since epoch (default 2024-01-01T00:00:00Z). */
  startTime?: number;
  /** Length of the timeline in days (default 365). */
  durationDays?: number;
  /**
   * How users word what they reveal (default `templates`): `templates` says each fact in its canonical form and
   * each taste and change in one of a few fixed sentences; `varied` picks among many everyday wordings ("I'm not
   * into horror movies anymore because …", "I'm based in Lisbon", "Saw The Iron Harbor last week and hated it"),
   * some of which a rule-based reader will miss. The hidden profile is the same; only the text differs.
   */
  phrasing?: 'templates' | 'varied';
}

export type ResolvedWorldOptions = Required<SyntheticWorldOptions>;

/** A fact about a user, in canonical first-person form. */
export interface SyntheticFact {
  /** `occupation`, `location`, `age`, `pet`, `family`, `hobby` or `diet`. */
  key: string;
  /** The fact in canonical form, and what the user says with template phrasing, e.g. "I work as a nurse". */
  value: string;
  /** Other ways the user may say it (varied phrasing picks among `value` and these). */
  paraphrases?: string[];
}

/** A change of a genre taste at a known time, for a stated reason. */
export interface TasteChange {
  /** When the change happened (ms). Ratings after this time use the new affinity. */
  at: number;
  /** Affinity before and after, in [-1, 1]. */
  from: number;
  to: number;
  /** The reason the user gives, e.g. "they started giving me nightmares". */
  reason: string;
}

/** A user's taste for one genre: the initial affinity and its changes, oldest first. */
export interface GenreTaste {
  genre: SyntheticGenre;
  initial: number;
  changes: TasteChange[];
}

/** How the user writes. Personality drives part of it (extraversion → exclamations and emoji, conscientiousness → formality). */
export interface SyntheticStyle {
  /** Target words per message. */
  verbosity: number;
  /** 0 casual .. 1 formal. */
  formality: number;
  /** Probability that a message ends with an emoji. */
  emojiRate: number;
  /** Probability that a sentence ends with "!". */
  exclamationRate: number;
  /** Probability that a message adds a question back to the assistant. */
  questionRate: number;
}

export interface BigFiveScores {
  openness: number;
  conscientiousness: number;
  extraversion: number;
  agreeableness: number;
  neuroticism: number;
}

/** Everything hidden about one user: the ground truth that extractors, simulators and recommenders are scored against. */
export interface HiddenUser {
  userId: string;
  name: string;
  facts: SyntheticFact[];
  /** One entry per genre (neutral ones included). */
  tastes: GenreTaste[];
  style: SyntheticStyle;
  personality: BigFiveScores;
  goal: string;
  /** Latent factor p_u and bias b_u of the rating model. */
  factors: number[];
  bias: number;
  /** Times of the user's conversation sessions (ms), ascending; changes happen between sessions. */
  sessionTimes: number[];
}

export interface SyntheticWorld {
  options: ResolvedWorldOptions;
  genres: readonly SyntheticGenre[];
  users: User[];
  items: Item[];
  /** All ratings, grouped by user in user order, each user's in time order. Timestamps in ms. */
  ratings: RatingInteraction[];
  /** Ground truth per user id. */
  hidden: Map<string, HiddenUser>;
  /** Item latent factors q_i and biases b_i, by item id. */
  itemFactors: Map<string, { factors: number[]; bias: number }>;
  /** A user's ratings (a slice of `ratings`). */
  ratingsOf(userId: string): RatingInteraction[];
}

export const defaultWorldOptions: Omit<ResolvedWorldOptions, 'seed'> = {
  users: 50,
  items: 300,
  ratingsPerUser: 20,
  latentDimension: 8,
  noise: 0.5,
  tasteWeight: 1.2,
  sessionsPerUser: 4,
  maxPreferenceChanges: 2,
  startTime: Date.UTC(2024, 0, 1),
  durationDays: 365,
  phrasing: 'templates',
};

const dayMs = 86_400_000;

/** Affinity of a taste at time t: the latest change at or before t wins. */
export function affinityAt(taste: GenreTaste, timestamp: number): number {
  // NaN compares false with every change time, so it had quietly meant "before every change".
  if (!Number.isFinite(timestamp)) throw new PersonalabError('invalid_argument', `timestamp must be a finite number of ms, got ${timestamp}`);
  let value = taste.initial;
  for (const change of taste.changes) if (change.at <= timestamp) value = change.to;
  return value;
}

/** The polarity a taste affinity expresses: beyond ±0.3 it is a like or a dislike. */
export function polarityOf(affinity: number): 'like' | 'dislike' | 'neutral' {
  return affinity > 0.3 ? 'like' : affinity < -0.3 ? 'dislike' : 'neutral';
}

function resolve(options: SyntheticWorldOptions): ResolvedWorldOptions {
  const resolved = { ...defaultWorldOptions, ...stripUndefined(options) } as ResolvedWorldOptions;
  const positiveInteger = (name: 'users' | 'items' | 'latentDimension' | 'sessionsPerUser' | 'maxPreferenceChanges', min: number) => {
    const value = resolved[name];
    if (!Number.isInteger(value) || value < min) throw new PersonalabError('invalid_argument', `${name} must be an integer >= ${min}, got ${value}`);
  };
  positiveInteger('users', 1);
  positiveInteger('items', 10);
  positiveInteger('latentDimension', 1);
  positiveInteger('sessionsPerUser', 2);
  positiveInteger('maxPreferenceChanges', 0);
  // The generator keys its streams on the seed's 32 bits: 1.5, -1 or 2^32 would silently give the world of another seed.
  if (!Number.isInteger(resolved.seed) || resolved.seed < 0 || resolved.seed > 0xffffffff) {
    throw new PersonalabError('invalid_argument', `seed must be an integer in [0, 2^32 - 1], got ${resolved.seed}`);
  }
  // NaN or Infinity here would not fail: it would come out as NaN ratings or timestamps.
  const finite = (name: 'ratingsPerUser' | 'noise' | 'tasteWeight' | 'durationDays', test: (value: number) => boolean, rule: string) => {
    const value = resolved[name];
    if (!Number.isFinite(value) || !test(value)) throw new PersonalabError('invalid_argument', `${name} must be a finite number${rule === '' ? '' : ` ${rule}`}, got ${value}`);
  };
  finite('ratingsPerUser', (value) => value >= 1, '>= 1');
  finite('noise', (value) => value >= 0, '>= 0');
  finite('tasteWeight', () => true, '');
  finite('durationDays', (value) => value > 0, '> 0');
  // Timestamps are core's non-negative integer milliseconds, so the timeline must start and end within them.
  const end = resolved.startTime + resolved.durationDays * dayMs;
  if (!Number.isSafeInteger(resolved.startTime) || resolved.startTime < 0 || !Number.isSafeInteger(Math.ceil(end))) {
    throw new PersonalabError('invalid_argument', `startTime must be an integer number of ms since 1970 (>= 0), and startTime + durationDays within safe integers, got ${resolved.startTime} + ${resolved.durationDays} days`);
  }
  if (resolved.phrasing !== 'templates' && resolved.phrasing !== 'varied') throw new PersonalabError('invalid_argument', `phrasing must be "templates" or "varied", got ${String(resolved.phrasing)}`);
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function gaussianVector(random: Random, dimension: number, scale: number): number[] {
  return Array.from({ length: dimension }, () => random.normal() * scale);
}

function makeTitle(random: Random): string {
  const pattern = random.pick(words.titlePatterns);
  return pattern
    .replace('{adjective}', random.pick(words.titleAdjectives))
    .replace('{noun2}', random.pick(words.titleNouns))
    .replace('{noun}', random.pick(words.titleNouns))
    .replace('{place}', random.pick(words.places));
}

function article(noun: string): string {
  return /^[aeiou]/i.test(noun) ? 'an' : 'a';
}

/** Generates the world. Deterministic in `seed`; each user's hidden profile and ratings depend only on the seed and the user id. */
export function generateSyntheticWorld(options: SyntheticWorldOptions): SyntheticWorld {
  const resolved = resolve(options);
  const { latentDimension: dimension } = resolved;
  const genres = words.syntheticGenres;
  const span = resolved.durationDays * dayMs;
  const itemRandom = createRandom(hashString('items', resolved.seed >>> 0));

  // Genre directions in latent space make genre membership and latent factors correlate, as in real catalogs.
  const genreDirections = genres.map(() => gaussianVector(itemRandom, dimension, 1 / Math.sqrt(dimension)));
  const items: Item[] = [];
  const itemGenreIndices: number[][] = [];
  const itemFactorList: number[][] = [];
  const itemBiases: number[] = [];
  const titleCounts = new Map<string, number>();
  for (let index = 0; index < resolved.items; index++) {
    const genreCount = 1 + (itemRandom.next() < 0.5 ? 0 : itemRandom.next() < 0.6 ? 1 : 2);
    const chosen = new Set<number>();
    while (chosen.size < genreCount) chosen.add(itemRandom.int(genres.length));
    const genreIndices = [...chosen].sort((a, b) => a - b);
    const factors = gaussianVector(itemRandom, dimension, 0.6 / Math.sqrt(dimension));
    for (const genre of genreIndices) {
      const direction = genreDirections[genre] as number[];
      for (let d = 0; d < dimension; d++) factors[d] = (factors[d] as number) + (direction[d] as number) * 0.8;
    }
    const year = 1950 + Math.floor(Math.pow(itemRandom.next(), 0.6) * 75);
    let title = makeTitle(itemRandom);
    const seen = titleCounts.get(title) ?? 0;
    titleCounts.set(title, seen + 1);
    if (seen > 0) title = `${title} ${seen + 1}`;
    const tags = genreIndices.map((genre) => genres[genre] as string);
    const id = `i${index + 1}`;
    items.push({
      id,
      title: `${title} (${year})`,
      tags,
      year,
      description: `A ${tags.map((tag) => tag.toLowerCase()).join(' and ')} film from ${year}.`,
      attributes: { popularityRank: index + 1 },
    });
    itemGenreIndices.push(genreIndices);
    itemFactorList.push(factors);
    itemBiases.push(itemRandom.normal() * 0.3);
  }
  // Popularity follows item order (rank 1 = most popular), Zipf-like with exponent 0.8.
  const cumulative = new Float64Array(resolved.items);
  let total = 0;
  for (let index = 0; index < resolved.items; index++) {
    total += 1 / Math.pow(index + 1, 0.8);
    cumulative[index] = total;
  }
  const samplePopular = (random: Random): number => {
    const target = random.next() * total;
    let low = 0;
    let high = resolved.items - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] as number) < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };

  const users: User[] = [];
  const hidden = new Map<string, HiddenUser>();
  const ratings: RatingInteraction[] = [];
  const ranges = new Map<string, [number, number]>();
  const maxRatings = Math.min(resolved.items, Math.max(5, Math.round(resolved.ratingsPerUser * 4)));

  // Per-user marks without allocating a Set per user: item i is chosen for the current user iff marks[i] === stamp.
  const marks = new Int32Array(resolved.items);
  let stamp = 0;
  const itemIds = items.map((item) => item.id);
  const generateRatings = (userId: string, user: HiddenUser, random: Random, into: RatingInteraction[]): void => {
    // Ratings: candidates by popularity, kept with a probability that favours liked genres (selection bias).
    const count = Math.min(maxRatings, Math.max(5, Math.round(resolved.ratingsPerUser * (0.4 + 1.2 * random.next()))));
    stamp++;
    const chosen: number[] = [];
    const initialAffinity = user.tastes.map((taste) => taste.initial);
    let attempts = 0;
    while (chosen.length < count && attempts < count * 50) {
      attempts++;
      const item = samplePopular(random);
      if (marks[item] === stamp) continue;
      const genreIndices = itemGenreIndices[item] as number[];
      let affinity = 0;
      for (const genre of genreIndices) affinity += initialAffinity[genre] as number;
      affinity /= genreIndices.length;
      if (random.next() < 0.55 + 0.4 * affinity) {
        marks[item] = stamp;
        chosen.push(item);
      }
    }
    // Popularity alone fills up what selection bias left short (tiny catalogs).
    for (let item = 0; chosen.length < count && item < resolved.items; item++) {
      if (marks[item] === stamp) continue;
      marks[item] = stamp;
      chosen.push(item);
    }
    const timestamps = chosen.map(() => resolved.startTime + Math.floor(random.next() * span)).sort((a, b) => a - b);
    for (let position = 0; position < chosen.length; position++) {
      const item = chosen[position] as number;
      const timestamp = timestamps[position] as number;
      const factors = itemFactorList[item] as number[];
      let dot = 0;
      for (let d = 0; d < dimension; d++) dot += (user.factors[d] as number) * (factors[d] as number);
      const genreIndices = itemGenreIndices[item] as number[];
      let taste = 0;
      for (const genre of genreIndices) taste += affinityAt(user.tastes[genre] as GenreTaste, timestamp);
      taste /= genreIndices.length;
      const score = 3.5 + user.bias + (itemBiases[item] as number) + dot + resolved.tasteWeight * taste + random.normal() * resolved.noise;
      into.push({ kind: 'rating', userId, itemId: itemIds[item] as string, value: Math.min(5, Math.max(1, Math.round(score))), timestamp });
    }
  };

  for (let userIndex = 0; userIndex < resolved.users; userIndex++) {
    const userId = `u${userIndex + 1}`;
    const random = createRandom(hashString(userId, resolved.seed >>> 0));
    const profile = generateHiddenUser(userId, random, resolved, span, genreDirections);
    hidden.set(userId, profile.hidden);
    users.push(profile.user);

    const start = ratings.length;
    generateRatings(userId, profile.hidden, random, ratings);
    ranges.set(userId, [start, ratings.length]);
  }

  const itemFactors = new Map(items.map((item, index) => [item.id, { factors: itemFactorList[index] as number[], bias: itemBiases[index] as number }]));
  return {
    options: resolved,
    genres,
    users,
    items,
    ratings,
    hidden,
    itemFactors,
    ratingsOf(userId) {
      const range = ranges.get(userId);
      return range ? ratings.slice(range[0], range[1]) : [];
    },
  };
}

function generateHiddenUser(userId: string, random: Random, options: ResolvedWorldOptions, span: number, genreDirections: readonly number[][]): { user: User; hidden: HiddenUser } {
  const genres = words.syntheticGenres;
  const genderRoll = random.next();
  const gender = genderRoll < 0.48 ? 'F' : genderRoll < 0.96 ? 'M' : 'other';
  const name = random.pick(gender === 'F' ? words.femaleNames : gender === 'M' ? words.maleNames : words.neutralNames);
  const age = 18 + random.int(55);
  const occupation = random.pick(words.occupations);
  const city = random.pick(words.cities);
  const facts: SyntheticFact[] = [
    { key: 'occupation', value: `I work as ${article(occupation)} ${occupation}`, paraphrases: [`I'm ${article(occupation)} ${occupation}`, `I have a job as ${article(occupation)} ${occupation}`, `I'm ${article(occupation)} ${occupation} by trade`] },
    { key: 'location', value: `I live in ${city}`, paraphrases: [`I'm based in ${city}`, `I live in ${city} these days`, `${city} is home for me`] },
    { key: 'age', value: `I'm ${age} years old`, paraphrases: [`I'm ${age}`, `I just turned ${age}`] },
  ];
  const pet = random.pick(words.pets);
  const optional: SyntheticFact[] = [
    { key: 'pet', value: `I have ${pet}`, paraphrases: [`I've got ${pet}`, `I live with ${pet}`] },
    { key: 'family', value: random.pick(words.familyFacts) },
    { key: 'hobby', value: random.pick(words.hobbies) },
    { key: 'diet', value: random.pick(words.diets) },
  ];
  random.shuffle(optional);
  facts.push(...optional.slice(0, 2));

  // Latent factors first: tastes are tied to them (liked genres are those whose latent direction the user's factors
  // point to), so the whole world is low-rank and collaborative filtering can learn it.
  const factors = gaussianVector(random, options.latentDimension, 1.5 / Math.sqrt(options.latentDimension));
  const genreScores = genreDirections.map((direction) => direction.reduce((sum, value, d) => sum + value * (factors[d] as number), 0) + random.normal() * 0.15);
  // Tastes: two to four liked and one or two disliked genres, the rest neutral.
  const order = genres.map((_, index) => index).sort((a, b) => (genreScores[b] as number) - (genreScores[a] as number));
  const liked = new Set(order.slice(0, 2 + random.int(3)));
  const disliked = new Set(order.slice(order.length - 1 - random.int(2)));
  const tastes: GenreTaste[] = genres.map((genre, index) => ({
    genre,
    initial: liked.has(index) ? 0.6 + 0.4 * random.next() : disliked.has(index) ? -(0.6 + 0.4 * random.next()) : (random.next() - 0.5) * 0.4,
    changes: [],
  }));

  const sessionCount = options.sessionsPerUser;
  const slot = span / sessionCount;
  const sessionTimes = Array.from({ length: sessionCount }, (_, index) => Math.floor(options.startTime + (index + 0.2 + 0.6 * random.next()) * slot));

  // Changes happen between sessions j-1 and j (j >= 1), at most one per gap, each to a different genre.
  const maxChanges = Math.min(options.maxPreferenceChanges, sessionCount - 1);
  const changeRoll = random.next();
  const changeCount = Math.min(maxChanges, changeRoll < 0.3 ? 0 : changeRoll < 0.8 ? 1 : 2);
  const gaps = random.shuffle(Array.from({ length: sessionCount - 1 }, (_, index) => index + 1)).slice(0, changeCount).sort((a, b) => a - b);
  const changed = new Set<number>();
  for (const gap of gaps) {
    const candidates = [...liked, ...disliked].filter((index) => !changed.has(index));
    // Mostly a like or a dislike flips; sometimes a neutral genre becomes a new like.
    const flipNeutral = random.next() < 0.2 || candidates.length === 0;
    const neutral = order.filter((index) => !liked.has(index) && !disliked.has(index) && !changed.has(index));
    const genreIndex = flipNeutral && neutral.length > 0 ? random.pick(neutral) : random.pick(candidates);
    changed.add(genreIndex);
    const taste = tastes[genreIndex] as GenreTaste;
    const from = taste.initial;
    const to = from > 0.3 ? -(0.6 + 0.4 * random.next()) : 0.6 + 0.4 * random.next();
    const previous = sessionTimes[gap - 1] as number;
    const next = sessionTimes[gap] as number;
    const at = Math.floor(previous + (0.1 + 0.8 * random.next()) * (next - previous));
    taste.changes.push({ at, from, to, reason: random.pick(to < 0 ? words.reasonsToDislike : words.reasonsToLike) });
  }

  const personality: BigFiveScores = {
    openness: random.next(),
    conscientiousness: random.next(),
    extraversion: random.next(),
    agreeableness: random.next(),
    neuroticism: random.next(),
  };
  const style: SyntheticStyle = {
    verbosity: 6 + Math.floor(random.next() * 20),
    formality: clamp01(0.2 + 0.6 * personality.conscientiousness + (random.next() - 0.5) * 0.3),
    emojiRate: clamp01(personality.extraversion * 0.6 - 0.1 + random.next() * 0.1),
    exclamationRate: clamp01(personality.extraversion * 0.7 - 0.05),
    questionRate: clamp01(0.1 + 0.4 * personality.openness),
  };
  const hidden: HiddenUser = {
    userId,
    name,
    facts,
    tastes,
    style,
    personality,
    goal: random.pick(words.goals),
    factors,
    bias: random.normal() * 0.3,
    sessionTimes,
  };
  const user: User = { id: userId, name, age, gender, occupation, location: city, createdAt: options.startTime, attributes: { synthetic: true } };
  return { user, hidden };
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/** The noise-free expected rating of the model (before rounding), for ground-truth rankings. */
export function expectedScore(world: SyntheticWorld, userId: string, itemId: string, timestamp: number): number {
  const user = world.hidden.get(userId);
  const item = world.itemFactors.get(itemId);
  const tags = world.items.find((entry) => entry.id === itemId)?.tags;
  if (!user || !item || !tags) throw new PersonalabError('not_found', `unknown user ${userId} or item ${itemId}`);
  if (!Number.isFinite(timestamp)) throw new PersonalabError('invalid_argument', `timestamp must be a finite number of ms, got ${timestamp}`);
  let dot = 0;
  for (let d = 0; d < user.factors.length; d++) dot += (user.factors[d] as number) * (item.factors[d] as number);
  let taste = 0;
  for (const tag of tags) {
    const genre = user.tastes.find((entry) => entry.genre === tag);
    if (genre) taste += affinityAt(genre, timestamp);
  }
  return 3.5 + user.bias + item.bias + dot + world.options.tasteWeight * (taste / Math.max(1, tags.length));
}
