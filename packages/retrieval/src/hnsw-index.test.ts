import { describe, expect, it } from 'vitest';
import { createRandom } from '@personalab/core';
import { HnswIndex } from './hnsw-index.js';
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
    flat.add(records);
    graph.add(records);
    let agreement = 0;
    for (let query = 0; query < 20; query++) {
      const vector = Float32Array.from({ length: 16 }, () => random.normal());
      const where = { user: `u${query}` };
      const a = flat.search(vector, { k: 10, where }).map((hit) => hit.id);
      const b = graph.search(vector, { k: 10, ef: 100, where }).map((hit) => hit.id);
      expect(a).toHaveLength(10);
      agreement += b.filter((id) => a.includes(id)).length / 10;
    }
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
