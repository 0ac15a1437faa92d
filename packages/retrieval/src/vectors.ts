import { PersonalabError, type Metric, type VectorMetadata } from '@personalab/core';

/** Checks a vector's length and values; throws `invalid_argument` saying what is wrong. */
export function checkVector(vector: Float32Array | readonly number[], dimension: number, what: string): void {
  if (vector.length !== dimension) {
    throw new PersonalabError('invalid_argument', `${what}: expected a vector of dimension ${dimension}, got ${vector.length}`);
  }
  for (let index = 0; index < dimension; index++) {
    const value = vector[index]!;
    // Vectors are stored as 32-bit floats: a finite double beyond ±3.4e38 would become Infinity there (and NaN scores).
    if (!Number.isFinite(Math.fround(value))) {
      const why = Number.isFinite(value) ? 'beyond the 32-bit float range (±3.4e38)' : 'not a finite number';
      throw new PersonalabError('invalid_argument', `${what}: component ${index} is ${String(value)}, ${why}`);
    }
  }
}

/**
 * Checks that metadata holds only strings, booleans and finite numbers: it is saved as JSON, where NaN and
 * ±Infinity become null and a nested value is not a `VectorMetadata`, so the saved file would not load.
 */
export function checkMetadata(metadata: VectorMetadata | undefined, what: string): void {
  if (metadata === undefined) return;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new PersonalabError('invalid_argument', `${what}: metadata must be an object, got ${describeValue(metadata)}`);
  }
  for (const key of Object.keys(metadata)) {
    const value: unknown = metadata[key];
    const fine = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
    if (!fine) {
      throw new PersonalabError('invalid_argument', `${what}: metadata.${key} is ${describeValue(value)}; metadata values must be strings, booleans or finite numbers`);
    }
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'number' || value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** Checks a metric given at run time (a config string cast to `Metric` is not checked by the compiler). */
export function checkMetric(metric: unknown, what: string): Metric {
  if (!metrics.includes(metric as Metric)) {
    throw new PersonalabError('invalid_argument', `${what}: metric must be one of ${metrics.join(', ')}, got ${JSON.stringify(metric)}`);
  }
  return metric as Metric;
}

/** Scales a vector to unit length in place (a zero vector stays zero). */
export function normalizeInPlace(vector: Float32Array | Float64Array | number[]): void {
  let sum = 0;
  for (let index = 0; index < vector.length; index++) sum += vector[index]! * vector[index]!;
  if (sum === 0) return;
  const scale = 1 / Math.sqrt(sum);
  for (let index = 0; index < vector.length; index++) vector[index] = vector[index]! * scale;
}

/** Dot product of two equal-length vectors. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += a[index]! * b[index]!;
  return sum;
}

/**
 * The score `search` reports for a stored vector and a query under a metric, computed directly:
 * cosine similarity, inner product, or negative squared Euclidean distance. Higher is closer.
 */
export function referenceScore(metric: Metric, query: ArrayLike<number>, stored: ArrayLike<number>): number {
  if (metric === 'ip') return dot(query, stored);
  if (metric === 'l2') {
    let sum = 0;
    for (let index = 0; index < query.length; index++) sum += (query[index]! - stored[index]!) ** 2;
    return -sum;
  }
  const norms = Math.sqrt(dot(query, query) * dot(stored, stored));
  return norms === 0 ? 0 : dot(query, stored) / norms;
}

export const metrics: readonly Metric[] = ['cosine', 'ip', 'l2'];

/** Checks `k` and `ef` search options. */
export function checkSearchOptions(options: { k: number; ef?: number }): void {
  if (!Number.isInteger(options.k) || options.k < 1) {
    throw new PersonalabError('invalid_argument', `search: k must be a positive integer, got ${options.k}`);
  }
  if (options.ef !== undefined && (!Number.isInteger(options.ef) || options.ef < 1)) {
    throw new PersonalabError('invalid_argument', `search: ef must be a positive integer, got ${options.ef}`);
  }
}

/** Whether metadata has every field of `where` with exactly that value. */
export function matchesWhere(metadata: VectorMetadata | undefined, where: VectorMetadata): boolean {
  for (const key in where) if (metadata === undefined || metadata[key] !== where[key]) return false;
  return true;
}
