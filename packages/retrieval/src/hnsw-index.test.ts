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
