import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ContextEaseRecommender, periodComponents } from './context-ease.js';
import { buildInteractionMatrix } from './interaction-matrix.js';
import { loadRecommender } from './load-recommender.js';
import { meanNdcg, useCpuTestWorld } from './test/index.js';

const { world, data, directory, popularNdcg } = useCpuTestWorld('personalab-context-ease-');
const options = { easeLambda: 20, epochs: 6, batchSize: 32, learningRate: 0.02, patience: 3 } as const;

describe('ContextEaseRecommender on a small synthetic world (cpu backend)', () => {
  it('beats most-popular, is deterministic for a seed, and a save/load round trip gives identical scores', async () => {
    const model = new ContextEaseRecommender(options);
    await model.fit(data, { quiet: true, seed: 3 });
    expect(model.summary?.epochs.length).toBeGreaterThan(1);
    expect(await meanNdcg(model, world)).toBeGreaterThan(popularNdcg() * 1.3);
    const again = new ContextEaseRecommender(options);
    await again.fit(data, { quiet: true, seed: 3 });
    const userId = world.train[0]?.userId as string;
    const itemIds = world.items.map((item) => item.id);
    expect(await again.score({ userId, itemIds })).toEqual(await model.score({ userId, itemIds }));
    again.dispose();
    await model.save(join(directory, 'context-ease'));
    const loaded = await loadRecommender(join(directory, 'context-ease'));
    expect(loaded).toBeInstanceOf(ContextEaseRecommender);
    expect(await loaded.score({ userId, itemIds })).toEqual(await model.score({ userId, itemIds }));
    const history = itemIds.slice(3, 9);
    expect(await loaded.recommend({ history, k: 5, exclude: history })).toEqual(await model.recommend({ history, k: 5, exclude: history }));
    (loaded as ContextEaseRecommender).dispose();
    model.dispose();
  });

  it('does not leak tensors across recommend calls', async () => {
    const model = new ContextEaseRecommender({ ...options, epochs: 2 });
    await model.fit(data, { quiet: true, seed: 1 });
    const userId = world.train[0]?.userId as string;
    await model.recommend({ userId, k: 10 });
    const before = tf.memory().numTensors;
    for (let call = 0; call < 10; call++) {
      await model.recommend({ userId, k: 10 });
      await model.recommend({ history: [world.items[1]?.id as string, world.items[2]?.id as string], k: 10 });
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('chooses λ on its holdout, and an unpassable gate keeps the epoch-0 model (the page-augmented EASE)', async () => {
    const selecting = new ContextEaseRecommender({ ...options, epochs: 0, easeLambdas: [2, 20, 2000] });
    await selecting.fit(data, { quiet: true, seed: 2 });
    expect(selecting.lambdaSelection.map((entry) => entry.lambda)).toEqual([2, 20, 2000]);
    const best = selecting.lambdaSelection.reduce((a, b) => (b.ndcg > a.ndcg ? b : a));
    expect(selecting.options.easeLambda).toBe(best.lambda);
    expect(new Set(selecting.lambdaSelection.map((entry) => entry.ndcg)).size).toBeGreaterThan(1);
    selecting.dispose();
    // With validation data λ is chosen there (as EaseRecommender does); epochs 0 skips the combiner entirely.
    const validated = new ContextEaseRecommender({ ...options, epochs: 0, easeLambdas: [2, 20, 2000] });
    await validated.fit(data, { quiet: true, seed: 2, validation: world.test });
    expect(validated.lambdaSelection.map((entry) => entry.lambda)).toEqual([2, 20, 2000]);
    expect(validated.options.easeLambda).toBe(validated.lambdaSelection.reduce((a, b) => (b.ndcg > a.ndcg ? b : a)).lambda);
    expect(validated.summary).toBeUndefined();
    expect(await meanNdcg(validated, world)).toBeGreaterThan(popularNdcg() * 1.3);
    validated.dispose();

    const gated = new ContextEaseRecommender({ ...options, gateZ: Number.POSITIVE_INFINITY, timeBinDays: 30, normalisePerUser: true });
    await gated.fit(data, { quiet: true, seed: 4 });
    if ((gated.summary?.bestEpoch ?? 0) > 0) expect(gated.gate?.kept).toBe('epoch 0');
    const epochZero = new ContextEaseRecommender({ ...options, epochs: 0, timeBinDays: 30, normalisePerUser: true });
    await epochZero.fit(data, { quiet: true, seed: 4 });
    const userId = world.train[5]?.userId as string;
    expect(await gated.recommend({ userId, k: 10 })).toEqual(await epochZero.recommend({ userId, k: 10 }));
    gated.dispose();
    epochZero.dispose();
  });

  it('time-period popularity: counts per period and item, each user in the period of their median rating', () => {
    const day = 86_400_000;
    const at = (userId: string, itemId: string, days: number) => ({ kind: 'rating' as const, userId, itemId, value: 4, timestamp: days * day });
    const interactions = [at('a', '1', 0), at('a', '2', 1), at('a', '1', 2), at('b', '2', 10), at('b', '3', 11), at('b', '2', 12)];
    const matrix = buildInteractionMatrix(interactions, ['1', '2', '3'].map((id) => ({ id, title: id, tags: [] })));
    const events = new Map<number, { item: number; time: number }[]>();
    for (const interaction of interactions) {
      const user = matrix.userIndex.get(interaction.userId) as number;
      const list = events.get(user) ?? [];
      list.push({ item: matrix.itemIndex.get(interaction.itemId) as number, time: interaction.timestamp });
      events.set(user, list);
    }
    const { periodPopularity, userPeriod } = periodComponents(matrix, events, 7);
    expect(Array.from(userPeriod)).toEqual([0, 1]);
    expect(Array.from(periodPopularity).map((value) => Math.round(Math.expm1(value)))).toEqual([2, 1, 0, 0, 2, 1]);
    expect(periodComponents(matrix, events, 0).periodPopularity.length).toBe(0);
  });
});
