import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import hnswlib from 'hnswlib-node';

/** The hnswlib-node index class this wrapper drives. */
export type HierarchicalNSW = InstanceType<typeof hnswlib.HierarchicalNSW>;
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
import { checkHnswFile, reorderHnswFile } from './hnsw-layout.js';
import { createScratchFile } from './scratch-file.js';
import { checkMetadata, checkMetric, checkSearchOptions, checkVector, normalizeInPlace } from './vectors.js';

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
  /**
   * A `where` search matching at most this many records scores them exactly instead of walking the
   * graph (a graph walk under a very selective filter visits most of the graph). Default 2048.
   */
  flatSearchLimit?: number;
}

export interface HnswOptimizeOptions {
  /**
   * Folder for the scratch file holding a copy of the graph (created when missing, removed after). Default: the
   * folder this index was last saved to or loaded from, else (or when that one is read-only) the system's temporary folder.
   */
  directory?: string;
}

const hnswHeaderSchema = z.object({
  kind: z.literal('hnsw'),
  ...commonHeaderShape,
  labels: z.array(z.number().int().nonnegative()),
  nextLabel: z.number().int().nonnegative(),
  /** Slots hnswlib holds, live and deleted. */
  slots: z.number().int().nonnegative(),
  deletedSlots: z.number().int().nonnegative(),
  m: z.number().int().min(2),
  efConstruction: z.number().int().positive(),
  ef: z.number().int().positive(),
  seed: z.number().int(),
});

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
  private seed: number;
  private native: HierarchicalNSW;
  private labelOf = new Map<string, number>();
  private idByLabel: (string | undefined)[] = [];
  private metadataByLabel: (VectorMetadata | undefined)[] = [];
  /** Stored vectors by label (unit length under cosine), for exact scoring of small `where` sets. */
  private vectorByLabel: (Float32Array | undefined)[] = [];
  /** Inverted index over metadata: field and value to the labels that have it. */
  private postings = new Map<string, Set<number>>();
  /** A `where` set (or a `searchAmong` list a caller narrows to) of at most this many records is scored exactly. */
  readonly flatSearchLimit: number;
  private nextLabel = 0;
  private deletedSlots = 0;
  private currentEf = -1;
  /** The folder this index was last saved to or loaded from: where `optimize` puts its scratch file. */
  private directory: string | undefined;
  // The binding wants a plain array; one reused buffer avoids an allocation per call.
  private readonly scratch: number[];

  constructor(options: HnswIndexOptions) {
    if (!Number.isInteger(options.dimension) || options.dimension < 1) {
      throw new PersonalabError('invalid_argument', `HnswIndex: dimension must be a positive integer, got ${options.dimension}`);
    }
    this.dimension = options.dimension;
    this.metric = checkMetric(options.metric ?? 'cosine', 'HnswIndex');
    // Checked here because hnswlib does not: m 0 crashes the process, m 1 fails as "not enough memory", and a
    // fractional m or an ef of 0 would be saved into a file that the header check then refuses to load.
    this.m = integerOption('m', options.m ?? 16, 2, 10_000);
    this.efConstruction = integerOption('efConstruction', options.efConstruction ?? 200, 1);
    this.defaultEf = integerOption('ef', options.ef ?? 64, 1);
    this.seed = integerOption('seed', options.seed ?? 100, Number.MIN_SAFE_INTEGER);
    const initialCapacity = integerOption('initialCapacity', options.initialCapacity ?? 1024, 0, 2 ** 32 - 1);
    this.flatSearchLimit = options.flatSearchLimit ?? 2048;
    if (!(this.flatSearchLimit >= 0)) throw new PersonalabError('invalid_argument', `HnswIndex: flatSearchLimit must be 0 or more, got ${this.flatSearchLimit}`);
    this.scratch = new Array<number>(this.dimension).fill(0);
    this.native = new hnswlib.HierarchicalNSW(this.metric, this.dimension);
    this.native.initIndex({
      maxElements: Math.max(1, initialCapacity),
      m: this.m,
      efConstruction: this.efConstruction,
      randomSeed: this.seed,
      allowReplaceDeleted: true,
    });
  }

  /** Opens the index saved in a directory, taking its parameters from the file. */
  static async open(directory: string): Promise<HnswIndex> {
    const { header } = readIndexFile(directory, 'hnsw', hnswHeaderSchema);
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

  /**
   * The underlying hnswlib-node index, for benchmarks that compare against calling it directly.
   * Its labels are internal; changing it behind this wrapper's back breaks the wrapper.
   */
  get nativeIndex(): HierarchicalNSW {
    return this.native;
  }

  add(records: readonly VectorRecord[]): void {
    // Validate the whole batch first so a bad record leaves the index untouched.
    for (const record of records) {
      checkVector(record.vector, this.dimension, `add(${JSON.stringify(record.id)})`);
      checkMetadata(record.metadata, `add(${JSON.stringify(record.id)})`);
    }
    const point = this.scratch;
    for (const record of records) {
      const vector = record.vector;
      for (let index = 0; index < this.dimension; index++) point[index] = vector[index]!;
      this.prepare(point);
      const existing = this.labelOf.get(record.id);
      if (existing !== undefined) {
        // A live label: hnswlib updates the point in place.
        this.native.addPoint(point, existing, false);
        this.unindexMetadata(existing);
        this.remember(existing, record.vector, record.metadata);
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
      this.remember(label, record.vector, record.metadata);
    }
  }

  remove(ids: readonly string[]): number {
    let removed = 0;
    for (const id of ids) {
      const label = this.labelOf.get(id);
      if (label === undefined) continue;
      this.native.markDelete(label);
      this.unindexMetadata(label);
      this.labelOf.delete(id);
      this.idByLabel[label] = undefined;
      this.metadataByLabel[label] = undefined;
      this.vectorByLabel[label] = undefined;
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
    this.prepare(point);
    const { filter, where } = options;
    const idByLabel = this.idByLabel;
    const metadataByLabel = this.metadataByLabel;
    // An empty `where` constrains nothing.
    const allowed = where === undefined || Object.keys(where).length === 0 ? undefined : this.labelsWhere(where);
    if (allowed !== undefined && allowed.size <= this.flatSearchLimit) return this.flatSearch(point, k, allowed, filter);
    // hnswlib-node aborts the whole process when its filter callback throws: catch there, rethrow after the walk.
    let thrown: { error: unknown } | undefined;
    const guarded =
      filter === undefined
        ? undefined
        : (id: string, metadata: VectorMetadata | undefined): boolean => {
            if (thrown !== undefined) return false;
            try {
              return Boolean(filter(id, metadata));
            } catch (error) {
              thrown = { error };
              return false;
            }
          };
    let callback: ((label: number) => boolean) | undefined;
    if (allowed !== undefined) {
      callback = guarded === undefined ? (label) => allowed.has(label) : (label) => allowed.has(label) && guarded(idByLabel[label]!, metadataByLabel[label]);
    } else if (guarded !== undefined) {
      callback = (label) => {
        const id = idByLabel[label];
        return id !== undefined && guarded(id, metadataByLabel[label]);
      };
    }
    const result = callback === undefined ? this.native.searchKnn(point, k) : this.native.searchKnn(point, k, callback);
    if (thrown !== undefined) throw thrown.error;
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

  /**
   * Exact scores of the given records only (ids this index does not hold are skipped), best first: for a set that
   * something outside the index has already narrowed (a time range from SQLite), where a graph walk under a filter
   * that few records pass would visit most of the graph.
   */
  searchAmong(query: Float32Array | readonly number[], ids: Iterable<string>, options: { k: number }): SearchHit[] {
    checkSearchOptions({ k: options.k });
    checkVector(query, this.dimension, 'searchAmong');
    const labels = new Set<number>();
    for (const id of ids) {
      const label = this.labelOf.get(id);
      if (label !== undefined) labels.add(label);
    }
    if (labels.size === 0) return [];
    const point = this.scratch;
    for (let index = 0; index < this.dimension; index++) point[index] = query[index]!;
    this.prepare(point);
    return this.flatSearch(point, options.k, labels, undefined);
  }

  /**
   * Renumbers the graph's nodes in breadth-first order so that neighbours sit next to each other in
   * memory. Search results are unchanged; searches get faster because fewer visited nodes miss the
   * CPU cache (about 1.2–1.4× at 100k × 64, see bench/results/retrieval). Worth calling after a large
   * batch of adds; nodes added later are appended in insertion order again. Costs a copy of the graph,
   * in memory and in a scratch file (hnswlib reads and writes graphs only as files).
   */
  optimize(options: HnswOptimizeOptions = {}): void {
    const directories = options.directory !== undefined ? [options.directory] : [...(this.directory === undefined ? [] : [this.directory]), tmpdir()];
    const native = new hnswlib.HierarchicalNSW(this.metric, this.dimension);
    readGraph(native, directories, reorderHnswFile(writeGraph(this.native, directories)), (error) => {
      throw new PersonalabError('internal', `HnswIndex.optimize: hnswlib could not read the renumbered graph: ${(error as Error).message}`, { cause: error });
    });
    this.native = native;
    this.currentEf = -1;
  }

  /**
   * Under cosine, scales a point to unit length in double precision before hnswlib sees it: hnswlib normalises in
   * 32-bit floats, where squares of components past 1.8e19 overflow (every score NaN) and below 1e-19 vanish
   * (the vector left unnormalised). A unit vector passes its normalisation unchanged.
   */
  private prepare(point: number[]): void {
    if (this.metric === 'cosine') normalizeInPlace(point);
  }

  /** Exact scores over a set of labels (the query is in `point`, prepared: unit length under cosine, as the stored copies are). */
  private flatSearch(point: number[], k: number, labels: ReadonlySet<number>, filter: SearchOptions['filter']): SearchHit[] {
    const dimension = this.dimension;
    const scored: { label: number; score: number }[] = [];
    for (const label of labels) {
      const vector = this.vectorByLabel[label]!;
      if (filter !== undefined && !filter(this.idByLabel[label]!, this.metadataByLabel[label])) continue;
      let score = 0;
      if (this.metric === 'l2') {
        for (let index = 0; index < dimension; index++) score -= (point[index]! - vector[index]!) ** 2;
      } else {
        for (let index = 0; index < dimension; index++) score += point[index]! * vector[index]!;
      }
      scored.push({ label, score });
    }
    scored.sort((a, b) => b.score - a.score || a.label - b.label);
    return scored.slice(0, k).map(({ label, score }) => {
      const metadata = this.metadataByLabel[label];
      const id = this.idByLabel[label]!;
      return metadata === undefined ? { id, score } : { id, score, metadata };
    });
  }

  /** Labels whose metadata matches every field of `where` (an empty set when none do). */
  private labelsWhere(where: VectorMetadata): ReadonlySet<number> {
    const sets: Set<number>[] = [];
    for (const key in where) {
      const set = this.postings.get(postingKey(key, where[key]!));
      if (set === undefined) return new Set();
      sets.push(set);
    }
    sets.sort((a, b) => a.size - b.size);
    const [smallest, ...rest] = sets as [Set<number>, ...Set<number>[]]; // `where` has at least one field here
    if (rest.length === 0) return smallest;
    const result = new Set<number>();
    for (const label of smallest) if (rest.every((set) => set.has(label))) result.add(label);
    return result;
  }

  /** Keeps a label's vector copy and metadata, and indexes the metadata. */
  private remember(label: number, vector: Float32Array | readonly number[], metadata: VectorMetadata | undefined): void {
    const copy = Float32Array.from(vector);
    if (this.metric === 'cosine') normalizeInPlace(copy);
    this.vectorByLabel[label] = copy;
    this.metadataByLabel[label] = metadata;
    if (metadata === undefined) return;
    for (const key in metadata) {
      const posting = postingKey(key, metadata[key]!);
      let set = this.postings.get(posting);
      if (set === undefined) {
        set = new Set();
        this.postings.set(posting, set);
      }
      set.add(label);
    }
  }

  private unindexMetadata(label: number): void {
    const metadata = this.metadataByLabel[label];
    if (metadata === undefined) return;
    for (const key in metadata) {
      const posting = postingKey(key, metadata[key]!);
      const set = this.postings.get(posting);
      set?.delete(label);
      if (set?.size === 0) this.postings.delete(posting);
    }
  }

  async save(directory: string): Promise<void> {
    // The graph's scratch file goes where the index goes, and is removed before the index file is written.
    const payload = writeGraph(this.native, [directory]);
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
    this.directory = directory;
  }

  async load(directory: string): Promise<void> {
    const { file, header, payload } = readIndexFile(directory, 'hnsw', hnswHeaderSchema);
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
    // Scratch file beside the index; in the system's temporary folder only when the index's folder is read-only.
    readGraph(native, [directory, tmpdir()], payload, (error) => {
      throw corruptFile(file, `hnswlib could not read the graph: ${(error as Error).message}`, error);
    });
    if (native.getCurrentCount() !== header.slots) {
      throw corruptFile(file, `graph holds ${native.getCurrentCount()} slots, header says ${header.slots}`);
    }
    const nativeLabels = new Set(native.getIdsList());
    const labelOf = new Map<string, number>();
    for (let index = 0; index < count; index++) {
      const id = header.ids[index]!;
      const label = header.labels[index]!;
      if (!nativeLabels.has(label) || label >= header.nextLabel) throw corruptFile(file, `label ${label} of id ${JSON.stringify(id)} is not in the graph`);
      if (labelOf.has(id)) throw corruptFile(file, `duplicate id ${JSON.stringify(id)}`);
      labelOf.set(id, label);
    }
    // Everything is checked: swap in the new graph and rebuild the side tables from it.
    this.native = native;
    this.labelOf = labelOf;
    this.idByLabel = [];
    this.metadataByLabel = [];
    this.vectorByLabel = [];
    this.postings = new Map();
    for (let index = 0; index < count; index++) {
      const label = header.labels[index]!;
      this.idByLabel[label] = header.ids[index]!;
      this.remember(label, native.getPoint(label), header.metadata[index] ?? undefined);
    }
    this.nextLabel = header.nextLabel;
    this.deletedSlots = header.deletedSlots;
    this.defaultEf = header.ef;
    this.m = header.m;
    this.efConstruction = header.efConstruction;
    this.seed = header.seed;
    this.currentEf = -1;
    this.directory = directory;
  }
}

/**
 * hnswlib's graph as bytes, through a scratch file in the first writable folder of `directories` (removed again,
 * also on failure). hnswlib does not check its writes, so a full disk would hand back a short graph: its length is
 * checked against its own header, and a short one is a `storage_error` naming the scratch file.
 */
function writeGraph(native: HierarchicalNSW, directories: readonly string[]): Buffer {
  const scratch = scratchFileIn(directories);
  try {
    native.writeIndexSync(scratch);
    const bytes = readFileSync(scratch);
    try {
      checkHnswFile(bytes);
    } catch (error) {
      throw new PersonalabError('storage_error', `${scratch}: hnswlib wrote an incomplete graph (${bytes.length} bytes; is the disk full?): ${(error as Error).message}`, { cause: error, details: { file: scratch } });
    }
    return bytes;
  } catch (error) {
    if (PersonalabError.is(error)) throw error;
    throw new PersonalabError('storage_error', `${scratch}: cannot write the graph's scratch file (${(error as Error).message})`, { cause: error, details: { file: scratch } });
  } finally {
    rmSync(scratch, { force: true });
  }
}

/**
 * Reads graph bytes into `native` through a scratch file in the first writable folder of `directories` (removed
 * again, also on failure). Writing the scratch file fails with `storage_error`; hnswlib's own error goes to `refused`.
 */
function readGraph(native: HierarchicalNSW, directories: readonly string[], bytes: Uint8Array, refused: (error: unknown) => never): void {
  const scratch = scratchFileIn(directories);
  try {
    try {
      writeFileSync(scratch, bytes);
    } catch (error) {
      throw new PersonalabError('storage_error', `${scratch}: cannot write the graph's scratch file (${(error as Error).message})`, { cause: error, details: { file: scratch } });
    }
    try {
      native.readIndexSync(scratch, true);
    } catch (error) {
      refused(error);
    }
  } finally {
    rmSync(scratch, { force: true });
  }
}

function scratchFileIn(directories: readonly string[]): string {
  try {
    return createScratchFile(directories);
  } catch (error) {
    throw new PersonalabError('storage_error', `${directories[0]}: cannot create a scratch file for the graph (${(error as Error).message})`, { cause: error, details: { file: directories[0] } });
  }
}

/** An integer option in [minimum, maximum], or an `invalid_argument` error naming it. */
function integerOption(name: string, value: number, minimum: number, maximum = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < minimum || value > maximum) {
    const range = maximum !== Number.MAX_SAFE_INTEGER ? ` from ${minimum} to ${maximum}` : minimum !== Number.MIN_SAFE_INTEGER ? ` ${minimum} or more` : '';
    throw new PersonalabError('invalid_argument', `HnswIndex: ${name} must be an integer${range}, got ${value}`);
  }
  return value;
}

/** Posting-list key of a metadata field and value; the type is part of it so 1 and "1" differ. */
function postingKey(key: string, value: string | number | boolean): string {
  return `${key}\u0000${typeof value}\u0000${String(value)}`;
}
