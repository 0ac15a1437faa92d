import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@personalab/core';
import { OpenAIChatModel, OpenAIEmbedder } from '@personalab/llm';
import { type TestServer, startTestServer } from '@personalab/llm/test';
import { HeuristicProfileExtractor, LlmProfileExtractor } from '@personalab/profile';
import { scriptedExtraction } from '@personalab/profile/test';
import { PersonalabError } from '@personalab/core';
import { LlmResponder } from './llm-responder.js';
import { offlineRetrievalEmbedder, offlineRetrievalEmbedderId, truncateOldest } from './context-strategies.js';
import type { PersonaMemResponderQuestion } from '../types.js';

const messages: ChatMessage[] = [
  { role: 'system', content: 'Current user persona: Ana, 29.' },
  { role: 'user', content: 'I really love jazz records.' },
  { role: 'assistant', content: 'Noted, jazz it is.' },
  { role: 'user', content: 'Can you explain how compound interest works?' },
  { role: 'assistant', content: 'Interest earns interest over time.' },
  { role: 'user', content: 'I used to love jazz records, but now I really dislike them because it got far too expensive for my budget.' },
  { role: 'assistant', content: 'Understood.' },
  { role: 'user', content: 'What is the difference between weather and climate?' },
  { role: 'assistant', content: 'Weather is short term; climate is long term.' },
];
const question = (endIndex: number): PersonaMemResponderQuestion => ({
  id: `q-${endIndex}`,
  type: 'acknowledge_latest_preferences',
  topic: 'music',
  question: 'Any music for tonight? jazz records',
  options: ['(a) Jazz, since you love it.', '(b) Something else, since you went off jazz.', '(c) Metal.', '(d) Anything.'],
  source: { contextId: 'ctx', messages, endIndex },
  get context() {
    return messages.slice(0, endIndex);
  },
});

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ chat: () => '<final_answer>(b)' });
});
afterAll(async () => server.close());
const model = (options: { maxRetries?: number } = {}) => new OpenAIChatModel({ baseURL: server.url, apiKey: 'test', model: 'scripted', maxRetries: options.maxRetries ?? 0, baseDelayMs: 1 });
const lastRequestMessages = () => {
  const requests = server.chatRequests();
  return requests[requests.length - 1]?.body.messages as ChatMessage[];
};

