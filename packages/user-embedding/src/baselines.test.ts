import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRandom, PersonalabError } from '@personalab/core';
import { EaseRecommender } from './ease.js';
import { ItemKnnRecommender } from './item-knn.js';
import { invertSpdInPlace } from './linear-algebra.js';
import { loadRecommender } from './load-recommender.js';
import { MostPopularRecommender } from './most-popular.js';
import { meanNdcg, smallWorld } from './test/index.js';
import { topK } from './top-k.js';

const world = smallWorld();
const directory = mkdtempSync(join(tmpdir(), 'personalab-baselines-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('linear algebra and top-k', () => {
  it('inverts an SPD matrix (A·A⁻¹ = I)', () => {
    const n = 6;
    const matrix = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) matrix[i * n + j] = 1 / (1 + Math.abs(i - j)) + (i === j ? 2 : 0);
    const inverse = invertSpdInPlace(Float64Array.from(matrix), n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += (matrix[i * n + k] as number) * (inverse[k * n + j] as number);
        expect(sum).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });

  it('inverts bit-identically to one-pivot-at-a-time Gauss-Jordan (odd and even sizes, sparse rows with zero factors)', () => {
    // The algorithm before pivots were paired: the reference for every entry's operations and rounding.
    const onePivotAtATime = (matrix: Float64Array, n: number) => {
      for (let k = 0; k < n; k++) {
        const rowK = k * n;
        const inversePivot = 1 / (matrix[rowK + k] as number);
        matrix[rowK + k] = 1;
        for (let j = 0; j < n; j++) matrix[rowK + j] = (matrix[rowK + j] as number) * inversePivot;
        for (let i = 0; i < n; i++) {
          if (i === k) continue;
          const factor = matrix[i * n + k] as number;
          if (factor === 0) continue;
          matrix[i * n + k] = 0;
          for (let j = 0; j < n; j++) matrix[i * n + j] = (matrix[i * n + j] as number) - factor * (matrix[rowK + j] as number);
        }
      }
      return matrix;
    };
    const draw = createRandom(9);
    for (const n of [1, 2, 3, 4, 5, 8, 9, 31]) {
      for (const density of [1, 0.15]) {
        // XᵀX + λI of a random sparse 0/1 X: SPD, with many exact zeros off the diagonal when sparse.
        const rows = Array.from({ length: 3 * n }, () => Array.from({ length: n }, () => (draw.next() < density ? 1 : 0)));
        const gram = new Float64Array(n * n);
        for (const row of rows) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) gram[i * n + j] = (gram[i * n + j] as number) + (row[i] as number) * (row[j] as number);
        for (let i = 0; i < n; i++) gram[i * n + i] = (gram[i * n + i] as number) + 0.7;
        const expected = onePivotAtATime(Float64Array.from(gram), n);
        expect(Array.from(invertSpdInPlace(Float64Array.from(gram), n)).map((value) => Object.is(value, -0) ? '-0' : value)).toEqual(Array.from(expected).map((value) => Object.is(value, -0) ? '-0' : value));
      }
    }
  });

  it('rejects a matrix that is not positive definite', () => {
    expect(() => invertSpdInPlace(Float64Array.from([0, 1, 1, 0]), 2)).toThrow(PersonalabError);
  });

  it('returns the k best indices, best first, skipping exclusions and NaN', () => {
    expect(topK([0.1, 0.9, Number.NaN, 0.5, 0.7], 3, new Set([4]))).toEqual([1, 3, 0]);
  });
});

