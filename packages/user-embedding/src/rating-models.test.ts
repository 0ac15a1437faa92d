import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '@personalab/core';
import { generateSyntheticWorld, stratifiedSplit } from '@personalab/datasets';
import { AutoRecRecommender } from './autorec.js';
import { selectBackend } from './backend.js';
import { BayesianMfRecommender, sampleGamma } from './bayesian-mf.js';
import { matMulTransposeFree } from './fast-matmul.js';
import { KnnBaselineRecommender } from './knn-baseline.js';
import { loadRecommender } from './load-recommender.js';
import { evaluateRatings, meanRating } from './rating-prediction.js';
import { fitBlendWeights, RatingBlend } from './rating-blend.js';

const synthetic = generateSyntheticWorld({ seed: 5, users: 100, items: 100, ratingsPerUser: 40, noise: 0.2 });
const { train, test } = stratifiedSplit(synthetic.ratings, { ratio: 0.75, seed: 5 });
const data = { interactions: train, items: synthetic.items, users: synthetic.users };
const mean = meanRating(train);
const meanRmse = Math.sqrt(test.reduce((sum, rating) => sum + (rating.value - mean) ** 2, 0) / test.length);
const directory = mkdtempSync(join(tmpdir(), 'personalab-rating-models-'));

beforeAll(async () => {
  // The cpu backend is the deterministic reference for the tfjs model.
  await selectBackend({ preferred: 'cpu', log: () => undefined });
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('rating models on a small synthetic world', () => {
  it('Bayesian MF (and its SVD++ variant) beat the global mean clearly, are deterministic, and survive save/load', async () => {
    for (const implicit of [false, true]) {
      const fit = async () => {
        const model = new BayesianMfRecommender({ dimension: 4, burnIn: 10, samples: 30, implicit });
        await model.fit(data, { seed: 3 });
        return model;
      };
      const model = await fit();
      const { rmse, mae } = evaluateRatings(model, test);
      expect(rmse).toBeLessThan(meanRmse * 0.85);
      expect(mae).toBeLessThan(rmse + 1e-9);
      expect(model.noiseStd).toBeGreaterThan(0);
      expect((await fit()).predict(test)).toEqual(model.predict(test));
      await model.save(join(directory, `bayesian-${implicit}`));
      const loaded = await loadRecommender(join(directory, `bayesian-${implicit}`));
      expect((loaded as BayesianMfRecommender).predict(test)).toEqual(model.predict(test));
      // Unknown items get the global mean; a history-only user gets the item baseline.
      expect(model.predict([{ userId: train[0]?.userId as string, itemId: 'no-such-item' }])[0]).toBeCloseTo(mean, 5);
      expect(await model.score({ history: ['1'], itemIds: ['1', '2'] })).toHaveLength(2);
    }
  });

  it('Bayesian MF stops mid-sampling when its signal is aborted (it yields between sweeps)', async () => {
    const model = new BayesianMfRecommender({ dimension: 4, burnIn: 10, samples: 100_000 });
    const started = performance.now();
    await expect(model.fit(data, { seed: 3, signal: AbortSignal.timeout(100) })).rejects.toMatchObject({ code: 'cancelled' });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('KNN-baseline beats the global mean clearly and survives save/load', async () => {
    const model = new KnnBaselineRecommender({ neighbours: 20, shrinkage: 50 });
    await model.fit(data);
    const { rmse } = evaluateRatings(model, test);
    expect(rmse).toBeLessThan(meanRmse * 0.9);
    await model.save(join(directory, 'knn-baseline'));
    const loaded = (await loadRecommender(join(directory, 'knn-baseline'))) as KnnBaselineRecommender;
    expect(loaded.predict(test)).toEqual(model.predict(test));
    // scoreQuery and predict agree (up to the clipping predict applies).
    const userId = test[0]?.userId as string;
    const scores = await model.score({ userId, itemIds: [test[0]?.itemId as string] });
    expect(Math.min(5, Math.max(1, scores[0] as number))).toBeCloseTo(model.predict([test[0] as (typeof test)[number]])[0] as number, 5);
  });

  it('I-AutoRec beats the global mean clearly, is deterministic on cpu, survives save/load and leaks no tensors', async () => {
    // I-AutoRec learns slowly (a hundred epochs here); the determinism check uses a short run.
    const fit = async (epochs: number) => {
      const model = new AutoRecRecommender({ hidden: 32, epochs, itemsPerBatch: 16, learningRate: 1e-2, l2: 1, patience: 10 });
      await model.fit(data, { validation: test, seed: 2, quiet: true });
      return model;
    };
    const model = await fit(120);
    expect(model.summary?.bestEpoch).toBeGreaterThan(1);
    expect(evaluateRatings(model, test).rmse).toBeLessThan(meanRmse * 0.9);
    const [first, second] = [await fit(3), await fit(3)];
    expect(second.predict(test)).toEqual(first.predict(test));
    first.dispose();
    second.dispose();
    const before = tf.memory().numTensors;
    for (let call = 0; call < 5; call++) {
      model.predict(test);
      await model.recommend({ userId: train[0]?.userId as string, k: 5 });
    }
    expect(tf.memory().numTensors).toBe(before);
    await model.save(join(directory, 'autorec'));
    const loaded = (await loadRecommender(join(directory, 'autorec'))) as AutoRecRecommender;
    expect(loaded.predict(test)).toEqual(model.predict(test));
    loaded.dispose();
    model.dispose();
  });

  it('I-AutoRec: a history-only user, scored the global mean everywhere, gets the most rated items, not the catalogue order', async () => {
    const model = new AutoRecRecommender({ hidden: 4, epochs: 2 });
    await model.fit(data, { seed: 2, quiet: true });
    const history = [train[0]?.itemId as string];
    const counts = new Map<string, number>();
    for (const rating of train) counts.set(rating.itemId, (counts.get(rating.itemId) ?? 0) + 1);
    const ranked = (await model.recommend({ history, k: 5, exclude: history })).map((entry) => entry.itemId);
    const expected = [...counts].filter(([id]) => !history.includes(id)).sort((a, b) => b[1] - a[1]);
    // Ties in the count may come in either order: compare counts, not ids.
    expect(ranked.map((id) => counts.get(id))).toEqual(expected.slice(0, 5).map(([, count]) => count));
    model.dispose();
  });

  it('I-AutoRec: an item rated only 0 (a 0-to-5 scale) scores the same after save/load', async () => {
    const zeroItem = synthetic.items[2]?.id as string;
    const interactions = train.map((rating) => (rating.itemId === zeroItem ? { ...rating, value: 0 } : rating));
    const model = new AutoRecRecommender({ hidden: 4, epochs: 2 });
    await model.fit({ ...data, interactions }, { seed: 2, quiet: true });
    const userId = interactions.find((rating) => rating.itemId === zeroItem)?.userId as string;
    const itemIds = synthetic.items.map((item) => item.id);
    await model.save(join(directory, 'autorec-zero'));
    const loaded = await loadRecommender(join(directory, 'autorec-zero'));
    // It had loaded as an unrated item, scored the global mean instead of its reconstruction.
    expect(await loaded.score({ userId, itemIds })).toEqual(await model.score({ userId, itemIds }));
    loaded.dispose();
    model.dispose();
  });

  it('the blend fits its weights on an inner split of the training part and does no worse there than its best member', async () => {
    const blend = new RatingBlend([
      { name: 'bayesian-mf', create: () => new BayesianMfRecommender({ dimension: 4, burnIn: 10, samples: 30 }) },
      { name: 'knn-baseline', create: () => new KnnBaselineRecommender({ neighbours: 20 }) },
    ]);
    await blend.fit(data, { seed: 4 });
    const report = blend.report;
    expect(report?.members.map((member) => member.name)).toEqual(['bayesian-mf', 'knn-baseline']);
    // Least squares with an intercept includes "one member alone", so in-sample it cannot be worse.
    expect(report?.validationRmse).toBeLessThanOrEqual(Math.min(...(report?.members ?? []).map((member) => member.validationRmse)) + 1e-6);
    const { rmse } = evaluateRatings(blend, test);
    expect(rmse).toBeLessThan(meanRmse * 0.85);
    expect(blend.fittedMembers).toHaveLength(2);
    expect(blend.predict(test).every((value) => value >= 1 && value <= 5)).toBe(true);
  });
});

describe('blend weights, the transpose-free matMul and the Gamma sampler', () => {
  it('fitBlendWeights recovers an exact linear combination', () => {
    const random = createRandom(1);
    const first = Array.from({ length: 200 }, () => 1 + 4 * random.next());
    const second = Array.from({ length: 200 }, () => 1 + 4 * random.next());
    const actual = first.map((value, index) => 0.3 + 0.6 * value + 0.25 * (second[index] as number));
    const weights = fitBlendWeights([first, second], actual, 0);
    expect(weights[0]).toBeCloseTo(0.3, 6);
    expect(weights[1]).toBeCloseTo(0.6, 6);
    expect(weights[2]).toBeCloseTo(0.25, 6);
  });

  it.each([
    ['matrices', [5, 7], [7, 3], [5, 3]],
    ['batches of matrices', [4, 5, 7], [4, 7, 3], [4, 5, 3]],
  ])('matMulTransposeFree has the value and gradients of tf.matMul (%s)', (_, aShape, bShape, outShape) => {
    const a = tf.randomNormal<tf.Rank>(aShape, 0, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomNormal<tf.Rank>(bShape, 0, 1, 'float32', 2) as tf.Tensor2D;
    const weights = tf.randomNormal<tf.Rank>(outShape, 0, 1, 'float32', 3);
    const loss = (product: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Tensor) => (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(product(x as tf.Tensor2D, y as tf.Tensor2D), weights));
    const [ours, stock] = [tf.grads(loss(matMulTransposeFree)), tf.grads(loss((x, y) => tf.matMul(x, y)))];
    const oursGradients = ours([a, b]);
    const stockGradients = stock([a, b]);
    oursGradients.forEach((gradient, index) => {
      expect(gradient.shape).toEqual((stockGradients[index] as tf.Tensor).shape);
      expect(Array.from(gradient.dataSync())).toEqual(Array.from((stockGradients[index] as tf.Tensor).dataSync()));
    });
    expect(Array.from(matMulTransposeFree(a, b).dataSync())).toEqual(Array.from(tf.matMul(a, b).dataSync()));
    tf.dispose([a, b, weights, ...oursGradients, ...stockGradients]);
  });

  it('sampleGamma has mean shape/rate and variance shape/rate²', () => {
    const random = createRandom(7);
    for (const [shape, rate] of [
      [0.5, 2],
      [3, 1],
      [50, 10],
    ] as const) {
      const draws = Array.from({ length: 20000 }, () => sampleGamma(random, shape, rate));
      const average = draws.reduce((sum, value) => sum + value, 0) / draws.length;
      const variance = draws.reduce((sum, value) => sum + (value - average) ** 2, 0) / draws.length;
      expect(average).toBeCloseTo(shape / rate, 1);
      expect(variance / (shape / rate ** 2)).toBeGreaterThan(0.9);
      expect(variance / (shape / rate ** 2)).toBeLessThan(1.1);
    }
  });
});
