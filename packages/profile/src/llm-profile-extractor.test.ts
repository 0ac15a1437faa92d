import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PersonalabError, profileSchema, type Message } from '@personalab/core';
import { LlmCache, createOpenAIChatModel } from '@personalab/llm';
import { startTestServer, type ChatReply, type TestServer } from '@personalab/llm/test';
import { LlmProfileExtractor } from './llm-profile-extractor.js';
import { createProfileExtractor } from './create-profile-extractor.js';
import { loadPromptTemplate } from './llm/prompt-template.js';
import { profileExtractorConformance, scriptedExtraction } from './test/index.js';

let server: TestServer;
const sleeps: number[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.reset();
  server.setChatHandler(undefined);
  sleeps.length = 0;
});

const model = () =>
  createOpenAIChatModel({
    baseURL: server.url,
    model: 'scripted',
    maxRetries: 2,
    baseDelayMs: 10,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });

profileExtractorConformance('LlmProfileExtractor (local OpenAI-compatible server)', {
  create: () => new LlmProfileExtractor({ model: model() }),
  prepare: () => server.setChatHandler(scriptedExtraction),
});

const user = (id: string, content: string, timestamp: number): Message => ({ id, role: 'user', content, timestamp, userId: 'u1' });
const valid = (id: string) => ({ json: { facts: [{ key: 'pet', statement: 'i have two dogs', confidence: 0.9, message_ids: [id] }], preferences: [], goals: [], personality: [] } });

describe('LlmProfileExtractor', () => {
  it('sends the versioned prompt file and splits long histories by the token budget', async () => {
    server.setChatHandler(scriptedExtraction);
    const messages = Array.from({ length: 6 }, (_, index) => user(`m${index}`, index === 0 ? 'i have two dogs and i work as a nurse .' : `i like topic number ${index} a lot`, index * 10));
    const extractor = new LlmProfileExtractor({ model: model(), chunkTokenBudget: 30 });
    const profile = await extractor.extract(messages);
    const requests = server.chatRequests();
    expect(requests.length).toBeGreaterThan(1);
    expect(extractor.lastStats.chunks).toBe(requests.length);
    expect(requests[0]?.body.messages[0].content).toContain(loadPromptTemplate('extract-v1').system);
    // Later chunks see what earlier ones found.
    expect(requests.at(-1)?.body.messages.at(-1).content).toContain('i have two dogs');
    expect(profile.facts.map((fact) => fact.value)).toContain('i work as a nurse');
    expect(profile.preferences.length).toBe(5);
    expect(profileSchema.safeParse(profile).success).toBe(true);
  });

  it('repairs a reply that breaks the schema (confidence out of range) and keeps no part of it', async () => {
    server.enqueue(
      { json: { facts: [{ key: 'pet', statement: 'i have a cat', confidence: 9, message_ids: ['m1'] }], preferences: [], goals: [], personality: [] } },
      valid('m1'),
    );
    const profile = await new LlmProfileExtractor({ model: model() }).extract([user('m1', 'i have two dogs', 1)]);
    expect(server.chatRequests()).toHaveLength(2);
    expect(profile.facts.map((fact) => fact.value)).toEqual(['i have two dogs']);
    expect(profile.facts[0]?.evidence[0]).toMatchObject({ messageId: 'm1', timestamp: 1 });
  });

  it('fails with a clear error when every reply breaks the schema', async () => {
    server.setChatHandler(() => ({ json: { facts: 'none' } }));
    const extractor = new LlmProfileExtractor({ model: model() });
    await expect(extractor.extract([user('m1', 'i have two dogs', 1)])).rejects.toSatisfy((error) => PersonalabError.is(error, 'upstream_bad_response'));
  });

  it('retries a 500 and then succeeds', async () => {
    server.enqueue({ fault: 'server_error', status: 500 }, valid('m1'));
    const profile = await new LlmProfileExtractor({ model: model() }).extract([user('m1', 'i have two dogs', 1)]);
    expect(server.chatRequests()).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    expect(profile.facts).toHaveLength(1);
  });

  it('gives up on repeated 500s with a retryable upstream error', async () => {
    server.setChatHandler(() => ({ fault: 'server_error', status: 500 }));
    const extractor = new LlmProfileExtractor({ model: model() });
    const error = await extractor.extract([user('m1', 'i have two dogs', 1)]).catch((caught: unknown) => caught);
    expect(PersonalabError.is(error, 'upstream_error')).toBe(true);
    expect((error as PersonalabError).isRetryable).toBe(true);
    expect(server.chatRequests()).toHaveLength(3);
  });

  it('merges Big Five estimates only with evidence', async () => {
    server.enqueue({ json: { facts: [], preferences: [], goals: [], personality: [{ trait: 'extraversion', score: 0.8, confidence: 0.6, message_ids: ['m1'] }] } });
    const profile = await new LlmProfileExtractor({ model: model() }).extract([user('m1', 'i love big parties and meeting new people', 1)]);
    expect(profile.personality.extraversion).toMatchObject({ score: 0.8, confidence: 0.6, evidence: [{ messageId: 'm1' }] });
    expect(profile.personality.openness.score).toBeNull();
  });
});

