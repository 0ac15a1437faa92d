import { PersonalabError } from '@personalab/core';

/**
 * Per-user ranking metrics with binary relevance: an item is relevant iff it is in `relevant`.
 * `recommended` is a ranked list, best first; only its first `k` entries count.
 * Duplicates in `recommended` count once (at their first position), as set-based evaluators do.
 * Definitions follow Microsoft Recommenders' `python_evaluation` so numbers are comparable with its tables.
 */

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new PersonalabError('invalid_argument', `k must be an integer >= 1, got ${k}`);
}

function topK(recommended: readonly string[], k: number): string[] {
  checkK(k);
  const seen = new Set<string>();
  const result: string[] = [];
  for (const item of recommended) {
    if (result.length >= k) break;
    if (seen.has(item)) continue;
    seen.add(item);
    result.push(item);
  }
  return result;
}

function hits(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  return topK(recommended, k).filter((item) => relevant.has(item)).length;
}

/** Precision@k = |top-k ∩ relevant| / k (divides by k even when fewer than k items were recommended). */
export function precisionAtK(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  return hits(recommended, relevant, k) / k;
}

/** Recall@k = |top-k ∩ relevant| / |relevant|; 0 when nothing is relevant. */
export function recallAtK(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  return relevant.size === 0 ? 0 : hits(recommended, relevant, k) / relevant.size;
}

/**
 * NDCG@k with binary gains and a log2 discount:
 * DCG = Σ over hits at 1-based rank r ≤ k of 1 / log2(r + 1);
 * IDCG = Σ for r = 1..min(k, |relevant|) of 1 / log2(r + 1) (all relevant items ranked first).
 * 0 when nothing is relevant. (The log base cancels in the ratio, so this equals Recommenders' `ndcg_at_k`.)
 */
export function ndcgAtK(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (relevant.size === 0) return 0;
  let dcg = 0;
  topK(recommended, k).forEach((item, index) => {
    if (relevant.has(item)) dcg += 1 / Math.log2(index + 2);
  });
  let idcg = 0;
  for (let rank = 1; rank <= Math.min(k, relevant.size); rank++) idcg += 1 / Math.log2(rank + 1);
  return dcg / idcg;
}

export interface AveragePrecisionOptions {
  /**
   * The denominator: `'min-k-relevant'` (default) divides by min(k, |relevant|), as Recommenders' current `map_at_k`
   * (and Spark's `meanAveragePrecisionAt`); `'relevant'` divides by |relevant|, as Recommenders' `map`
   * (their `map_at_k` before version 1.2, used in their older benchmark tables).
   */
  denominator?: 'min-k-relevant' | 'relevant';
}

/**
 * Average precision at k, the per-user term of MAP@k:
 * AP@k = (Σ over hits at 1-based rank r ≤ k of (hits within the first r) / r) / min(k, |relevant|).
 * 0 when nothing is relevant.
 */
export function mapAtK(recommended: readonly string[], relevant: ReadonlySet<string>, k: number, options: AveragePrecisionOptions = {}): number {
  if (relevant.size === 0) return 0;
  let found = 0;
  let sum = 0;
  topK(recommended, k).forEach((item, index) => {
    if (!relevant.has(item)) return;
    found++;
    sum += found / (index + 1);
  });
  const denominator = options.denominator === 'relevant' ? relevant.size : Math.min(k, relevant.size);
  return sum / denominator;
}

/** Hit rate@k for one user: 1 when at least one of the top k is relevant, else 0. */
export function hitRateAtK(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  return hits(recommended, relevant, k) > 0 ? 1 : 0;
}

/** Reciprocal rank: 1 / (1-based rank of the first relevant item), 0 when none is in the first `k` (default: the whole list). */
export function mrr(recommended: readonly string[], relevant: ReadonlySet<string>, k?: number): number {
  // An explicit k is checked like every other metric's (k = 0 used to score the top 1 silently).
  const index = topK(recommended, k ?? Math.max(1, recommended.length)).findIndex((item) => relevant.has(item));
  return index === -1 ? 0 : 1 / (index + 1);
}

