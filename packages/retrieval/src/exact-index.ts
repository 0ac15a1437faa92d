import { z } from 'zod';
import {
  PersonalabError,
  type Metric,
  type SearchHit,
  type SearchOptions,
  type VectorIndex,
  type VectorMetadata,
  type VectorRecord,
} from '@personalab/core';
import { commonHeaderShape } from './index-header.js';
import { corruptFile, readIndexFile, writeIndexFile } from './index-file.js';
import { TopK } from './top-k.js';
import { checkSearchOptions, checkVector } from './vectors.js';

export interface ExactIndexOptions {
  dimension: number;
  /** Default `cosine`. */
  metric?: Metric;
  /** Rows to allocate up front; the store doubles when full. Default 1024. */
  initialCapacity?: number;
}

const exactHeaderSchema = z.object({ kind: z.literal('exact'), ...commonHeaderShape });

/**
 * Brute-force search over one contiguous `Float32Array` with a top-k heap: the ground truth for
 * tests and benchmarks, and the right choice for small sets. Cosine vectors are stored unit-length,
 * l2 keeps each row's squared norm so every metric runs the same dot-product loop.
 */
export class ExactIndex implements VectorIndex {
  readonly dimension: number;
  readonly metric: Metric;
  private data: Float32Array;
  private squaredNorms: Float64Array;
  private ids: string[] = [];
  private metadata: (VectorMetadata | undefined)[] = [];
  private rowOf = new Map<string, number>();
  private readonly query: Float64Array;

  constructor(options: ExactIndexOptions) {
    if (!Number.isInteger(options.dimension) || options.dimension < 1) {
      throw new PersonalabError('invalid_argument', `ExactIndex: dimension must be a positive integer, got ${options.dimension}`);
    }
    this.dimension = options.dimension;
    this.metric = options.metric ?? 'cosine';
    const capacity = Math.max(1, options.initialCapacity ?? 1024);
    this.data = new Float32Array(capacity * this.dimension);
    this.squaredNorms = new Float64Array(capacity);
    this.query = new Float64Array(this.dimension);
  }

