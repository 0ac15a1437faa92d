import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { PersonalabError, createRandom } from '@personalab/core';
import { ExactIndex } from './exact-index.js';
import { HnswIndex } from './hnsw-index.js';
import { indexFileName } from './index-file.js';
import { vectorIndexConformance } from './test/index.js';

vectorIndexConformance('HnswIndex', (options) => new HnswIndex({ ...options, initialCapacity: 16, m: 16, efConstruction: 100 }));

describe('HnswIndex where', () => {
  it('gives the same answers through the graph as through the exact path for small sets', () => {
    const random = createRandom(3);
    const records = Array.from({ length: 2000 }, (_, position) => ({
      id: `r${position}`,
      vector: Float32Array.from({ length: 16 }, () => random.normal()),
      metadata: { user: `u${position % 20}` },
    }));
    const flat = new HnswIndex({ dimension: 16, metric: 'l2', efConstruction: 100 });
    const graph = new HnswIndex({ dimension: 16, metric: 'l2', efConstruction: 100, flatSearchLimit: 0 });
    // Brute force, for the truth: compared with `flat` alone, a flat path that walked the graph too would agree with itself.
    const exact = new ExactIndex({ dimension: 16, metric: 'l2' });
    flat.add(records);
    graph.add(records);
    exact.add(records);
    const flatWalks = vi.spyOn(flat.nativeIndex, 'searchKnn');
    const graphWalks = vi.spyOn(graph.nativeIndex, 'searchKnn');
    let agreement = 0;
    for (let query = 0; query < 20; query++) {
      const vector = Float32Array.from({ length: 16 }, () => random.normal());
      const where = { user: `u${query}` };
      const truth = exact.search(vector, { k: 10, where }).map((hit) => hit.id);
      const a = flat.search(vector, { k: 10, where }).map((hit) => hit.id);
      const b = graph.search(vector, { k: 10, ef: 100, where }).map((hit) => hit.id);
      expect(truth).toHaveLength(10);
      expect(a).toEqual(truth);
      agreement += b.filter((id) => truth.includes(id)).length / 10;
    }
    // The 100 records of a user are scored exactly, without a walk; with flatSearchLimit 0 every search walks the graph.
    expect(flatWalks).not.toHaveBeenCalled();
    expect(graphWalks).toHaveBeenCalledTimes(20);
    expect(agreement / 20).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps metadata indexed through replacement of a deleted slot', () => {
    const index = new HnswIndex({ dimension: 2, metric: 'l2', initialCapacity: 2 });
    index.add([{ id: 'a', vector: [0, 0], metadata: { user: 'x' } }, { id: 'b', vector: [1, 1], metadata: { user: 'y' } }]);
    index.remove(['a']);
    index.add([{ id: 'c', vector: [0, 0.1], metadata: { user: 'x' } }]);
    expect(index.capacity).toBe(2);
    expect(index.search([0, 0], { k: 5, where: { user: 'x' } }).map((hit) => hit.id)).toEqual(['c']);
  });
});

describe('HnswIndex optimize', () => {
  const random = createRandom(11);
  const vectors = Array.from({ length: 3000 }, () => Float32Array.from({ length: 24 }, () => random.normal()));
  const queries = Array.from({ length: 30 }, () => Float32Array.from({ length: 24 }, () => random.normal()));

  it('renumbers the graph without changing any search result, delete, or slot reuse', async () => {
    const index = new HnswIndex({ dimension: 24, metric: 'l2', efConstruction: 60, initialCapacity: 64 });
    index.add(vectors.map((vector, position) => ({ id: `r${position}`, vector, metadata: { user: `u${position % 7}` } })));
    index.remove(['r0', 'r5', 'r17']);
    const before = queries.map((query) => index.search(query, { k: 10, ef: 40 }));
    const filteredBefore = queries.map((query) => index.search(query, { k: 5, ef: 40, filter: (id) => id.endsWith('3') }));
    const capacity = index.capacity;
    index.optimize();
    expect(queries.map((query) => index.search(query, { k: 10, ef: 40 }))).toEqual(before);
    expect(queries.map((query) => index.search(query, { k: 5, ef: 40, filter: (id) => id.endsWith('3') }))).toEqual(filteredBefore);
    expect(index.size).toBe(2997);
    expect(index.capacity).toBe(capacity);
    // Deleted slots stay deleted and are reused, so the slot count does not grow.
    const slots = index.nativeIndex.getCurrentCount();
    index.add([{ id: 'n1', vector: vectors[0]! }, { id: 'n2', vector: vectors[5]! }]);
    expect(index.nativeIndex.getCurrentCount()).toBe(slots);
    expect(index.search(vectors[0]!, { k: 1 })[0]!.id).toBe('n1');
    expect(index.search(vectors[17]!, { k: 3 }).map((hit) => hit.id)).not.toContain('r17');
  });

  it('keeps an empty and a tiny index usable', () => {
    const empty = new HnswIndex({ dimension: 3, metric: 'cosine' });
    empty.optimize();
    expect(empty.search([1, 0, 0], { k: 3 })).toEqual([]);
    empty.add([{ id: 'a', vector: [1, 0, 0] }]);
    empty.optimize();
    expect(empty.search([1, 0.1, 0], { k: 3 }).map((hit) => hit.id)).toEqual(['a']);
  });
});

