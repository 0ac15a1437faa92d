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
import { removeStaleScratchFiles } from './scratch-file.js';
import { createSimdKernels, kernelBlock, type SimdKernels } from './simd-kernels.js';
import { TopK } from './top-k.js';
import { checkMetadata, checkMetric, checkSearchOptions, checkVector, matchesWhere, normalizeInPlace } from './vectors.js';

export interface ExactIndexOptions {
  dimension: number;
  /** Default `cosine`. */
  metric?: Metric;
  /** Rows to allocate up front; the store doubles when full. Default 1024. */
  initialCapacity?: number;
}

const exactHeaderSchema = z.object({ kind: z.literal('exact'), ...commonHeaderShape });

/** Bytes a 32-bit WebAssembly memory can hold (65,536 pages of 64 KiB): the query, the rows and their scores share it. */
const wasmMemoryLimit = 2 ** 32;
const wasmPage = 65536;

/**
 * Brute-force search over one contiguous `Float32Array` with a top-k heap: the ground truth for
 * tests and benchmarks, and the right choice for small sets. The rows live in WebAssembly memory
 * (zero-padded to a multiple of 16 floats) so a SIMD kernel scores them all; cosine vectors are
 * stored unit-length.
 */
export class ExactIndex implements VectorIndex {
  readonly dimension: number;
  readonly metric: Metric;
  /** Floats per stored row: the dimension rounded up to the kernel's block. */
  private readonly stride: number;
  private readonly kernels: SimdKernels;
  /** Byte offset of the rows in WebAssembly memory (the query sits before them). */
  private readonly dataOffset: number;
  /** Most rows that fit in WebAssembly memory at this dimension. */
  readonly maxRows: number;
  private capacity = 0;
  private data!: Float32Array;
  private scores!: Float32Array;
  private query!: Float32Array;
  private ids: string[] = [];
  private metadata: (VectorMetadata | undefined)[] = [];
  private rowOf = new Map<string, number>();

  constructor(options: ExactIndexOptions) {
    if (!Number.isInteger(options.dimension) || options.dimension < 1) {
      throw new PersonalabError('invalid_argument', `ExactIndex: dimension must be a positive integer, got ${options.dimension}`);
    }
    this.dimension = options.dimension;
    this.metric = checkMetric(options.metric ?? 'cosine', 'ExactIndex');
    this.stride = Math.ceil(this.dimension / kernelBlock) * kernelBlock;
    this.kernels = createSimdKernels();
    this.dataOffset = this.stride * 4;
    // Each row costs its padded floats plus one float of scores.
    this.maxRows = Math.floor((wasmMemoryLimit - this.dataOffset) / (this.stride * 4 + 4));
    if (this.maxRows < 1) {
      throw new PersonalabError('invalid_argument', `ExactIndex: dimension ${this.dimension} does not fit in WebAssembly's 4 GiB memory`);
    }
    const initialCapacity = options.initialCapacity ?? 1024;
    if (!Number.isInteger(initialCapacity) || initialCapacity < 0) {
      throw new PersonalabError('invalid_argument', `ExactIndex: initialCapacity must be an integer 0 or more, got ${initialCapacity}`);
    }
    this.ensureCapacity(Math.min(this.maxRows, Math.max(1, initialCapacity)));
  }

