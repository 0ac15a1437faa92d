import { createProgress, displayedMetric } from '@personalab/core';
import { PersonalabError } from '@personalab/core';
import { createEventLoopYield } from './event-loop-yield.js';

export interface TrainingLoopOptions {
  label: string;
  /** Maximum number of epochs. */
  epochs: number;
  /** Optimisation steps per epoch and examples per step (for the rate shown). */
  stepsPerEpoch: number;
  examplesPerStep: number;
  /** One optimisation step; returns the loss (a number already read back from the backend). */
  step: (epoch: number, step: number) => number;
  /** Validation metric (higher is better), or undefined to skip early stopping. */
  validate?: () => number;
  /** Epochs without improvement before stopping. */
  patience?: number;
  /** Called when the validation metric improves (snapshot the weights, write a checkpoint). */
  onImprovement?: (epoch: number, metric: number) => void | Promise<void>;
  /**
   * Called after every epoch, once `onImprovement` has seen it (periodic checkpoints for resuming), with the
   * early-stopping state to save beside the weights.
   */
  onEpochEnd?: (epoch: number, record: EpochRecord, progress: LoopProgress) => void | Promise<void>;
  /** The first epoch to run (when resuming from a checkpoint). */
  startEpoch?: number;
  /** The early-stopping state saved with the checkpoint being resumed (`onEpochEnd`'s `progress`). */
  resumeProgress?: LoopProgress;
  /** Validate once before the first epoch (epoch 0) and keep that as the best so far. */
  validateBeforeTraining?: boolean;
  quiet?: boolean;
  /** Checked before every step; the loop yields to the event loop between steps so that an abort can arrive mid-training. */
  signal?: AbortSignal | undefined;
  metricName?: string;
}

/** Early-stopping state after an epoch: what a resumed run needs to stop where an uninterrupted one would. */
export interface LoopProgress {
  bestEpoch: number;
  bestMetric: number;
  sinceBest: number;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  metric: number | undefined;
  seconds: number;
  examplesPerSecond: number;
}

export interface TrainingSummary {
  epochs: EpochRecord[];
  /** What `bestMetric` measures (`valNdcg10`, or `valNegRmse`: minus the validation RMSE). */
  metricName: string;
  bestEpoch: number;
  bestMetric: number;
  /** Seconds from the start until the end of the best epoch. */
  secondsToBest: number;
  totalSeconds: number;
  examplesPerSecond: number;
}

/**
 * The shared epoch loop: a progress bar per run (epoch, loss, examples/s, ETA, validation metric),
 * early stopping with patience, and hooks for best-epoch snapshots and checkpoints.
 */
export async function runTrainingLoop(options: TrainingLoopOptions): Promise<TrainingSummary> {
  // cli-progress tokens are word characters only.
  const metricName = (options.metricName ?? 'valNdcg10').replace(/\W/g, '');
  // The bar shows the metric as users read it (valRmse 1.0117, not valNegRmse -1.0117).
  const shownMetric = displayedMetric(metricName);
  const startEpoch = options.startEpoch ?? 0;
  const totalSteps = (options.epochs - startEpoch) * options.stepsPerEpoch;
  // The bar counts examples, so its rate reads as examples/s.
  const progress = createProgress({ label: options.label, total: Math.max(1, totalSteps * options.examplesPerStep), quiet: options.quiet ?? false, fields: ['epoch', 'loss', shownMetric.field] });
  const epochs: EpochRecord[] = [];
  const resumed = startEpoch > 0 ? options.resumeProgress : undefined;
  let best = resumed ? { epoch: resumed.bestEpoch, metric: resumed.bestMetric, seconds: 0 } : { epoch: -1, metric: Number.NEGATIVE_INFINITY, seconds: 0 };
  let sinceBest = resumed?.sinceBest ?? 0;
  const patience = options.patience ?? Number.POSITIVE_INFINITY;
  const started = performance.now();
  const yieldTurn = createEventLoopYield();
  try {
    if (options.validate && startEpoch === 0 && options.validateBeforeTraining) {
      // Epoch 0 = the initialisation; a warm-started model must beat its own starting point.
      const metric = options.validate();
      epochs.push({ epoch: 0, loss: Number.NaN, metric, seconds: 0, examplesPerSecond: 0 });
      best = { epoch: 0, metric, seconds: (performance.now() - started) / 1000 };
      await options.onImprovement?.(-1, metric);
    }
    // A run resumed after it had already stopped early trains no further, as the uninterrupted run did not.
    const stoppedBefore = resumed !== undefined && resumed.sinceBest > 0 && resumed.sinceBest >= patience;
    for (let epoch = startEpoch; epoch < options.epochs && !stoppedBefore; epoch++) {
      const epochStarted = performance.now();
      let lossSum = 0;
      for (let step = 0; step < options.stepsPerEpoch; step++) {
        await yieldTurn();
        if (options.signal?.aborted) throw new PersonalabError('cancelled', `${options.label}: training cancelled in epoch ${epoch + 1}`, { details: { epoch: epoch + 1 } });
        const loss = options.step(epoch, step);
        if (!Number.isFinite(loss)) throw new PersonalabError('internal', `${options.label}: loss became ${loss} at epoch ${epoch + 1}, step ${step + 1}`);
        lossSum += loss;
        progress.increment(options.examplesPerStep, { epoch: `${epoch + 1}/${options.epochs}`, loss: (lossSum / (step + 1)).toFixed(4) });
      }
      const trainSeconds = (performance.now() - epochStarted) / 1000;
      const metric = options.validate?.();
      const record: EpochRecord = {
        epoch: epoch + 1,
        loss: lossSum / options.stepsPerEpoch,
        metric,
        seconds: (performance.now() - epochStarted) / 1000,
        examplesPerSecond: (options.stepsPerEpoch * options.examplesPerStep) / Math.max(1e-9, trainSeconds),
      };
      epochs.push(record);
      if (metric !== undefined) progress.increment(0, { [shownMetric.field]: shownMetric.format(metric) });
      const improved = metric === undefined || metric > best.metric;
      if (improved) {
        best = { epoch: epoch + 1, metric: metric ?? Number.NaN, seconds: (performance.now() - started) / 1000 };
        sinceBest = 0;
        await options.onImprovement?.(epoch, metric ?? Number.NaN);
      } else {
        sinceBest += 1;
      }
      // After onImprovement, so a checkpoint holds this epoch's best weights when it was the best.
      await options.onEpochEnd?.(epoch, record, { bestEpoch: best.epoch, bestMetric: best.metric, sinceBest });
      if (!improved && sinceBest >= patience) break;
    }
  } finally {
    progress.stop();
  }
  const totalSeconds = (performance.now() - started) / 1000;
  const trained = epochs.filter((record) => record.epoch > 0);
  const examples = trained.length * options.stepsPerEpoch * options.examplesPerStep;
  const trainSeconds = trained.reduce((sum, record) => sum + (options.stepsPerEpoch * options.examplesPerStep) / record.examplesPerSecond, 0);
  return {
    epochs,
    metricName,
    bestEpoch: best.epoch,
    bestMetric: best.metric,
    secondsToBest: best.seconds,
    totalSeconds,
    examplesPerSecond: examples / Math.max(1e-9, trainSeconds),
  };
}
