import type { Embedder } from '@personalab/core';
import { testEmbedding } from '@personalab/llm/test';

/** The llm test server's hashed word-and-trigram embedding as an in-process `Embedder`. */
export function createTestEmbedder(dimension = 256): Embedder {
  return {
    dimension,
    id: `test-embedding-${dimension}`,
    embed: async (texts) => texts.map((text) => Float32Array.from(testEmbedding(text, dimension))),
  };
}
