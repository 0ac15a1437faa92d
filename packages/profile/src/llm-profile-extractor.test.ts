import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PersonalabError, profileSchema, type Message } from '@personalab/core';
import { createOpenAIChatModel } from '@personalab/llm';
import { startTestServer, type TestServer } from '@personalab/llm/test';
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

  it('repairs a reply that breaks the schema (unknown message id) and keeps no part of it', async () => {
    server.enqueue(
      { json: { facts: [{ key: 'pet', statement: 'i have a cat', confidence: 0.9, message_ids: ['m999'] }], preferences: [], goals: [], personality: [] } },
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

describe('createProfileExtractor', () => {
  it('uses the LLM when a model is configured and the heuristic otherwise', () => {
    expect(createProfileExtractor().name).toBe('heuristic');
    expect(createProfileExtractor({ model: undefined }).name).toBe('heuristic');
    expect(createProfileExtractor({ model: model(), chunkTokenBudget: 100 }).name).toBe('llm:scripted:extract-v1');
  });
});
