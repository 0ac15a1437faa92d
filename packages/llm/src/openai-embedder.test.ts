import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
    // One vector per text, every one checked: a forEach over `vectors` skips the holes a lost batch leaves (it had passed with 6 of 10 missing).
    expect(vectors).toHaveLength(texts.length);
    texts.forEach((text, index) => {
      const vector = vectors[index];
      expect(vector, text).toBeInstanceOf(Float32Array);
      expect(Array.from(vector ?? []), text).toHaveLength(24);
      expect(Math.hypot(...(vector ?? []))).toBeCloseTo(1, 5);
      const expected = testEmbedding(text, 24);
      vector?.forEach((value, position) => expect(value).toBeCloseTo(expected[position]!, 6));
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

/** A real HTTP server answering /v1/embeddings with `shape(input)`'s entries, as servers other than OpenAI do. */
async function startShapeServer(shape: (input: string[]) => unknown[]): Promise<{ url: string; close: () => Promise<void> }> {
  const http = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const input = (JSON.parse(body) as { input: string[] }).input;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ object: 'list', model: 'e', data: shape(input), usage: { prompt_tokens: input.length } }));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/v1`, close: () => new Promise((resolve) => http.close(() => resolve())) };
}

describe('OpenAIEmbedder against servers that answer differently', () => {
  const vectorOf = (text: string) => [text.length, 1, 2, 3];
  const expected = (text: string) => {
    const vector = vectorOf(text);
    const norm = Math.hypot(...vector);
    return vector.map((value) => Math.fround(value / norm));
  };
  const base64 = (values: number[]) => Buffer.from(new Float32Array(values).buffer).toString('base64');

  it('decodes base64 embeddings, takes entries without an index in input order, and sorts shuffled ones', async () => {
    const shapes: Array<(input: string[]) => unknown[]> = [
      (input) => input.map((text, index) => ({ object: 'embedding', index, embedding: base64(vectorOf(text)) })),
      (input) => input.map((text) => ({ object: 'embedding', embedding: vectorOf(text) })),
      (input) => input.map((text, index) => ({ object: 'embedding', index, embedding: vectorOf(text) })).reverse(),
    ];
    for (const shape of shapes) {
      const shapeServer = await startShapeServer(shape);
      try {
        const embedder = await createOpenAIEmbedder({ baseURL: shapeServer.url, model: 'e', maxRetries: 0 });
        expect(embedder.dimension).toBe(4);
        const texts = ['a', 'abc', 'abcdef'];
        expect((await embedder.embed(texts)).map((vector) => Array.from(vector))).toEqual(texts.map(expected));
      } finally {
        await shapeServer.close();
      }
    }
  });

  it('names duplicate indices and a base64 string that is not float32 values', async () => {
    const duplicate = await startShapeServer((input) => input.map((text) => ({ object: 'embedding', index: 0, embedding: vectorOf(text) })));
    const broken = await startShapeServer((input) => input.map((_text, index) => ({ object: 'embedding', index, embedding: 'AAAAAAA=' })));
    try {
      const first = new OpenAIEmbedder({ baseURL: duplicate.url, model: 'e', dimension: 4, maxRetries: 0 });
      await expect(first.embed(['a', 'b'])).rejects.toMatchObject({ code: 'upstream_bad_response', message: expect.stringContaining('indices [0, 0] for 2 texts') });
      const second = new OpenAIEmbedder({ baseURL: broken.url, model: 'e', dimension: 4, maxRetries: 0 });
      await expect(second.embed(['a'])).rejects.toMatchObject({ code: 'upstream_bad_response', message: expect.stringContaining('not base64 float32') });
    } finally {
      await duplicate.close();
      await broken.close();
    }
  });
});
