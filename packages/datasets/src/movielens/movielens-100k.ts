import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PersonalabError, dataError, formatZodError, type Item, type RatingInteraction, type User } from '@personalab/core';
import { RowIssues, type LoaderOptions, type SkippedRow } from '../invalid-rows.js';
import { assertFileExists, assertPath, readLines } from '../line-reader.js';

/** The 19 genre flags of `u.item`, in file order (as listed in `u.genre`). */
export const movieLensGenres = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
] as const;

/** The official MovieLens 100K splits: five-fold `u1`..`u5` and the ten-ratings-per-user `ua`, `ub`. */
export const movieLensSplitNames = ['u1', 'u2', 'u3', 'u4', 'u5', 'ua', 'ub'] as const;
export type MovieLensSplitName = (typeof movieLensSplitNames)[number];

export interface MovieLens100k {
  users: User[];
  items: Item[];
  /** Every rating of `u.data`, in file order; timestamps converted from seconds to milliseconds. */
  ratings: RatingInteraction[];
  /** Rows skipped under `onInvalid: 'skip'` (always empty otherwise). */
  skipped: SkippedRow[];
}

export interface MovieLensRatings {
  ratings: RatingInteraction[];
  skipped: SkippedRow[];
}

export interface MovieLensSplit {
  train: RatingInteraction[];
  test: RatingInteraction[];
  skipped: SkippedRow[];
}

/** 1995-01-01T00:00:00Z in Unix seconds: no MovieLens data set has an earlier rating (MovieLens 100K starts in 1997). */
const earliestTimestamp = 788_918_400;
// No leading zeros: "0196" would be read as a user apart from "196".
const idText = z.string().regex(/^[1-9]\d*$/, 'expected a positive integer id');
const integerText = z.string().regex(/^-?\d+$/, { message: 'expected an integer', abort: true });

/**
 * `user item rating timestamp`, tab-separated; rating an integer 1..5, timestamp in Unix seconds.
 * Plain regex checks in a tuple (no transforms): 100,000 rows validate in a fraction of a second.
 */
const ratingRowSchema = z.tuple([
  idText,
  idText,
  integerText.refine((value) => Number(value) >= 1 && Number(value) <= 5, 'rating must be between 1 and 5'),
  // Unix seconds have at most 10 digits until the year 2286; a longer number is milliseconds (or garbage).
  z
    .string()
    .regex(/^\d+$/, { message: 'expected a Unix timestamp in seconds', abort: true })
    .regex(/^\d{1,10}$/, { message: 'timestamp has more than 10 digits: expected Unix seconds, not milliseconds', abort: true })
    // GroupLens began collecting ratings in 1995; an earlier time is most often a line cut short inside its timestamp.
    .refine((value) => Number(value) >= earliestTimestamp, { message: 'timestamp is before 1995, older than any MovieLens rating (a line cut short?)' }),
]);

/** `id|age|gender|occupation|zip`; age within core's `User` bounds. */
const userRowSchema = z.tuple([
  idText,
  integerText.refine((value) => Number(value) >= 0 && Number(value) <= 130, 'age must be between 0 and 130'),
  z.enum(['M', 'F']),
  z.string().min(1, 'empty occupation'),
  z.string(),
]);

