import { z } from 'zod';
import { PersonalabError, formatZodError, type Embedder } from '@personalab/core';
import { cacheKey, throughCache } from './llm-cache.js';
import { OpenAIEndpoint, type OpenAIClientOptions } from './openai-chat-model.js';
import type { UsageTotals } from './usage-tracker.js';

export interface OpenAIEmbedderOptions extends OpenAIClientOptions {
  /** Provider-side embedding model, e.g. `text-embedding-3-small`, `nomic-embed-text`. */
  model: string;
  /** Vector length the model returns (see `createOpenAIEmbedder` to ask the server). */
  dimension: number;
  /** Texts per request. Default 64. */
  batchSize?: number;
  /** Send `dimensions` so the server shortens vectors (OpenAI text-embedding-3 only). Default false. */
  requestDimensions?: boolean;
}

const embeddingResponseSchema = z.object({
  data: z.array(
    z.object({
      // Some servers leave `index` out; their entries come in input order.
      index: z.number().int().nonnegative().optional(),
      // Floats, or base64 little-endian float32 (what some servers send whatever `encoding_format` asked for).
      embedding: z.union([z.array(z.number()), z.string()]),
    }),
  ),
  usage: z.object({ prompt_tokens: z.number(), total_tokens: z.number().optional() }).nullish(),
});

type EmbeddingResponse = z.infer<typeof embeddingResponseSchema>;

/** A base64 embedding as numbers (little-endian float32, as OpenAI encodes it); undefined when it is not whole floats. */
function decodeBase64Embedding(encoded: string): number[] | undefined {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length === 0 || bytes.length % 4 !== 0) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.length / 4 }, (_, position) => view.getFloat32(position * 4, true));
}

/**
 * A response's embeddings in input order, as numbers: entries sorted by `index` (servers may answer out of
 * order), or in the order sent when no entry has one; base64 decoded. Throws `upstream_bad_response` naming
 * what is wrong (wrong count, indices that are not 0..n-1, a base64 string that is not float32s).
 */
function embeddingsInOrder(response: EmbeddingResponse, expected: number, baseURL: string): number[][] {
  const bad = (message: string) => new PersonalabError('upstream_bad_response', `${baseURL} ${message}`);
  const data = response.data;
  if (data.length !== expected) throw bad(`sent ${data.length} embeddings for ${expected} texts`);
  const withIndex = data.filter((entry) => entry.index !== undefined).length;
  if (withIndex !== 0 && withIndex !== data.length) throw bad(`sent ${withIndex} of ${data.length} embeddings with an index and the rest without`);
  const ordered = withIndex === 0 ? data : [...data].sort((a, b) => (a.index as number) - (b.index as number));
  if (withIndex !== 0 && ordered.some((entry, position) => entry.index !== position)) {
    const indices = data.map((entry) => entry.index);
    throw bad(`sent embeddings with indices [${indices.slice(0, 10).join(', ')}${indices.length > 10 ? ', …' : ''}] for ${expected} texts (expected each of 0..${expected - 1} once)`);
  }
  return ordered.map((entry, position) => {
    if (typeof entry.embedding !== 'string') return entry.embedding;
    const decoded = decodeBase64Embedding(entry.embedding);
    if (decoded === undefined) throw bad(`sent embedding ${position} as a string that is not base64 float32 values`);
    return decoded;
  });
}

/** Scales to unit length (a zero vector stays zero). */
function normalize(values: readonly number[]): Float32Array {
  const vector = Float32Array.from(values);
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let index = 0; index < vector.length; index++) vector[index] = (vector[index] as number) / norm;
  return vector;
}

const encodeVector = (vector: Float32Array) => Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');