describe('LlmResponder context strategies', () => {
  it('full: the context up to the end index, then the question', async () => {
    const responder = new LlmResponder({ model: model() });
    expect((await responder.answer(question(7))).reply).toBe('<final_answer>(b)');
    expect(lastRequestMessages()).toHaveLength(8);
    expect(responder.name).toBe('llm:scripted:full');
  });

  it('truncate: keeps the persona and the newest messages within the budget', async () => {
    const kept = truncateOldest(messages, 30);
    expect(kept[0]?.role).toBe('system');
    expect(kept.length).toBeLessThan(messages.length);
    expect(kept[kept.length - 1]).toBe(messages[messages.length - 1]);
    expect(kept.reduce((sum, message) => sum + Math.ceil(message.content.length / 4), 0)).toBeLessThanOrEqual(30);
    await new LlmResponder({ model: model(), strategy: { kind: 'truncate', maxTokens: 30 } }).answer(question(9));
    expect(lastRequestMessages()).toHaveLength(kept.length + 1);
  });

  it('retrieval: the persona plus the top-k messages before the end index, oldest first', async () => {
    const embedder = new OpenAIEmbedder({ baseURL: server.url, apiKey: 'test', model: 'embed', dimension: 32, maxRetries: 0 });
    const responder = new LlmResponder({ model: model(), strategy: { kind: 'retrieval', k: 2, embedder } });
    await responder.answer(question(5));
    const sent = lastRequestMessages();
    expect(sent).toHaveLength(4);
    expect(sent[0]?.content).toContain('persona');
    // Message 5 (the change) is past the end index and must not be retrieved.
    expect(sent.some((message) => message.content.startsWith('I used to love'))).toBe(false);
    expect(sent.some((message) => message.content === 'I really love jazz records.')).toBe(true);
  });

  it('profile: the incremental profile with its change history instead of the raw context', async () => {
    const responder = new LlmResponder({ model: model(), strategy: { kind: 'profile', extractor: new HeuristicProfileExtractor() }, systemRole: false });
    await responder.answer(question(3));
    await responder.answer(question(9));
    const sent = lastRequestMessages();
    // No system role: persona and profile folded into the question message.
    expect(sent.every((message) => message.role !== 'system')).toBe(true);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.content).toContain('[System]: What you know about this user');
    expect(sent[0]?.content.toLowerCase()).toContain('jazz');
    // Named, so that its default run id is not the system-role run's (which it had blocked with a settings conflict).
    expect(responder.name).toBe('llm:scripted:profile-no-system-role');
    expect(new LlmResponder({ model: model(), systemRole: true }).name).toBe('llm:scripted:full');
  });

  it('profile with the LLM extractor: the profile the model extracted, and its name in the responder name and settings', async () => {
    const extractor = new LlmProfileExtractor({ model: model() });
    const responder = new LlmResponder({ model: model(), strategy: { kind: 'profile', extractor } });
    expect(responder.name).toBe('llm:scripted:profile-llm:scripted:extract-v1');
    expect(responder.strategySettings).toEqual({ extractor: 'llm:scripted:extract-v1' });
    // The heuristic extractor keeps the name runs had before extractors were named.
    expect(new LlmResponder({ model: model(), strategy: { kind: 'profile', extractor: new HeuristicProfileExtractor() } }).name).toBe('llm:scripted:profile');
    server.reset();
    // Extraction requests (a response format) get the scripted extraction plus a fact only the model states.
    server.setChatHandler((request) => {
      if (request.body.response_format === undefined) return '<final_answer>(b)';
      const reply = scriptedExtraction(request) as { json: { facts: unknown[] } };
      const [, id] = /^\[([^\]]+)\] USER:/m.exec(request.body.messages.at(-1).content) ?? [];
      reply.json.facts.push({ key: 'marker', statement: 'told by the model', confidence: 0.9, message_ids: [id] });
      return reply;
    });
    try {
      expect((await responder.answer(question(9))).reply).toBe('<final_answer>(b)');
    } finally {
      server.setChatHandler(() => '<final_answer>(b)');
    }
    const [extraction, answer] = server.chatRequests();
    expect(extraction?.body.response_format).toBeDefined();
    expect(answer?.body.messages[1].content).toMatch(/What you know about this user[\s\S]*Fact \(marker\): told by the model/);
    expect(answer?.body.messages[1].content.toLowerCase()).toContain('jazz');
  });

  it('profile: a failed extraction fails its question only; a later question extends the last profile that was made', async () => {
    const responder = new LlmResponder({ model: model(), strategy: { kind: 'profile', extractor: new LlmProfileExtractor({ model: model() }) } });
    server.reset();
    server.setChatHandler((request) => (request.body.response_format === undefined ? '<final_answer>(b)' : scriptedExtraction(request)));
    try {
      server.enqueue({ fault: 'server_error', status: 500 });
      await expect(responder.answer(question(3))).rejects.toSatisfy((error) => PersonalabError.is(error, 'upstream_error'));
      // It had awaited the failed profile at message 3 and failed with it (and so every later question of the context).
      expect((await responder.answer(question(9))).reply).toBe('<final_answer>(b)');
      // A retry of the failed question extracts again.
      expect((await responder.answer(question(3))).reply).toBe('<final_answer>(b)');
    } finally {
      server.setChatHandler(() => '<final_answer>(b)');
    }
  });

  it('names a retrieval embedder other than the offline one, and records every embedder in its settings', () => {
    const embedder = new OpenAIEmbedder({ baseURL: server.url, apiKey: 'test', model: 'embed', dimension: 32, maxRetries: 0 });
    const remote = new LlmResponder({ model: model(), strategy: { kind: 'retrieval', k: 2, embedder } });
    expect(remote.name).toBe('llm:scripted:retrieval-top2-openai:embed:32');
    expect(remote.strategySettings).toEqual({ embedder: 'openai:embed:32' });
    // The offline embedder keeps the name (and so the default run id) runs had before embedders were named.
    const offline = new LlmResponder({ model: model(), strategy: { kind: 'retrieval', k: 5, embedder: offlineRetrievalEmbedder() } });
    expect(offline.name).toBe('llm:scripted:retrieval-top5');
    expect(offline.strategySettings).toEqual({ embedder: offlineRetrievalEmbedderId });
    expect(offlineRetrievalEmbedderId).toMatch(/^hashing-v1-d256-/);
    expect(new LlmResponder({ model: model() }).strategySettings).toEqual({});
  });

  it('retrieval: an index whose embedding failed is built again by the next question, not failed for the rest of the run', async () => {
    const embedder = new OpenAIEmbedder({ baseURL: server.url, apiKey: 'test', model: 'embed', dimension: 32, maxRetries: 0 });
    const responder = new LlmResponder({ model: model(), strategy: { kind: 'retrieval', k: 2, embedder } });
    // A transient fault while the context's messages are embedded fails that question only.
    server.enqueueEmbeddings({ fault: 'server_error', status: 500 });
    await expect(responder.answer(question(5))).rejects.toSatisfy((error) => PersonalabError.is(error) && error.isRetryable);
    // The rejected index had been kept: every later question of the context failed with the same 500.
    expect((await responder.answer(question(9))).reply).toBe('<final_answer>(b)');
    expect((await responder.answer(question(5))).reply).toBe('<final_answer>(b)');
  });

  it('surfaces upstream faults as typed errors', async () => {
    server.enqueue({ fault: 'server_error', status: 500 });
    await expect(new LlmResponder({ model: model() }).answer(question(3))).rejects.toSatisfy((error) => PersonalabError.is(error) && error.isRetryable);
  });
});

describe('retrieval with the offline hashing embedder', () => {
  it('retrieves the statement that shares words with the question', async () => {
    const { HashingEmbedder } = await import('@personalab/retrieval');
    const responder = new LlmResponder({ model: model(), strategy: { kind: 'retrieval', k: 1, embedder: new HashingEmbedder({ dimension: 256 }) } });
    await responder.answer(question(9));
    const sent = lastRequestMessages();
    expect(sent).toHaveLength(3);
    expect(sent[1]?.content).toContain('jazz records');
  });
});
