import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@personalab/core';
import { type TestServer, startTestServer } from '@personalab/llm/test';
import { createResponder } from './create-responder.js';
import { offlineRetrievalEmbedderId } from './responders/context-strategies.js';
import { LlmResponder } from './responders/llm-responder.js';
import { RandomResponder } from './responders/random-responder.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ chat: () => '<final_answer>(a)' });
});
afterAll(async () => server.close());

describe('createResponder', () => {
  it("gives the random control the experiment's seed (1) unless told otherwise, so CLI and experiment agree", async () => {
    const config = loadConfig({});
    const cli = await createResponder({ responder: 'random' }, config);
    const experiment = new RandomResponder({ seed: 1 });
    const other = new RandomResponder({ seed: 0 });
    const questions = Array.from({ length: 40 }, (_, index) => ({ id: `q${index}`, type: 't', question: 'which?', options: ['a', 'b', 'c', 'd'], context: [] }));
    const replies = async (responder: { answer: RandomResponder['answer'] }) => Promise.all(questions.map(async (question) => (await responder.answer(question)).reply));
    expect(await replies(cli)).toEqual(await replies(experiment));
    // The seed matters (the check above could not pass by accident): seed 0 answers otherwise.
    expect(await replies(other)).not.toEqual(await replies(experiment));
  });

  it('retrieves with the endpoint embedding model only when PERSONALAB_EMBED_MODEL is set, and says which embedder runs', async () => {
    const environment = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'test', PERSONALAB_CHAT_MODEL: 'scripted' };
    const offline = await createResponder({ responder: 'llm', strategy: 'retrieval' }, loadConfig(environment));
    expect(offline.name).toBe('llm:scripted:retrieval-top5');
    expect((offline as LlmResponder).strategySettings).toEqual({ embedder: offlineRetrievalEmbedderId });
    const remote = await createResponder({ responder: 'llm', strategy: 'retrieval', k: 3 }, loadConfig({ ...environment, PERSONALAB_EMBED_MODEL: 'embed' }));
    expect(remote.name).toBe('llm:scripted:retrieval-top3-openai:embed:32');
    expect((remote as LlmResponder).strategySettings).toEqual({ embedder: 'openai:embed:32' });
  });

  it('extracts profiles with the heuristic extractor unless --extractor llm asks for the chat model', async () => {
    const config = loadConfig({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'test', PERSONALAB_CHAT_MODEL: 'scripted' });
    const heuristic = await createResponder({ responder: 'llm', strategy: 'profile' }, config);
    expect(heuristic).toBeInstanceOf(LlmResponder);
    expect(heuristic.name).toBe('llm:scripted:profile');
    expect((heuristic as LlmResponder).strategySettings).toEqual({ extractor: 'heuristic' });
    const llm = await createResponder({ responder: 'llm', strategy: 'profile', extractor: 'llm' }, config);
    expect(llm.name).toBe('llm:scripted:profile-llm:scripted:extract-v1');
    expect((llm as LlmResponder).strategySettings).toEqual({ extractor: 'llm:scripted:extract-v1' });
  });
});
