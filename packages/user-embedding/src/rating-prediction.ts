import { PersonalabError, type Interaction } from '@personalab/core';
import type { BaseRecommender, ScoringQuery } from './base-recommender.js';

/** A (user, item) pair to predict a rating for. */
export interface RatingPair {
  userId: string;
  itemId: string;
}

/** A model that predicts explicit ratings (RMSE / MAE), as opposed to ranking scores only. */
export interface RatingPredictor {
  readonly name: string;
  /** Predicted ratings for the pairs, clipped to `range`. */
  predict(pairs: readonly RatingPair[], range?: readonly [number, number]): number[];
}

/**
 * Predictions through a model's full-catalogue scores: one `scoreQuery` per distinct user, then
 * the pairs' items picked out and clipped. Unknown users are scored from an empty history and
 * unknown items get `fallback` (the global mean).
 */
export function predictThroughScores(model: BaseRecommender, pairs: readonly RatingPair[], fallback: number, range: readonly [number, number] = [1, 5]): number[] {
  const byUser = new Map<string, { itemId: string; row: number }[]>();
  pairs.forEach((pair, row) => {
    let list = byUser.get(pair.userId);
    if (!list) byUser.set(pair.userId, (list = []));
    list.push({ itemId: pair.itemId, row });
  });
  const predictions = new Array<number>(pairs.length).fill(clip(fallback, range));
  for (const [userId, list] of byUser) {
    const user = model.data.userIndex.get(userId);
    const query: ScoringQuery = { user, history: user === undefined ? [] : (model.data.histories[user] ?? []) };
    const scores = model.scoreQuery(query);
    for (const { itemId, row } of list) {
      const item = model.data.itemIndex.get(itemId);
      predictions[row] = clip(item === undefined ? fallback : (scores[item] as number), range);
    }
  }
  return predictions;
}

/** RMSE and MAE of a predictor over the rating interactions among `interactions`. */
export function evaluateRatings(model: RatingPredictor, interactions: readonly Interaction[]): { rmse: number; mae: number } {
  const ratings = interactions.filter((interaction) => interaction.kind === 'rating');
  if (ratings.length === 0) throw new PersonalabError('invalid_argument', 'no rating interactions to evaluate');
  const predictions = model.predict(ratings);
  let squared = 0;
  let absolute = 0;
  ratings.forEach((rating, index) => {
    const error = (predictions[index] as number) - rating.value;
    squared += error * error;
    absolute += Math.abs(error);
  });
  return { rmse: Math.sqrt(squared / ratings.length), mae: absolute / ratings.length };
}

/** The mean rating of the rating interactions (0 when there are none). */
export function meanRating(interactions: readonly Interaction[]): number {
  let sum = 0;
  let count = 0;
  for (const interaction of interactions) {
    if (interaction.kind !== 'rating') continue;
    sum += interaction.value;
    count += 1;
  }
  return count === 0 ? 0 : sum / count;
}

export function clip(value: number, range: readonly [number, number]): number {
  return Math.min(range[1], Math.max(range[0], value));
}
