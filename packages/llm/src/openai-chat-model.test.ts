import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PersonalabError, createManualClock, loadConfig } from '@personalab/core';
import { createConcurrencyLimiter } from './concurrency-limiter.js';
import { createChatModelFromConfig, sharedLimiter } from './from-config.js';
import { LlmCache } from './llm-cache.js';
import { createOpenAIChatModel, type OpenAIChatModelOptions } from './openai-chat-model.js';
import { startTestServer, type TestServer } from './test/index.js';
import { formatUsage } from './usage-tracker.js';

const user = (content: string) => [{ role: 'user' as const, content }];
const personSchema = z.object({ name: z.string(), age: z.number().int().nonnegative() });

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.reset();
  server.setChatHandler(undefined);
  server.setRejectJsonSchema(false);
});

/** A model whose waits are recorded instead of slept, so retry tests take no time. */
function modelWithFakeSleep(overrides: Partial<OpenAIChatModelOptions> = {}) {
  const sleeps: number[] = [];
  const model = createOpenAIChatModel({
    baseURL: server.url,
    model: 'test-model',
    maxRetries: 3,
    baseDelayMs: 100,
    maxDelayMs: 10_000,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
  return { model, sleeps };
}

describe('retries', () => {
  it('honours Retry-After in seconds', async () => {
    const { model, sleeps } = modelWithFakeSleep();
    server.enqueue({ fault: 'rate_limit', retryAfter: 2 }, { fault: 'rate_limit', retryAfter: 1 }, 'finally');
    const result = await model.generate({ messages: user('hi') });
    expect(result.text).toBe('finally');
    expect(sleeps).toEqual([2_000, 1_000]);
    expect(server.chatRequests()).toHaveLength(3);
    expect(model.usage).toMatchObject({ requests: 3, retries: 2, failures: 0 });
  });

  it('honours Retry-After as an HTTP-date against the injected clock', async () => {
    const clock = createManualClock(Date.parse('2026-03-01T12:00:00Z'));
    const { model, sleeps } = modelWithFakeSleep({ clock });
    server.enqueue({ fault: 'rate_limit', retryAfter: 'Sun, 01 Mar 2026 12:00:05 GMT' }, 'ok');
    await model.generate({ messages: user('hi') });
    expect(sleeps).toEqual([5_000]);
  });

  it('backs off exponentially with jitter when the server gives no Retry-After', async () => {
    const { model, sleeps } = modelWithFakeSleep();
    server.enqueue({ fault: 'server_error' }, { fault: 'server_error', status: 503 }, { fault: 'rate_limit' }, 'ok');
    await model.generate({ messages: user('hi') });
    // random() = 0.5: three quarters of 100, 200, 400 ms.
    expect(sleeps).toEqual([75, 150, 300]);
  });

  it('retries 408 and 409, network drops and malformed bodies', async () => {
    const { model, sleeps } = modelWithFakeSleep({ maxRetries: 4 });
    server.enqueue({ status: 408 }, { status: 409 }, { fault: 'drop_connection' }, { fault: 'malformed_body' }, 'survived');
    expect((await model.generate({ messages: user('hi') })).text).toBe('survived');
    expect(sleeps).toHaveLength(4);
  });

  it('gives up after maxRetries with a retryable, typed error', async () => {
    const { model } = modelWithFakeSleep({ maxRetries: 2 });
    server.setChatHandler(() => ({ fault: 'server_error', status: 502 }));
    const error = await model.generate({ messages: user('hi') }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PersonalabError);
    expect(error).toMatchObject({ code: 'upstream_error', isRetryable: true, details: { status: 502, attempts: 3 } });
    // One line that says the status once and that it was retried.
    expect((error as Error).message).toBe(`LLM endpoint ${server.url} answered HTTP 502: The server had an error while processing your request (scripted) (gave up after 3 attempts)`);
    expect(server.chatRequests()).toHaveLength(3);
    expect(model.usage.failures).toBe(1);
  });

  it('maps statuses to codes without retrying client errors', async () => {
    const { model, sleeps } = modelWithFakeSleep();
    const cases = [
      [401, 'unauthenticated'],
      [403, 'permission_denied'],
      [404, 'upstream_error'], // not `not_found`: that is a read-mode cache miss
      [400, 'upstream_error'],
    ] as const;
    for (const [status, code] of cases) {
      server.enqueue({ status });
      await expect(model.generate({ messages: user('hi') })).rejects.toMatchObject({ code, isRetryable: false, details: { status } });
    }
    server.enqueue({ fault: 'rate_limit' }, { fault: 'rate_limit' }, { fault: 'rate_limit' }, { fault: 'rate_limit' });
    await expect(model.generate({ messages: user('hi') })).rejects.toMatchObject({ code: 'rate_limited', isRetryable: true });
    expect(sleeps).toHaveLength(3);
  });

  it('fails at once when asked to wait longer than maxRetryAfterMs', async () => {
    const { model, sleeps } = modelWithFakeSleep({ maxRetryAfterMs: 30_000 });
    server.enqueue({ fault: 'rate_limit', retryAfter: 3_600 });
    await expect(model.generate({ messages: user('hi') })).rejects.toMatchObject({ code: 'rate_limited', isRetryable: false });
    expect(sleeps).toEqual([]);
  });
});

describe('timeouts', () => {
  it('times out a hanging request, retries, and reports upstream_timeout', async () => {
    const { model } = modelWithFakeSleep({ timeoutMs: 80, maxRetries: 1 });
    server.enqueue({ fault: 'hang' }, { fault: 'hang' });
    const started = Date.now();
    const error = await model.generate({ messages: user('hi') }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'upstream_timeout', isRetryable: true, details: { timeoutMs: 80 } });
    expect((error as Error).message).toMatch(/did not answer within 80 ms \(gave up after 2 attempts\)$/);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(server.chatRequests()).toHaveLength(2);
  });

  it('recovers when the retry answers', async () => {
    const { model } = modelWithFakeSleep({ timeoutMs: 80, maxRetries: 1 });
    server.enqueue({ fault: 'hang' }, 'answered');
    expect((await model.generate({ messages: user('hi') })).text).toBe('answered');
  });

  it('tells a caller abort from a timeout', async () => {
    const { model, sleeps } = modelWithFakeSleep({ timeoutMs: 5_000 });
    server.enqueue({ fault: 'hang' });
    const controller = new AbortController();
    const pending = model.generate({ messages: user('hi'), signal: controller.signal });
    await server.waitForRequests(1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'cancelled', isRetryable: false });
    expect(sleeps).toEqual([]);
    // The caller stopped it: counted as cancelled, not as a failure of the endpoint, and said so in the usage line.
    expect(model.usage).toMatchObject({ failures: 0, cancelled: 1 });
    expect(formatUsage(model.usage)).toMatch(/, 0 failures, 1 cancelled$/);
  });
});

