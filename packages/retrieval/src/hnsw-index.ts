import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';

type HierarchicalNSW = InstanceType<typeof hnswlib.HierarchicalNSW>;
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
import { checkSearchOptions, checkVector } from './vectors.js';

export interface HnswIndexOptions {
  dimension: number;
  /** Default `cosine`. */
  metric?: Metric;
  /** Graph degree (links per node per layer). Default 16. */
  m?: number;
  /** Candidate list size while building. Default 200. */
  efConstruction?: number;
  /** Default search breadth when `search` is not given `ef`. Default 64. */
  ef?: number;
  /** Slots to allocate up front; the index doubles when full. Default 1024. */
  initialCapacity?: number;
  /** Seed of hnswlib's level generator. Default 100. */
  seed?: number;
}

const hnswHeaderSchema = z.object({
  kind: z.literal('hnsw'),
  ...commonHeaderShape,
  labels: z.array(z.number().int().nonnegative()),
  nextLabel: z.number().int().nonnegative(),
  /** Slots hnswlib holds, live and deleted. */
  slots: z.number().int().nonnegative(),
  deletedSlots: z.number().int().nonnegative(),
  m: z.number().int().positive(),
  efConstruction: z.number().int().positive(),
  ef: z.number().int().positive(),
  seed: z.number().int(),
});

let temporaryCounter = 0;
const temporaryPath = (directory: string) => join(directory, `.hnsw-${process.pid}-${Date.now()}-${++temporaryCounter}.tmp`);

/**
 * Approximate nearest neighbours over hnswlib-node with string ids and metadata.
 *
 * hnswlib knows only integer labels: each id gets a fresh label that is never reused, because
 * hnswlib's slot replacement keeps a replaced slot's old label, and reusing labels would let a
 * later replacement erase a live mapping. Deleted slots themselves are reused (`replaceDeleted`),
 * so churn does not grow the graph.
 */
export class HnswIndex implements VectorIndex {
  readonly dimension: number;
  readonly metric: Metric;
  /** Graph degree the index was built with. */
  m: number;
  /** Build-time candidate list size. */
  efConstruction: number;
  /** Search breadth used when `search` is not given one. */
  defaultEf: number;
  private readonly seed: number;
  private native: HierarchicalNSW;
  private labelOf = new Map<string, number>();
  private idByLabel: (string | undefined)[] = [];
  private metadataByLabel: (VectorMetadata | undefined)[] = [];
  private nextLabel = 0;
  private deletedSlots = 0;
  private currentEf = -1;
  // The binding wants a plain array; one reused buffer avoids an allocation per call.
  private readonly scratch: number[];

  constructor(options: HnswIndexOptions) {
    if (!Number.isInteger(options.dimension) || options.dimension < 1) {
      throw new PersonalabError('invalid_argument', `HnswIndex: dimension must be a positive integer, got ${options.dimension}`);
    }
    this.dimension = options.dimension;
    this.metric = options.metric ?? 'cosine';
    this.m = options.m ?? 16;
    this.efConstruction = options.efConstruction ?? 200;
    this.defaultEf = options.ef ?? 64;
    this.seed = options.seed ?? 100;
    this.scratch = new Array<number>(this.dimension).fill(0);
    this.native = new hnswlib.HierarchicalNSW(this.metric, this.dimension);
    this.native.initIndex({
      maxElements: Math.max(1, options.initialCapacity ?? 1024),
      m: this.m,
      efConstruction: this.efConstruction,
      randomSeed: this.seed,
      allowReplaceDeleted: true,
    });
  }

  /** Opens the index saved in a directory, taking its parameters from the file. */
  static async open(directory: string): Promise<HnswIndex> {
    const { header } = readIndexFile(directory, hnswHeaderSchema);
    const index = new HnswIndex({
      dimension: header.dimension,
      metric: header.metric,
      m: header.m,
      efConstruction: header.efConstruction,
      ef: header.ef,
      seed: header.seed,
      initialCapacity: 1,
    });
    await index.load(directory);
    return index;
  }

  get size(): number {
    return this.labelOf.size;
  }

  /** Slots allocated in the native index (grows by doubling). */
  get capacity(): number {
    return this.native.getMaxElements();
  }

  has(id: string): boolean {
    return this.labelOf.has(id);
  }

  add(records: readonly VectorRecord[]): void {
    // Validate the whole batch first so a bad record leaves the index untouched.
    for (const record of records) checkVector(record.vector, this.dimension, `add(${JSON.stringify(record.id)})`);
    const point = this.scratch;
    for (const record of records) {
      const vector = record.vector;
      for (let index = 0; index < this.dimension; index++) point[index] = vector[index]!;
      const existing = this.labelOf.get(record.id);
      if (existing !== undefined) {
        // A live label: hnswlib updates the point in place.
        this.native.addPoint(point, existing, false);
        this.metadataByLabel[existing] = record.metadata;
        continue;
      }
      if (this.deletedSlots === 0 && this.native.getCurrentCount() >= this.native.getMaxElements()) {
        this.native.resizeIndex(Math.max(16, this.native.getMaxElements() * 2));
      }
      const label = this.nextLabel++;
      // With a deleted slot available hnswlib reuses it; otherwise it appends.
      this.native.addPoint(point, label, true);
      if (this.deletedSlots > 0) this.deletedSlots--;
      this.labelOf.set(record.id, label);
      this.idByLabel[label] = record.id;
      this.metadataByLabel[label] = record.metadata;
    }
  }

