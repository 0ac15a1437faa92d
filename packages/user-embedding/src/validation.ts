import type { Interaction } from '@personalab/core';
import type { InteractionMatrix } from './interaction-matrix.js';
import { topK } from './top-k.js';
import type { ScoringQuery } from './base-recommender.js';

/**
 * Held-out items per known user (dense indices), for model selection and early stopping.
 * Kept inside this package so training does not depend on the evaluation code of the experiments.
 */
export function heldOutByUser(matrix: InteractionMatrix, interactions: readonly Interaction[]): Map<number, Set<number>> {
  const byUser = new Map<number, Set<number>>();
  for (const interaction of interactions) {
    const user = matrix.userIndex.get(interaction.userId);
    const item = matrix.itemIndex.get(interaction.itemId);
    if (user === undefined || item === undefined) continue;
    let set = byUser.get(user);
    if (!set) byUser.set(user, (set = new Set()));
    set.add(item);
  }
  return byUser;
}

/**
 * The held-out items early stopping reads, or undefined when no validation pair names a known user and item: a
 * metric over no users is a constant 0, which stopped training after `patience` epochs and kept the first one.
 */
export function earlyStoppingHeldOut(matrix: InteractionMatrix, interactions: readonly Interaction[] | undefined): Map<number, Set<number>> | undefined {
  if (!interactions) return undefined;
  const heldOut = heldOutByUser(matrix, interactions);
  return heldOut.size > 0 ? heldOut : undefined;
}

/**
 * Mean NDCG@k over users with held-out items (binary relevance, training items excluded),
 * the selection criterion of every model here.
 */
export function validationNdcg(
  matrix: InteractionMatrix,
  heldOut: Map<number, Set<number>>,
  scoreQueries: (queries: readonly ScoringQuery[]) => Float32Array[],
  k = 10,
): number {
  let total = 0;
  let users = 0;
  const entries = [...heldOut];
  const allScores = scoreQueries(entries.map(([user]) => ({ user, history: matrix.histories[user] ?? [] })));
  for (const [index, [user, relevant]] of entries.entries()) {
    const history = matrix.histories[user] ?? [];
    const scores = allScores[index] as Float32Array;
    total += rankedNdcg(topK(scores, k, new Set(history)), relevant, k);
    users++;
  }
  return users === 0 ? 0 : total / users;
}

/** NDCG@k of one ranked list of dense item indices (binary relevance); 0 when nothing is relevant. */
export function rankedNdcg(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((item, rank) => {
    if (relevant.has(item)) dcg += 1 / Math.log2(rank + 2);
  });
  let ideal = 0;
  for (let rank = 0; rank < Math.min(k, relevant.size); rank++) ideal += 1 / Math.log2(rank + 2);
  return ideal > 0 ? dcg / ideal : 0;
}