describe('structured output', () => {
  it('sends the zod schema as response_format json_schema, strict when the schema allows', async () => {
    const { model } = modelWithFakeSleep();
    server.enqueue({ json: { name: 'Ada', age: 36 } });
    await model.generateObject({ messages: user('Who?'), schema: personSchema, schemaName: 'person' });
    const format = server.chatRequests()[0]?.body.response_format;
    expect(format).toMatchObject({ type: 'json_schema', json_schema: { name: 'person', strict: true } });
    expect(format.json_schema.schema).toMatchObject({ type: 'object', required: ['name', 'age'], additionalProperties: false });

    server.enqueue({ json: { name: 'Ada' } });
    await model.generateObject({ messages: user('Who?'), schema: z.object({ name: z.string(), age: z.number().optional() }) });
    expect(server.chatRequests()[1]?.body.response_format.json_schema.strict).toBe(false);
  });

  it('falls back to json_object when the server rejects json_schema, and stays there', async () => {
    server.setRejectJsonSchema(true);
    const { model } = modelWithFakeSleep();
    server.enqueue({ json: { name: 'Ada', age: 36 } }, { json: { name: 'Bob', age: 7 } });
    expect((await model.generateObject({ messages: user('Who?'), schema: personSchema })).object).toEqual({ name: 'Ada', age: 36 });
    expect((await model.generateObject({ messages: user('Who else?'), schema: personSchema })).object).toEqual({ name: 'Bob', age: 7 });
    const formats = server.chatRequests().map((request) => request.body.response_format?.type);
    expect(formats).toEqual(['json_schema', 'json_object', 'json_object']);
    expect(model.structuredOutput).toBe('json_object');
    // Without server-side schemas the schema is spelled out in the system prompt.
    expect(server.chatRequests()[1]?.body.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('"age"') });
  });

  it('keeps json_schema when a 400 was not about the format', async () => {
    const { model } = modelWithFakeSleep();
    server.setChatHandler(() => ({ status: 400, message: "This model's maximum context length is 8192 tokens" }));
    await expect(model.generateObject({ messages: user('Who?'), schema: personSchema })).rejects.toMatchObject({
      code: 'upstream_error',
      message: expect.stringContaining('maximum context length'),
    });
    expect(server.chatRequests().map((request) => request.body.response_format?.type)).toEqual(['json_schema', 'json_object', undefined]);
    expect(model.structuredOutput).toBe('json_schema');
  });

  it('in prompt mode sends no response_format and extracts JSON from prose and fences', async () => {
    const { model } = modelWithFakeSleep({ structuredOutput: 'prompt' });
    server.enqueue('Here you go:\n```json\n{"name": "Ada", "age": 36}\n```\nHope it helps!');
    const messages = [
      { role: 'system' as const, content: 'You extract people.' },
      { role: 'user' as const, content: 'Ada is 36.' },
    ];
    const result = await model.generateObject({ messages, schema: personSchema });
    expect(result.object).toEqual({ name: 'Ada', age: 36 });
    const body = server.chatRequests()[0]?.body;
    expect(body.response_format).toBeUndefined();
    // The instruction joins the caller's system message instead of adding a second one.
    expect(body.messages).toHaveLength(2);
    expect(body.messages[0].content).toMatch(/^You extract people\.\n\nReply with a single JSON value only/);
  });

  it('picks the candidate that satisfies the schema, skipping reasoning and examples', async () => {
    const { model } = modelWithFakeSleep({ structuredOutput: 'prompt' });
    server.enqueue('<think>{"name": "draft", "age": 1}</think>The format is {"name": string}. Answer: {"name": "Ada", "age": 36}');
    const result = await model.generateObject({ messages: user('Who?'), schema: personSchema });
    expect(result).toMatchObject({ object: { name: 'Ada', age: 36 }, attempts: 1 });
  });

  it('repairs malformed JSON and truncated replies, counting attempts and usage', async () => {
    const { model } = modelWithFakeSleep();
    server.enqueue(
      { text: 'I think {"name": "Ada", "age": ', usage: { promptTokens: 10, completionTokens: 5 } },
      { text: '{"name": "Ada", "a', finishReason: 'length', usage: { promptTokens: 20, completionTokens: 5 } },
      { text: '{"name": "Ada", "age": 36}', usage: { promptTokens: 30, completionTokens: 8 } },
    );
    const result = await model.generateObject({ messages: user('Who?'), schema: personSchema });
    expect(result).toMatchObject({ object: { name: 'Ada', age: 36 }, attempts: 3, usage: { promptTokens: 60, completionTokens: 18, totalTokens: 78 } });
    const second = server.chatRequests()[1]?.body.messages;
    expect(second.at(-2)).toEqual({ role: 'assistant', content: 'I think {"name": "Ada", "age": ' });
    expect(second.at(-1).content).toMatch(/no parseable JSON/);
    expect(server.chatRequests()[2]?.body.messages.at(-1).content).toMatch(/cut off by the token limit/);
    expect(model.usage.repairs).toBe(2);
  });

  it('names the JSON path of each violation in the repair request and the final error', async () => {
    const { model } = modelWithFakeSleep({ maxRepairs: 1 });
    const schema = z.object({ people: z.array(personSchema) });
    server.enqueue({ json: { people: [{ name: 'Ada', age: 36 }, { name: 'Bob', age: -1 }] } }, { json: { people: [{ name: 3, age: 1 }] } });
    const error = await model.generateObject({ messages: user('Who?'), schema, schemaName: 'people' }).catch((caught: unknown) => caught);
    expect(server.chatRequests()[1]?.body.messages.at(-1).content).toContain('people[1].age');
    expect(error).toBeInstanceOf(PersonalabError);
    expect(error).toMatchObject({ code: 'upstream_bad_response', isRetryable: false, details: { attempts: 2, schemaName: 'people' } });
    expect((error as PersonalabError).message).toContain('people[0].name');
  });

  it('applies schema transforms and defaults to the validated value', async () => {
    const { model } = modelWithFakeSleep();
    const schema = z.object({ title: z.string().transform((value) => value.toUpperCase()), tags: z.array(z.string()).default([]) });
    server.enqueue({ json: { title: 'dune' } });
    expect((await model.generateObject({ messages: user('x'), schema })).object).toEqual({ title: 'DUNE', tags: [] });
  });
});