  remove(ids: readonly string[]): number {
    let removed = 0;
    for (const id of ids) {
      const label = this.labelOf.get(id);
      if (label === undefined) continue;
      this.native.markDelete(label);
      this.labelOf.delete(id);
      this.idByLabel[label] = undefined;
      this.metadataByLabel[label] = undefined;
      this.deletedSlots++;
      removed++;
    }
    return removed;
  }

  search(query: Float32Array | readonly number[], options: SearchOptions): SearchHit[] {
    checkSearchOptions(options);
    checkVector(query, this.dimension, 'search');
    const size = this.labelOf.size;
    if (size === 0) return [];
    const k = Math.min(options.k, size);
    const ef = Math.max(options.ef ?? this.defaultEf, k);
    if (ef !== this.currentEf) {
      this.native.setEf(ef);
      this.currentEf = ef;
    }
    const point = this.scratch;
    for (let index = 0; index < this.dimension; index++) point[index] = query[index]!;
    const filter = options.filter;
    const idByLabel = this.idByLabel;
    const metadataByLabel = this.metadataByLabel;
    const result =
      filter === undefined
        ? this.native.searchKnn(point, k)
        : this.native.searchKnn(point, k, (label) => {
            const id = idByLabel[label];
            return id !== undefined && filter(id, metadataByLabel[label]);
          });
    const hits: SearchHit[] = [];
    const isL2 = this.metric === 'l2';
    for (let index = 0; index < result.neighbors.length; index++) {
      const label = result.neighbors[index]!;
      const id = idByLabel[label];
      if (id === undefined) continue;
      const distance = result.distances[index]!;
      // hnswlib reports 1 - similarity for cosine and ip, squared distance for l2.
      const score = isL2 ? -distance : 1 - distance;
      const metadata = metadataByLabel[label];
      hits.push(metadata === undefined ? { id, score } : { id, score, metadata });
    }
    return hits;
  }

  async save(directory: string): Promise<void> {
    const temporary = temporaryPath(tmpdir());
    let payload: Buffer;
    try {
      this.native.writeIndexSync(temporary);
      payload = readFileSync(temporary);
    } finally {
      rmSync(temporary, { force: true });
    }
    const ids: string[] = [];
    const labels: number[] = [];
    const metadata: (VectorMetadata | null)[] = [];
    for (const [id, label] of this.labelOf) {
      ids.push(id);
      labels.push(label);
      metadata.push(this.metadataByLabel[label] ?? null);
    }
    const header = {
      kind: 'hnsw' as const,
      dimension: this.dimension,
      metric: this.metric,
      count: ids.length,
      ids,
      metadata,
      labels,
      nextLabel: this.nextLabel,
      slots: this.native.getCurrentCount(),
      deletedSlots: this.deletedSlots,
      m: this.m,
      efConstruction: this.efConstruction,
      ef: this.defaultEf,
      seed: this.seed,
    };
    writeIndexFile(directory, header, payload);
  }

  async load(directory: string): Promise<void> {
    const { file, header, payload } = readIndexFile(directory, hnswHeaderSchema);
    if (header.dimension !== this.dimension) {
      throw corruptFile(file, `dimension ${header.dimension} in the file does not match this index's ${this.dimension}`);
    }
    if (header.metric !== this.metric) {
      throw corruptFile(file, `metric ${header.metric} in the file does not match this index's ${this.metric}`);
    }
    const { count } = header;
    if (header.ids.length !== count || header.labels.length !== count || header.metadata.length !== count) {
      throw corruptFile(file, `header lists ${header.ids.length} ids, ${header.labels.length} labels and ${header.metadata.length} metadata entries for a count of ${count}`);
    }
    if (header.slots !== count + header.deletedSlots) {
      throw corruptFile(file, `header counts ${header.slots} slots but ${count} live and ${header.deletedSlots} deleted`);
    }
    // Build everything aside and swap at the end, so a failed load leaves this index as it was.
    const native = new hnswlib.HierarchicalNSW(this.metric, this.dimension);
    const temporary = temporaryPath(tmpdir());
    try {
      writeFileSync(temporary, payload);
      native.readIndexSync(temporary, true);
    } catch (error) {
      throw corruptFile(file, `hnswlib could not read the graph: ${(error as Error).message}`, error);
    } finally {
      rmSync(temporary, { force: true });
    }
    if (native.getCurrentCount() !== header.slots) {
      throw corruptFile(file, `graph holds ${native.getCurrentCount()} slots, header says ${header.slots}`);
    }
    const nativeLabels = new Set(native.getIdsList());
    const labelOf = new Map<string, number>();
    const idByLabel: (string | undefined)[] = [];
    const metadataByLabel: (VectorMetadata | undefined)[] = [];
    for (let index = 0; index < count; index++) {
      const id = header.ids[index]!;
      const label = header.labels[index]!;
      if (!nativeLabels.has(label) || label >= header.nextLabel) throw corruptFile(file, `label ${label} of id ${JSON.stringify(id)} is not in the graph`);
      if (labelOf.has(id)) throw corruptFile(file, `duplicate id ${JSON.stringify(id)}`);
      labelOf.set(id, label);
      idByLabel[label] = id;
      metadataByLabel[label] = header.metadata[index] ?? undefined;
    }
    this.native = native;
    this.labelOf = labelOf;
    this.idByLabel = idByLabel;
    this.metadataByLabel = metadataByLabel;
    this.nextLabel = header.nextLabel;
    this.deletedSlots = header.deletedSlots;
    this.defaultEf = header.ef;
    this.m = header.m;
    this.efConstruction = header.efConstruction;
    this.currentEf = -1;
  }
}
