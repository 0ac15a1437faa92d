import { describe, expect, it } from 'vitest';
import { createRandom, type RatingInteraction } from '@personalab/core';
import { NumpyRandomState } from './numpy-random-state.js';
import { roundHalfEven } from './round-half-even.js';
import { stratifiedSplit } from './stratified-split.js';
import { temporalLeaveLastOut } from './temporal-split.js';

function rating(userId: string, itemId: string, timestamp = 0): RatingInteraction {
  return { kind: 'rating', userId, itemId, value: 4, timestamp };
}

/** User u has `counts[u]` rows with item ids u-0, u-1, ... */
function makeData(counts: number[]): RatingInteraction[] {
  return counts.flatMap((count, user) => Array.from({ length: count }, (_, index) => rating(String(user + 1), `${user + 1}-${index}`, index)));
}

describe('roundHalfEven', () => {
  it('rounds like Python 3 round()', () => {
    expect([0.5, 1.5, 2.5, 3.5, 4.5, 2.4, 2.6, 0.75 * 6, 0.75 * 2, 0.7 * 5].map(roundHalfEven)).toEqual([0, 2, 2, 4, 4, 2, 3, 4, 2, 4]);
  });
});

describe('stratifiedSplit', () => {
  const data = makeData([1, 2, 3, 4, 5, 6, 10]);

  it('puts round-half-even(ratio * n) of each user in train, like Recommenders', () => {
    const { train, test } = stratifiedSplit(data, { ratio: 0.75, seed: 42 });
    const trainCount = (user: string) => train.filter((row) => row.userId === user).length;
    // n = 1..6, 10 → 0.75n = 0.75, 1.5, 2.25, 3, 3.75, 4.5, 7.5 → 1, 2, 2, 3, 4, 4, 8
    expect(['1', '2', '3', '4', '5', '6', '7'].map(trainCount)).toEqual([1, 2, 2, 3, 4, 4, 8]);
    expect(train.length + test.length).toBe(data.length);
    expect(new Set([...train, ...test]).size).toBe(data.length);
  });

  it('is reproducible with a seed and differs across seeds', () => {
    const first = stratifiedSplit(data, { ratio: 0.5, seed: 7 });
    const again = stratifiedSplit(data, { ratio: 0.5, seed: 7 });
    const other = stratifiedSplit(data, { ratio: 0.5, seed: 8 });
    expect(again.test.map((row) => row.itemId)).toEqual(first.test.map((row) => row.itemId));
    expect(other.test.map((row) => row.itemId)).not.toEqual(first.test.map((row) => row.itemId));
    // A fractional or negative seed is refused (42.5 had split as 42); seeds past 2^32 no longer wrap onto small ones.
    for (const seed of [7.5, -1, Number.NaN]) expect(() => stratifiedSplit(data, { ratio: 0.5, seed })).toThrow(/non-negative integer/);
    const wrapped = stratifiedSplit(data, { ratio: 0.5, seed: 7 + 2 ** 32 });
    expect(wrapped.test.map((row) => row.itemId)).not.toEqual(first.test.map((row) => row.itemId));
  });

  it("does not change one user's split when other users are added", () => {
    const alone = stratifiedSplit(makeData([0, 0, 0, 0, 0, 0, 10]), { ratio: 0.6, seed: 3 });
    const together = stratifiedSplit(data, { ratio: 0.6, seed: 3 });
    expect(together.test.filter((row) => row.userId === '7')).toEqual(alone.test);
  });

  it('drops users below minRatings and rejects bad ratios', () => {
    const { train, test } = stratifiedSplit(data, { ratio: 0.75, seed: 1, minRatings: 5 });
    expect(new Set([...train, ...test].map((row) => row.userId))).toEqual(new Set(['5', '6', '7']));
    expect(() => stratifiedSplit(data, { ratio: 1, seed: 1 })).toThrow(/between 0 and 1/);
  });

  it('orders users the same whatever the input order, numeric ids by value first, when ids mix', () => {
    const users = ['2', '10', '1a', 'b', '07', '7', ' '];
    const rows = users.flatMap((user) => [rating(user, `${user}-x`), rating(user, `${user}-y`)]);
    const order = (input: RatingInteraction[]) => [...new Set(stratifiedSplit(input, { ratio: 0.5, seed: 1 }).train.map((row) => row.userId))];
    const expected = ['2', '07', '7', '10', ' ', '1a', 'b'];
    expect(order(rows)).toEqual(expected);
    expect(order([...rows].reverse())).toEqual(expected);
    const random = createRandom(5);
    for (let trial = 0; trial < 5; trial++) expect(order(random.shuffle([...rows]))).toEqual(expected);
  });

  it('can stratify by item', () => {
    const rows = [rating('1', 'a'), rating('2', 'a'), rating('3', 'a'), rating('4', 'a'), rating('1', 'b')];
    const { train } = stratifiedSplit(rows, { ratio: 0.5, seed: 1, filterBy: 'item' });
    expect(train.filter((row) => row.itemId === 'a')).toHaveLength(2);
    expect(train.filter((row) => row.itemId === 'b')).toHaveLength(0); // round(0.5) = 0
  });
});

