import type { Interaction, TrainingData } from '@personalab/core';
import type { BaseRecommender } from './base-recommender.js';
import type { TrainingSummary } from './training-loop.js';

/** A model trained in epochs with early stopping (the tfjs models). */
export interface EpochModel extends BaseRecommender {
  summary: TrainingSummary | undefined;
  dispose(): void;
}

export interface RefitResult<M extends EpochModel> {
  /** The model to use: the refit, or the early-stopped model when early stopping kept epoch 0. */
  model: M;
  /** The early-stopped model, when a refit replaced it (the caller disposes it, or keeps it). */
  inner: M | undefined;
  bestEpoch: number;
  /** The early-stopped model's best validation metric. */
  bestMetric: number | undefined;
  summary: TrainingSummary | undefined;
  refitSeconds: number | undefined;
}

/**
 * How the experiments train a tfjs model: early stopping chooses the epoch count on `stopping` (fitted on its `train`
 * part, validated on its `test` part), then a fresh model, `create(bestEpoch)`, trains that many epochs on all of
 * `interactions` with the same seed. `create()` with no argument gives the model to early-stop. When early stopping
 * keeps epoch 0 the early-stopped model is the result (no refit).
 */
export async function fitThenRefit<M extends EpochModel>(
  create: (epochs?: number) => M,
  data: Omit<TrainingData, 'interactions'>,
  stopping: { train: readonly Interaction[]; test: readonly Interaction[] },
  interactions: readonly Interaction[],
  options: { seed: number; quiet: boolean },
): Promise<RefitResult<M>> {
  const early = create();
  try {
    await early.fit({ ...data, interactions: stopping.train }, { validation: stopping.test, seed: options.seed, quiet: options.quiet });
  } catch (error) {
    // Its variables would outlive the failed run otherwise.
    early.dispose();
    throw error;
  }
  const summary = early.summary;
  const bestEpoch = summary?.bestEpoch ?? 0;
  const result = { bestEpoch, bestMetric: summary?.bestMetric, summary };
  if (bestEpoch < 1) return { ...result, model: early, inner: undefined, refitSeconds: undefined };
  const started = performance.now();
  const refit = create(bestEpoch);
  try {
    await refit.fit({ ...data, interactions }, { seed: options.seed, quiet: options.quiet });
  } catch (error) {
    early.dispose();
    refit.dispose();
    throw error;
  }
  return { ...result, model: refit, inner: early, refitSeconds: (performance.now() - started) / 1000 };
}