describe('HnswIndex options', () => {
  it('refuses graph parameters hnswlib would crash on or that would save a file the load refuses', async () => {
    // m 0 used to crash the process (segmentation fault) on the first add; m 1 failed as "not enough memory".
    for (const options of [{ m: 0 }, { m: 1 }, { m: 2.5 }, { m: -3 }, { efConstruction: 0 }, { ef: 0 }, { ef: 1.5 }, { initialCapacity: Number.NaN }, { seed: 0.5 }, { flatSearchLimit: Number.NaN }]) {
      const [name] = Object.keys(options);
      let caught: unknown;
      try {
        new HnswIndex({ dimension: 4, ...options });
      } catch (error) {
        caught = error;
      }
      expect(PersonalabError.is(caught, 'invalid_argument'), `${JSON.stringify(options)}: ${String(caught)}`).toBe(true);
      expect((caught as Error).message).toContain(`HnswIndex: ${name} must be`);
    }
    // The smallest accepted values build, save and reopen.
    const index = new HnswIndex({ dimension: 2, m: 2, efConstruction: 1, ef: 1, initialCapacity: 0, flatSearchLimit: 0 });
    index.add([{ id: 'a', vector: [1, 0] }, { id: 'b', vector: [0, 1] }]);
    const directory = mkdtempSync(join(tmpdir(), 'personalab-hnsw-options-'));
    try {
      await index.save(directory);
      const reopened = await HnswIndex.open(directory);
      expect(reopened.m).toBe(2);
      expect(reopened.search([1, 0.1], { k: 1 })[0]?.id).toBe('a');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('HnswIndex filter through the graph', () => {
  it('passes on an error thrown by the filter under a large `where` set, and keeps working', () => {
    const random = createRandom(5);
    const index = new HnswIndex({ dimension: 8, metric: 'l2', flatSearchLimit: 0 });
    index.add(Array.from({ length: 500 }, (_, position) => ({ id: `r${position}`, vector: Float32Array.from({ length: 8 }, () => random.normal()), metadata: { user: `u${position % 2}` } })));
    const failure = new Error('the filter failed');
    expect(() => index.search(new Float32Array(8), { k: 5, where: { user: 'u1' }, filter: () => { throw failure; } })).toThrow(failure);
    expect(index.search(new Float32Array(8), { k: 5, where: { user: 'u1' }, filter: (id) => id !== 'r1' })).toHaveLength(5);
  });
});

describe('index files of the other kind', () => {
  it('say which class wrote them, naming the file', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'personalab-index-kind-'));
    try {
      const file = join(directory, indexFileName);
      const exact = new ExactIndex({ dimension: 3 });
      exact.add([{ id: 'a', vector: [1, 2, 3] }]);
      await exact.save(directory);
      await expect(HnswIndex.open(directory)).rejects.toThrow(`${file}: holds ExactIndex data, not HnswIndex (open it with ExactIndex.open)`);
      const hnsw = new HnswIndex({ dimension: 3 });
      hnsw.add([{ id: 'a', vector: [1, 2, 3] }]);
      await hnsw.save(directory);
      await expect(ExactIndex.open(directory)).rejects.toThrow(`${file}: holds HnswIndex data, not ExactIndex (open it with HnswIndex.open)`);
      const target = new ExactIndex({ dimension: 3 });
      const error = await target.load(directory).catch((caught: unknown) => caught);
      expect(PersonalabError.is(error, 'corrupt_file')).toBe(true);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