function decodeVector(stored: string): Float32Array {
  const bytes = Buffer.from(stored, 'base64');
  // Copy into an aligned buffer: a Buffer's offset into its pool need not be a multiple of 4.
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/**
 * `Embedder` over `/v1/embeddings`: batched requests run through the same retries, timeout and
 * concurrency limit as the chat model, vectors come back unit-length, and each text's vector is
 * cached on its own (so overlapping batches reuse work).
 */
export class OpenAIEmbedder implements Embedder {
  readonly dimension: number;
  readonly id: string;
  readonly model: string;
  private readonly endpoint: OpenAIEndpoint;
  private readonly batchSize: number;
  private readonly requestDimensions: boolean;

  constructor(options: OpenAIEmbedderOptions) {
    if (!Number.isInteger(options.dimension) || options.dimension < 1) {
      throw new PersonalabError('invalid_argument', `embedding dimension must be a positive integer, got ${options.dimension}`);
    }
    this.model = options.model;
    this.dimension = options.dimension;
    this.id = `openai:${options.model}:${options.dimension}`;
    this.endpoint = new OpenAIEndpoint(options);
    this.batchSize = Math.max(1, options.batchSize ?? 64);
    this.requestDimensions = options.requestDimensions ?? false;
  }

  get usage(): UsageTotals {
    return this.endpoint.tracker.snapshot();
  }

  embed(texts: readonly string[], options: { signal?: AbortSignal } = {}): Promise<Float32Array[]> {
    // One failure per call, however many of its batches failed.
    return this.endpoint.track(() => this.embedUntracked(texts, options));
  }

  private async embedUntracked(texts: readonly string[], options: { signal?: AbortSignal }): Promise<Float32Array[]> {
    const results: Array<Float32Array | undefined> = new Array(texts.length);
    const settings = this.endpoint.cacheSettings;
    const keys = settings ? texts.map((text) => cacheKey({ kind: 'embedding', model: this.model, dimension: this.dimension, text })) : [];
    const missing: number[] = [];
    texts.forEach((text, index) => {
      const stored = settings && settings.mode !== 'write' ? settings.cache.get(keys[index] as string) : undefined;
      if (stored !== undefined) {
        results[index] = decodeVector(stored);
        this.endpoint.tracker.count('cacheHits');
      } else missing.push(index);
    });
    if (missing.length > 0 && settings?.mode === 'read') {
      throw new PersonalabError('not_found', `LLM cache miss in read mode: ${missing.length} of ${texts.length} texts have no recorded embedding (model ${this.model}) in ${settings.cache.path}`, {
        details: { model: this.model, missing: missing.length },
      });
    }
    const batches: number[][] = [];
    for (let start = 0; start < missing.length; start += this.batchSize) batches.push(missing.slice(start, start + this.batchSize));
    await Promise.all(
      batches.map(async (batch) => {
        const vectors = await this.embedBatch(batch.map((index) => texts[index] as string), options.signal);
        batch.forEach((textIndex, position) => {
          const vector = vectors[position] as Float32Array;
          results[textIndex] = vector;
          if (settings) {
            settings.cache.set(keys[textIndex] as string, { kind: 'embedding', model: this.model, request: texts[textIndex] as string, response: encodeVector(vector) });
          }
        });
      }),
    );
    return results as Float32Array[];
  }

  private embedBatch(batch: readonly string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    return this.endpoint.send(async (requestSignal) => {
      const body = {
        model: this.model,
        input: [...batch],
        encoding_format: 'float' as const,
        ...(this.requestDimensions ? { dimensions: this.dimension } : {}),
      };
      const response: unknown = await this.endpoint.client.embeddings.create(body, { signal: requestSignal, maxRetries: 0 });
      const parsed = embeddingResponseSchema.safeParse(response);
      if (!parsed.success) {
        throw new PersonalabError('upstream_bad_response', `${this.endpoint.baseURL} sent embeddings of unexpected shape: ${formatZodError(parsed.error)}`, { isRetryable: true });
      }
      const data = embeddingsInOrder(parsed.data, batch.length, this.endpoint.baseURL);
      const wrong = data.find((embedding) => embedding.length !== this.dimension);
      if (wrong) {
        throw new PersonalabError('upstream_bad_response', `${this.endpoint.baseURL} sent a ${wrong.length}-dimensional embedding; ${this.id} expects ${this.dimension}`);
      }
      const promptTokens = parsed.data.usage?.prompt_tokens ?? 0;
      this.endpoint.tracker.addTokens({ promptTokens, completionTokens: 0, totalTokens: parsed.data.usage?.total_tokens ?? promptTokens });
      return data.map((embedding) => normalize(embedding));
    }, signal);
  }
}

/** Builds an `OpenAIEmbedder`; without `dimension`, embeds one probe text to learn it. */
export async function createOpenAIEmbedder(options: Omit<OpenAIEmbedderOptions, 'dimension'> & { dimension?: number }): Promise<OpenAIEmbedder> {
  if (options.dimension !== undefined) return new OpenAIEmbedder({ ...options, dimension: options.dimension });
  const endpoint = new OpenAIEndpoint(options);
  // Through the cache too, so a read-mode replay needs no server even to learn the dimension.
  const { value: dimension } = await endpoint.track(() => throughCache(
    endpoint.cacheSettings,
    { kind: 'embedding-dimension', model: options.model, request: { requestDimensions: options.requestDimensions ?? false } },
    { encode: (value: number) => String(value), decode: (stored: string) => Number(stored) },
    async () => {
      const response: unknown = await endpoint.send(
        (signal) => endpoint.client.embeddings.create({ model: options.model, input: ['dimension probe'], encoding_format: 'float' }, { signal, maxRetries: 0 }),
        undefined,
      );
      const parsed = embeddingResponseSchema.safeParse(response);
      if (!parsed.success) {
        throw new PersonalabError('upstream_bad_response', `${endpoint.baseURL} sent embeddings of unexpected shape for model ${options.model}: ${formatZodError(parsed.error)}`);
      }
      const length = embeddingsInOrder(parsed.data, 1, endpoint.baseURL)[0]?.length;
      if (!length) throw new PersonalabError('upstream_bad_response', `${endpoint.baseURL} did not return an embedding for model ${options.model}`);
      return length;
    },
  ));
  return new OpenAIEmbedder({ ...options, dimension });
}