  /** Opens the index saved in a directory, taking dimension and metric from the file. */
  static async open(directory: string): Promise<ExactIndex> {
    const { header } = readIndexFile(directory, 'exact', exactHeaderSchema);
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
    // Make room for the whole batch and validate it before the first write, so a failure leaves the index untouched.
    const newIds = new Set<string>();
    for (const record of records) if (!this.rowOf.has(record.id)) newIds.add(record.id);
    this.ensureCapacity(this.ids.length + newIds.size);
    for (const record of records) {
      checkVector(record.vector, this.dimension, `add(${JSON.stringify(record.id)})`);
      checkMetadata(record.metadata, `add(${JSON.stringify(record.id)})`);
    }
    for (const record of records) {
      let row = this.rowOf.get(record.id);
      if (row === undefined) {
        row = this.ids.length;
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
    const stride = this.stride;
    for (const id of ids) {
      const row = this.rowOf.get(id);
      if (row === undefined) continue;
      // Move the last row into the hole so the store stays contiguous.
      const last = this.ids.length - 1;
      if (row !== last) {
        this.data.copyWithin(row * stride, last * stride, (last + 1) * stride);
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
    const q = this.query;
    for (let index = 0; index < this.dimension; index++) q[index] = query[index]!;
    if (this.metric === 'cosine') normalizeInPlace(q);
    const scoresOffset = this.dataOffset + this.capacity * this.stride * 4;
    if (this.metric === 'l2') this.kernels.l2(0, this.dataOffset, count, this.stride, scoresOffset);
    else this.kernels.dot(0, this.dataOffset, count, this.stride, scoresOffset);
    const scores = this.scores;
    const { filter, where } = options;
    const top = new TopK(Math.min(options.k, count));
    let threshold = Number.NEGATIVE_INFINITY;
    for (let row = 0; row < count; row++) {
      const score = scores[row]!;
      if (score <= threshold) continue;
      // Filters run only for rows that would enter the top k: most rows never reach them.
      if (where !== undefined && !matchesWhere(this.metadata[row], where)) continue;
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
    return this.data.slice(row * this.stride, row * this.stride + this.dimension);
  }

  /** All ids, in storage order. */
  allIds(): string[] {
    return [...this.ids];
  }

  async save(directory: string): Promise<void> {
    const count = this.ids.length;
    const { dimension, stride } = this;
    // Rows are written unpadded, so the file does not depend on the kernel's block size.
    const packed = new Float32Array(count * dimension);
    for (let row = 0; row < count; row++) packed.set(this.data.subarray(row * stride, row * stride + dimension), row * dimension);
    const header = {
      kind: 'exact' as const,
      dimension,
      metric: this.metric,
      count,
      ids: this.ids,
      metadata: this.metadata.map((value) => value ?? null),
    };
    writeIndexFile(directory, header, new Uint8Array(packed.buffer));
  }

  async load(directory: string): Promise<void> {
    const { file, header, payload } = readIndexFile(directory, 'exact', exactHeaderSchema);
    // A save killed mid-write left its temporary file; the next save removes it too, but a folder may only be read.
    removeStaleScratchFiles(directory);
    const { dimension, stride } = this;
    if (header.dimension !== dimension) {
      throw corruptFile(file, `dimension ${header.dimension} in the file does not match this index's ${dimension}`);
    }
    if (header.metric !== this.metric) {
      throw corruptFile(file, `metric ${header.metric} in the file does not match this index's ${this.metric}`);
    }
    if (header.ids.length !== header.count || header.metadata.length !== header.count) {
      throw corruptFile(file, `header lists ${header.ids.length} ids and ${header.metadata.length} metadata entries for a count of ${header.count}`);
    }
    const expectedBytes = header.count * dimension * 4;
    if (payload.byteLength !== expectedBytes) {
      throw corruptFile(file, `vector data is ${payload.byteLength} bytes, expected ${expectedBytes} for ${header.count} × ${dimension}`);
    }
    const rowOf = new Map<string, number>();
    header.ids.forEach((id, row) => rowOf.set(id, row));
    if (rowOf.size !== header.count) throw corruptFile(file, 'duplicate ids in the header');
    const packed = new Float32Array(header.count * dimension);
    new Uint8Array(packed.buffer).set(payload);
    for (let index = 0; index < packed.length; index++) {
      if (!Number.isFinite(packed[index])) throw corruptFile(file, `vector data holds a non-finite value at row ${Math.floor(index / dimension)}`);
    }
    // Everything is checked before the first write, so a failed load leaves this index as it was.
    this.ensureCapacity(header.count);
    this.data.fill(0, 0, header.count * stride);
    for (let row = 0; row < header.count; row++) this.data.set(packed.subarray(row * dimension, (row + 1) * dimension), row * stride);
    this.ids = [...header.ids];
    this.metadata = header.metadata.map((value) => value ?? undefined);
    this.rowOf = rowOf;
  }

  /**
   * Makes room for `rows` rows (doubling, up to `maxRows`), keeping the stored rows where they are.
   * Throws `storage_error` and changes nothing when they do not fit.
   */
  private ensureCapacity(rows: number): void {
    if (rows <= this.capacity) return;
    const gibibytes = (count: number) => ((this.dataOffset + count * (this.stride * 4 + 4)) / 2 ** 30).toFixed(1);
    if (rows > this.maxRows) {
      throw new PersonalabError(
        'storage_error',
        `ExactIndex: ${rows} rows of dimension ${this.dimension} need ${gibibytes(rows)} GiB, over WebAssembly's 4 GiB memory (at most ${this.maxRows} rows at this dimension; use HnswIndex for more)`,
      );
    }
    const capacity = Math.min(this.maxRows, Math.max(rows, this.capacity * 2));
    const memory = this.kernels.memory;
    // Layout: query | rows | scores. Growing moves only the scores, which are scratch.
    const needed = this.dataOffset + capacity * this.stride * 4 + capacity * 4;
    if (needed > memory.buffer.byteLength) {
      try {
        memory.grow(Math.ceil((needed - memory.buffer.byteLength) / wasmPage));
      } catch (error) {
        throw new PersonalabError('storage_error', `ExactIndex: cannot grow to ${capacity} rows of dimension ${this.dimension} (${gibibytes(capacity)} GiB): ${(error as Error).message}`, { cause: error });
      }
    }
    this.capacity = capacity;
    this.query = new Float32Array(memory.buffer, 0, this.stride);
    this.data = new Float32Array(memory.buffer, this.dataOffset, capacity * this.stride);
    this.scores = new Float32Array(memory.buffer, this.dataOffset + capacity * this.stride * 4, capacity);
  }

  private writeRow(row: number, vector: Float32Array | readonly number[]): void {
    const base = row * this.stride;
    const target = this.data.subarray(base, base + this.dimension);
    for (let index = 0; index < this.dimension; index++) target[index] = vector[index]!;
    if (this.metric === 'cosine') normalizeInPlace(target);
    // The kernels read whole padded rows; a row past the old capacity holds stale scores there after growth.
    this.data.fill(0, base + this.dimension, base + this.stride);
  }
}
