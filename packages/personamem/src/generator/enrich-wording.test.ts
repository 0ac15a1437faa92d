import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
import { OpenAIChatModel } from '@personalab/llm';
import { type TestServer, startTestServer } from '@personalab/llm/test';
import { enrichWording } from './enrich-wording.js';
import { generateBenchmark } from './generate-benchmark.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ chat: (request) => `Rewritten: ${String(request.body.messages[1].content)}` });
});
afterAll(async () => server.close());
const model = () => new OpenAIChatModel({ baseURL: server.url, apiKey: 'test', model: 'scripted', maxRetries: 0 });

describe('enrichWording', () => {
  const { contexts } = generateBenchmark({ seed: 2, personas: 1, questionsPerPersona: 7, contextTokens: 2_500 });

  it('rewrites the user statements through the model and keeps every index in place', async () => {
    const enriched = await enrichWording({ contexts, model: model() });
    for (const [id, messages] of contexts) {
      const rewritten = enriched.get(id) ?? [];
      expect(rewritten).toHaveLength(messages.length);
      messages.forEach((message, index) => {
        const after = rewritten[index];
        expect(after?.role).toBe(message.role);
        if (message.role === 'user' && !message.content.endsWith('?')) expect(after?.content).toBe(`Rewritten: ${message.content}`);
        else expect(after?.content).toBe(message.content);
      });
    }
    // The input is left as it was.
    expect([...contexts.values()].flat().some((message) => message.content.startsWith('Rewritten:'))).toBe(false);
  });

  it('fails with a typed error when the endpoint fails', async () => {
    server.enqueue({ fault: 'server_error', status: 500 });
    await expect(enrichWording({ contexts, model: model(), concurrency: 1 })).rejects.toSatisfy((error) => PersonalabError.is(error));
  });
});
