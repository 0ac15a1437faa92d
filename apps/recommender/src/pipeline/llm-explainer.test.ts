import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyProfile } from '@personalab/core';
import { createOpenAIChatModel } from '@personalab/llm';
import { startTestServer, type TestServer } from '@personalab/llm/test';
import { LlmExplainer, titleWithYear } from './llm-explainer.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('LlmExplainer', () => {
  it('names the item with its year once, whether or not the title carries it', async () => {
    expect(titleWithYear({ title: 'Aliens (1986)', year: 1986 })).toBe('Aliens (1986)');
    expect(titleWithYear({ title: 'Laugh Riot', year: 1995 })).toBe('Laugh Riot (1995)');
    expect(titleWithYear({ title: 'Untitled' })).toBe('Untitled');
    const explainer = new LlmExplainer({ model: createOpenAIChatModel({ baseURL: server.url, apiKey: 'x', model: 'scripted', maxRetries: 0 }) });
    server.enqueue({ json: { explanation: 'You loved Alien.' } });
    const explanation = await explainer.explain({ profile: emptyProfile('u1'), history: [], item: { id: '1', title: 'Aliens (1986)', year: 1986, tags: ['Sci-Fi'] } });
    expect(explanation).toBe('You loved Alien.');
    const prompt = String(server.chatRequests()[0]?.body.messages[1].content);
    expect(prompt).toContain('The recommended item: Aliens (1986) [Sci-Fi]');
  });
});