describe('non-neural baselines on a synthetic world', () => {
  it('EASE and ItemKNN beat most-popular on NDCG@10 by a clear margin', async () => {
    const popular = new MostPopularRecommender();
    await popular.fit({ interactions: world.train, items: world.items });
    const ease = new EaseRecommender({ lambdas: [10, 50, 200], log: () => undefined });
    await ease.fit({ interactions: world.train, items: world.items }, { validation: world.test });
    const knn = new ItemKnnRecommender({ neighbours: 30 });
    await knn.fit({ interactions: world.train, items: world.items });
    const baseline = await meanNdcg(popular, world);
    expect(ease.selection).toHaveLength(3);
    expect(await meanNdcg(ease, world)).toBeGreaterThan(baseline * 1.3);
    expect(await meanNdcg(knn, world)).toBeGreaterThan(baseline * 1.3);
  });

  it('save/load round trip gives identical scores, for a known user and a new one', async () => {
    const ease = new EaseRecommender({ lambda: 50 });
    await ease.fit({ interactions: world.train, items: world.items });
    await ease.save(join(directory, 'ease'));
    const loaded = await loadRecommender(join(directory, 'ease'));
    expect(loaded).toBeInstanceOf(EaseRecommender);
    const userId = world.train[0]?.userId as string;
    const itemIds = world.items.slice(0, 20).map((item) => item.id);
    expect(await loaded.score({ userId, itemIds })).toEqual(await ease.score({ userId, itemIds }));
    const history = itemIds.slice(0, 5);
    expect(await loaded.recommend({ history, k: 5, exclude: history })).toEqual(await ease.recommend({ history, k: 5, exclude: history }));
  });

  it('page rows tie items rated in the same second more closely; the page weight survives save/load', async () => {
    // Every user rates a, b and c; a and b always in the same second, c an hour later.
    const items = ['a', 'b', 'c', 'd'].map((id) => ({ id, title: id, tags: [] }));
    const interactions = Array.from({ length: 6 }, (_, user) => [
      { kind: 'rating' as const, userId: `u${user}`, itemId: 'a', value: 5, timestamp: user * 100_000 },
      { kind: 'rating' as const, userId: `u${user}`, itemId: 'b', value: 5, timestamp: user * 100_000 },
      { kind: 'rating' as const, userId: `u${user}`, itemId: 'c', value: 5, timestamp: user * 100_000 + 3_600_000 },
      ...(user % 2 === 0 ? [{ kind: 'rating' as const, userId: `u${user}`, itemId: 'd', value: 5, timestamp: user * 100_000 + 7_200_000 }] : []),
    ]).flat();
    const weightOf = (model: EaseRecommender, from: string, to: string) => model.itemWeights[['a', 'b', 'c', 'd'].indexOf(from) * 4 + ['a', 'b', 'c', 'd'].indexOf(to)] as number;
    const plain = new EaseRecommender({ lambda: 1 });
    await plain.fit({ interactions, items });
    expect(weightOf(plain, 'a', 'b')).toBeCloseTo(weightOf(plain, 'a', 'c'), 6);
    const paged = new EaseRecommender({ lambda: 1, pageWeight: 1 });
    await paged.fit({ interactions, items });
    expect(weightOf(paged, 'a', 'b')).toBeGreaterThan(weightOf(paged, 'a', 'c') + 0.05);
    await paged.save(join(directory, 'page-ease'));
    const loaded = await loadRecommender(join(directory, 'page-ease'));
    expect((loaded as EaseRecommender).pageWeight).toBe(1);
    expect(await loaded.score({ history: ['a'], itemIds: ['b', 'c', 'd'] })).toEqual(await paged.score({ history: ['a'], itemIds: ['b', 'c', 'd'] }));
  });

  it('excludes items, and rejects an unknown user without a history', async () => {
    const popular = new MostPopularRecommender();
    await popular.fit({ interactions: world.train, items: world.items });
    const top = await popular.recommend({ history: [], k: 3 });
    const next = await popular.recommend({ history: [], k: 3, exclude: [top[0]?.itemId as string] });
    expect(next.map((entry) => entry.itemId)).not.toContain(top[0]?.itemId);
    await expect(popular.recommend({ userId: 'nobody', k: 3 })).rejects.toMatchObject({ code: 'not_found' });
    // k is a count: 0 gives nothing, a fraction or a negative number is refused (2.5 had returned 3 items).
    expect(await popular.recommend({ history: [], k: 0 })).toEqual([]);
    for (const k of [2.5, -1, Number.NaN]) await expect(popular.recommend({ history: [], k })).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('gives a new user with no history the most chosen items, not the catalogue\'s first ones, from a model that cannot score them', async () => {
    const popular = new MostPopularRecommender();
    await popular.fit({ interactions: world.train, items: world.items });
    const expected = (await popular.recommend({ history: [], k: 5 })).map((entry) => entry.itemId);
    for (const model of [new EaseRecommender({ lambda: 50 }), new ItemKnnRecommender({ neighbours: 20 })]) {
      await model.fit({ interactions: world.train, items: world.items });
      // EASE and item-KNN score every item 0 for an empty history: they had listed the first 5 items of the catalogue.
      const top = await model.recommend({ history: [], k: 5 });
      expect(top.map((entry) => entry.itemId)).toEqual(expected);
      expect(new Set(top.map((entry) => entry.score))).toEqual(new Set([0]));
      expect((await model.recommend({ history: [], k: 5, exclude: [expected[0] as string] })).map((entry) => entry.itemId)).toEqual([...expected.slice(1), (await popular.recommend({ history: [], k: 6 }))[5]?.itemId]);
    }
  });

  it('fails with corrupt_file on a damaged model directory', async () => {
    const popular = new MostPopularRecommender();
    await popular.fit({ interactions: world.train, items: world.items });
    const target = join(directory, 'damaged');
    await popular.save(target);
    const weightsFile = (JSON.parse(readFileSync(join(target, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] }).weightsManifest[0]?.paths[0] as string;
    writeFileSync(join(target, weightsFile), Buffer.from([1, 2, 3]));
    await expect(loadRecommender(target)).rejects.toMatchObject({ code: 'corrupt_file' });
    writeFileSync(join(target, 'model.json'), '{"modelTopology": {"kind": 3}');
    await expect(loadRecommender(target)).rejects.toMatchObject({ code: 'corrupt_file' });
  });
});