  /** Opens the index saved in a directory, taking dimension and metric from the file. */
  static async open(directory: string): Promise<ExactIndex> {
    const { header } = readIndexFile(directory, exactHeaderSchema);
    const index = new ExactIndex({ dimension: header.dimension, metric: header.metric, initialCapacity: header.count });
    await index.load(directory);
    return index;
  }

  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return this.rowOf.has(id);
  }

  add(records: readonly VectorRecord[]): void {
    // Validate the whole batch first so a bad record leaves the index untouched.
    for (const record of records) checkVector(record.vector, this.dimension, `add(${JSON.stringify(record.id)})`);
    for (const record of records) {
      let row = this.rowOf.get(record.id);
      if (row === undefined) {
        row = this.ids.length;
        this.ensureCapacity(row + 1);
        this.ids.push(record.id);
        this.metadata.push(record.metadata);
        this.rowOf.set(record.id, row);
      } else {
        this.metadata[row] = record.metadata;
      }
      this.writeRow(row, record.vector);
    }
  }

  remove(ids: readonly string[]): number {
    let removed = 0;
    const dimension = this.dimension;
    for (const id of ids) {
      const row = this.rowOf.get(id);
      if (row === undefined) continue;
      // Move the last row into the hole so the store stays contiguous.
      const last = this.ids.length - 1;
      if (row !== last) {
        this.data.copyWithin(row * dimension, last * dimension, (last + 1) * dimension);
        this.squaredNorms[row] = this.squaredNorms[last]!;
        const movedId = this.ids[last]!;
        this.ids[row] = movedId;
        this.metadata[row] = this.metadata[last];
        this.rowOf.set(movedId, row);
      }
      this.ids.pop();
      this.metadata.pop();
      this.rowOf.delete(id);
      removed++;
    }
    return removed;
  }

  search(query: Float32Array | readonly number[], options: SearchOptions): SearchHit[] {
    checkSearchOptions(options);
    checkVector(query, this.dimension, 'search');
    const count = this.ids.length;
    if (count === 0) return [];
    const dimension = this.dimension;
    const q = this.query;
    let queryNorm = 0;
    for (let index = 0; index < dimension; index++) {
      q[index] = query[index]!;
      queryNorm += q[index]! * q[index]!;
    }
    if (this.metric === 'cosine' && queryNorm > 0) {
      const scale = 1 / Math.sqrt(queryNorm);
      for (let index = 0; index < dimension; index++) q[index] = q[index]! * scale;
    }
    const isL2 = this.metric === 'l2';
    const data = this.data;
    const norms = this.squaredNorms;
    const filter = options.filter;
    const top = new TopK(Math.min(options.k, count));
    let threshold = Number.NEGATIVE_INFINITY;
    const unrolled = dimension - (dimension % 4);
    for (let row = 0, base = 0; row < count; row++, base += dimension) {
      // Four accumulators break the add dependency chain so the loop pipelines.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let index = 0;
      for (; index < unrolled; index += 4) {
        s0 += q[index]! * data[base + index]!;
        s1 += q[index + 1]! * data[base + index + 1]!;
        s2 += q[index + 2]! * data[base + index + 2]!;
        s3 += q[index + 3]! * data[base + index + 3]!;
      }
      for (; index < dimension; index++) s0 += q[index]! * data[base + index]!;
      const product = s0 + s1 + s2 + s3;
      const score = isL2 ? 2 * product - norms[row]! - queryNorm : product;
      if (score <= threshold) continue;
      // The filter runs only for rows that would enter the top k: most rows never reach it.
      if (filter !== undefined && !filter(this.ids[row]!, this.metadata[row])) continue;
      top.push(score, row);
      threshold = top.threshold;
    }
    return top.sorted().map(({ score, row }) => {
      const metadata = this.metadata[row];
      return metadata === undefined ? { id: this.ids[row]!, score } : { id: this.ids[row]!, score, metadata };
    });
  }

  /** The stored vector of an id (unit length under cosine), or undefined. */
  getVector(id: string): Float32Array | undefined {
    const row = this.rowOf.get(id);
    if (row === undefined) return undefined;
    return this.data.slice(row * this.dimension, (row + 1) * this.dimension);
  }

  /** All ids, in storage order. */
  allIds(): string[] {
    return [...this.ids];
  }

  async save(directory: string): Promise<void> {
    const count = this.ids.length;
    const vectors = this.data.subarray(0, count * this.dimension);
    const header = {
      kind: 'exact' as const,
      dimension: this.dimension,
      metric: this.metric,
      count,
      ids: this.ids,
      metadata: this.metadata.map((value) => value ?? null),
    };
    writeIndexFile(directory, header, new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength));
  }

  async load(directory: string): Promise<void> {
    const { file, header, payload } = readIndexFile(directory, exactHeaderSchema);
    if (header.dimension !== this.dimension) {
      throw corruptFile(file, `dimension ${header.dimension} in the file does not match this index's ${this.dimension}`);
    }
    if (header.metric !== this.metric) {
      throw corruptFile(file, `metric ${header.metric} in the file does not match this index's ${this.metric}`);
    }
    if (header.ids.length !== header.count || header.metadata.length !== header.count) {
      throw corruptFile(file, `header lists ${header.ids.length} ids and ${header.metadata.length} metadata entries for a count of ${header.count}`);
    }
    const expectedBytes = header.count * this.dimension * 4;
    if (payload.byteLength !== expectedBytes) {
      throw corruptFile(file, `vector data is ${payload.byteLength} bytes, expected ${expectedBytes} for ${header.count} × ${this.dimension}`);
    }
    const rowOf = new Map<string, number>();
    header.ids.forEach((id, row) => rowOf.set(id, row));
    if (rowOf.size !== header.count) throw corruptFile(file, 'duplicate ids in the header');
    // Build everything aside and swap at the end, so a failed load leaves this index as it was.
    const capacity = Math.max(1, header.count);
    const data = new Float32Array(capacity * this.dimension);
    new Uint8Array(data.buffer).set(payload);
    for (let index = 0; index < header.count * this.dimension; index++) {
      if (!Number.isFinite(data[index])) throw corruptFile(file, `vector data holds a non-finite value at row ${Math.floor(index / this.dimension)}`);
    }
    const squaredNorms = new Float64Array(capacity);
    for (let row = 0; row < header.count; row++) squaredNorms[row] = rowNorm(data, row, this.dimension);
    this.data = data;
    this.squaredNorms = squaredNorms;
    this.ids = [...header.ids];
    this.metadata = header.metadata.map((value) => value ?? undefined);
    this.rowOf = rowOf;
  }

  private ensureCapacity(rows: number): void {
    const capacity = this.squaredNorms.length;
    if (rows <= capacity) return;
    const next = Math.max(rows, capacity * 2);
    const data = new Float32Array(next * this.dimension);
    data.set(this.data);
    this.data = data;
    const norms = new Float64Array(next);
    norms.set(this.squaredNorms);
    this.squaredNorms = norms;
  }

  private writeRow(row: number, vector: Float32Array | readonly number[]): void {
    const dimension = this.dimension;
    const base = row * dimension;
    for (let index = 0; index < dimension; index++) this.data[base + index] = vector[index]!;
    if (this.metric === 'cosine') {
      const norm = Math.sqrt(rowNorm(this.data, row, dimension));
      if (norm > 0) for (let index = 0; index < dimension; index++) this.data[base + index] = this.data[base + index]! / norm;
    }
    this.squaredNorms[row] = rowNorm(this.data, row, dimension);
  }
}

function rowNorm(data: Float32Array, row: number, dimension: number): number {
  let sum = 0;
  for (let index = row * dimension, end = index + dimension; index < end; index++) sum += data[index]! * data[index]!;
  return sum;
}
