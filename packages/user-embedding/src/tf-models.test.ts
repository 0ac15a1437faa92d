import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BiasedMfRecommender } from './biased-mf.js';
import { BprRecommender } from './bpr-mf.js';
import { loadCheckpoint } from './checkpoint.js';
import { loadRecommender } from './load-recommender.js';
import { SequentialTwoTowerRecommender, type SequentialTwoTowerOptions } from './sequential-two-tower.js';
import { meanNdcg, useCpuTestWorld } from './test/index.js';
import { generateSyntheticWorld, stratifiedSplit } from '@personalab/datasets';

const { world, data, directory, popularNdcg } = useCpuTestWorld('personalab-tf-models-');
const twoTowerOptions = { dimension: 16, maxSequence: 8, epochs: 8, batchSize: 32, learningRate: 1e-2, samplesPerUser: 2, patience: 3 } as const;

describe('tfjs models on a small synthetic world (cpu backend)', () => {
  it('the sequential two-tower model beats most-popular, and a save/load round trip gives identical scores', async () => {
    const model = new SequentialTwoTowerRecommender({ ...twoTowerOptions, checkpointDirectory: join(directory, 'checkpoints') });
    await model.fit(data, { validation: world.test, quiet: true, seed: 1 });
    expect(model.summary?.epochs.length).toBeGreaterThan(0);
    expect(await meanNdcg(model, world)).toBeGreaterThan(popularNdcg() * 1.3);
    // A checkpoint per epoch (resumable), and the best weights beside it.
    const checkpoint = await loadCheckpoint(join(directory, 'checkpoints'));
    expect(checkpoint?.epoch).toBe(model.summary?.epochs.at(-1)?.epoch);
    expect(checkpoint?.best).toBeDefined();
    await model.save(join(directory, 'two-tower'));
    const loaded = await loadRecommender(join(directory, 'two-tower'));
    const userId = world.train[0]?.userId as string;
    const itemIds = world.items.map((item) => item.id);
    expect(await loaded.score({ userId, itemIds })).toEqual(await model.score({ userId, itemIds }));
    const history = itemIds.slice(3, 9);
    expect(await loaded.recommend({ history, k: 5 })).toEqual(await model.recommend({ history, k: 5 }));
    model.dispose();
    (loaded as SequentialTwoTowerRecommender).dispose();
    // The checkpoint is not a model: said so, and where the model is (it had been "unknown model kind checkpoint").
    const last = join(directory, 'checkpoints', 'last');
    await expect(loadRecommender(last)).rejects.toMatchObject({
      code: 'invalid_argument',
      message: `${last} holds a training checkpoint (what train --resume continues from), not a saved model (personalab train saves the model two folders up, in ${directory})`,
    });
  });

  it('BPR-MF beats most-popular and does not leak tensors across recommend calls', async () => {
    const model = new BprRecommender({ dimension: 16, epochs: 25, batchSize: 256, learningRate: 2e-2, patience: 5 });
    await model.fit(data, { validation: world.test, quiet: true, seed: 1 });
    expect(await meanNdcg(model, world)).toBeGreaterThan(popularNdcg() * 1.3);
    const userId = world.train[0]?.userId as string;
    await model.recommend({ userId, k: 10 });
    const before = tf.memory().numTensors;
    for (let call = 0; call < 20; call++) {
      await model.recommend({ userId, k: 10 });
      await model.recommend({ history: ['1', '2'], k: 10 });
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('biased MF predicts ratings clearly better than the global mean', async () => {
    const synthetic = generateSyntheticWorld({ seed: 5, users: 100, items: 100, ratingsPerUser: 40, noise: 0.2 });
    const { train, test } = stratifiedSplit(synthetic.ratings, { ratio: 0.75, seed: 5 });
    const model = new BiasedMfRecommender({ dimension: 8, epochs: 20, learningRate: 2e-2, l2: 0.02, patience: 4 });
    await model.fit({ interactions: train, items: synthetic.items }, { validation: test, quiet: true, seed: 1 });
    const before = tf.memory().numTensors;
    const { rmse, mae } = model.evaluate(test);
    expect(tf.memory().numTensors).toBe(before);
    const mean = train.reduce((sum, rating) => sum + rating.value, 0) / train.length;
    const baseline = Math.sqrt(test.reduce((sum, rating) => sum + (rating.value - mean) ** 2, 0) / test.length);
    expect(rmse).toBeLessThan(baseline * 0.9);
    expect(mae).toBeLessThan(rmse + 1e-9);
    expect(model.predict([{ userId: train[0]?.userId as string, itemId: 'no-such-item' }])[0]).toBeCloseTo(mean, 5);
    model.dispose();
  });

  it('training is deterministic for a fixed seed, and resuming from a checkpoint gives the uninterrupted result', async () => {
    const train = async (checkpointDirectory?: string, epochs = 4, resume = false, options: SequentialTwoTowerOptions = {}) => {
      const model = new SequentialTwoTowerRecommender({ ...twoTowerOptions, patience: 10, epochs, ...options, ...(checkpointDirectory ? { checkpointDirectory, resume } : {}) });
      await model.fit(data, { validation: world.test, quiet: true, seed: 9 });
      const scores = await model.score({ userId: world.train[0]?.userId as string, itemIds: world.items.map((item) => item.id) });
      const bestEpoch = model.summary?.bestEpoch;
      const trained = model.summary?.epochs.map((record) => record.epoch);
      model.dispose();
      return { result: { scores, bestEpoch }, trained };
    };
    const first = await train();
    const second = await train();
    expect(second).toEqual(first);
    expect(first.trained).toEqual([1, 2, 3, 4]);
    const resumeDirectory = join(directory, 'resume');
    await train(resumeDirectory, 2);
    expect((await loadCheckpoint(resumeDirectory))?.epoch).toBe(2);
    // Weights, best weights, Adam's moments and the early-stopping state all come back: bit-identical on cpu.
    const resumed = await train(resumeDirectory, 4, true);
    // It trained epochs 3 and 4 only: a run that ignored the checkpoint and started over would also end as `first`.
    expect(resumed.trained).toEqual([3, 4]);
    expect(resumed.result).toEqual(first.result);
    expect((await loadCheckpoint(resumeDirectory))?.epoch).toBe(4);
  });

  it('refuses to resume a checkpoint written with other settings, naming the setting, without leaking tensors', async () => {
    const checkpointDirectory = join(directory, 'resume-settings');
    const run = async (options: SequentialTwoTowerOptions, seed = 9) => {
      const model = new SequentialTwoTowerRecommender({ ...twoTowerOptions, epochs: 1, checkpointDirectory, resume: true, ...options });
      try {
        await model.fit(data, { quiet: true, seed });
      } finally {
        model.dispose();
      }
    };
    await run({});
    const before = tf.memory().numTensors;
    await expect(run({ dimension: 8 })).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(/written with dimension 16, this run has 8/) });
    await expect(run({}, 10)).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(/written with seed 9, this run has 10/) });
    await expect(run({ learningRate: 0.5 })).rejects.toMatchObject({ message: expect.stringMatching(/learningRate/) });
    const otherData = { ...data, interactions: data.interactions.slice(1) };
    const model = new SequentialTwoTowerRecommender({ ...twoTowerOptions, epochs: 1, checkpointDirectory, resume: true });
    await expect(model.fit(otherData, { quiet: true, seed: 9 })).rejects.toMatchObject({ message: expect.stringMatching(/written with data/) });
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // More epochs are fine: the run continues.
    await run({ epochs: 2 });
    expect((await loadCheckpoint(checkpointDirectory))?.epoch).toBe(2);
  });
});
