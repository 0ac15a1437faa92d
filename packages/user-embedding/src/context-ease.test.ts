import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend.js';
import { ContextEaseRecommender } from './context-ease.js';
import { loadRecommender } from './load-recommender.js';
import { MostPopularRecommender } from './most-popular.js';
import { meanNdcg, smallWorld } from './test/index.js';

const world = smallWorld(5, { users: 100, items: 100, ratingsPerUser: 45 });
const directory = mkdtempSync(join(tmpdir(), 'personalab-context-ease-'));
const data = { interactions: world.train, items: world.items, users: world.users };
const options = { easeLambda: 20, epochs: 6, batchSize: 32, learningRate: 0.02, patience: 3 } as const;
let popularNdcg = 0;

beforeAll(async () => {
  // The cpu backend is the deterministic reference.
  await selectBackend({ preferred: 'cpu', log: () => undefined });
  const popular = new MostPopularRecommender();
  await popular.fit(data);
  popularNdcg = await meanNdcg(popular, world);
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('ContextEaseRecommender on a small synthetic world (cpu backend)', () => {
  it('beats most-popular, is deterministic for a seed, and a save/load round trip gives identical scores', async () => {
    const model = new ContextEaseRecommender(options);
    await model.fit(data, { quiet: true, seed: 3 });
    expect(model.summary?.epochs.length).toBeGreaterThan(1);
    expect(await meanNdcg(model, world)).toBeGreaterThan(popularNdcg * 1.3);
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
});