describe('concurrency', () => {
  it('keeps the in-flight requests the server sees at or below the limit', async () => {
    const { model } = modelWithFakeSleep({ concurrency: 3 });
    server.setChatHandler((request) => ({ text: `answer ${request.index}`, delayMs: 40 }));
    const results = await Promise.all(Array.from({ length: 12 }, (_, index) => model.generate({ messages: user(`q${index}`) })));
    expect(results).toHaveLength(12);
    expect(server.peakInFlight).toBeLessThanOrEqual(3);
    expect(server.peakInFlight).toBe(3); // the limit is used, not just respected
    expect(model.limiter.peak).toBe(3);
  });

  it('shares one limiter across models', async () => {
    const limiter = createConcurrencyLimiter(2);
    const first = modelWithFakeSleep({ limiter }).model;
    const second = modelWithFakeSleep({ limiter, model: 'other-model' }).model;
    server.setChatHandler(() => ({ text: 'ok', delayMs: 40 }));
    await Promise.all(Array.from({ length: 8 }, (_, index) => (index % 2 ? first : second).generate({ messages: user(`q${index}`) })));
    expect(server.peakInFlight).toBe(2);
    expect(new Set(server.chatRequests().map((request) => request.body.model))).toEqual(new Set(['test-model', 'other-model']));
  });
});

