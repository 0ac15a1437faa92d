import type { Embedder } from '@personalab/core';
import * as retrieval from '@personalab/retrieval';

/**
 * The offline text embedder for the experiments: the retrieval package's HashingEmbedder, fitted
 * on the corpus, once that package exports it; until then the llm test server's hashed
 * word-and-trigram embedding (named in the results, so numbers say which one they used).
 */
export async function createExperimentEmbedder(corpus: readonly string[], dimension = 256): Promise<Embedder> {
  const exported = retrieval as unknown as Record<string, unknown>;
  if (typeof exported.HashingEmbedder === 'function') {
    const HashingEmbedder = exported.HashingEmbedder as unknown as { fit(texts: Iterable<string>, options: { dimension: number }): Embedder };
    return HashingEmbedder.fit(corpus, { dimension });
  }
  const { testEmbedding } = await import('@personalab/llm/test');
  return { dimension, id: `test-embedding-${dimension}`, embed: async (texts) => texts.map((text) => Float32Array.from(testEmbedding(text, dimension))) };
}
