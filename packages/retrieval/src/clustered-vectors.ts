import { createRandom } from '@personalab/core';

export interface ClusteredVectorsOptions {
  count: number;
  dimension: number;
  /** Number of mixture components. Default 100. */
  clusters?: number;
  /** Standard deviation of points around their centre, relative to the centres' spread of 1. Default 0.35. */
  spread?: number;
  /**
   * When set, each cluster varies mostly along its own random subspace of this dimension (as
   * learned embeddings do), with a small isotropic residue; unset, clusters are isotropic.
   */
  intrinsicDimension?: number;
  seed?: number;
}

export interface ClusteredVectors {
  /** `count × dimension`, row-major. */
  data: Float32Array;
  /** The component each row was drawn from. */
  cluster: Int32Array;
  /** Row `index` as a view into `data`. */
  row(index: number): Float32Array;
}

/**
 * A seeded Gaussian mixture: centres ~ N(0, I), points = centre + noise. Deterministic for a seed,
 * so benchmarks and tests see the same vectors on every run.
 */
export function clusteredVectors(options: ClusteredVectorsOptions): ClusteredVectors {
  const { count, dimension } = options;
  const clusters = options.clusters ?? 100;
  const spread = options.spread ?? 0.35;
  const random = createRandom(options.seed ?? 42);
  const centres = new Float64Array(clusters * dimension);
  for (let index = 0; index < centres.length; index++) centres[index] = random.normal();
  const intrinsic = options.intrinsicDimension;
  // Per-cluster bases: `intrinsic` random directions each (not orthogonalised; close enough in high dimension).
  const bases = intrinsic === undefined ? undefined : new Float64Array(clusters * intrinsic * dimension);
  if (bases !== undefined && intrinsic !== undefined) {
    for (let index = 0; index < bases.length; index++) bases[index] = random.normal() / Math.sqrt(intrinsic);
  }
  const data = new Float32Array(count * dimension);
  const cluster = new Int32Array(count);
  for (let row = 0; row < count; row++) {
    const component = random.int(clusters);
    cluster[row] = component;
    const base = row * dimension;
    for (let index = 0; index < dimension; index++) data[base + index] = centres[component * dimension + index]!;
    if (bases !== undefined && intrinsic !== undefined) {
      for (let direction = 0; direction < intrinsic; direction++) {
        const weight = random.normal() * spread * Math.sqrt(dimension / intrinsic);
        const offset = (component * intrinsic + direction) * dimension;
        for (let index = 0; index < dimension; index++) data[base + index] = data[base + index]! + weight * bases[offset + index]!;
      }
      for (let index = 0; index < dimension; index++) data[base + index] = data[base + index]! + random.normal() * spread * 0.1;
    } else {
      for (let index = 0; index < dimension; index++) data[base + index] = data[base + index]! + random.normal() * spread;
    }
  }
  return { data, cluster, row: (index) => data.subarray(index * dimension, (index + 1) * dimension) };
}

/** Fraction of the true top-k ids that the approximate result found, averaged over queries. */
export function recallAtK(truth: readonly (readonly string[])[], found: readonly (readonly string[])[], k: number): number {
  if (truth.length === 0) return Number.NaN;
  let total = 0;
  for (let query = 0; query < truth.length; query++) {
    const expected = (truth[query] ?? []).slice(0, k);
    if (expected.length === 0) {
      total += 1;
      continue;
    }
    const got = new Set((found[query] ?? []).slice(0, k));
    let hits = 0;
    for (const id of expected) if (got.has(id)) hits++;
    total += hits / expected.length;
  }
  return total / truth.length;
}

/**
 * Recall@k that counts ties as found (the ann-benchmarks convention): a returned hit is correct when
 * its score is at least the true k-th best score minus `tolerance`. Identical texts embed to identical
 * vectors, and id-based recall would punish returning one duplicate instead of another.
 */
export function scoreRecallAtK(truth: readonly (readonly { score: number }[])[], found: readonly (readonly { score: number }[])[], k: number, tolerance = 1e-5): number {
  if (truth.length === 0) return Number.NaN;
  let total = 0;
  for (let query = 0; query < truth.length; query++) {
    const expected = (truth[query] ?? []).slice(0, k);
    if (expected.length === 0) {
      total += 1;
      continue;
    }
    const threshold = expected[expected.length - 1]!.score - tolerance * Math.max(1, Math.abs(expected[expected.length - 1]!.score));
    const hits = (found[query] ?? []).slice(0, k).filter((hit) => hit.score >= threshold).length;
    total += Math.min(hits, expected.length) / expected.length;
  }
  return total / truth.length;
}
