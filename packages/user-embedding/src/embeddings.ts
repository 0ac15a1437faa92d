import { PersonalabError, type VectorIndex } from '@personalab/core';
import type { BaseRecommender, ScoringQuery } from './base-recommender.js';

/** A model whose score is (mostly) an inner product of a user vector and an item vector plus an item bias. */
export interface EmbeddingModel {
  userVectors(queries: readonly ScoringQuery[]): Float32Array[];
  itemVectors(): { vectors: Float32Array[]; biases: Float32Array };
}

export function isEmbeddingModel(model: unknown): model is EmbeddingModel & BaseRecommender {
  return typeof model === 'object' && model !== null && 'userVectors' in model && 'itemVectors' in model;
}

/**
 * Writes every item's vector into a `VectorIndex` (metric `ip`), each extended by its bias so that
 * `search(userVector(...))` ranks by the model's own score u·v + b. Returns how many were added.
 */
export function exportItemVectors(model: EmbeddingModel & BaseRecommender, index: VectorIndex): number {
  const { vectors, biases } = model.itemVectors();
  const dimension = (vectors[0]?.length ?? 0) + 1;
  if (index.dimension !== dimension) {
    throw new PersonalabError('invalid_argument', `index dimension is ${index.dimension}, the model's item vectors need ${dimension} (vector + bias)`);
  }
  const records = vectors.map((vector, item) => {
    const extended = new Float32Array(dimension);
    extended.set(vector);
    extended[dimension - 1] = biases[item] ?? 0;
    return { id: model.itemIds[item] as string, vector: Array.from(extended) };
  });
  index.add(records);
  return records.length;
}

/** The query vector for a known user or an explicit history, extended by 1 to meet the item biases. */
export function userQueryVector(model: EmbeddingModel & BaseRecommender, options: { userId?: string; history?: readonly string[] }): number[] {
  const [vector] = model.userVectors([model.resolveQuery(options)]);
  return [...Array.from(vector ?? []), 1];
}

/** Width of the vectors `exportItemVectors` writes. */
export function exportedDimension(model: EmbeddingModel): number {
  return (model.itemVectors().vectors[0]?.length ?? 0) + 1;
}
