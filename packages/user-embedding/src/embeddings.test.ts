import { beforeAll, describe, expect, it } from 'vitest';
import { ExactIndex } from '@personalab/retrieval';
import { selectBackend } from './backend.js';
import { BprRecommender } from './bpr-mf.js';
import { exportItemVectors, exportedDimension, isEmbeddingModel, userQueryVector } from './embeddings.js';
import { EaseRecommender } from './ease.js';
import { smallWorld } from './test/index.js';

const world = smallWorld(11, { users: 40, items: 60, ratingsPerUser: 30 });

beforeAll(async () => {
  await selectBackend({ preferred: 'cpu', log: () => undefined });
});

describe('vector export into a VectorIndex', () => {
  it('inner-product search over exported vectors ranks exactly as recommend does', async () => {
    const model = new BprRecommender({ dimension: 8, epochs: 2, batchSize: 128 });
    await model.fit({ interactions: world.train, items: world.items }, { quiet: true, seed: 3 });
    expect(isEmbeddingModel(model)).toBe(true);
    const index = new ExactIndex({ dimension: exportedDimension(model), metric: 'ip' });
    expect(exportItemVectors(model, index)).toBe(world.items.length);
    for (const query of [{ userId: world.train[0]?.userId as string }, { history: world.items.slice(0, 4).map((item) => item.id) }]) {
      const hits = index.search(userQueryVector(model, query), { k: 10 });
      const ranked = await model.recommend({ ...query, k: 10 });
      expect(hits.map((hit) => hit.id)).toEqual(ranked.map((entry) => entry.itemId));
      hits.forEach((hit, position) => expect(hit.score).toBeCloseTo(ranked[position]?.score as number, 4));
    }
    model.dispose();
  });

  it('rejects an index of the wrong width, and closed-form models are not embedding models', async () => {
    const model = new BprRecommender({ dimension: 4, epochs: 1 });
    await model.fit({ interactions: world.train, items: world.items }, { quiet: true });
    expect(() => exportItemVectors(model, new ExactIndex({ dimension: 4, metric: 'ip' }))).toThrow(/dimension/);
    expect(isEmbeddingModel(new EaseRecommender())).toBe(false);
    model.dispose();
  });

  it('before fit and after dispose, the vector API fails with invalid_argument saying so (not a bare Error naming a variable)', async () => {
    const index = new ExactIndex({ dimension: 5, metric: 'ip' });
    const model = new BprRecommender({ dimension: 4, epochs: 1 });
    const unfitted = expect.objectContaining({ code: 'invalid_argument', message: 'bpr-mf: fit or load the model first' });
    expect(() => exportItemVectors(model, index)).toThrow(unfitted);
    expect(() => exportedDimension(model)).toThrow(unfitted);
    expect(() => userQueryVector(model, { history: ['i1'] })).toThrow(unfitted);
    await model.fit({ interactions: world.train, items: world.items }, { quiet: true });
    model.dispose();
    const disposed = expect.objectContaining({ code: 'invalid_argument', message: 'bpr-mf: the model was disposed; fit or load it again' });
    expect(() => exportItemVectors(model, index)).toThrow(disposed);
    expect(() => model.userVectors([{ user: 0, history: [] }])).toThrow(disposed);
    expect(index.size).toBe(0);
  });
});
