import { PersonalabError, type Embedder } from '@personalab/core';
import type { StatementMatcher } from './statement-matcher.js';

/**
 * Cosine similarity of embedder vectors at or above a threshold. Matching is synchronous, so
 * every text that will be compared is embedded up front by `create` (in batches).
 */
export class EmbeddingMatcher implements StatementMatcher {
  readonly name: string;

  private constructor(
    private readonly vectors: ReadonlyMap<string, Float32Array>,
    private readonly threshold: number,
    private readonly label: string,
  ) {
    this.name = `${label}>=${threshold}`;
  }

  /** `label` names the matcher in results (default `cosine(<embedder id>)`). */
  static async create(embedder: Embedder, texts: Iterable<string>, threshold: number, options: { batchSize?: number; label?: string } = {}): Promise<EmbeddingMatcher> {
    const batchSize = options.batchSize ?? 512;
    const unique = [...new Set(texts)];
    const vectors = new Map<string, Float32Array>();
    for (let start = 0; start < unique.length; start += batchSize) {
      const batch = unique.slice(start, start + batchSize);
      const embedded = await embedder.embed(batch);
      batch.forEach((text, index) => vectors.set(text, embedded[index] as Float32Array));
    }
    return new EmbeddingMatcher(vectors, threshold, options.label ?? `cosine(${embedder.id})`);
  }

  /** The same vectors at another threshold. */
  withThreshold(threshold: number): EmbeddingMatcher {
    return new EmbeddingMatcher(this.vectors, threshold, this.label);
  }

  similarity(a: string, b: string): number {
    const left = this.vectors.get(a);
    const right = this.vectors.get(b);
    if (!left || !right) throw new PersonalabError('invalid_argument', `text was not embedded up front: "${(left ? b : a).slice(0, 80)}"`);
    let dot = 0;
    for (let index = 0; index < left.length; index++) dot += (left[index] as number) * (right[index] as number);
    return dot;
  }

  matches(predicted: string, gold: string): boolean {
    return this.similarity(predicted, gold) >= this.threshold;
  }
}