describe('NumpyRandomState', () => {
  // Fixtures printed by numpy 2.4: np.random.RandomState(seed).permutation(n).tolist()
  it.each([
    [42, 10, [8, 1, 5, 0, 7, 2, 9, 4, 3, 6]],
    [7, 5, [0, 3, 2, 1, 4]],
    [1, 20, [3, 16, 6, 10, 2, 14, 4, 17, 7, 1, 13, 0, 19, 18, 9, 15, 8, 12, 11, 5]],
    [0, 3, [2, 1, 0]],
    [123456789, 12, [11, 1, 5, 0, 6, 3, 4, 10, 7, 9, 2, 8]],
    [4294967295, 7, [1, 5, 0, 6, 4, 2, 3]],
  ])('permutation matches numpy for seed %i, n = %i', (seed, n, expected) => {
    expect(new NumpyRandomState(seed).permutation(n)).toEqual(expected);
  });

  it('continues the stream like numpy across calls and past the first 624 words', () => {
    const random = new NumpyRandomState(42);
    expect(random.permutation(6)).toEqual([0, 1, 5, 2, 4, 3]);
    expect(random.permutation(300).slice(0, 10)).toEqual([180, 154, 111, 247, 60, 9, 119, 157, 167, 33]);
    expect(new NumpyRandomState(5).permutation(70000).slice(0, 5)).toEqual([6628, 2777, 7414, 63950, 44249]);
  });

  it('rejects seeds numpy rejects', () => {
    expect(() => new NumpyRandomState(-1)).toThrow(RangeError);
    expect(() => new NumpyRandomState(2 ** 32)).toThrow(RangeError);
    expect(() => stratifiedSplit(makeData([4]), { ratio: 0.5, seed: 1.5, shuffle: 'numpy' })).toThrow(/integer seed/);
  });

  it("stratifiedSplit with shuffle: 'numpy' takes each group's rows in numpy's permuted order", () => {
    // User 1: 10 rows, seed 42 → order [8, 1, 5, 0, 7, 2, 9, 4, 3, 6], train = first round(7.5) = 8.
    // User 2: 5 rows, a fresh RandomState(42) as pandas makes per call → [1, 4, 2, 0, 3], train = round(3.75) = 4.
    const rows = makeData([10, 5]);
    const { train, test } = stratifiedSplit(rows, { ratio: 0.75, seed: 42, shuffle: 'numpy' });
    expect(train.filter((row) => row.userId === '1').map((row) => row.itemId)).toEqual([8, 1, 5, 0, 7, 2, 9, 4].map((index) => `1-${index}`));
    expect(test.filter((row) => row.userId === '1').map((row) => row.itemId)).toEqual(['1-3', '1-6']);
    expect(test.filter((row) => row.userId === '2').map((row) => row.itemId)).toEqual(['2-3']);
  });
});

