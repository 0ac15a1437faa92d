import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
import { findDataset, howToGet } from '../data-dir.js';
import { stratifiedSplit } from '../splitters/stratified-split.js';
import { caughtDataError, temporaryDirectory, tinyMovieLensFiles } from '../test/index.js';
import { loadMovieLens100k, loadMovieLensItems, loadMovieLensRatings, loadMovieLensSplit, loadMovieLensUsers, movieLensSplitNames } from './movielens-100k.js';

const directory = findDataset('movielens-100k');
if (!directory) console.warn(`MovieLens 100K not found: real-data tests skipped; ${howToGet('movielens-100k')}`);

describe.skipIf(!directory)('MovieLens 100K (real files)', () => {
  it('has 100,000 ratings, 943 users and 1,682 items, ids as in the files', async () => {
    const data = await loadMovieLens100k(directory as string);
    expect(data.ratings).toHaveLength(100_000);
    expect(data.users).toHaveLength(943);
    expect(data.items).toHaveLength(1682);
    expect(data.skipped).toEqual([]);
    expect(new Set(data.ratings.map((rating) => rating.userId)).size).toBe(943);
    expect(new Set(data.ratings.map((rating) => rating.itemId)).size).toBe(1682);
    expect(data.users[0]).toEqual({ id: '1', age: 24, gender: 'M', occupation: 'technician', location: '85711', attributes: { zip: '85711' } });
    expect(data.ratings[0]).toEqual({ kind: 'rating', userId: '196', itemId: '242', value: 3, timestamp: 881250949000 });
    const toyStory = data.items[0];
    expect(toyStory?.title).toBe('Toy Story (1995)');
    expect(toyStory?.year).toBe(1995);
    expect(toyStory?.tags).toEqual(['Animation', "Children's", 'Comedy']);
    // The film's year comes from the title, not from a later re-release date (u.item dates Return of the Jedi 14-Mar-1997).
    const jedi = data.items.find((item) => item.id === '181');
    expect([jedi?.title, jedi?.year, jedi?.attributes?.releaseDate]).toEqual(['Return of the Jedi (1983)', 1983, '1997-03-14']);
    expect(toyStory?.attributes?.imdbUrl).toBe('http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)');
    // latin-1 titles decode to the right characters
    expect(data.items.some((item) => item.title.includes('é'))).toBe(true);
    expect(data.items.every((item) => !item.title.includes('\uFFFD'))).toBe(true);
    // Three titles end in a space in u.item (1128, 1201, 1635): read without it.
    expect(data.items.find((item) => item.id === '1635')?.title).toBe('Two Friends (1986)');
    expect(data.items.every((item) => item.title === item.title.trim())).toBe(true);
  });

  // md5 of the sorted "user<TAB>item" test pairs, as experiments/movielens/numpy-check/ease_check.py prints them
  // (numpy 2.4) for --split per-group, sorted and sorted-by-item.
  it.each([
    ['numpy', 'user', 42, 'c3c18165a709bb168281f8b7d776196b', 25_008],
    ['numpy-sort', 'user', 42, '8831783137900875b18210a61af1eb06', 25_354],
    ['numpy-sort', 'user', 7, 'e970e4963a906508f52ab477d5d2964c', 25_354],
    ['numpy-sort', 'item', 42, '3ddaf1f7a1b40bfe2a56e9b08d6f56ea', 25_669],
  ] as const)("stratifiedSplit shuffle '%s' by %s, seed %i, gives numpy's test rows", async (shuffle, filterBy, seed, md5, size) => {
    const data = await loadMovieLens100k(directory as string);
    const { train, test } = stratifiedSplit(data.ratings, { ratio: 0.75, seed, shuffle, filterBy });
    expect(train.length + test.length).toBe(100_000);
    expect(test).toHaveLength(size);
    const pairs = test.map((row) => `${row.userId}\t${row.itemId}`).sort();
    expect(createHash('md5').update(pairs.join('\n')).digest('hex')).toBe(md5);
  });

  it('a copy of u.data cut short inside its last timestamp fails on line 100,000', async () => {
    const copy = temporaryDirectory();
    try {
      const bytes = readFileSync(join(directory as string, 'u.data'));
      const file = copy.write('u.data', bytes.subarray(0, bytes.length - 8));
      await expect(loadMovieLensRatings(file)).rejects.toMatchObject({ code: 'invalid_data', details: { file, line: 100_000 }, message: expect.stringMatching(/column 4: timestamp is before 1995/) as unknown as string });
    } finally {
      copy.remove();
    }
  });

  it.each(movieLensSplitNames)('official split %s: base + test = 100,000', async (name) => {
    const split = await loadMovieLensSplit(directory as string, name);
    expect(split.train.length + split.test.length).toBe(100_000);
    expect(split.test.length).toBe(name.startsWith('u') && name !== 'ua' && name !== 'ub' ? 20_000 : 9430);
  });
});

