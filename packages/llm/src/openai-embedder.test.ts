import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@personalab/core';
import { createEmbedderFromConfig } from './from-config.js';
import { OpenAIEmbedder, createOpenAIEmbedder } from './openai-embedder.js';
import { startTestServer, testEmbedding, type TestServer } from './test/index.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ embeddingDimension: 24 });
});
afterAll(async () => {
  await server.close();
});
afterEach(() => server.reset());

const noSleep = async () => undefined;

describe('OpenAIEmbedder', () => {
  it('batches, keeps order and returns unit vectors', async () => {
    const embedder = new OpenAIEmbedder({ baseURL: server.url, model: 'embed-test', dimension: 24, batchSize: 4, concurrency: 2 });
    const texts = Array.from({ length: 10 }, (_, index) => `text number ${index}`);
    const vectors = await embedder.embed(texts);
    expect(server.embeddingRequests().map((request) => request.body.input.length).sort()).toEqual([2, 4, 4]);
    expect(server.peakInFlight).toBeLessThanOrEqual(2);
    vectors.forEach((vector, index) => {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
      const expected = testEmbedding(texts[index]!, 24);
      vector.forEach((value, position) => expect(value).toBeCloseTo(expected[position]!, 6));
    });
    expect(embedder.id).toBe('openai:embed-test:24');
    expect(await embedder.embed([])).toEqual([]);
  });

  it('normalises vectors the server did not', async () => {
    const embedder = new OpenAIEmbedder({ baseURL: server.url, model: 'e', dimension: 2 });
    server.enqueueEmbeddings({ vectors: [[3, 4]] });
    expect(Array.from((await embedder.embed(['x']))[0]!)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
  });

  it('retries faults and rejects a wrong dimension', async () => {
    const embedder = new OpenAIEmbedder({ baseURL: server.url, model: 'e', dimension: 24, sleep: noSleep });
    server.enqueueEmbeddings({ fault: 'rate_limit', retryAfter: 1 }, { fault: 'server_error' });
    expect(await embedder.embed(['a', 'b'])).toHaveLength(2);
    expect(server.embeddingRequests()).toHaveLength(3);
    expect(embedder.usage.retries).toBe(2);

    server.enqueueEmbeddings({ vectors: [[1, 0, 0]] });
    await expect(embedder.embed(['a'])).rejects.toMatchObject({ code: 'upstream_bad_response', message: expect.stringContaining('3-dimensional') });
    server.enqueueEmbeddings({ vectors: [[1, 0]] });
    await expect(embedder.embed(['a', 'b'])).rejects.toMatchObject({ code: 'upstream_bad_response', message: expect.stringContaining('1 embeddings for 2 texts') });
  });

  it('learns its dimension from the server and is built from config', async () => {
    expect((await createOpenAIEmbedder({ baseURL: server.url, model: 'e' })).dimension).toBe(24);
    expect(await createEmbedderFromConfig(loadConfig({ OPENAI_BASE_URL: server.url }))).toBeUndefined();
    const embedder = await createEmbedderFromConfig(loadConfig({ OPENAI_BASE_URL: server.url, PERSONALAB_EMBED_MODEL: 'nomic-embed-text' }));
    expect(embedder?.id).toBe('openai:nomic-embed-text:24');
  });
});
