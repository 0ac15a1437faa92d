export type Metric = 'cosine' | 'ip' | 'l2';

export type VectorMetadata = Record<string, string | number | boolean>;

export interface VectorRecord {
  id: string;
  vector: Float32Array | readonly number[];
  metadata?: VectorMetadata;
}

export interface SearchOptions {
  k: number;
  /** HNSW search breadth; ignored by exact search. */
  ef?: number;
  /** Only records for which this returns true are returned. */
  filter?: (id: string, metadata: VectorMetadata | undefined) => boolean;
  /**
   * Only records whose metadata has each of these fields with exactly this value. Unlike the opaque
   * `filter`, an index can use it to narrow the search first (e.g. score a small matching set exactly).
   */
  where?: VectorMetadata;
}

export interface SearchHit {
  id: string;
  /** Higher is closer: similarity for cosine/ip, negative squared distance for l2. */
  score: number;
  metadata?: VectorMetadata;
}

/** Nearest-neighbour search over string-keyed vectors. */
export interface VectorIndex {
  readonly dimension: number;
  readonly metric: Metric;
  readonly size: number;
  /** Adds records; an existing id is replaced. */
  add(records: readonly VectorRecord[]): void;
  /** Removes records; unknown ids are ignored. Returns how many were removed. */
  remove(ids: readonly string[]): number;
  has(id: string): boolean;
  search(query: Float32Array | readonly number[], options: SearchOptions): SearchHit[];
  /** Writes the index atomically into a directory. */
  save(directory: string): Promise<void>;
  /** Replaces the contents with what `save` wrote; fails with `corrupt_file` naming the file. */
  load(directory: string): Promise<void>;
}
