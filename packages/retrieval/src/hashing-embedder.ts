import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { PersonalabError, dataError, formatZodError, writeFileAtomic, type Embedder } from '@personalab/core';
import { textFeatures, type FeatureGroup } from './text-features.js';

export interface HashingEmbedderOptions {
  /** Output dimension. Default 256. */
  dimension?: number;
  /** Size of the hashed feature space the IDF statistics live in. Default 2^20. */
  buckets?: number;
  /** Seed of the feature hash and the random projection. Default 1. */
  seed?: number;
  /** Output coordinates each hashed feature is spread over (the projection's non-zeros per column). Default 4. */
  projectionNonZeros?: number;
  /** Relative weight of each feature group after per-group normalisation. */
  weights?: Partial<Record<FeatureGroup, number>>;
}

const defaultWeights: Record<FeatureGroup, number> = { word: 1, bigram: 0.5, character: 1 };

const stateSchema = z.object({
  format: z.literal('personalab-hashing-embedder'),
  version: z.literal(1),
  dimension: z.number().int().positive(),
  buckets: z.number().int().positive().max(2 ** 31),
  seed: z.number().int(),
  projectionNonZeros: z.number().int().positive(),
  weights: z.object({ word: z.number().nonnegative(), bigram: z.number().nonnegative(), character: z.number().nonnegative() }),
  /** Texts the IDF was fitted on (0: not fitted, every feature weighs 1). */
  documentCount: z.number().int().nonnegative(),
  /** Base64 little-endian uint32 arrays of equal length: bucket, and the documents containing it. */
  documentFrequency: z.object({ buckets: z.string(), counts: z.string() }),
});

/** The serialised form of a `HashingEmbedder`, fitted statistics included. */
export type HashingEmbedderState = z.infer<typeof stateSchema>;

/** murmur3's 32-bit finaliser: spreads FNV's weak low bits over the whole word. */
function mix(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

function hashText(text: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return mix(hash);
}

const toBase64 = (values: Uint32Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
function fromBase64(text: string): Uint32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) throw new Error('length is not a multiple of 4 bytes');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Uint32Array(copy.buffer);
}

/**
 * The offline text embedder: word unigrams and bigrams plus character 3–5-grams hashed into a large
 * space, sublinear TF times IDF fitted on a corpus, each group normalised and weighted, then a fixed
 * seeded sparse random projection to `dimension` and L2 normalisation. Only integer hashing and
 * IEEE arithmetic are involved, so vectors are the same on every run and machine.
 */
export class HashingEmbedder implements Embedder {
  readonly dimension: number;
  readonly id: string;
  readonly buckets: number;
  readonly seed: number;
  readonly projectionNonZeros: number;
  readonly weights: Readonly<Record<FeatureGroup, number>>;
  /** Number of texts the IDF was fitted on (0 when not fitted). */
  readonly documentCount: number;
  private readonly documentFrequency: ReadonlyMap<number, number>;
  private readonly maximumIdf: number;
  private readonly projectionSalt: number;

  constructor(options: HashingEmbedderOptions = {}, fitted?: { documentCount: number; documentFrequency: ReadonlyMap<number, number> }) {
    this.dimension = options.dimension ?? 256;
    this.buckets = options.buckets ?? 2 ** 20;
    this.seed = options.seed ?? 1;
    this.projectionNonZeros = options.projectionNonZeros ?? 4;
    this.weights = { ...defaultWeights, ...options.weights };
    if (!Number.isInteger(this.dimension) || this.dimension < 1) throw new PersonalabError('invalid_argument', `HashingEmbedder: dimension must be a positive integer, got ${this.dimension}`);
    if (!Number.isInteger(this.buckets) || this.buckets < 1 || this.buckets > 2 ** 31) throw new PersonalabError('invalid_argument', `HashingEmbedder: buckets must be an integer in [1, 2^31], got ${this.buckets}`);
    if (!Number.isInteger(this.projectionNonZeros) || this.projectionNonZeros < 1) throw new PersonalabError('invalid_argument', `HashingEmbedder: projectionNonZeros must be a positive integer`);
    this.documentCount = fitted?.documentCount ?? 0;
    this.documentFrequency = fitted?.documentFrequency ?? new Map();
    // Unseen features get the largest IDF (document frequency 0).
    this.maximumIdf = Math.log((1 + this.documentCount) / 1) + 1;
    this.projectionSalt = mix((this.seed + 0x9e3779b9) >>> 0);
    this.id = `hashing-v1-d${this.dimension}-b${this.buckets}-s${this.seed}-p${this.projectionNonZeros}-w${this.weights.word}/${this.weights.bigram}/${this.weights.character}-${this.fingerprint()}`;
  }

  /** An embedder whose IDF is fitted on `texts` (each text is one document). */
  static fit(texts: Iterable<string>, options: HashingEmbedderOptions = {}): HashingEmbedder {
    const probe = new HashingEmbedder(options);
    const documentFrequency = new Map<number, number>();
    let documentCount = 0;
    for (const text of texts) {
      documentCount++;
      const seen = new Set<number>();
      for (const group of textFeatures(text)) for (const feature of group.features) seen.add(probe.bucketOf(group.group, feature));
      for (const bucket of seen) documentFrequency.set(bucket, (documentFrequency.get(bucket) ?? 0) + 1);
    }
    return new HashingEmbedder(options, { documentCount, documentFrequency });
  }