/**
 * Catalog coverage: the share of the catalog that appears in at least one user's top-k list.
 * `catalog` is the number of items (a positive integer) or the item ids (ids outside it are ignored). Given a number,
 * more distinct recommended items than that is `invalid_argument` (the count is wrong), not a coverage above 1.
 */
export function catalogCoverage(recommendations: Iterable<readonly string[]>, catalog: number | ReadonlySet<string>, k?: number): number {
  const size = typeof catalog === 'number' ? catalog : catalog.size;
  if (size === 0) throw new PersonalabError('invalid_argument', 'catalog must not be empty');
  // NaN had returned NaN, and 2.5 a share of half an item.
  if (!Number.isInteger(size) || size < 0) throw new PersonalabError('invalid_argument', `catalog size must be a positive integer, got ${size}`);
  const seen = new Set<string>();
  for (const list of recommendations) {
    for (const item of k === undefined ? list : topK(list, k)) {
      if (typeof catalog === 'number' || catalog.has(item)) seen.add(item);
    }
  }
  if (seen.size > size) throw new PersonalabError('invalid_argument', `${seen.size} distinct items were recommended but the catalog has only ${size}`);
  return seen.size / size;
}

export interface RankingEvaluation {
  k: number;
  /** Users averaged over: those with at least one relevant item. */
  users: number;
  /** Of those, users with no recommendation list (they score 0 on every metric). */
  usersWithoutRecommendations: number;
  precisionAtK: number;
  recallAtK: number;
  ndcgAtK: number;
  /** MAP@k with the min(k, |relevant|) denominator (Recommenders' current `map_at_k`). */
  mapAtK: number;
  /**
   * MAP over the top k with the |relevant| denominator: Recommenders' `map`, which was their `map_at_k` before
   * version 1.2 and is what their older published MovieLens benchmark tables report as MAP.
   */
  map: number;
  hitRateAtK: number;
  /** Mean reciprocal rank within the top k. */
  mrr: number;
}

/**
 * Averages every ranking metric over the users that have at least one relevant item.
 * A user with relevant items but no list counts as a complete miss rather than being left out,
 * so a recommender cannot raise its score by declining to answer.
 */
export function evaluateRanking(recommendations: ReadonlyMap<string, readonly string[]>, relevant: ReadonlyMap<string, ReadonlySet<string>>, k: number): RankingEvaluation {
  checkK(k); // even when no user has a list to rank
  const totals = { precisionAtK: 0, recallAtK: 0, ndcgAtK: 0, mapAtK: 0, map: 0, hitRateAtK: 0, mrr: 0 };
  let users = 0;
  let usersWithoutRecommendations = 0;
  for (const [userId, items] of relevant) {
    if (items.size === 0) continue;
    users++;
    const list = recommendations.get(userId);
    if (!list) {
      usersWithoutRecommendations++;
      continue;
    }
    totals.precisionAtK += precisionAtK(list, items, k);
    totals.recallAtK += recallAtK(list, items, k);
    totals.ndcgAtK += ndcgAtK(list, items, k);
    totals.mapAtK += mapAtK(list, items, k);
    totals.map += mapAtK(list, items, k, { denominator: 'relevant' });
    totals.hitRateAtK += hitRateAtK(list, items, k);
    totals.mrr += mrr(list, items, k);
  }
  const mean = (value: number) => (users === 0 ? 0 : value / users);
  return {
    k,
    users,
    usersWithoutRecommendations,
    precisionAtK: mean(totals.precisionAtK),
    recallAtK: mean(totals.recallAtK),
    ndcgAtK: mean(totals.ndcgAtK),
    mapAtK: mean(totals.mapAtK),
    map: mean(totals.map),
    hitRateAtK: mean(totals.hitRateAtK),
    mrr: mean(totals.mrr),
  };
}

/** Groups interactions into each user's set of relevant item ids (optionally only those passing `isRelevant`). */
export function relevantItemsByUser<T extends { userId: string; itemId: string }>(interactions: Iterable<T>, isRelevant: (interaction: T) => boolean = () => true): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  for (const interaction of interactions) {
    if (!isRelevant(interaction)) continue;
    let items = result.get(interaction.userId);
    if (!items) result.set(interaction.userId, (items = new Set()));
    items.add(interaction.itemId);
  }
  return result;
}
