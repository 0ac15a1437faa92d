import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { PersonalabError, type RatingInteraction, type TrainingData } from '@personalab/core';
import { generateSyntheticWorld, stratifiedSplit } from '@personalab/datasets';
import { AutoRecRecommender } from './autorec.js';
import type { BaseRecommender } from './base-recommender.js';
import { BayesianMfRecommender } from './bayesian-mf.js';
import { BiasedMfRecommender } from './biased-mf.js';
import { BprRecommender } from './bpr-mf.js';
import { ContextEaseRecommender } from './context-ease.js';
import { EaseRecommender } from './ease.js';
import { ItemKnnRecommender } from './item-knn.js';
import { KnnBaselineRecommender } from './knn-baseline.js';
import { LightGcnRecommender } from './lightgcn.js';
import { loadRecommender } from './load-recommender.js';
import { MostPopularRecommender } from './most-popular.js';
import { ScoreBlendRecommender } from './score-blend.js';
import { SequentialTwoTowerRecommender } from './sequential-two-tower.js';
import { useCpuTestWorld } from './test/index.js';

const { directory } = useCpuTestWorld('personalab-lifecycle-');
const world = generateSyntheticWorld({ seed: 5, users: 40, items: 30, ratingsPerUser: 15, noise: 0.2 });
const { train } = stratifiedSplit(world.ratings, { ratio: 0.75, seed: 5 });
const data: TrainingData = { interactions: train, items: world.items, users: world.users };
// Other data: one item and one user fewer (a refit on it replaces the vocabulary).
const dropped = { item: world.items[0]?.id as string, user: train[0]?.userId as string };
const otherData: TrainingData = {
  interactions: train.filter((rating) => rating.itemId !== dropped.item && rating.userId !== dropped.user),
  items: world.items.slice(1),
  users: world.users.filter((user) => user.id !== dropped.user),
};
const itemIds = world.items.map((item) => item.id);
const userId = train[1]?.userId as string;

/** Every model `loadRecommender` knows, small enough to fit in a moment; `cancellable`: its fit checks the signal. */
const models: Record<string, { create: () => BaseRecommender; cancellable: boolean }> = {
  'most-popular': { create: () => new MostPopularRecommender(), cancellable: false },
  'item-knn': { create: () => new ItemKnnRecommender({ neighbours: 5 }), cancellable: false },
  ease: { create: () => new EaseRecommender({ lambda: 10 }), cancellable: false },
  'context-ease': { create: () => new ContextEaseRecommender({ easeLambda: 10, epochs: 2, lowPass: { rank: 4 } }), cancellable: true },
  'bpr-mf': { create: () => new BprRecommender({ dimension: 4, epochs: 2 }), cancellable: true },
  'biased-mf': { create: () => new BiasedMfRecommender({ dimension: 4, epochs: 2 }), cancellable: true },
  'bayesian-mf': { create: () => new BayesianMfRecommender({ dimension: 2, burnIn: 2, samples: 3 }), cancellable: true },
  'knn-baseline': { create: () => new KnnBaselineRecommender({ neighbours: 5 }), cancellable: false },
  autorec: { create: () => new AutoRecRecommender({ hidden: 4, epochs: 2 }), cancellable: true },
  lightgcn: { create: () => new LightGcnRecommender({ dimension: 4, epochs: 2, stepsPerEpoch: 2, foldInSteps: 3 }), cancellable: true },
  'sequential-two-tower': { create: () => new SequentialTwoTowerRecommender({ dimension: 4, maxSequence: 4, epochs: 2 }), cancellable: true },
  'score-blend': { create: () => new ScoreBlendRecommender({ members: [new EaseRecommender({ lambda: 10 }), new LightGcnRecommender({ dimension: 4, epochs: 2, stepsPerEpoch: 2 })], weights: [1, 2] }), cancellable: true },
};

/** The call fails with `invalid_argument` and a message matching `pattern`. */
async function refused(call: Promise<unknown> | (() => unknown), pattern: RegExp): Promise<void> {
  const promise = typeof call === 'function' ? Promise.resolve().then(call) : call;
  await expect(promise).rejects.toSatisfy((error) => {
    if (!PersonalabError.is(error, 'invalid_argument') || !pattern.test(error.message)) throw error;
    return true;
  });
}

async function fitted(kind: string): Promise<BaseRecommender> {
  const model = (models[kind] as (typeof models)[string]).create();
  await model.fit(data, { quiet: true, seed: 1 });
  return model;
}