describe('streaming', () => {
  it('delivers deltas that add up to the text, with usage', async () => {
    const { model } = modelWithFakeSleep();
    const text = 'A streamed answer, in several small pieces.';
    server.enqueue({ text, usage: { promptTokens: 3, completionTokens: 9 } });
    const deltas: string[] = [];
    const result = await model.streamText({ messages: user('stream please'), onDelta: (delta) => deltas.push(delta) });
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join('')).toBe(text);
    expect(result).toMatchObject({ text, finishReason: 'stop', usage: { promptTokens: 3, completionTokens: 9, totalTokens: 12 } });
    expect(server.chatRequests()[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('streams without usage when the server rejects stream_options', async () => {
    const { model } = modelWithFakeSleep();
    server.enqueue({ status: 400, message: "Unrecognized request argument supplied: stream_options" }, 'plain stream', 'again');
    const result = await model.streamText({ messages: user('x'), onDelta: () => undefined });
    expect(result).toMatchObject({ text: 'plain stream', usage: { totalTokens: 0 } });
    await model.streamText({ messages: user('y'), onDelta: () => undefined });
    expect(server.chatRequests().map((request) => request.body.stream_options !== undefined)).toEqual([true, false, false]);
  });

  it('retries a failure before the first delta but not after', async () => {
    const { model, sleeps } = modelWithFakeSleep();
    server.enqueue({ fault: 'server_error' }, 'second try works');
    const deltas: string[] = [];
    expect((await model.streamText({ messages: user('x'), onDelta: (delta) => deltas.push(delta) })).text).toBe('second try works');
    expect(deltas.join('')).toBe('second try works');
    expect(sleeps).toHaveLength(1);

    server.enqueue({ text: 'this will break off midway', dropAfterChunks: 2 }, 'never used');
    const partial: string[] = [];
    await expect(model.streamText({ messages: user('x'), onDelta: (delta) => partial.push(delta) })).rejects.toMatchObject({
      isRetryable: false,
      message: expect.stringContaining('after part of the stream'),
    });
    expect(partial.join('')).toBe('this wil'); // two 4-character chunks
  });
});

describe('configuration', () => {
  it('returns undefined when no endpoint is configured', () => {
    expect(createChatModelFromConfig(loadConfig({}))).toBeUndefined();
  });

  it('builds a working model from the environment', async () => {
    const config = loadConfig({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-test', PERSONALAB_CHAT_MODEL: 'qwen-test', PERSONALAB_LLM_CONCURRENCY: '2' });
    const model = createChatModelFromConfig(config);
    expect(model?.modelId).toBe('qwen-test');
    server.enqueue('configured');
    expect((await model?.generate({ messages: user('hi') }))?.text).toBe('configured');
    const request = server.chatRequests()[0];
    expect(request?.headers.authorization).toBe('Bearer sk-test');
    expect(model?.limiter.limit).toBe(2);
    // Two models for the same endpoint share its limiter.
    expect(createChatModelFromConfig(config)?.limiter).toBe(model?.limiter);
  });

  it('names why an endpoint is unreachable (a stopped server: connection refused), after its retries', async () => {
    const stopped = await startTestServer();
    const url = stopped.url;
    await stopped.close();
    const { model, sleeps } = modelWithFakeSleep({ baseURL: url, maxRetries: 1 });
    const error = await model.generate({ messages: user('x') }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'upstream_error', isRetryable: true });
    expect((error as Error).message).toMatch(new RegExp(`^LLM endpoint ${url.replaceAll('.', '\\.')} unreachable \\(fetch failed: .*ECONNREFUSED.*\\) \\(gave up after 2 attempts\\)$`));
    expect(sleeps).toHaveLength(1);
  });

  it('never lets the SDK retry on its own', async () => {
    const { model } = modelWithFakeSleep({ maxRetries: 0 });
    server.enqueue({ fault: 'server_error' }, 'the SDK would have retried into this');
    await expect(model.generate({ messages: user('x') })).rejects.toMatchObject({ code: 'upstream_error' });
    expect(server.chatRequests()).toHaveLength(1);
  });
});

describe('streams that stop early', () => {
  const text = 'A reply that is streamed in many small chunks of four.';

  it('reports a caller abort mid-stream as cancelled, and caches nothing', async () => {
    const cache = new LlmCache(':memory:');
    const { model, sleeps } = modelWithFakeSleep({ cache, cacheMode: 'readwrite' });
    server.enqueue({ text, stallAfterChunks: 2 });
    const controller = new AbortController();
    const deltas: string[] = [];
    const pending = model.streamText({
      messages: user('x'),
      signal: controller.signal,
      onDelta: (delta) => {
        deltas.push(delta);
        if (deltas.length === 2) controller.abort();
      },
    });
    await expect(pending).rejects.toMatchObject({ code: 'cancelled', isRetryable: false });
    expect(deltas.join('')).toBe('A re' + 'ply ');
    expect(sleeps).toEqual([]);
    expect(cache.size).toBe(0);
    expect(model.usage).toMatchObject({ failures: 0, cancelled: 1 });
  });

  it('times out a stream that goes quiet: retried before the first text, not after, never cached', async () => {
    const cache = new LlmCache(':memory:');
    const { model } = modelWithFakeSleep({ timeoutMs: 150, cache, cacheMode: 'readwrite' });
    server.enqueue({ text, stallAfterChunks: 0 }, 'recovered');
    expect((await model.streamText({ messages: user('a'), onDelta: () => undefined })).text).toBe('recovered');
    expect(server.chatRequests()).toHaveLength(2);

    server.enqueue({ text, stallAfterChunks: 3 }, 'never used');
    const deltas: string[] = [];
    await expect(model.streamText({ messages: user('b'), onDelta: (delta) => deltas.push(delta) })).rejects.toMatchObject({
      code: 'upstream_timeout',
      isRetryable: false,
      message: expect.stringContaining('sent nothing for 150 ms'),
    });
    expect(deltas).toHaveLength(3);
    expect(server.chatRequests()).toHaveLength(3);
    expect(cache.size).toBe(1); // only 'recovered'
  });

  it('applies the timeout per chunk, so a long healthy stream is not cut', async () => {
    const { model } = modelWithFakeSleep({ timeoutMs: 150, maxRetries: 0 });
    server.enqueue({ text: 'x'.repeat(40), chunkDelayMs: 50 }); // 10 chunks, ~500 ms in all
    const started = Date.now();
    const result = await model.streamText({ messages: user('slow'), onDelta: () => undefined });
    expect(result).toMatchObject({ text: 'x'.repeat(40), finishReason: 'stop' });
    expect(Date.now() - started).toBeGreaterThan(400);
  });

  it('treats a stream that ends without a finish reason as an error: retried before any text, not cached', async () => {
    const cache = new LlmCache(':memory:');
    const { model, sleeps } = modelWithFakeSleep({ cache, cacheMode: 'readwrite' });
    server.enqueue({ text: '', omitFinish: true }, 'complete');
    expect((await model.streamText({ messages: user('a'), onDelta: () => undefined })).text).toBe('complete');
    expect(sleeps).toHaveLength(1);

    server.enqueue({ text, omitFinish: true }, 'never used');
    await expect(model.streamText({ messages: user('b'), onDelta: () => undefined })).rejects.toMatchObject({
      code: 'upstream_bad_response',
      isRetryable: false,
      message: expect.stringContaining('without a finish reason'),
    });
    expect(cache.size).toBe(1);
  });

  it('retries an error event inside the stream before the first text, unless it names a client error', async () => {
    const { model, sleeps } = modelWithFakeSleep();
    server.enqueue({ fault: 'stream_error', message: 'engine overloaded', code: 503 }, 'after the engine error');
    expect((await model.streamText({ messages: user('a'), onDelta: () => undefined })).text).toBe('after the engine error');
    expect(sleeps).toHaveLength(1);

    server.enqueue({ fault: 'stream_error', message: 'engine died' }, 'recovered');
    expect((await model.streamText({ messages: user('b'), onDelta: () => undefined })).text).toBe('recovered');

    server.enqueue({ fault: 'stream_error', message: 'prompt too long', code: 400 }, 'never used');
    await expect(model.streamText({ messages: user('c'), onDelta: () => undefined })).rejects.toMatchObject({ code: 'upstream_error', isRetryable: false });
    server.reset();

    server.enqueue({ fault: 'stream_error', message: 'engine died', afterText: 'half a reply' }, 'never used');
    await expect(model.streamText({ messages: user('d'), onDelta: () => undefined })).rejects.toMatchObject({
      code: 'upstream_error',
      isRetryable: false,
      message: expect.stringContaining('after part of the stream'),
    });
  });

  it('keeps asking for stream usage when a 400 was not about stream_options', async () => {
    const { model } = modelWithFakeSleep();
    const tooLong = { status: 400, message: "This model's maximum context length is 8192 tokens" };
    server.enqueue(tooLong, tooLong);
    await expect(model.streamText({ messages: user('x'), onDelta: () => undefined })).rejects.toMatchObject({ details: { status: 400 } });
    server.enqueue({ text: 'fine', usage: { promptTokens: 2, completionTokens: 1 } });
    const result = await model.streamText({ messages: user('y'), onDelta: () => undefined });
    expect(server.chatRequests().map((request) => request.body.stream_options !== undefined)).toEqual([true, false, true]);
    expect(result.usage.totalTokens).toBe(3);
  });
});

describe('usage totals', () => {
  it('counts one failure per call that finally fails, however many requests it made', async () => {
    const { model } = modelWithFakeSleep({ maxRepairs: 1 });
    server.setChatHandler(() => ({ status: 400, message: 'bad request' }));
    await expect(model.generateObject({ messages: user('x'), schema: personSchema })).rejects.toMatchObject({ code: 'upstream_error' });
    expect(server.chatRequests()).toHaveLength(3); // json_schema, json_object, prompt
    expect(model.usage.failures).toBe(1);
    await expect(model.streamText({ messages: user('x'), onDelta: () => undefined })).rejects.toMatchObject({ code: 'upstream_error' });
    expect(model.usage.failures).toBe(2);

    server.setChatHandler(() => 'no json at all');
    await expect(model.generateObject({ messages: user('x'), schema: personSchema })).rejects.toMatchObject({ code: 'upstream_bad_response' });
    expect(model.usage).toMatchObject({ failures: 3, repairs: 1 });
  });
});

describe('structured output candidates', () => {
  it('validates the whole reply when it parses, and repairs it instead of returning a nested object', async () => {
    const { model } = modelWithFakeSleep();
    const answer = z.object({ answer: z.string(), confidence: z.number().min(0).max(1) });
    server.enqueue(
      { json: { answer: 'Paris', confidence: 7, alternatives: [{ answer: 'Lyon', confidence: 0.2 }] } },
      '```json\n{"answer": "Paris", "confidence": "high", "evidence": {"answer": "quote", "confidence": 1}}\n```',
      { json: { answer: 'Paris', confidence: 0.7 } },
    );
    const result = await model.generateObject({ messages: user('Capital?'), schema: answer });
    expect(result).toMatchObject({ object: { answer: 'Paris', confidence: 0.7 }, attempts: 3 });
    expect(model.usage.repairs).toBe(2);
    expect(server.chatRequests()[1]?.body.messages.at(-1).content).toContain('confidence');
  });
});

describe('endpoint paths', () => {
  it('answers 404 outside /v1 and says to check the base URL', async () => {
    const { model, sleeps } = modelWithFakeSleep({ baseURL: server.url.replace(/\/v1$/, '') });
    server.enqueue('never used');
    const error = await model.generate({ messages: user('hi') }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'upstream_error', isRetryable: false, details: { status: 404 } });
    expect((error as Error).message).toContain('ends in /v1');
    expect(server.requests.map((request) => request.path)).toEqual(['/chat/completions']);
    expect(sleeps).toEqual([]);
  });

  it('gives a model built with another baseURL that endpoint\'s limiter, not the configured one\'s', async () => {
    const other = await startTestServer();
    try {
      const config = loadConfig({ OPENAI_BASE_URL: `${server.url}/limiter-override-test`, PERSONALAB_LLM_CONCURRENCY: '1' });
      const configured = createChatModelFromConfig(config, { baseURL: server.url, model: 'slow' });
      const elsewhere = createChatModelFromConfig(config, { baseURL: other.url, model: 'fast', concurrency: 3 });
      expect(elsewhere?.limiter).toBe(sharedLimiter(other.url, 3));
      expect(elsewhere?.limiter).not.toBe(configured?.limiter);
      expect(elsewhere?.limiter.limit).toBe(3);
      // A request that holds one endpoint's only permit until it is cancelled does not hold up a request to the other
      // (with one limiter between them the second would wait for ever). An order, not a clock: it had timed the second
      // request against 300 ms, with a 400 ms first one, which a busy machine can stretch past.
      server.enqueue({ fault: 'hang' });
      other.enqueue('fast');
      const cancel = new AbortController();
      const slow = configured!.generate({ messages: user('a'), signal: cancel.signal });
      await server.waitForRequests(1);
      let slowSettled = false;
      void slow.then(
        () => (slowSettled = true),
        () => (slowSettled = true),
      );
      expect((await elsewhere!.generate({ messages: user('b') })).text).toBe('fast');
      expect(slowSettled).toBe(false);
      cancel.abort();
      await expect(slow).rejects.toMatchObject({ code: 'cancelled' });
    } finally {
      await other.close();
    }
  });

  it('shares one limiter per endpoint whatever the trailing slash', () => {
    const url = `${server.url.replace(/\/v1$/, '')}/v1-limiter-test`;
    const limiter = sharedLimiter(url, 2);
    expect(sharedLimiter(`${url}/`, 5)).toBe(limiter);
    expect(sharedLimiter(`${url}//`, 5).limit).toBe(2); // the first limit wins (documented)
  });
});

/**
 * A real HTTP server whose n-th chat request runs `scripts[n]` (the last one repeats): the way a server or proxy that
 * dies, or a keep-alive socket reset, cuts a response after its 200 headers, which the test server's faults do not.
 */
async function startCuttingServer(scripts: Array<(response: ServerResponse, stream: boolean) => void>) {
  let count = 0;
  const http = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const script = scripts[Math.min(count++, scripts.length - 1)]!;
      script(response, (JSON.parse(body) as { stream?: boolean }).stream === true);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/v1`,
    get requests() {
      return count;
    },
    close: () => new Promise<void>((resolve) => {
      http.closeAllConnections();
      http.close(() => resolve());
    }),
  };
}

const sse = (response: ServerResponse, ...chunks: unknown[]) => {
  if (!response.headersSent) response.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const chunk of chunks) response.write(`data: ${JSON.stringify(chunk)}\n\n`);
};
const textChunk = (content: string) => ({ choices: [{ index: 0, delta: { content }, finish_reason: null }] });
const finishChunk = { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] };
/** Destroys the socket once what was written has gone out. */
const cut = (response: ServerResponse) => setTimeout(() => response.socket?.destroy(), 20);
const healthy = (response: ServerResponse, stream: boolean) => {
  if (!stream) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }] }));
    return;
  }
  sse(response, textChunk('Hel'), textChunk('lo'), finishChunk);
  response.end('data: [DONE]\n\n');
};

describe('connections cut after the response began', () => {
  const options = { model: 'm', maxRetries: 2, sleep: async () => undefined };

  it('retries a stream cut before any text, and a plain body cut midway, naming the socket error', async () => {
    const cutBeforeText = (response: ServerResponse) => {
      sse(response, { choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }] });
      cut(response);
    };
    const cutMidBody = (response: ServerResponse) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
      response.write('{"choices": [{"message": {"content": "Hel');
      cut(response);
    };
    const streaming = await startCuttingServer([cutBeforeText, healthy]);
    const plain = await startCuttingServer([cutMidBody, healthy]);
    const failing = await startCuttingServer([cutBeforeText]);
    try {
      const streamModel = createOpenAIChatModel({ ...options, baseURL: streaming.url });
      const deltas: string[] = [];
      expect((await streamModel.streamText({ messages: user('x'), onDelta: (delta) => deltas.push(delta) })).text).toBe('Hello');
      expect(deltas.join('')).toBe('Hello');
      expect(streamModel.usage).toMatchObject({ requests: 2, retries: 1, failures: 0 });

      const plainModel = createOpenAIChatModel({ ...options, baseURL: plain.url });
      expect((await plainModel.generate({ messages: user('x') })).text).toBe('Hello');
      expect(plainModel.usage).toMatchObject({ requests: 2, retries: 1, failures: 0 });

      const once = createOpenAIChatModel({ ...options, baseURL: failing.url, maxRetries: 0 });
      await expect(once.streamText({ messages: user('x'), onDelta: () => undefined })).rejects.toMatchObject({
        code: 'upstream_error',
        isRetryable: true,
        message: expect.stringContaining('connection lost (terminated: other side closed)'),
      });
    } finally {
      await Promise.all([streaming.close(), plain.close(), failing.close()]);
    }
  });

  it('keeps a streamed reply whose finish reason came before the cut, and fails one cut before it', async () => {
    const cutting = await startCuttingServer([
      (response) => {
        sse(response, textChunk('Hel'), textChunk('lo'), finishChunk);
        cut(response);
      },
      (response) => {
        sse(response, textChunk('Hel'));
        cut(response);
      },
    ]);
    try {
      const model = createOpenAIChatModel({ ...options, baseURL: cutting.url });
      expect(await model.streamText({ messages: user('x'), onDelta: () => undefined })).toEqual({ text: 'Hello', finishReason: 'stop', usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } });
      await expect(model.streamText({ messages: user('x'), onDelta: () => undefined })).rejects.toMatchObject({
        code: 'upstream_error',
        isRetryable: false,
        message: expect.stringMatching(/other side closed.*after part of the stream was delivered/),
      });
      expect(cutting.requests).toBe(2);
    } finally {
      await cutting.close();
    }
  });
});