describe("NumpyRandomState.random and shuffle: 'numpy-sort'", () => {
  it('draws the doubles np.random.rand draws, across the 624-word boundary', () => {
    // np.random.seed(42); np.random.rand(3) and np.random.seed(7); np.random.rand(700)[[0, 623, 624, 699]] (numpy 2.4)
    const random = new NumpyRandomState(42);
    expect([random.random(), random.random(), random.random()]).toEqual([0.3745401188473625, 0.9507143064099162, 0.7319939418114051]);
    const seven = new NumpyRandomState(7);
    const draws = Array.from({ length: 700 }, () => seven.random());
    expect([draws[0], draws[623], draws[624], draws[699]]).toEqual([0.07630828937395717, 0.06993906408407957, 0.670397983148165, 0.33871568992326884]);
  });

  it("splits as Recommenders' current python_stratified_split: one draw per row in input order, rank / size <= ratio", () => {
    // Users interleaved in input order: 1 2 1 1 2 1 2 1 1 2 (rows 0-9). numpy: seed 42, rows sorted by (user, draw):
    // user 1 → rows 5 0 3 8 | 2 7 (4 of 6 in train: 4/6 <= 0.75 < 5/6); user 2 → rows 6 4 9 | 1.
    const users = ['1', '2', '1', '1', '2', '1', '2', '1', '1', '2'];
    const rows = users.map((user, index) => rating(user, `row-${index}`, index));
    const { train, test } = stratifiedSplit(rows, { ratio: 0.75, seed: 42, shuffle: 'numpy-sort' });
    expect(train.map((row) => row.itemId)).toEqual(['row-5', 'row-0', 'row-3', 'row-8', 'row-6', 'row-4', 'row-9']);
    expect(test.map((row) => row.itemId)).toEqual(['row-2', 'row-7', 'row-1']);
    // A group under minRatings takes no draw: the others' draws, and so their split, are those of the data without it.
    const withSmall = [rating('0', 'small', 0), ...rows];
    const filtered = stratifiedSplit(withSmall, { ratio: 0.75, seed: 42, shuffle: 'numpy-sort', minRatings: 2 });
    expect(filtered.train.map((row) => row.itemId)).toEqual(train.map((row) => row.itemId));
  });
});

describe('temporalLeaveLastOut', () => {
  it('holds out each user’s latest n interactions, keeping short histories in train', () => {
    const rows = [rating('1', 'a', 30), rating('1', 'b', 10), rating('1', 'c', 20), rating('2', 'd', 5), rating('3', 'e', 1), rating('3', 'f', 1)];
    const { train, test } = temporalLeaveLastOut(rows, { n: 1 });
    expect(test.map((row) => row.itemId)).toEqual(['a', 'f']); // user 3: tie keeps input order, so f is "last"
    expect(train.map((row) => row.itemId)).toEqual(['b', 'c', 'd', 'e']);
    const two = temporalLeaveLastOut(rows, { n: 2 });
    expect(two.test.map((row) => row.itemId)).toEqual(['a', 'c']);
    expect(() => temporalLeaveLastOut(rows, { n: 0 })).toThrow(/n must be/);
  });

  it('refuses an interaction without a finite timestamp instead of sorting by NaN', () => {
    // A NaN time made the sort's result depend on the engine, so the held-out "latest" rows were any rows.
    const rows = [rating('1', 'a', 30), rating('1', 'b', Number.NaN), rating('1', 'c', 20)];
    expect(() => temporalLeaveLastOut(rows, { n: 1 })).toThrow('interaction 1 (user 1) has timestamp NaN, not a finite number');
  });
});

describe('splitter options', () => {
  it('refuses a shuffle or filterBy it does not know instead of using the default', () => {
    const rows = makeData([4, 4]);
    expect(() => stratifiedSplit(rows, { ratio: 0.5, seed: 1, shuffle: 'Numpy' as 'numpy' })).toThrow('shuffle must be "personalab", "numpy" or "numpy-sort", got "Numpy"');
    expect(() => stratifiedSplit(rows, { ratio: 0.5, seed: 1, filterBy: 'users' as 'user' })).toThrow('filterBy must be "user" or "item", got "users"');
    expect(() => stratifiedSplit(rows, { ratio: 0.5, seed: 2 ** 53 })).toThrow(/at most 2\^53 - 1/);
  });

  it('splits users with 1 to 3 interactions by round-half-even, seed 0 included, the same on every call', () => {
    const rows = makeData([1, 2, 3]);
    const first = stratifiedSplit(rows, { ratio: 0.5, seed: 0 });
    // round(0.5) = 0, round(1) = 1, round(1.5) = 2: the one-rating user goes wholly to test.
    expect(['1', '2', '3'].map((user) => first.train.filter((row) => row.userId === user).length)).toEqual([0, 1, 2]);
    expect(stratifiedSplit(rows, { ratio: 0.5, seed: 0 })).toEqual(first);
  });
});
