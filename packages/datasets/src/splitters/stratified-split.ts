import { PersonalabError, createRandom, hashString } from '@personalab/core';
import { NumpyRandomState } from './numpy-random-state.js';
import { roundHalfEven } from './round-half-even.js';

export interface StratifiedSplitOptions {
  /** Share of each user's rows that goes to train, strictly between 0 and 1 (Recommenders' default 0.75). */
  ratio: number;
  seed: number;
  /** Keep only groups with at least this many rows (Recommenders' `min_rating`, default 1). */
  minRatings?: number;
  /** Stratify by user (default) or by item, as Recommenders' `filter_by`. */
  filterBy?: 'user' | 'item';
  /**
   * How each group is shuffled. `'personalab'` (default): our seeded generator, keyed by seed and group id.
   * `'numpy'`: numpy's legacy `RandomState(seed).permutation(n)` per group, as pandas'
   * `group.sample(frac=1, random_state=seed)` inside Recommenders does; with rows in input (file) order this
   * reproduces the split of Recommenders' releases up to 2020 row for row (seed must be an integer in [0, 2³² − 1]).
   * `'numpy-sort'`: what `python_stratified_split` does since (its `_do_stratification`): `np.random.seed(seed)`,
   * one `np.random.rand` draw per row in input order (after the `minRatings` filter), rows sorted by group and draw,
   * and a row goes to train when its rank in its group divided by the group's size is at most `ratio` (so
   * `floor(ratio · n)` rows, where the older split took `round(ratio · n)`).
   */
  shuffle?: 'personalab' | 'numpy' | 'numpy-sort';
}

export interface TrainTestSplit<T> {
  train: T[];
  test: T[];
}

/**
 * Per-user random split with the semantics of Microsoft Recommenders' `python_stratified_split`:
 * drop groups with fewer than `minRatings` rows, then for each group (users in sorted id order)
 * shuffle that group's rows with the seed and put the first `round(ratio * n)` in train, the rest in test.
 * `round` is Python's (half to even), so per-user train sizes match Recommenders exactly. By default the
 * permutation comes from our own seeded generator, derived from the seed and the group id so that one user's
 * split does not depend on which other users are present; `shuffle: 'numpy'` uses numpy's instead, which
 * gives Recommenders' exact rows (as of their releases up to 2020) when the input is in the same order as their data
 * frame; `shuffle: 'numpy-sort'` gives the rows of their current implementation (see the option).
 */
export function stratifiedSplit<T extends { userId: string; itemId: string }>(interactions: readonly T[], options: StratifiedSplitOptions): TrainTestSplit<T> {
  const { ratio, seed } = options;
  if (!(ratio > 0 && ratio < 1)) throw new PersonalabError('invalid_argument', `split ratio must be between 0 and 1 (exclusive), got ${ratio}`);
  const minRatings = options.minRatings ?? 1;
  // A misspelt choice ('Numpy', 'users') had silently given the default split.
  if (options.shuffle !== undefined && !['personalab', 'numpy', 'numpy-sort'].includes(options.shuffle)) {
    throw new PersonalabError('invalid_argument', `shuffle must be "personalab", "numpy" or "numpy-sort", got ${JSON.stringify(options.shuffle)}`);
  }
  if (options.filterBy !== undefined && options.filterBy !== 'user' && options.filterBy !== 'item') {
    throw new PersonalabError('invalid_argument', `filterBy must be "user" or "item", got ${JSON.stringify(options.filterBy)}`);
  }
  const numpy = options.shuffle === 'numpy' || options.shuffle === 'numpy-sort';
  if (numpy && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) throw new PersonalabError('invalid_argument', `numpy shuffling needs an integer seed in [0, 2^32 - 1], got ${seed}`);
  // A fractional seed had been truncated (42.5 split as 42) and a negative one wrapped: both refused.
  if (!(Number.isSafeInteger(seed) && seed >= 0)) throw new PersonalabError('invalid_argument', `the split seed must be a non-negative integer (at most 2^53 - 1), got ${seed}`);
  // Seeds below 2^32 hash as before; the bits above fold in, so 2^32 no longer splits as 0.
  const hashSeed = ((seed >>> 0) ^ Math.imul(Math.floor(seed / 0x100000000), 0x9e3779b1)) >>> 0;
  if (!Number.isInteger(minRatings) || minRatings < 1) throw new PersonalabError('invalid_argument', `minRatings must be an integer >= 1, got ${minRatings}`);
  const key = options.filterBy === 'item' ? 'itemId' : 'userId';
  const groups = new Map<string, T[]>();
  for (const interaction of interactions) {
    const id = interaction[key];
    let group = groups.get(id);
    if (!group) groups.set(id, (group = []));
    group.push(interaction);
  }
  const train: T[] = [];
  const test: T[] = [];
  // pandas' groupby visits groups in sorted key order; numeric-looking ids sort numerically there, so do the same.
  const ids = [...groups.keys()].sort(compareIds);
  if (options.shuffle === 'numpy-sort') {
    // One draw per kept row, in input order (the minRatings filter runs before the draws, as there).
    const random = new NumpyRandomState(seed);
    const draws = new Float64Array(interactions.length);
    const rowsOf = new Map<string, number[]>();
    interactions.forEach((interaction, index) => {
      const id = interaction[key];
      if ((groups.get(id) as T[]).length < minRatings) return;
      draws[index] = random.random();
      let rows = rowsOf.get(id);
      if (!rows) rowsOf.set(id, (rows = []));
      rows.push(index);
    });
    for (const id of ids) {
      const rows = rowsOf.get(id);
      if (!rows) continue;
      rows.sort((a, b) => (draws[a] as number) - (draws[b] as number));
      // rank / count <= ratio, in doubles as pandas computes it.
      rows.forEach((row, rank) => ((rank + 1) / rows.length <= ratio ? train : test).push(interactions[row] as T));
    }
    return { train, test };
  }
  for (const id of ids) {
    const group = groups.get(id) as T[];
    if (group.length < minRatings) continue;
    const rows = numpy ? new NumpyRandomState(seed).permutation(group.length).map((index) => group[index] as T) : createRandom(hashString(id, hashSeed)).shuffle([...group]);
    const cut = roundHalfEven(ratio * rows.length);
    for (let index = 0; index < rows.length; index++) (index < cut ? train : test).push(rows[index] as T);
  }
  return { train, test };
}

/**
 * Numeric-looking ids by value, before all others, which sort as strings (ties of value, "7" and "07", as strings too).
 * A total order, so the output's order does not depend on the input's when ids mix: comparing numbers by value and
 * the rest as strings had put "2" < "10" < "1a" < "2", and the sort's result then followed the input order.
 */
function compareIds(a: string, b: string): number {
  const numericA = a.trim() !== '' && Number.isFinite(Number(a));
  const numericB = b.trim() !== '' && Number.isFinite(Number(b));
  if (numericA !== numericB) return numericA ? -1 : 1;
  if (numericA) {
    const difference = Number(a) - Number(b);
    if (difference !== 0) return difference;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
