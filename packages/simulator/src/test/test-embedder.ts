import type { Embedder } from '@personalab/core';
import { HashingEmbedder } from '@personalab/retrieval';

/** The retrieval package's offline HashingEmbedder (unfitted: every feature weighs 1), for tests. */
export function createTestEmbedder(dimension = 256): Embedder {
  return new HashingEmbedder({ dimension });
}
