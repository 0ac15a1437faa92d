import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PersonalabError, type ChatModel } from '@personalab/core';
import { startTestServer, type TestServer } from './test-server.js';

/**
 * Builds the model under test, pointed at the given server. It must retry at least once on
 * a 500 and wait only briefly between retries (small base delay or an injected sleep), and
 * must not use a replaying cache.
 */
export type ConformanceFactory = (server: TestServer) => ChatModel | Promise<ChatModel>;

const personSchema = z.object({ name: z.string(), age: z.number().int().nonnegative() });

/**
 * The shared `ChatModel` suite (vitest): every implementation that talks to an
 * OpenAI-compatible endpoint must pass it against the local test server.
 */
export function chatModelConformance(name: string, factory: ConformanceFactory): void {
  describe(`ChatModel conformance: ${name}`, () => {
    let server: TestServer;
    let model: ChatModel;

    beforeAll(async () => {
      server = await startTestServer();
      model = await factory(server);
    });
    afterAll(async () => {
      await server.close();
    });
    beforeEach(() => {
      server.reset();
    });

    it('has a model id', () => {
      expect(model.modelId.length).toBeGreaterThan(0);
    });

    it('generates text with finish reason and usage, sending the messages unchanged', async () => {
      server.enqueue({ text: 'Hello there, traveller.', usage: { promptTokens: 11, completionTokens: 4 } });
      const messages = [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Say hello. ünïcödé ✓' },
      ] as const;
      const result = await model.generate({ messages });
      expect(result.text).toBe('Hello there, traveller.');
      expect(result.finishReason).toBe('stop');
      expect(result.usage).toEqual({ promptTokens: 11, completionTokens: 4, totalTokens: 15 });
      const [request] = server.chatRequests();
      expect(request?.body.model).toBe(model.modelId);
      expect(request?.body.messages).toEqual(messages);
    });

    it('passes sampling parameters through', async () => {
      server.enqueue('ok');
      await model.generate({ messages: [{ role: 'user', content: 'x' }], temperature: 0.25, maxTokens: 17, seed: 7, stop: ['\n\n'] });
      const body = server.chatRequests()[0]?.body;
      expect(body.temperature).toBe(0.25);
      expect(body.max_tokens ?? body.max_completion_tokens).toBe(17);
      expect(body.seed).toBe(7);
      expect(body.stop).toEqual(['\n\n']);
    });

    it('reports a reply cut off by the token limit', async () => {
      server.enqueue({ text: 'The beginning of a long', finishReason: 'length' });
      const result = await model.generate({ messages: [{ role: 'user', content: 'Tell me a story' }], maxTokens: 5 });
      expect(result.finishReason).toBe('length');
    });

    it('returns a schema-valid object', async () => {
      server.enqueue({ json: { name: 'Ada', age: 36 } });
      const result = await model.generateObject({ messages: [{ role: 'user', content: 'Who?' }], schema: personSchema, schemaName: 'person' });
      expect(result.object).toEqual({ name: 'Ada', age: 36 });
      expect(result.attempts).toBe(1);
    });

    it('repairs a schema-breaking reply by asking again with the JSON path of the problem', async () => {
      server.enqueue({ json: { name: 'Ada', age: 'thirty-six' } }, { json: { name: 'Ada', age: 36 } });
      const result = await model.generateObject({ messages: [{ role: 'user', content: 'Who?' }], schema: personSchema });
      expect(result.object).toEqual({ name: 'Ada', age: 36 });
      expect(result.attempts).toBe(2);
      const repair = server.chatRequests()[1]?.body.messages as Array<{ role: string; content: string }>;
      expect(repair.at(-1)?.content).toContain('age');
    });

    it('fails clearly, never with a half-valid object, when every reply is bad', async () => {
      server.setChatHandler(() => ({ json: { name: 'Ada' } }));
      try {
        const outcome = await model.generateObject({ messages: [{ role: 'user', content: 'Who?' }], schema: personSchema }).then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        expect('value' in outcome).toBe(false);
        expect(PersonalabError.is((outcome as { error: unknown }).error, 'upstream_bad_response')).toBe(true);
      } finally {
        server.setChatHandler(undefined);
      }
    });

    it('retries a server error', async () => {
      server.enqueue({ fault: 'server_error' }, 'recovered');
      const result = await model.generate({ messages: [{ role: 'user', content: 'x' }] });
      expect(result.text).toBe('recovered');
      expect(server.chatRequests()).toHaveLength(2);
    });

    it('does not retry a rejected request, and says why', async () => {
      server.enqueue({ status: 401, message: 'bad key' }, 'should not be reached');
      await expect(model.generate({ messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ code: 'unauthenticated', isRetryable: false });
      expect(server.chatRequests()).toHaveLength(1);
    });

    it('stops when the caller aborts', async () => {
      server.enqueue({ fault: 'hang' });
      const controller = new AbortController();
      const pending = model.generate({ messages: [{ role: 'user', content: 'x' }], signal: controller.signal });
      await server.waitForRequests(1);
      controller.abort();
      await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
    });
  });
}
