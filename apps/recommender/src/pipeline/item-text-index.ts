import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PersonalabError, writeFileAtomic, type Embedder, type Item, type VectorIndex } from '@personalab/core';
import { HashingEmbedder } from '@personalab/retrieval';

/** The text an item is embedded from: title, tags, year and description. */
export function itemText(item: Item): string {
  return [item.title, item.tags.join(' '), item.year === undefined ? '' : String(item.year), item.description ?? ''].filter(Boolean).join('. ');
}

/**
 * The offline text embedder for items and for what users say: hashing features weighted by an
 * IDF fitted on the catalogue's item texts, so a query's function words ("the", "and", "me")
 * weigh little and its rare words ("alien") decide. Without the fit every feature weighs the
 * same and "I loved Alien" lands nearest titles full of "the" and "and".
 */
export function itemTextEmbedder(items: readonly Item[], dimension = 256): HashingEmbedder {
  return HashingEmbedder.fit(items.map(itemText), { dimension });
}

export interface ItemTextIndexOptions {
  embedder: Embedder;
  /** Makes an empty index of the embedder's dimension (HNSW in the app). */
  createIndex: (dimension: number) => VectorIndex;
  /** Where the index files live; undefined keeps it in memory only. */
  directory?: string | undefined;
}

export interface OpenResult {
  /** `loaded` from disk, or `rebuilt` (missing, damaged or stale files). */
  status: 'loaded' | 'rebuilt';
  /** Why it was rebuilt. */
  reason?: string;
}

interface IndexMeta {
  embedderId: string;
  size: number;
}

/**
 * Items' text embeddings in a vector index: how new items (cold start) and a new user's words
 * reach the candidate set. Persisted beside the SQLite store and rebuilt from it when the files
 * are missing, damaged or disagree with the store.
 */
export class ItemTextIndex {
  readonly embedder: Embedder;
  private index: VectorIndex;
  private readonly options: ItemTextIndexOptions;

  constructor(options: ItemTextIndexOptions) {
    this.options = options;
    this.embedder = options.embedder;
    this.index = options.createIndex(options.embedder.dimension);
  }

  get size(): number {
    return this.index.size;
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  /** Loads the saved index if it matches `items`, else rebuilds it from them and saves. */
  async open(items: readonly Item[], onProgress?: (done: number, total: number) => void): Promise<OpenResult> {
    const directory = this.options.directory;
    if (directory !== undefined) {
      const reason = await this.tryLoad(directory, items.length);
      if (reason === undefined) return { status: 'loaded' };
      await this.rebuild(items, onProgress);
      return { status: 'rebuilt', reason };
    }
    await this.rebuild(items, onProgress);
    return { status: 'rebuilt', reason: 'in memory' };
  }

  private async tryLoad(directory: string, expectedSize: number): Promise<string | undefined> {
    const metaPath = join(directory, 'meta.json');
    if (!existsSync(metaPath)) return 'no saved index';
    try {
      const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as IndexMeta;
      if (meta.embedderId !== this.embedder.id) return `embedder changed (${meta.embedderId} → ${this.embedder.id})`;
      const index = this.options.createIndex(this.embedder.dimension);
      await index.load(join(directory, 'vectors'));
      if (index.size !== expectedSize || meta.size !== expectedSize) return `index holds ${index.size} items, the store ${expectedSize}`;
      this.index = index;
      return undefined;
    } catch (error) {
      return `damaged index: ${(error as Error).message}`;
    }
  }

  private async rebuild(items: readonly Item[], onProgress?: (done: number, total: number) => void): Promise<void> {
    this.index = this.options.createIndex(this.embedder.dimension);
    const batch = 256;
    for (let start = 0; start < items.length; start += batch) {
      await this.add(items.slice(start, start + batch), false);
      onProgress?.(Math.min(items.length, start + batch), items.length);
    }
    await this.save();
  }

  /** Embeds and adds (or replaces) items; saves the files unless told not to. */
  async add(items: readonly Item[], save = true): Promise<void> {
    if (items.length === 0) return;
    const vectors = await this.embedder.embed(items.map(itemText));
    this.index.add(items.map((item, position) => ({ id: item.id, vector: Array.from(vectors[position] as Float32Array) })));
    if (save) await this.save();
  }

  async save(): Promise<void> {
    const directory = this.options.directory;
    if (directory === undefined) return;
    try {
      await this.index.save(join(directory, 'vectors'));
      writeFileAtomic(join(directory, 'meta.json'), JSON.stringify({ embedderId: this.embedder.id, size: this.index.size } satisfies IndexMeta));
    } catch (error) {
      throw new PersonalabError('storage_error', `cannot save the item index in ${directory}`, { cause: error });
    }
  }

  /** The nearest items to a text, best first. */
  async searchText(text: string, k: number, filter?: (id: string) => boolean): Promise<{ id: string; score: number }[]> {
    const [vector] = await this.embedder.embed([text]);
    if (vector === undefined || this.index.size === 0) return [];
    return this.searchVector(vector, k, filter);
  }

  searchVector(vector: Float32Array | readonly number[], k: number, filter?: (id: string) => boolean): { id: string; score: number }[] {
    if (this.index.size === 0) return [];
    const hits = this.index.search(Array.from(vector), { k: Math.min(k, this.index.size), ef: Math.max(64, k * 2), ...(filter ? { filter: (id: string) => filter(id) } : {}) });
    return hits.map((hit) => ({ id: hit.id, score: hit.score }));
  }

  /** The mean text vector of some items (a user's liked items), for cold-start matching. */
  async centroid(items: readonly Item[]): Promise<Float32Array | undefined> {
    if (items.length === 0) return undefined;
    const vectors = await this.embedder.embed(items.map(itemText));
    const sum = new Float32Array(this.embedder.dimension);
    for (const vector of vectors) for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] ?? 0) + (vector[i] ?? 0);
    let norm = 0;
    for (const value of sum) norm += value * value;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] ?? 0) / norm;
    return sum;
  }
}
