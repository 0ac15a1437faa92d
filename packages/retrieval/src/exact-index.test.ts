import { describe, expect, it } from 'vitest';
import { PersonalabError, createRandom } from '@personalab/core';
import { ExactIndex } from './exact-index.js';
import { vectorIndexConformance } from './test/index.js';
import { metrics, referenceScore } from './vectors.js';

vectorIndexConformance('ExactIndex', (options) => new ExactIndex({ ...options, initialCapacity: 16 }), { minimumRecall: 1 });

describe('ExactIndex SIMD kernel', () => {
  it('matches the textbook scores for dimensions that are not a multiple of the kernel block', () => {
    for (const dimension of [1, 17, 37, 64, 100]) {
      for (const metric of metrics) {
        const random = createRandom(dimension);
        const vectors = Array.from({ length: 60 }, () => Float32Array.from({ length: dimension }, () => random.normal()));
        const index = new ExactIndex({ dimension, metric, initialCapacity: 7 });
        index.add(vectors.map((vector, position) => ({ id: String(position), vector })));
        const query = Float32Array.from({ length: dimension }, () => random.normal());
        const hits = index.search(query, { k: 60 });
        expect(hits).toHaveLength(60);
        for (const hit of hits) {
          const truth = referenceScore(metric, query, vectors[Number(hit.id)]!);
          expect(Math.abs(hit.score - truth)).toBeLessThan(1e-4 * Math.max(1, Math.abs(truth)));
        }
      }
    }
  });
});

describe('ExactIndex capacity', () => {
  it('refuses a batch beyond WebAssembly\'s 4 GiB memory with a clear error, changing nothing', () => {
    // About 4 MiB a row, so at most 1022 rows fit; one shared vector keeps the test's own memory small.
    const dimension = 2 ** 20;
    const index = new ExactIndex({ dimension, metric: 'l2', initialCapacity: 1 });
    expect(index.maxRows).toBe(1022);
    const vector = new Float32Array(dimension);
    index.add([{ id: 'first', vector }]);
    let caught: unknown;
    try {
      index.add(Array.from({ length: 1100 }, (_, position) => ({ id: `r${position}`, vector })));
    } catch (error) {
      caught = error;
    }
    // This used to be a RangeError from WebAssembly.Memory.grow, after part of the batch was stored.
    expect(PersonalabError.is(caught, 'storage_error'), String(caught)).toBe(true);
    expect((caught as Error).message).toContain('1101 rows of dimension 1048576 need 4.3 GiB');
    expect((caught as Error).message).toContain('at most 1022 rows');
    expect(index.size).toBe(1);
    expect(index.has('r0')).toBe(false);
    expect(index.search(vector, { k: 5 }).map((hit) => hit.id)).toEqual(['first']);
  });

  it('takes an initial capacity beyond the limit as the limit', () => {
    // 2,000,000 rows of 1024 floats would need 8 GiB: this used to throw a RangeError from the constructor.
    const index = new ExactIndex({ dimension: 1024, metric: 'ip', initialCapacity: 2_000_000 });
    expect(index.maxRows).toBe(Math.floor((2 ** 32 - 4096) / (4096 + 4)));
    index.add([{ id: 'a', vector: new Float32Array(1024).fill(1) }]);
    expect(index.search(new Float32Array(1024).fill(1), { k: 1 })).toEqual([{ id: 'a', score: 1024 }]);
    expect(() => new ExactIndex({ dimension: 4, initialCapacity: Number.NaN })).toThrow('initialCapacity must be an integer 0 or more');
  });
});
