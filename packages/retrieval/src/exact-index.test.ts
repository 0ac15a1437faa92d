import { describe, expect, it } from 'vitest';
import { createRandom } from '@personalab/core';
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