describe('MovieLens loaders on malformed input', () => {
  const folder = temporaryDirectory();
  afterAll(() => folder.remove());

  async function expectDataError(promise: Promise<unknown>, file: string, line: number, pattern: RegExp): Promise<void> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(PersonalabError.is(error, 'invalid_data')).toBe(true);
    expect((error as PersonalabError).message).toContain(`${file}:${line}`);
    expect((error as PersonalabError).message).toMatch(pattern);
    expect((error as PersonalabError).details).toMatchObject({ file, line });
  }

  it('short row in u.data names file and line', async () => {
    const file = folder.write('short.data', '1\t2\t3\t881250949\n1\t2\t3\n');
    await expectDataError(loadMovieLensRatings(file), file, 2, /expected 4 tab-separated columns.*found 3/);
  });

  it('wrong column count in u.item names file and line', async () => {
    const file = folder.write('u.item', `1|Toy Story (1995)|01-Jan-1995||http://x|${'0|'.repeat(18)}1\n2|Bad|01-Jan-1995||x|0|1\n`);
    await expectDataError(loadMovieLensItems(file), file, 2, /expected 24 .*found 7/);
  });

  it('non-numeric rating names file, line and column', async () => {
    const file = folder.write('bad-rating.data', '1\t2\t3\t881250949\n4\t5\tfive\t881250949\n');
    await expectDataError(loadMovieLensRatings(file), file, 2, /column 3: expected an integer/);
  });

  it('rating out of range and bad gender are rejected', async () => {
    const ratings = folder.write('range.data', '1\t2\t9\t881250949\n');
    await expectDataError(loadMovieLensRatings(ratings), ratings, 1, /column 3: rating must be between 1 and 5/);
    const users = folder.write('u.user', '1|24|M|technician|85711\n2|x|Q|other|1\n');
    await expectDataError(loadMovieLensUsers(users), users, 2, /column 2.*column 3|column 2/);
  });

  it("onInvalid: 'skip' counts and reports every skipped row", async () => {
    const file = folder.write('mixed.data', '1\t2\t3\t881250949\nbroken\n4\t5\tfive\t881250949\n6\t7\t5\t881250950\n');
    const result = await loadMovieLensRatings(file, { onInvalid: 'skip' });
    expect(result.ratings.map((rating) => rating.userId)).toEqual(['1', '6']);
    expect(result.skipped.map((row) => [row.file, row.line])).toEqual([
      [file, 2],
      [file, 3],
    ]);
    expect(result.skipped[1]?.reason).toMatch(/column 3/);
  });

  it('an empty file is an error naming it, not an empty data set', async () => {
    for (const [name, load] of [
      ['empty.data', loadMovieLensRatings],
      ['empty.item', loadMovieLensItems],
      ['empty.user', loadMovieLensUsers],
    ] as const) {
      const file = folder.write(name, name === 'empty.data' ? '\n' : '');
      await expect(load(file)).rejects.toMatchObject({ code: 'invalid_data', message: expect.stringMatching(new RegExp(`^${file}: empty file`)) as unknown as string, details: { file } });
    }
  });

  it('rejects a repeated rating pair and repeated user and item ids, naming the first line', async () => {
    const ratings = folder.write('repeat.data', '1\t2\t3\t881250949\n1\t3\t3\t881250949\n1\t2\t5\t881250950\n');
    await expectDataError(loadMovieLensRatings(ratings), ratings, 3, /user 1 rated item 2 twice \(first on line 1\)/);
    const skipped = await loadMovieLensRatings(ratings, { onInvalid: 'skip' });
    expect(skipped.ratings.map((rating) => rating.value)).toEqual([3, 3]);
    const users = folder.write('repeat.user', '1|24|M|technician|85711\n1|53|F|other|94043\n');
    await expectDataError(loadMovieLensUsers(users), users, 2, /column 1: user id 1 appears twice \(first on line 1\)/);
    const flags = `${'0|'.repeat(18)}1`;
    const items = folder.write('repeat.item', `7|A (1995)|01-Jan-1995||x|${flags}\n8|B (1995)|01-Jan-1995||x|${flags}\n7|C (1995)|01-Jan-1995||x|${flags}\n`);
    await expectDataError(loadMovieLensItems(items), items, 3, /column 1: item id 7 appears twice \(first on line 1\)/);
  });

  it('rejects a timestamp in milliseconds and an age outside 0..130', async () => {
    const milliseconds = folder.write('ms.data', '1\t2\t3\t881250949\n1\t3\t3\t881250949000\n');
    await expectDataError(loadMovieLensRatings(milliseconds), milliseconds, 2, /column 4: timestamp has more than 10 digits: expected Unix seconds, not milliseconds/);
    const users = folder.write('age.user', '1|24|M|technician|85711\n2|240|F|other|94043\n');
    await expectDataError(loadMovieLensUsers(users), users, 2, /column 2: age must be between 0 and 130/);
    await expectDataError(loadMovieLensUsers(folder.write('age2.user', '3|-1|M|writer|1\n')), join(folder.path, 'age2.user'), 1, /column 2: age must be between 0 and 130/);
  });

  it('refuses a u.item re-encoded as UTF-8 instead of garbling its titles, and a release date that does not exist', async () => {
    const flags = `${'0|'.repeat(18)}1`;
    const utf8 = folder.write('utf8.item', Buffer.from(`1|Toy Story (1995)|01-Jan-1995||x|${flags}\n2|Cr\u00e8me Br\u00fbl\u00e9e (1996)|4-Feb-1996||x|${flags}\n`, 'utf8'));
    await expectDataError(loadMovieLensItems(utf8), utf8, 2, /looks UTF-8 encoded \("Ã¨" is the UTF-8 for "è"\); MovieLens u.item is latin-1/);
    const latin1 = folder.write('latin1.item', Buffer.from(`2|Cr\u00e8me Br\u00fbl\u00e9e (1996)|4-Feb-1996||x|${flags}\n`, 'latin1'));
    expect((await loadMovieLensItems(latin1)).items[0]?.title).toBe('Crème Brûlée (1996)');
    const date = folder.write('date.item', `1|A (1995)|31-Feb-1995||x|${flags}\n`);
    await expectDataError(loadMovieLensItems(date), date, 1, /column 3: no such date "31-Feb-1995"/);
  });

  it('reads u.data with a UTF-8 byte order mark and CRLF line ends', async () => {
    const file = folder.write('bom.data', '\uFEFF1\t2\t3\t881250949\r\n4\t5\t1\t881250950\r\n');
    const { ratings } = await loadMovieLensRatings(file);
    expect(ratings.map((rating) => [rating.userId, rating.itemId, rating.value, rating.timestamp])).toEqual([
      ['1', '2', 3, 881250949000],
      ['4', '5', 1, 881250950000],
    ]);
  });

  it('refuses a last line cut short inside its timestamp (a time before 1995), and ids with leading zeros', async () => {
    // The real u.data's last line is "12\t203\t3\t879959583"; copied short it ends "...\t87", which reads as 1970.
    const cut = folder.write('cut.data', '196\t242\t3\t881250949\n12\t203\t3\t87');
    await expectDataError(loadMovieLensRatings(cut), cut, 2, /column 4: timestamp is before 1995, older than any MovieLens rating \(a line cut short\?\)/);
    const zero = folder.write('zero.data', '196\t242\t3\t881250949\n0196\t243\t3\t881250949\n');
    await expectDataError(loadMovieLensRatings(zero), zero, 2, /column 1: expected a positive integer id/);
    // Every failing column is named as a column, not only the first.
    const all = folder.write('all.data', 'x\ty\tz\tw\n');
    const error = await caughtDataError(loadMovieLensRatings(all));
    expect(error.message).toMatch(/column 1: .*; column 2: .*; column 3: .*; column 4: /);
    expect(error.message).not.toMatch(/\[\d\]/);
  });

  it('loadMovieLens100k refuses a rating of a user or item that u.user / u.item lack, naming the u.data line', async () => {
    const directory = join(folder.path, 'dangling');
    mkdirSync(directory);
    for (const [name, content] of Object.entries(tinyMovieLensFiles)) writeFileSync(join(directory, name), content);
    const data = join(directory, 'u.data');
    writeFileSync(data, `${tinyMovieLensFiles['u.data'] as string}1\t9999\t4\t881250960\n999\t1\t4\t881250961\n`);
    await expectDataError(loadMovieLens100k(directory), data, 7, new RegExp(`column 2: item 9999 is not in ${join(directory, 'u.item')}`));
    const skipped = await loadMovieLens100k(directory, { onInvalid: 'skip' });
    expect(skipped.ratings).toHaveLength(6);
    expect(skipped.skipped.map((row) => [row.line, row.reason])).toEqual([
      [7, `column 2: item 9999 is not in ${join(directory, 'u.item')}`],
      [8, `column 1: user 999 is not in ${join(directory, 'u.user')}`],
    ]);
  });

  it('reads a u.item that starts with a UTF-8 byte order mark', async () => {
    const file = folder.write('bom.item', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), tinyMovieLensFiles['u.item'] as Uint8Array]));
    const { items } = await loadMovieLensItems(file);
    expect(items.map((item) => [item.id, item.title])).toEqual([
      ['1', 'Toy Story (1995)'],
      ['2', 'GoldenEye (1995)'],
      ['3', 'Crème Brûlée (1996)'],
    ]);
  });

  it('refuses a u.data that is not UTF-8 (UTF-16, say), naming the line', async () => {
    const file = folder.write('utf16.data', Buffer.from('\uFEFF1\t2\t3\t881250949\n', 'utf16le'));
    await expectDataError(loadMovieLensRatings(file), file, 1, /not valid UTF-8 .*Save it as UTF-8/);
  });

  it('a missing folder is not_found, an unknown split is invalid_argument', async () => {
    await expect(loadMovieLens100k(folder.path + '/nothing')).rejects.toMatchObject({ code: 'not_found' });
    await expect(loadMovieLensSplit(folder.path, 'u9' as 'u1')).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('a folder that is not a path (findDataset found nothing) is invalid_argument, not a TypeError from path.join', async () => {
    // `loadMovieLens100k(findDataset(...)!)` with the set nowhere had thrown ERR_INVALID_ARG_TYPE from node:path.
    const missing = undefined as unknown as string;
    await expect(loadMovieLens100k(missing)).rejects.toMatchObject({ code: 'invalid_argument', message: 'expected a MovieLens 100K folder path (a non-empty string), got undefined' });
    await expect(loadMovieLensSplit(missing, 'u1')).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(loadMovieLensRatings('')).rejects.toMatchObject({ code: 'invalid_argument', message: 'expected a file path (a non-empty string), got ""' });
  });
});
