import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { PersonalabError, type FitOptions, type TrainingData } from '@personalab/core';
import { stratifiedSplit } from '@personalab/datasets';
import { LightGcnRecommender, type LightGcnOptions } from './lightgcn.js';
import { fitThenRefit } from './refit.js';
import { useCpuTestWorld } from './test/index.js';

const { world, data } = useCpuTestWorld('personalab-refit-');
const small = { dimension: 8, stepsPerEpoch: 3, epochs: 4, learningRate: 2e-2, l2: 1e-4, patience: 2 } as const;
const stopping = stratifiedSplit(world.train, { ratio: 0.9, seed: 3 });
const base: Omit<TrainingData, 'interactions'> = { items: data.items, users: world.users };

/** LightGCN whose fit is cancelled at once (what an interrupted run meets), after it made its variables. */
class CancelledLightGcn extends LightGcnRecommender {
  override async fit(training: TrainingData, options: FitOptions = {}): Promise<void> {
    await super.fit(training, { ...options, signal: AbortSignal.abort() });
  }
}

describe('fitThenRefit', () => {
  it('early-stops on the inner split, then refits a fresh model for the chosen epochs on every interaction', async () => {
    const created: (number | undefined)[] = [];
    const result = await fitThenRefit(
      (epochs?: number) => {
        created.push(epochs);
        return new LightGcnRecommender({ ...small, ...(epochs === undefined ? {} : { epochs }) } satisfies LightGcnOptions);
      },
      base,
      stopping,
      world.train,
      { seed: 3, quiet: true },
    );
    expect(result.bestEpoch).toBeGreaterThan(0);
    expect(created).toEqual([undefined, result.bestEpoch]);
    expect(result.model.options.epochs).toBe(result.bestEpoch);
    expect(result.model.summary?.epochs).toHaveLength(result.bestEpoch);
    expect(result.inner).toBeDefined();
    expect(result.model.data.histories.flat().length).toBeGreaterThan(result.inner?.data.histories.flat().length ?? Infinity);
    result.model.dispose();
    result.inner?.dispose();
  });

  it('a failed early-stopping fit frees the model it made', async () => {
    const before = tf.memory().numTensors;
    await expect(fitThenRefit(() => new CancelledLightGcn(small), base, stopping, world.train, { seed: 3, quiet: true })).rejects.toSatisfy((error) => PersonalabError.is(error, 'cancelled'));
    expect(tf.memory().numTensors).toBe(before);
  });
});