const months: Record<string, number> = { Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12 };
/** Release dates look like `01-Jan-1995` (one is `4-Feb-1971`); one movie ("unknown") has none. */
const releaseDateSchema = z.union([z.literal(''), z.string().regex(/^\d{1,2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{4}$/, 'expected a date like 01-Jan-1995')]);
const flagSchema = z.enum(['0', '1']);

/** A UTF-8 multi-byte sequence as it reads in latin-1 (lead byte 0xC2–0xF4, then continuation bytes); none occurs in the real u.item. */
const utf8Sequence = /[\xC2-\xDF][\x80-\xBF]|[\xE0-\xEF][\x80-\xBF]{2}|[\xF0-\xF4][\x80-\xBF]{3}/;

/** Whether `01-Jan-1995` names a real day (not 31-Feb). */
function isCalendarDate(text: string): boolean {
  const [day = '', month = '', year = ''] = text.split('-');
  const date = new Date(Date.UTC(Number(year), (months[month] ?? 0) - 1, Number(day)));
  return date.getUTCDate() === Number(day) && date.getUTCMonth() === (months[month] ?? 0) - 1;
}

function describe(error: z.ZodError): string {
  return formatZodError(error).replace(/(^|; )\[(\d+)\]/g, (_, separator: string, index: string) => `${separator}column ${Number(index) + 1}`);
}

/** The folder that holds `u.data`: the data set folder itself, or its `ml-100k/` subfolder (the zip's layout). */
export function resolveMovieLensDirectory(directory: string): string {
  // findDataset returns undefined when the set is nowhere: say so, rather than fail inside path.join.
  assertPath(directory, 'MovieLens 100K folder');
  if (existsSync(join(directory, 'u.data'))) return directory;
  const nested = join(directory, 'ml-100k');
  if (existsSync(join(nested, 'u.data'))) return nested;
  return directory;
}

/** Reads a MovieLens ratings file (`u.data`, `u1.base`, ...): tab-separated, validated row by row while streaming. */
export async function loadMovieLensRatings(file: string, options: LoaderOptions = {}): Promise<MovieLensRatings> {
  return readRatings(file, options);
}

/** The user and item ids a ratings file may name (those of `u.user` and `u.item`), with the files they come from. */
interface KnownIds {
  users: ReadonlySet<string>;
  items: ReadonlySet<string>;
  usersFile: string;
  itemsFile: string;
}

async function readRatings(file: string, options: LoaderOptions, known?: KnownIds): Promise<MovieLensRatings> {
  const issues = new RowIssues(options.onInvalid);
  const ratings: RatingInteraction[] = [];
  // Line of each (user, item) pair: MovieLens has one rating per pair, so a repeat is an invalid row.
  const lineOfPair = new Map<string, number>();
  let rows = 0;
  for await (const { text, line } of readLines(file)) {
    if (text === '') continue;
    rows++;
    const columns = text.split('\t');
    if (columns.length !== 4) {
      issues.reject(file, line, `expected 4 tab-separated columns (user, item, rating, timestamp), found ${columns.length}`);
      continue;
    }
    const parsed = ratingRowSchema.safeParse(columns);
    if (!parsed.success) {
      issues.reject(file, line, describe(parsed.error), parsed.error);
      continue;
    }
    const [userId, itemId, value, seconds] = parsed.data;
    const pair = `${userId}\t${itemId}`;
    const firstLine = lineOfPair.get(pair);
    if (firstLine !== undefined) {
      issues.reject(file, line, `user ${userId} rated item ${itemId} twice (first on line ${firstLine})`);
      continue;
    }
    // A rating of a user or film that u.user / u.item lack would reach models as an id with no profile or title.
    if (known !== undefined && !known.users.has(userId)) {
      issues.reject(file, line, `column 1: user ${userId} is not in ${known.usersFile}`);
      continue;
    }
    if (known !== undefined && !known.items.has(itemId)) {
      issues.reject(file, line, `column 2: item ${itemId} is not in ${known.itemsFile}`);
      continue;
    }
    lineOfPair.set(pair, line);
    ratings.push({ kind: 'rating', userId, itemId, value: Number(value), timestamp: Number(seconds) * 1000 });
  }
  if (rows === 0) throw dataError(file, undefined, 'empty file: no ratings');
  return { ratings, skipped: issues.skipped };
}

/** Reads `u.user`: age, gender, occupation, zip code (kept both as `location` and as the `zip` attribute). */
export async function loadMovieLensUsers(file: string, options: LoaderOptions = {}): Promise<{ users: User[]; skipped: SkippedRow[] }> {
  const issues = new RowIssues(options.onInvalid);
  const users: User[] = [];
  const lineOfId = new Map<string, number>();
  let rows = 0;
  for await (const { text, line } of readLines(file)) {
    if (text === '') continue;
    rows++;
    const columns = text.split('|');
    if (columns.length !== 5) {
      issues.reject(file, line, `expected 5 |-separated columns (id, age, gender, occupation, zip), found ${columns.length}`);
      continue;
    }
    const parsed = userRowSchema.safeParse(columns);
    if (!parsed.success) {
      issues.reject(file, line, describe(parsed.error), parsed.error);
      continue;
    }
    const [id, age, gender, occupation, zip] = parsed.data;
    const firstLine = lineOfId.get(id);
    if (firstLine !== undefined) {
      issues.reject(file, line, `column 1: user id ${id} appears twice (first on line ${firstLine})`);
      continue;
    }
    lineOfId.set(id, line);
    users.push({ id, age: Number(age), gender, occupation, location: zip, attributes: { zip } });
  }
  if (rows === 0) throw dataError(file, undefined, 'empty file: no users');
  return { users, skipped: issues.skipped };
}

/**
 * Reads `u.item` (latin-1): title, release date, video release date,
 * IMDb URL (`attributes.imdbUrl`) and 19 genre flags (set flags become `tags`). `year` is the year in
 * the title, else the release date's year.
 */
export async function loadMovieLensItems(file: string, options: LoaderOptions = {}): Promise<{ items: Item[]; skipped: SkippedRow[] }> {
  const issues = new RowIssues(options.onInvalid);
  const items: Item[] = [];
  const lineOfId = new Map<string, number>();
  let rows = 0;
  for await (const { text: raw, line } of readLines(file, 'latin1')) {
    // A UTF-8 byte order mark reads as "ï»¿" in latin-1: dropped, as readLines drops it from UTF-8 files.
    const text = line === 1 && raw.startsWith('\xEF\xBB\xBF') ? raw.slice(3) : raw;
    if (text === '') continue;
    rows++;
    const utf8 = utf8Sequence.exec(text)?.[0];
    if (utf8 !== undefined) {
      // Read as latin-1, UTF-8 bytes show as pairs like "Ã©": the file was re-encoded, and every accented title would be wrong.
      issues.reject(file, line, `looks UTF-8 encoded ("${utf8}" is the UTF-8 for "${Buffer.from(utf8, 'latin1').toString('utf8')}"); MovieLens u.item is latin-1 (ISO-8859-1)`);
      continue;
    }
    const columns = text.split('|');
    if (columns.length !== 5 + movieLensGenres.length) {
      issues.reject(file, line, `expected ${5 + movieLensGenres.length} |-separated columns (id, title, release date, video release date, IMDb URL, 19 genre flags), found ${columns.length}`);
      continue;
    }
    const [id = '', title = '', releaseDate = '', videoReleaseDate = '', imdbUrl = ''] = columns;
    const problems: string[] = [];
    if (!idText.safeParse(id).success) problems.push('column 1: expected a positive integer id');
    if (title.trim() === '') problems.push('column 2: empty title');
    const date = releaseDateSchema.safeParse(releaseDate);
    if (!date.success) problems.push(`column 3: ${date.error.issues[0]?.message ?? 'bad date'}`);
    else if (releaseDate !== '' && !isCalendarDate(releaseDate)) problems.push(`column 3: no such date "${releaseDate}"`);
    const tags: string[] = [];
    columns.slice(5).forEach((flag, index) => {
      if (!flagSchema.safeParse(flag).success) problems.push(`column ${index + 6}: genre flag must be 0 or 1, found "${flag}"`);
      else if (flag === '1') tags.push(movieLensGenres[index] as string);
    });
    const firstLine = lineOfId.get(id);
    if (firstLine !== undefined) problems.push(`column 1: item id ${id} appears twice (first on line ${firstLine})`);
    if (problems.length > 0) {
      issues.reject(file, line, problems.join('; '));
      continue;
    }
    lineOfId.set(id, line);
    const [day, month, year] = releaseDate.split('-');
    const attributes: Record<string, string> = {};
    if (imdbUrl !== '') attributes.imdbUrl = imdbUrl;
    if (releaseDate !== '') attributes.releaseDate = `${year}-${String(months[month ?? ''] ?? 1).padStart(2, '0')}-${(day ?? '').padStart(2, '0')}`;
    if (videoReleaseDate !== '') attributes.videoReleaseDate = videoReleaseDate;
    // Three titles end in a space in the file ("Two Friends (1986) "): shown and matched without it.
    const item: Item = { id, title: title.trim(), tags };
    // The title's "(1983)" is the film's year; the release date is often a later (video) re-release.
    const titleYear = /\((\d{4})\)\s*$/.exec(title)?.[1];
    if (titleYear !== undefined) item.year = Number(titleYear);
    else if (year !== undefined) item.year = Number(year);
    if (Object.keys(attributes).length > 0) item.attributes = attributes;
    items.push(item);
  }
  if (rows === 0) throw dataError(file, undefined, 'empty file: no items');
  return { items, skipped: issues.skipped };
}

/**
 * Loads MovieLens 100K from its folder (`u.data`, `u.item`, `u.user`), streaming and validating every row.
 * Ids are kept as the strings in the files ("1".."943" for users, "1".."1682" for items). A rating whose user or
 * item is not in `u.user` / `u.item` (or whose row there was skipped) is an invalid row of `u.data`.
 */
export async function loadMovieLens100k(directory: string, options: LoaderOptions = {}): Promise<MovieLens100k> {
  const folder = resolveMovieLensDirectory(directory);
  assertFileExists(join(folder, 'u.data'), 'not a MovieLens 100K folder');
  const usersFile = join(folder, 'u.user');
  const itemsFile = join(folder, 'u.item');
  const [items, users] = await Promise.all([loadMovieLensItems(itemsFile, options), loadMovieLensUsers(usersFile, options)]);
  const known: KnownIds = { users: new Set(users.users.map((user) => user.id)), items: new Set(items.items.map((item) => item.id)), usersFile, itemsFile };
  const ratings = await readRatings(join(folder, 'u.data'), options, known);
  return {
    users: users.users,
    items: items.items,
    ratings: ratings.ratings,
    skipped: [...ratings.skipped, ...items.skipped, ...users.skipped],
  };
}

/** Loads an official split: `<name>.base` as train and `<name>.test` as test. */
export async function loadMovieLensSplit(directory: string, name: MovieLensSplitName, options: LoaderOptions = {}): Promise<MovieLensSplit> {
  if (!(movieLensSplitNames as readonly string[]).includes(name)) {
    throw new PersonalabError('invalid_argument', `unknown MovieLens split "${name}"; expected one of ${movieLensSplitNames.join(', ')}`);
  }
  const folder = resolveMovieLensDirectory(directory);
  const [train, test] = await Promise.all([
    loadMovieLensRatings(join(folder, `${name}.base`), options),
    loadMovieLensRatings(join(folder, `${name}.test`), options),
  ]);
  return { train: train.ratings, test: test.ratings, skipped: [...train.skipped, ...test.skipped] };
}
