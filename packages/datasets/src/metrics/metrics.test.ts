import { describe, expect, it } from 'vitest';
import { catalogCoverage, evaluateRanking, hitRateAtK, mapAtK, mrr, ndcgAtK, precisionAtK, recallAtK, relevantItemsByUser } from './ranking-metrics.js';
import { mae, rmse } from './rating-metrics.js';

// Hand example: ranked list a b c d e, relevant {a, c, f}; hits at ranks 1 and 3 within k = 5.
const list = ['a', 'b', 'c', 'd', 'e'];
const relevant = new Set(['a', 'c', 'f']);

describe('ranking metrics (hand-computed)', () => {
  it('precision, recall, hit rate, reciprocal rank', () => {
    expect(precisionAtK(list, relevant, 5)).toBeCloseTo(2 / 5, 12);
    expect(precisionAtK(list, relevant, 2)).toBeCloseTo(1 / 2, 12);
    expect(recallAtK(list, relevant, 5)).toBeCloseTo(2 / 3, 12);
    expect(recallAtK(list, relevant, 1)).toBeCloseTo(1 / 3, 12);
    expect(hitRateAtK(list, relevant, 5)).toBe(1);
    expect(hitRateAtK(['b', 'd'], relevant, 2)).toBe(0);
    expect(mrr(list, relevant)).toBe(1);
    expect(mrr(['b', 'c'], relevant)).toBe(0.5);
    expect(mrr(['b', 'd', 'c'], relevant, 2)).toBe(0);
    expect(mrr([], relevant)).toBe(0);
  });

  it('rejects a k below 1 in mrr and evaluateRanking as in every other metric', () => {
    // mrr(list, relevant, 0) used to score the top 1; evaluateRanking with no users returned zeros for any k.
    expect(() => mrr(list, relevant, 0)).toThrow(/k must be an integer >= 1, got 0/);
    expect(() => mrr([], relevant, -1)).toThrow(/got -1/);
    expect(() => evaluateRanking(new Map(), new Map(), 0)).toThrow(/got 0/);
    expect(() => precisionAtK(list, relevant, 0)).toThrow(/got 0/);
  });

  it('NDCG@k: DCG 1 + 1/log2(4) = 1.5; IDCG over min(k, 3) = 3 ranks', () => {
    const idcg3 = 1 + 1 / Math.log2(3) + 1 / Math.log2(4); // 2.1309...
    expect(ndcgAtK(list, relevant, 5)).toBeCloseTo(1.5 / idcg3, 12);
    // k = 2: only a hits; IDCG over min(2, 3) = 2 ranks
    expect(ndcgAtK(list, relevant, 2)).toBeCloseTo(1 / (1 + 1 / Math.log2(3)), 12);
    expect(ndcgAtK(['a', 'c', 'f'], relevant, 3)).toBeCloseTo(1, 12);
  });

  it('MAP@k: (1/1 + 2/3) / min(k, |relevant|)', () => {
    expect(mapAtK(list, relevant, 5)).toBeCloseTo((1 + 2 / 3) / 3, 12);
    expect(mapAtK(list, relevant, 2)).toBeCloseTo(1 / 2, 12); // only a counts, divided by min(2, 3)
    expect(mapAtK(list, relevant, 2, { denominator: 'relevant' })).toBeCloseTo(1 / 3, 12);
    expect(mapAtK(['b', 'a'], new Set(['a']), 10)).toBeCloseTo(1 / 2, 12);
  });

  it('ignores duplicates and handles empty inputs', () => {
    expect(precisionAtK(['a', 'a', 'c'], relevant, 2)).toBeCloseTo(1, 12);
    expect(recallAtK(list, new Set(), 5)).toBe(0);
    expect(ndcgAtK([], relevant, 5)).toBe(0);
    expect(() => precisionAtK(list, relevant, 0)).toThrow(/k must be/);
  });

  it('catalog coverage counts distinct top-k items over the catalog', () => {
    expect(catalogCoverage([['a', 'b', 'c'], ['b', 'd']], 10, 2)).toBeCloseTo(3 / 10, 12);
    expect(catalogCoverage([['a', 'z']], new Set(['a', 'b']))).toBeCloseTo(1 / 2, 12);
  });

  it('refuses a catalog size that is not a positive integer or smaller than what was recommended', () => {
    // NaN had returned NaN, and a size of 1 with three items recommended a coverage of 3.
    expect(() => catalogCoverage([['a']], Number.NaN)).toThrow('catalog size must be a positive integer, got NaN');
    expect(() => catalogCoverage([['a', 'b']], 2.5)).toThrow(/got 2.5/);
    expect(() => catalogCoverage([['a', 'b', 'c']], 1)).toThrow('3 distinct items were recommended but the catalog has only 1');
    expect(catalogCoverage([['a', 'b', 'c']], 3)).toBe(1);
  });

  it('k larger than the list, and a k past every list, divide as defined', () => {
    expect(precisionAtK(['a'], relevant, 10)).toBeCloseTo(1 / 10, 12);
    expect(recallAtK(['a'], relevant, 10)).toBeCloseTo(1 / 3, 12);
    expect(ndcgAtK(['a', 'c'], new Set(['a', 'c']), 100)).toBeCloseTo(1, 12);
    expect(() => ndcgAtK(list, relevant, Number.POSITIVE_INFINITY)).toThrow(/k must be an integer >= 1, got Infinity/);
  });
});

