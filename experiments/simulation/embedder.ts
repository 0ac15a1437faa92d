import type { Embedder } from '@personalab/core';
import { HashingEmbedder } from '@personalab/retrieval';

/** The offline text embedder of the experiments: the retrieval package's HashingEmbedder, its IDF fitted on the corpus. */
export function createExperimentEmbedder(corpus: readonly string[], dimension = 256): Embedder {
  return HashingEmbedder.fit(corpus, { dimension });
}
