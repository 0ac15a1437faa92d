import { PersonalabError } from '@personalab/core';
import type { TrainTestSplit } from './stratified-split.js';

export interface TemporalLeaveLastOutOptions {
  /** How many of each user's latest interactions go to test. */
  n: number;
  /** Users with fewer than `n + minTrain` interactions stay entirely in train (default 1: keep at least one to learn from). */
  minTrain?: number;
}

/**
 * Per-user temporal leave-last-n-out: each user's interactions sorted by timestamp (ties keep input order),
 * the last `n` go to test and the rest to train. Output keeps the input order within train and test.
 */
export function temporalLeaveLastOut<T extends { userId: string; timestamp: number }>(interactions: readonly T[], options: TemporalLeaveLastOutOptions): TrainTestSplit<T> {
  const { n } = options;
  const minTrain = options.minTrain ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new PersonalabError('invalid_argument', `n must be an integer >= 1, got ${n}`);
  if (!Number.isInteger(minTrain) || minTrain < 0) throw new PersonalabError('invalid_argument', `minTrain must be an integer >= 0, got ${minTrain}`);
  const byUser = new Map<string, number[]>();
  interactions.forEach((interaction, index) => {
    // Sorting by a NaN (or missing) time leaves the order to chance, and the "last" n would be any n.
    if (!Number.isFinite(interaction.timestamp)) throw new PersonalabError('invalid_argument', `interaction ${index} (user ${interaction.userId}) has timestamp ${String(interaction.timestamp)}, not a finite number`);
    let indices = byUser.get(interaction.userId);
    if (!indices) byUser.set(interaction.userId, (indices = []));
    indices.push(index);
  });
  const isTest = new Uint8Array(interactions.length);
  for (const indices of byUser.values()) {
    if (indices.length < n + minTrain) continue;
    // Array.prototype.sort is stable, so equal timestamps keep their input order.
    const ordered = [...indices].sort((a, b) => (interactions[a] as T).timestamp - (interactions[b] as T).timestamp);
    for (const index of ordered.slice(-n)) isTest[index] = 1;
  }
  const train: T[] = [];
  const test: T[] = [];
  interactions.forEach((interaction, index) => (isTest[index] ? test : train).push(interaction));
  return { train, test };
}