describe('LlmProfileExtractor with imperfect replies and inputs', () => {
  const empty = { facts: [], preferences: [], goals: [], personality: [] };
  const fact = (statement: string, ids: string[]) => ({ key: 'pet', statement, confidence: 0.9, message_ids: ids });

  it('drops items with invented, assistant or missing evidence and keeps the valid ones, without a repair', async () => {
    server.enqueue({
      json: {
        ...empty,
        facts: [fact('i have a cat', ['m99']), fact('i have a parrot', ['a1']), fact('i have a fish', []), fact('i have two dogs', ['m1', 'm1']), fact('i have a hamster', ['m1', 'm99'])],
        goals: [{ description: 'adopt a dog', status: 'active', message_ids: ['a1'] }],
      },
    });
    const extractor = new LlmProfileExtractor({ model: model() });
    const profile = await extractor.extract([{ id: 'a1', role: 'assistant', content: 'do you have a parrot?', timestamp: 0 }, user('m1', 'i have two dogs', 1)]);
    expect(server.chatRequests()).toHaveLength(1);
    expect(profile.facts.map((item) => [item.value, item.evidence.map((evidence) => evidence.messageId)])).toEqual([['i have two dogs', ['m1']]]);
    expect(profile.goals).toEqual([]);
    expect(extractor.lastStats).toMatchObject({ droppedItems: 5, failedChunks: [] });
    // The JSON Schema sent still restricts citations to the chunk's user messages.
    const items = server.chatRequests()[0]?.body.response_format.json_schema.schema.properties.facts.items;
    expect(items.properties.message_ids).toMatchObject({ minItems: 1, items: { enum: ['m1'] } });
  });

  const threeMessages = [user('m1', 'first message with some words in it', 1), user('m2', 'second message with some words in it', 2), user('m3', 'third message with some words in it', 3)];
  /** Chunk 2 (message m2) gets `failure`; the others a fact citing their message. */
  const failChunkTwo = (failure: ChatReply) => {
    let calls = 0;
    server.setChatHandler((request) => {
      calls++;
      const prompt: string = request.body.messages[1].content; // the chunk's prompt, also during repairs
      if (prompt.includes('[m2]')) return failure;
      const id = prompt.includes('[m1]') ? 'm1' : 'm3';
      return { json: { ...empty, facts: [{ key: `k${id}`, statement: `fact from ${id}`, confidence: 0.9, message_ids: [id] }] } };
    });
    return () => calls;
  };

  it('throws by default when a chunk fails, returning nothing partial', async () => {
    const calls = failChunkTwo({ json: { facts: 'broken' } });
    const extractor = new LlmProfileExtractor({ model: model(), chunkTokenBudget: 20 });
    await expect(extractor.extract(threeMessages)).rejects.toMatchObject({ code: 'upstream_bad_response' });
    expect(calls()).toBe(4); // 1 + 3 attempts (2 repairs); chunk 3 is never sent
    expect(extractor.lastStats).toMatchObject({ chunks: 2, failedChunks: [{ index: 1, messageIds: ['m2'], code: 'upstream_bad_response' }] });
  });

  it("with onChunkFailure 'skip', keeps the other chunks when one fails, reports it, and throws only when every chunk failed", async () => {
    const calls = failChunkTwo({ json: { facts: 'broken' } });
    const extractor = new LlmProfileExtractor({ model: model(), chunkTokenBudget: 20, onChunkFailure: 'skip' });
    const profile = await extractor.extract(threeMessages);
    expect(profile.facts.map((item) => item.value).sort()).toEqual(['fact from m1', 'fact from m3']);
    expect(extractor.lastStats).toMatchObject({ chunks: 3, failedChunks: [{ index: 1, messageIds: ['m2'], code: 'upstream_bad_response' }] });
    expect(calls()).toBe(5); // 1 + 3 attempts (2 repairs) + 1

    server.setChatHandler(() => ({ json: { facts: 'broken' } }));
    await expect(extractor.extract(threeMessages)).rejects.toMatchObject({ code: 'upstream_bad_response' });
    expect(extractor.lastStats.failedChunks).toHaveLength(3);
  });

  it("with onChunkFailure 'skip', skips a chunk over the context length (HTTP 400 naming it)", async () => {
    failChunkTwo({ status: 400, message: "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens" });
    const extractor = new LlmProfileExtractor({ model: model(), chunkTokenBudget: 20, onChunkFailure: 'skip' });
    const profile = await extractor.extract(threeMessages);
    expect(profile.facts.map((item) => item.value).sort()).toEqual(['fact from m1', 'fact from m3']);
    expect(extractor.lastStats.failedChunks).toMatchObject([{ index: 1, messageIds: ['m2'], code: 'upstream_error' }]);
  });

  it.each([
    [404, 'The model `scripted-typo` does not exist', 1],
    [400, 'Unknown parameter: seed', 3], // also tried in json_object and prompt mode
    [422, 'Invalid request body', 3],
  ])("stops at once on configuration errors (HTTP %i), even with onChunkFailure 'skip'", async (status, message, requests) => {
    server.setChatHandler(() => ({ status, message }));
    const extractor = new LlmProfileExtractor({ model: model(), chunkTokenBudget: 20, onChunkFailure: 'skip' });
    const error = await extractor.extract(threeMessages).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'upstream_error', details: { status } });
    expect(server.chatRequests()).toHaveLength(requests); // the first chunk's only
    expect(extractor.lastStats).toMatchObject({ chunks: 1, failedChunks: [] });
  });

  it('stops at once on errors that are not about one chunk', async () => {
    server.setChatHandler(() => ({ status: 401, message: 'bad key' }));
    const messages = [user('m1', 'first message with some words in it', 1), user('m2', 'second message with some words in it', 2)];
    await expect(new LlmProfileExtractor({ model: model(), chunkTokenBudget: 20, onChunkFailure: 'skip' }).extract(messages)).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(server.chatRequests()).toHaveLength(1);
  });

  it('rejects duplicate message ids', async () => {
    server.setChatHandler(() => valid('m1'));
    await expect(new LlmProfileExtractor({ model: model() }).extract([user('m1', 'i have a dog', 1), user('m1', 'something else', 2)])).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringContaining('m1'),
    });
    expect(server.chatRequests()).toHaveLength(0);
  });

  it('splits a message larger than the budget, citing its id from each part', async () => {
    let call = 0;
    server.setChatHandler((request) => {
      call++;
      // The part that holds the sentence cites the long message's id.
      const prompt: string = request.body.messages.at(-1).content;
      return prompt.includes('i have two dogs') ? { json: { ...empty, facts: [fact('i have two dogs', ['m2'])] } } : { json: empty };
    });
    const huge = user('m2', `${'word '.repeat(1_000)}i have two dogs ${'word '.repeat(1_000)}`, 2);
    const extractor = new LlmProfileExtractor({ model: model(), chunkTokenBudget: 1_000 });
    const profile = await extractor.extract([user('m1', 'hi', 1), huge, user('m3', 'bye', 3)]);
    const prompts = server.chatRequests().map((request) => request.body.messages.at(-1).content as string);
    expect(call).toBe(prompts.length);
    expect(prompts.length).toBeGreaterThanOrEqual(4);
    for (const prompt of prompts) expect(prompt.length).toBeLessThan(6_000);
    expect(profile.facts[0]?.evidence[0]).toMatchObject({ messageId: 'm2', timestamp: 2 });
    expect(profile.facts[0]?.evidence[0]?.quote).toContain('word');
  });

  it('counts no requests or tokens for chunks replayed from the cache', async () => {
    const cache = new LlmCache(':memory:');
    const cachedModel = () => createOpenAIChatModel({ baseURL: server.url, model: 'scripted', maxRetries: 0, cache, cacheMode: 'readwrite' });
    server.setChatHandler(() => valid('m1'));
    const first = new LlmProfileExtractor({ model: cachedModel() });
    await first.extract([user('m1', 'i have two dogs', 1)]);
    expect(first.lastStats).toMatchObject({ requests: 1, cachedChunks: 0 });
    expect(first.lastStats.usage.totalTokens).toBeGreaterThan(0);
    const replay = new LlmProfileExtractor({ model: cachedModel() });
    await replay.extract([user('m1', 'i have two dogs', 1)]);
    expect(replay.lastStats).toMatchObject({ chunks: 1, requests: 0, cachedChunks: 1, usage: { totalTokens: 0 } });
    expect(server.chatRequests()).toHaveLength(1);
  });
});

describe('createProfileExtractor', () => {
  it('uses the LLM when a model is configured and the heuristic otherwise', () => {
    expect(createProfileExtractor().name).toBe('heuristic');
    expect(createProfileExtractor({ model: undefined }).name).toBe('heuristic');
    expect(createProfileExtractor({ model: model(), chunkTokenBudget: 100 }).name).toBe('llm:scripted:extract-v1');
  });
});
