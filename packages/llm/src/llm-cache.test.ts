import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import Database from 'better-sqlite3';
import { PersonalabError, loadConfig } from '@personalab/core';
import { createChatModelFromConfig } from './from-config.js';
import { LlmCache, cacheKey, openLlmCache, stableStringify } from './llm-cache.js';
import { createOpenAIChatModel } from './openai-chat-model.js';
import { OpenAIEmbedder } from './openai-embedder.js';
import { startTestServer } from './test/index.js';

const directory = mkdtempSync(join(tmpdir(), 'personalab-llm-cache-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const schema = z.object({ liked: z.array(z.string()), mood: z.enum(['happy', 'sad']) });
const messages = [
  { role: 'system' as const, content: 'Extract.' },
  { role: 'user' as const, content: 'I loved Dune and Arrival, feeling great — 🎬' },
];

describe('cache keys', () => {
  it('ignore key order but not values', () => {
    expect(stableStringify({ b: 1, a: { d: 2, c: [3, { f: 1, e: 0 }] } })).toBe('{"a":{"c":[3,{"e":0,"f":1}],"d":2},"b":1}');
    expect(cacheKey({ a: 1, b: 2 })).toBe(cacheKey({ b: 2, a: 1 }));
    expect(cacheKey({ a: 1 })).not.toBe(cacheKey({ a: 2 }));
    expect(cacheKey({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('record and replay', () => {
  it('replays byte-identical results with the server stopped, and a miss in read mode is an error', async () => {
    const path = join(directory, 'replay.sqlite');
    const server = await startTestServer();
    const recorder = createOpenAIChatModel({ baseURL: server.url, model: 'test-model', cache: new LlmCache(path), cacheMode: 'readwrite', maxRetries: 0 });
    server.enqueue(
      { text: 'First answer ✓ with "quotes" and\nnewlines', usage: { promptTokens: 5, completionTokens: 7 } },
      { json: { liked: 'Dune' } }, // breaks the schema: repaired below
      { text: 'Sure: {"liked": ["Dune", "Arrival"], "mood": "happy"}' },
      'A streamed reply',
    );
    const recorded = {
      text: await recorder.generate({ messages, temperature: 0 }),
      object: await recorder.generateObject({ messages, schema, schemaName: 'taste' }),
      stream: await recorder.streamText({ messages, temperature: 0.7, onDelta: () => undefined }),
    };
    // The same request again is a hit, even in readwrite mode.
    expect((await recorder.generate({ messages, temperature: 0 })).cached).toBe(true);
    expect(server.chatRequests()).toHaveLength(4);
    await server.close();

    const replayer = createOpenAIChatModel({ baseURL: server.url, model: 'test-model', cache: new LlmCache(path), cacheMode: 'read', maxRetries: 0 });
    const deltas: string[] = [];
    const replayed = {
      text: await replayer.generate({ messages, temperature: 0 }),
      object: await replayer.generateObject({ messages, schema, schemaName: 'taste' }),
      stream: await replayer.streamText({ messages, temperature: 0.7, onDelta: (delta) => deltas.push(delta) }),
    };
    const strip = (value: object) => JSON.stringify({ ...value, cached: undefined });
    expect(strip(replayed.text)).toBe(strip(recorded.text));
    expect(strip(replayed.object)).toBe(strip(recorded.object));
    expect(strip(replayed.stream)).toBe(strip(recorded.stream));
    expect(replayed.object).toMatchObject({ object: { liked: ['Dune', 'Arrival'], mood: 'happy' }, attempts: 2, cached: true });
    expect(deltas).toEqual(['A streamed reply']);
    expect(replayer.usage).toMatchObject({ requests: 0, cacheHits: 3 });

    // A different parameter is a different key: a miss, reported without touching the network.
    const miss = await replayer.generate({ messages, temperature: 0.1 }).catch((caught: unknown) => caught);
    expect(PersonalabError.is(miss, 'not_found')).toBe(true);
    expect((miss as PersonalabError).message).toMatch(/cache miss in read mode/);
    expect(replayer.usage.requests).toBe(0);
  });

  it('keys on model, messages, parameters and schema', async () => {
    const server = await startTestServer({ chat: () => ({ json: { liked: [], mood: 'sad' } }) });
    const cache = new LlmCache(join(directory, 'keys.sqlite'));
    const make = (model: string) => createOpenAIChatModel({ baseURL: server.url, model, cache, cacheMode: 'readwrite', maxRetries: 0 });
    const base = { messages, schema };
    await make('m1').generateObject(base);
    await make('m1').generateObject(base);
    await make('m2').generateObject(base);
    await make('m1').generateObject({ ...base, seed: 3 });
    await make('m1').generateObject({ ...base, messages: [...messages, { role: 'user' as const, content: 'more' }] });
    await make('m1').generateObject({ ...base, schema: schema.extend({ extra: z.string().optional() }) });
    expect(server.chatRequests()).toHaveLength(5);
    expect(cache.size).toBe(5);
    await server.close();
  });

  it('write mode always asks the server and overwrites', async () => {
    const server = await startTestServer();
    const cache = new LlmCache(join(directory, 'write.sqlite'));
    const writer = createOpenAIChatModel({ baseURL: server.url, model: 'm', cache, cacheMode: 'write', maxRetries: 0 });
    server.enqueue('old', 'new');
    await writer.generate({ messages });
    await writer.generate({ messages });
    expect(server.chatRequests()).toHaveLength(2);
    await server.close();
    const reader = createOpenAIChatModel({ baseURL: server.url, model: 'm', cache, cacheMode: 'read' });
    expect((await reader.generate({ messages })).text).toBe('new');
  });

  it('caches embeddings per text and replays them exactly', async () => {
    const server = await startTestServer({ embeddingDimension: 16 });
    const cache = new LlmCache(join(directory, 'embeddings.sqlite'));
    const recorder = new OpenAIEmbedder({ baseURL: server.url, model: 'e', dimension: 16, cache, cacheMode: 'readwrite', batchSize: 2 });
    const first = await recorder.embed(['alpha', 'beta', 'gamma']);
    await recorder.embed(['beta', 'delta']); // only 'delta' is new
    expect(server.embeddingRequests().map((request) => request.body.input)).toEqual([['alpha', 'beta'], ['gamma'], ['delta']]);
    await server.close();
    const replayer = new OpenAIEmbedder({ baseURL: server.url, model: 'e', dimension: 16, cache, cacheMode: 'read' });
    const replayed = await replayer.embed(['gamma', 'alpha', 'beta']);
    expect(replayed.map((vector) => Array.from(vector))).toEqual([first[2], first[0], first[1]].map((vector) => Array.from(vector!)));
    await expect(replayer.embed(['unseen'])).rejects.toMatchObject({ code: 'not_found' });
  });

  it('names the file when the cache cannot be opened', () => {
    expect(() => new LlmCache(join(directory, 'replay.sqlite', 'not-a-dir', 'x.sqlite'))).toThrow(/cannot open the LLM cache at .*x\.sqlite/);
  });
});

describe('unusable records and files', () => {
  it('re-records an entry the schema no longer accepts in readwrite mode, and names it in read mode', async () => {
    const server = await startTestServer({ chat: (request) => ({ json: { liked: [`reply-${request.index}`], mood: 'happy' } }) });
    const cache = new LlmCache(join(directory, 'stale.sqlite'));
    const make = (cacheMode: 'read' | 'readwrite') => createOpenAIChatModel({ baseURL: server.url, model: 'm', cache, cacheMode, maxRetries: 0 });
    expect((await make('readwrite').generateObject({ messages, schema })).object.liked).toEqual(['reply-0']);
    // Same JSON Schema (same key), stricter refinement: the stored reply no longer validates.
    const stricter = schema.refine((value) => value.liked[0] === 'reply-1', 'must be the newer reply');
    const reader = make('read');
    await expect(reader.generateObject({ messages, schema: stricter })).rejects.toMatchObject({
      code: 'invalid_data',
      message: expect.stringMatching(/cache entry [0-9a-f]{12} .*no longer matches schema/),
    });
    expect(reader.usage.requests).toBe(0);
    const rerecorded = await make('readwrite').generateObject({ messages, schema: stricter });
    expect(rerecorded).toMatchObject({ object: { liked: ['reply-1'] } });
    expect(rerecorded.cached).toBeUndefined();
    expect(server.chatRequests()).toHaveLength(2);
    expect((await make('read').generateObject({ messages, schema: stricter })).cached).toBe(true);
    await server.close();
  });

  it('treats a corrupt or old-format record as a PersonalabError in read mode and a miss in readwrite mode', async () => {
    const server = await startTestServer({ chat: () => 'fresh' });
    const path = join(directory, 'corrupt-record.sqlite');
    const cache = new LlmCache(path);
    const make = (cacheMode: 'read' | 'readwrite') => createOpenAIChatModel({ baseURL: server.url, model: 'm', cache, cacheMode, maxRetries: 0 });
    await make('readwrite').generate({ messages });
    const database = new Database(path);
    database.prepare('UPDATE llm_cache SET response = ?').run('{"text": 5}');
    database.close();
    const error = await make('read').generate({ messages }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PersonalabError);
    expect(error).toMatchObject({ code: 'invalid_data', details: { key: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect((error as Error).message).toContain(path);
    expect((await make('readwrite').generate({ messages })).text).toBe('fresh');
    expect(server.chatRequests()).toHaveLength(2);
    expect((await make('read').generate({ messages })).text).toBe('fresh');
    await server.close();
  });

  it('does not create a file or folders for read mode, and says so', async () => {
    const path = join(directory, 'absent', 'nested', 'cache.sqlite');
    const model = createChatModelFromConfig(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', PERSONALAB_LLM_CACHE: 'read', PERSONALAB_LLM_CACHE_PATH: path }));
    await expect(model?.generate({ messages })).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining(`no cache file at ${path}`) });
    expect(existsSync(join(directory, 'absent'))).toBe(false);
    expect(() => openLlmCache(path, { mustExist: true })).toThrow(expect.objectContaining({ code: 'not_found', message: expect.stringContaining('record it first') }));
    // The first recorded answer creates the file and its folders.
    const cache = new LlmCache(path);
    expect(cache.size).toBe(0);
    expect(existsSync(path)).toBe(false);
    cache.set('k', { kind: 'chat', model: 'm', request: 'r', response: 'v' });
    expect(existsSync(path)).toBe(true);
    expect(openLlmCache(path).get('k')).toBe('v');
    cache.close();
  });

  it('reopens a cache that was closed', () => {
    const path = join(directory, 'reopen.sqlite');
    const first = openLlmCache(path);
    first.set('k', { kind: 'chat', model: 'm', request: 'r', response: 'v' });
    first.close();
    const second = openLlmCache(path);
    expect(second.open).toBe(true);
    expect(second.get('k')).toBe('v');
    expect(openLlmCache(path)).toBe(second);
    second.close();
  });
});