describe('evaluateRanking', () => {
  it('averages over users with at least one relevant item; a missing list scores 0', () => {
    const recommendations = new Map([
      ['u1', list],
      ['u2', ['x', 'y']],
      ['u3', ['q']],
    ]);
    const truth = new Map([
      ['u1', relevant],
      ['u2', new Set(['y'])],
      ['u3', new Set<string>()],
      ['u4', new Set(['a'])],
    ]);
    const result = evaluateRanking(recommendations, truth, 5);
    expect(result.users).toBe(3);
    expect(result.usersWithoutRecommendations).toBe(1);
    expect(result.precisionAtK).toBeCloseTo((2 / 5 + 1 / 5 + 0) / 3, 12);
    expect(result.recallAtK).toBeCloseTo((2 / 3 + 1 + 0) / 3, 12);
    expect(result.hitRateAtK).toBeCloseTo(2 / 3, 12);
    expect(result.mrr).toBeCloseTo((1 + 1 / 2) / 3, 12);
    expect(result.mapAtK).toBeCloseTo(((1 + 2 / 3) / 3 + 1 / 2) / 3, 12);
    expect(result.map).toBeCloseTo(result.mapAtK, 12); // no user has more than k relevant items here
    // At k = 2, u1 has 3 relevant items: MAP@k divides its 1/1 by min(2, 3), Recommenders' `map` by 3.
    const atTwo = evaluateRanking(recommendations, truth, 2);
    expect(atTwo.mapAtK).toBeCloseTo((1 / 2 + 1 / 2) / 3, 12);
    expect(atTwo.map).toBeCloseTo((1 / 3 + 1 / 2) / 3, 12);
    expect(result.ndcgAtK).toBeCloseTo((1.5 / (1 + 1 / Math.log2(3) + 0.5) + 1 / Math.log2(3)) / 3, 12);
  });

  it('builds relevant sets from interactions with a threshold', () => {
    const rows = [
      { userId: 'u', itemId: 'a', value: 5 },
      { userId: 'u', itemId: 'b', value: 2 },
      { userId: 'v', itemId: 'a', value: 4 },
    ];
    const sets = relevantItemsByUser(rows, (row) => row.value >= 4);
    expect([...sets.entries()].map(([user, items]) => [user, [...items]])).toEqual([
      ['u', ['a']],
      ['v', ['a']],
    ]);
  });
});

describe('rating metrics', () => {
  it('RMSE and MAE by hand', () => {
    // errors: 1, -2, 0, 3 → squares 1, 4, 0, 9 → mean 3.5; abs mean 1.5
    expect(rmse([4, 1, 3, 5], [3, 3, 3, 2])).toBeCloseTo(Math.sqrt(3.5), 12);
    expect(mae([4, 1, 3, 5], [3, 3, 3, 2])).toBeCloseTo(1.5, 12);
    expect(() => rmse([1], [1, 2])).toThrow(/1 values but actual has 2/);
  });

  it('refuses NaN and Infinity rather than returning NaN', () => {
    // One failed prediction had made the whole RMSE NaN without a word.
    expect(() => rmse([4, Number.NaN], [3, 3])).toThrow('predicted[1] is NaN, not a finite number');
    expect(() => mae([4, 1], [3, Number.POSITIVE_INFINITY])).toThrow('actual[1] is Infinity, not a finite number');
  });
});
