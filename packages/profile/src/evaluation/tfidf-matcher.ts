import { contentTokens } from '../text/tokenize.js';
import type { StatementMatcher } from './statement-matcher.js';

type SparseVector = Map<string, number>;

/**
 * Cosine similarity of TF-IDF vectors over content tokens, with IDF fitted on a corpus of
 * sentences: the embedding-style match, which credits rare shared words more than common ones.
 */
export class TfidfMatcher implements StatementMatcher {
  readonly name: string;
  private readonly inverseFrequency = new Map<string, number>();
  private readonly defaultInverseFrequency: number;
  private readonly vectors = new Map<string, SparseVector>();

  constructor(
    corpus: Iterable<string>,
    private readonly threshold = 0.5,
  ) {
    this.name = `tfidf-cosine>=${threshold}`;
    const documentFrequency = new Map<string, number>();
    let documents = 0;
    for (const text of corpus) {
      documents++;
      for (const token of new Set(contentTokens(text))) documentFrequency.set(token, (documentFrequency.get(token) ?? 0) + 1);
    }
    // Smoothed IDF (as scikit-learn's), so unseen tokens still weigh the most.
    for (const [token, frequency] of documentFrequency) this.inverseFrequency.set(token, Math.log((1 + documents) / (1 + frequency)) + 1);
    this.defaultInverseFrequency = Math.log(1 + documents) + 1;
  }

  /** Unit-length TF-IDF vector of a text. */
  vector(text: string): SparseVector {
    const cached = this.vectors.get(text);
    if (cached) return cached;
    const counts = new Map<string, number>();
    for (const token of contentTokens(text)) counts.set(token, (counts.get(token) ?? 0) + 1);
    let norm = 0;
    const vector: SparseVector = new Map();
    for (const [token, count] of counts) {
      const weight = count * (this.inverseFrequency.get(token) ?? this.defaultInverseFrequency);
      vector.set(token, weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm);
    for (const [token, weight] of vector) vector.set(token, weight / norm);
    if (this.vectors.size > 100_000) this.vectors.clear();
    this.vectors.set(text, vector);
    return vector;
  }

  similarity(a: string, b: string): number {
    const left = this.vector(a);
    const right = this.vector(b);
    let dot = 0;
    for (const [token, weight] of left) dot += weight * (right.get(token) ?? 0);
    return dot;
  }

  matches(predicted: string, gold: string): boolean {
    return this.similarity(predicted, gold) >= this.threshold;
  }
}