  /** Restores an embedder from `toJSON()` output; `source` names where it came from in errors. */
  static fromJSON(value: unknown, source = 'hashing embedder state'): HashingEmbedder {
    const parsed = stateSchema.safeParse(value);
    if (!parsed.success) throw dataError(source, undefined, `not a hashing embedder state: ${formatZodError(parsed.error)}`);
    const state = parsed.data;
    let buckets: Uint32Array;
    let counts: Uint32Array;
    try {
      buckets = fromBase64(state.documentFrequency.buckets);
      counts = fromBase64(state.documentFrequency.counts);
    } catch (error) {
      throw dataError(source, undefined, `documentFrequency: ${(error as Error).message}`, error);
    }
    if (buckets.length !== counts.length) throw dataError(source, undefined, `documentFrequency: ${buckets.length} buckets but ${counts.length} counts`);
    const documentFrequency = new Map<number, number>();
    for (let index = 0; index < buckets.length; index++) {
      const bucket = buckets[index]!;
      const count = counts[index]!;
      if (bucket >= state.buckets || count > state.documentCount) throw dataError(source, undefined, `documentFrequency[${index}]: bucket ${bucket} or count ${count} out of range`);
      documentFrequency.set(bucket, count);
    }
    const options = { dimension: state.dimension, buckets: state.buckets, seed: state.seed, projectionNonZeros: state.projectionNonZeros, weights: state.weights };
    return new HashingEmbedder(options, { documentCount: state.documentCount, documentFrequency });
  }

  /** Reads a file written by `save`; errors name the file. */
  static load(path: string): HashingEmbedder {
    if (!existsSync(path)) throw new PersonalabError('not_found', `${path}: no hashing embedder file`, { details: { file: path } });
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw dataError(path, undefined, `not valid JSON (${(error as Error).message})`, error);
    }
    return HashingEmbedder.fromJSON(value, path);
  }

  /** Writes the state as JSON, atomically. */
  save(path: string): void {
    writeFileAtomic(path, JSON.stringify(this.toJSON()) + '\n');
  }

  toJSON(): HashingEmbedderState {
    const entries = [...this.documentFrequency].sort((a, b) => a[0] - b[0]);
    return {
      format: 'personalab-hashing-embedder',
      version: 1,
      dimension: this.dimension,
      buckets: this.buckets,
      seed: this.seed,
      projectionNonZeros: this.projectionNonZeros,
      weights: { ...this.weights },
      documentCount: this.documentCount,
      documentFrequency: {
        buckets: toBase64(Uint32Array.from(entries, ([bucket]) => bucket)),
        counts: toBase64(Uint32Array.from(entries, ([, count]) => count)),
      },
    };
  }

  /** The inverse document frequency of a hashed feature (1 when not fitted). */
  idf(bucket: number): number {
    if (this.documentCount === 0) return 1;
    const frequency = this.documentFrequency.get(bucket);
    return frequency === undefined ? this.maximumIdf : Math.log((1 + this.documentCount) / (1 + frequency)) + 1;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.embedOne(text));
  }

  /** Synchronous embedding of one text: a unit vector, or all zeros for a text without features. */
  embedOne(text: string): Float32Array {
    const output = new Float64Array(this.dimension);
    const scale = 1 / Math.sqrt(this.projectionNonZeros);
    for (const { group, features } of textFeatures(text)) {
      const weight = this.weights[group];
      if (weight === 0 || features.length === 0) continue;
      const counts = new Map<number, number>();
      for (const feature of features) {
        const bucket = this.bucketOf(group, feature);
        counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
      }
      // Sublinear TF times IDF, normalised per group so long texts' many character grams do not drown the words.
      let norm = 0;
      const values: [number, number][] = [];
      for (const [bucket, count] of counts) {
        const value = (1 + Math.log(count)) * this.idf(bucket);
        values.push([bucket, value]);
        norm += value * value;
      }
      const groupScale = (weight * scale) / Math.sqrt(norm);
      for (const [bucket, value] of values) {
        for (let entry = 0; entry < this.projectionNonZeros; entry++) {
          const hash = mix(((bucket * this.projectionNonZeros + entry) ^ this.projectionSalt) >>> 0);
          const coordinate = (hash >>> 1) % this.dimension;
          output[coordinate] = output[coordinate]! + (hash & 1 ? value : -value) * groupScale;
        }
      }
    }
    let norm = 0;
    for (let index = 0; index < this.dimension; index++) norm += output[index]! * output[index]!;
    const result = new Float32Array(this.dimension);
    if (norm === 0) return result;
    const inverse = 1 / Math.sqrt(norm);
    for (let index = 0; index < this.dimension; index++) result[index] = output[index]! * inverse;
    return result;
  }

  private bucketOf(group: FeatureGroup, feature: string): number {
    // The group prefix keeps the word "the" and the character gram "the" apart.
    return hashText(`${group[0]}\u0001${feature}`, this.seed) % this.buckets;
  }

  /** A short digest of the fitted statistics, so the id changes whenever the vectors would. */
  private fingerprint(): string {
    if (this.documentCount === 0) return 'noidf';
    const hash = createHash('sha256');
    hash.update(String(this.documentCount));
    const entries = [...this.documentFrequency].sort((a, b) => a[0] - b[0]);
    hash.update(Uint32Array.from(entries.flat()));
    return `idf${this.documentCount}-${hash.digest('hex').slice(0, 12)}`;
  }
}
