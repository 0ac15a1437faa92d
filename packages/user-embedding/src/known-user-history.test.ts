import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '@personalab/core';
import { AutoRecRecommender } from './autorec.js';
import { selectBackend } from './backend.js';
import type { BaseRecommender, ScoringQuery } from './base-recommender.js';
import { BayesianMfRecommender } from './bayesian-mf.js';
import { BiasedMfRecommender } from './biased-mf.js';
import { BprRecommender } from './bpr-mf.js';
import { ContextEaseRecommender } from './context-ease.js';
import { EaseRecommender } from './ease.js';
import { ItemKnnRecommender } from './item-knn.js';
import { KnnBaselineRecommender } from './knn-baseline.js';
import { LightGcnRecommender } from './lightgcn.js';
import { MostPopularRecommender } from './most-popular.js';
import { ScoreBlendRecommender } from './score-blend.js';
import { SequentialTwoTowerRecommender } from './sequential-two-tower.js';
import { clusteredWorld } from './test/index.js';

/**
 * What a known user's explicit history does, for every model (the recommender service asks with the user's id and the
 * films they rated and just named in chat): their stored items as a set score as the id alone; anything else is what
 * they are scored from; a repeated item counts once.
 */
const world = clusteredWorld();
const itemIds = world.data.items.map((item) => item.id);
const userId = 'u0-3';
const stored = world.seen.get(userId) as string[];
/** Four films of a cluster the user never met, and that cluster's other films, whose ranks should rise. */
const untouched = world.clusters[2] as string[];
const added = untouched.slice(0, 4);
const others = untouched.slice(4);

/**
 * How a model reads a known user: from learned parameters (scored as `{ userId }` whatever the order of a history of
 * their stored items), from the history given as a set (scores summed in the order given: equal up to rounding when
 * shuffled), or in its order (the two-tower's sequence); and whether a history can move it at all.
 */
interface Case {
  create: () => Promise<BaseRecommender>;
  reads: 'parameters' | 'set' | 'sequence';
  /** Cannot read a history (documented): a known user's scores stay their stored ones. */
  ignoresHistory?: boolean;
}

const fitted = async (model: BaseRecommender) => {
  await model.fit(world.data, { quiet: true, seed: 1 });
  return model;
};
const gcnOptions = { dimension: 8, stepsPerEpoch: 5, epochs: 6, learningRate: 2e-2, l2: 1e-4, foldInSteps: 20 } as const;
const cases: Record<string, Case> = {
  'most-popular': { create: () => fitted(new MostPopularRecommender()), reads: 'set', ignoresHistory: true },
  'item-knn': { create: () => fitted(new ItemKnnRecommender({ neighbours: 20 })), reads: 'set' },
  ease: { create: () => fitted(new EaseRecommender({ lambda: 20 })), reads: 'set' },
  'context-ease': { create: () => fitted(new ContextEaseRecommender({ epochs: 0, easeLambda: 20 })), reads: 'set' },
  'bpr-mf': { create: () => fitted(new BprRecommender({ dimension: 8, epochs: 15, batchSize: 64, learningRate: 2e-2 })), reads: 'parameters' },
  lightgcn: { create: () => fitted(new LightGcnRecommender(gcnOptions)), reads: 'parameters' },
  'biased-mf': { create: () => fitted(new BiasedMfRecommender({ dimension: 4, epochs: 15, usersPerBatch: 8, learningRate: 2e-2 })), reads: 'parameters' },
  'bayesian-mf': { create: () => fitted(new BayesianMfRecommender({ dimension: 4, burnIn: 5, samples: 10, implicit: true })), reads: 'parameters', ignoresHistory: true },
  'knn-baseline': { create: () => fitted(new KnnBaselineRecommender({ neighbours: 10 })), reads: 'parameters', ignoresHistory: true },
  autorec: { create: () => fitted(new AutoRecRecommender({ hidden: 8, epochs: 10, itemsPerBatch: 16 })), reads: 'parameters', ignoresHistory: true },
  'sequential-two-tower': { create: () => fitted(new SequentialTwoTowerRecommender({ dimension: 8, maxSequence: 6, epochs: 4, batchSize: 16, learningRate: 1e-2 })), reads: 'sequence' },
  'context-ease+lightgcn': {
    create: async () => {
      const members = [await fitted(new ContextEaseRecommender({ epochs: 0, easeLambda: 20 })), await fitted(new LightGcnRecommender(gcnOptions))];
      return ScoreBlendRecommender.of(members, [1, 3]);
    },
    reads: 'set',
  },
};

/** Mean rank of `ids` in the model's ranking of the items outside `history`. */
function meanRank(scores: readonly number[], history: readonly string[], ids: readonly string[]): number {
  const skip = new Set(history);
  const order = itemIds
    .map((id, index) => ({ id, score: scores[index] as number }))
    .filter((entry) => !skip.has(entry.id))
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
    .map((entry) => entry.id);
  return ids.reduce((sum, id) => sum + order.indexOf(id), 0) / ids.length;
}

beforeAll(async () => {
  await selectBackend({ preferred: 'cpu', log: () => undefined });
});