describe('the life cycle of every model: dispose, failed fits, refused data', () => {
  for (const [kind, { cancellable }] of Object.entries(models)) {
    it(`${kind}: after dispose it refuses to recommend, score or save (the last save stays whole), and fits again as new`, async () => {
      const before = tf.memory().numTensors;
      const model = await fitted(kind);
      const scores = await model.score({ userId, itemIds });
      const folder = join(directory, `${kind}-disposed`);
      await model.save(folder);
      model.dispose();
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
      expect(model.fitted).toBe(false);
      const disposed = new RegExp(`^${model.name}: the model was disposed; fit or load it again$`);
      // A disposed tfjs model had thrown a bare Error ("no variable userEmbedding"), or served its propagated vectors.
      await refused(model.recommend({ userId, k: 3 }), disposed);
      await refused(model.score({ history: [itemIds[2] as string], itemIds }), disposed);
      // Its save had written a model.json without weights over the good one.
      await refused(model.save(folder), disposed);
      const loaded = await loadRecommender(folder);
      expect(await loaded.score({ userId, itemIds })).toEqual(scores);
      loaded.dispose();
      await model.fit(data, { quiet: true, seed: 1 });
      expect(await model.score({ userId, itemIds })).toEqual(scores);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });

    it(`${kind}: training data it cannot learn from is refused naming the entry, and the fitted model is kept`, async () => {
      const model = await fitted(kind);
      const scores = await model.score({ userId, itemIds });
      const spoilt = (change: Partial<RatingInteraction>): TrainingData => ({ ...data, interactions: train.map((rating, index) => (index === 3 ? { ...rating, ...change } : rating)) });
      const entry = `^${model.name}: data\\.interactions\\[3\\] \\(user ${train[3]?.userId}, item [^)]+\\) `;
      // A NaN rating had made KNN-baseline score NaN everywhere, and the tfjs rating models fail with "loss became NaN".
      await refused(model.fit(spoilt({ value: Number.NaN })), new RegExp(`${entry}has rating NaN, not a finite number$`));
      await refused(model.fit(spoilt({ value: Number.POSITIVE_INFINITY })), new RegExp(`${entry}has rating Infinity`));
      await refused(model.fit(spoilt({ timestamp: Number.NaN })), new RegExp(`${entry}has timestamp NaN`));
      await refused(model.fit(spoilt({ itemId: 'no-such-item' })), new RegExp(`${entry}names an item that is not in data\\.items$`));
      // No items had failed inside tfjs (GatherV2, addN) or fitted a model that recommends nothing.
      await refused(model.fit({ interactions: [], items: [] }), new RegExp(`^${model.name}: data\\.items is empty`));
      expect(await model.score({ userId, itemIds })).toEqual(scores);
      model.dispose();
    });

    if (cancellable) {
      it(`${kind}: a refit cancelled part-way leaves it unfitted with its tfjs memory freed, not scoring with stale weights`, async () => {
        const before = tf.memory().numTensors;
        const model = await fitted(kind);
        const scores = await model.score({ userId, itemIds });
        await expect(model.fit(otherData, { quiet: true, seed: 1, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'cancelled' });
        // It had kept the new vocabulary with the old or half-initialised weights: AutoRec and Bayesian MF scored each
        // item with its neighbour's score, a blend NaN for the last item.
        expect(model.fitted).toBe(false);
        expect(tf.memory().numTensors).toBe(before);
        const failed = new RegExp(`^${model.name}: its last fit failed, which left it unfitted; fit or load it again$`);
        await refused(model.recommend({ userId, k: 3 }), failed);
        await refused(model.save(join(directory, `${kind}-failed`)), failed);
        await model.fit(data, { quiet: true, seed: 1 });
        expect(await model.score({ userId, itemIds })).toEqual(scores);
        model.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }

  it('a user known only from data.users (no interactions) gets the most chosen items from a model that scores every item alike', async () => {
    const withSilent: TrainingData = { ...data, users: [...(data.users ?? []), { ...(world.users[0] as NonNullable<TrainingData['users']>[number]), id: 'silent' }] };
    const popular = new MostPopularRecommender();
    await popular.fit(withSilent);
    const expected = (await popular.recommend({ history: [], k: 5 })).map((entry) => entry.itemId);
    for (const model of [new EaseRecommender({ lambda: 10 }), new ItemKnnRecommender({ neighbours: 5 })]) {
      await model.fit(withSilent);
      // They had listed the catalogue's first items, as for a new user before that was fixed.
      expect((await model.recommend({ userId: 'silent', k: 5 })).map((entry) => entry.itemId)).toEqual(expected);
      expect((await model.recommend({ userId: 'silent', history: [], k: 5 })).map((entry) => entry.itemId)).toEqual(expected);
    }
  });
});