describe("a known user's explicit history, for every model (cpu backend)", () => {
  for (const [name, { create, reads, ignoresHistory }] of Object.entries(cases)) {
    it(name, async () => {
      const model = await create();
      try {
        const alone = await model.score({ userId, itemIds });
        // (a) Their stored items, with a repeat and an id the model does not know: as the id alone, bit for bit.
        const withExtras = [...stored.slice(0, 3), stored[1] as string, 'no-such-film', ...stored.slice(3)];
        expect(await model.score({ userId, history: withExtras, itemIds })).toEqual(alone);
        const shuffled = [...createRandom(5).shuffle([...stored]), stored[2] as string, 'no-such-film'];
        const fromShuffled = await model.score({ userId, history: shuffled, itemIds });
        if (reads === 'parameters') expect(fromShuffled).toEqual(alone);
        else if (reads === 'set') fromShuffled.forEach((value, index) => expect(value).toBeCloseTo(alone[index] as number, 4));
        // (b) Films of a cluster they never met, added to what they have: that cluster's other films rise (the models
        // with per-user parameters had not moved at all), except where the model cannot read a history, as documented.
        const grown = [...stored, ...added];
        const fromGrown = await model.score({ userId, history: grown, itemIds });
        if (ignoresHistory) expect(fromGrown).toEqual(alone);
        else expect(meanRank(fromGrown, grown, others)).toBeLessThan(meanRank(alone, grown, others) - 1);
        // (c) A repeated item counts once, for a new user and for a known one, through the id maps or straight in.
        const history = [untouched[0] as string, stored[0] as string, untouched[1] as string];
        expect(await model.score({ history: [...history, untouched[0] as string, history[1] as string], itemIds })).toEqual(await model.score({ history, itemIds }));
        expect(await model.score({ userId, history: [history[0] as string, ...history], itemIds })).toEqual(await model.score({ userId, history, itemIds }));
        const indices = history.map((id) => model.data.itemIndex.get(id) as number);
        const direct: ScoringQuery = { user: undefined, history: [...indices, indices[0] as number] };
        expect(model.scoreQuery(direct)).toEqual(model.scoreQuery({ user: undefined, history: indices }));
        // No tensor outlives these queries.
        await model.score({ userId, history: grown, itemIds });
        const before = tf.memory().numTensors;
        for (let call = 0; call < 3; call++) {
          await model.recommend({ userId, history: grown, k: 5 });
          await model.recommend({ userId, history: withExtras, k: 5 });
          await model.recommend({ history: [...history, ...history], k: 5 });
        }
        expect(tf.memory().numTensors).toBe(before);
      } finally {
        model.dispose();
      }
    }, 30_000);
  }

  it('resolveQuery says which: stored items (all or some) keep the user, a history adding an item names them as knownUser', async () => {
    const model = await fitted(new MostPopularRecommender());
    const user = model.data.userIndex.get(userId) as number;
    const storedIndices = model.data.histories[user] as number[];
    expect(model.resolveQuery({ userId })).toEqual({ user, history: storedIndices });
    expect(model.resolveQuery({ userId, history: [...stored].reverse() })).toEqual({ user, history: [...storedIndices].reverse() });
    // Some of the stored items (the recommender service leaves out disliked films): still the learned user.
    expect(model.resolveQuery({ userId, history: stored.slice(1) })).toEqual({ user, history: storedIndices.slice(1) });
    const grown = model.resolveQuery({ userId, history: [...stored.slice(1), ...added] });
    expect(grown).toEqual({ user: undefined, history: [...storedIndices.slice(1), ...added.map((id) => model.data.itemIndex.get(id) as number)], knownUser: user });
    expect(model.resolveQuery({ userId, history: [] })).toEqual({ user: undefined, history: [], knownUser: user });
    expect(model.resolveQuery({ userId: 'someone-new', history: [stored[0] as string, stored[0] as string] })).toEqual({ user: undefined, history: [storedIndices[0]] });
  });

  it("LightGCN folds a known user's other history in from their learned ego vector, or from zero", async () => {
    const model = (await fitted(new LightGcnRecommender(gcnOptions))) as LightGcnRecommender;
    try {
      const grown = [...stored, ...added];
      const warm = await model.score({ userId, history: grown, itemIds });
      // The same history as a new user's starts from zero: another vector (kept apart in the fold-in cache).
      const cold = await model.score({ history: grown, itemIds });
      expect(warm).not.toEqual(cold);
      expect(await model.score({ userId, history: grown, itemIds })).toEqual(warm);
      model.options.foldInWarmStart = false;
      expect(await model.score({ userId, history: grown, itemIds })).toEqual(cold);
      // With no fitting steps there is nothing to start: both are the propagation alone.
      model.options.foldInSteps = 0;
      expect(await model.score({ userId, history: grown, itemIds })).toEqual(await model.score({ history: grown, itemIds }));
    } finally {
      model.dispose();
    }
  });

  it("the two-tower keeps a known user's side features beside any history; biased MF their p_u and b_u", async () => {
    const tower = (await cases['sequential-two-tower']?.create()) as SequentialTwoTowerRecommender;
    const biased = (await cases['biased-mf']?.create()) as BiasedMfRecommender;
    try {
      const user = tower.data.userIndex.get(userId) as number;
      const history = [...(tower.data.histories[user] as number[]), ...added.map((id) => tower.data.itemIndex.get(id) as number)];
      for (const model of [tower, biased]) {
        const asKnown = model.scoreQuery({ user: undefined, history, knownUser: user });
        expect(asKnown).toEqual(model.scoreQuery({ user, history }));
        expect(asKnown).not.toEqual(model.scoreQuery({ user: undefined, history }));
      }
    } finally {
      tower.dispose();
      biased.dispose();
    }
  });
});
