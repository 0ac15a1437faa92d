import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, testEmbedding, type TestServer } from './index.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('test server', () => {
  it('answers chat completions from the queue, then the handler, and records every request', async () => {
    server = await startTestServer({ chat: (request) => `echo: ${request.body.messages.at(-1).content}` });
    server.enqueue('first');
    const bodies = [];
    for (const content of ['a', 'b']) {
      const response = await post(`${server.url}/chat/completions`, { model: 'm', messages: [{ role: 'user', content }] });
      expect(response.status).toBe(200);
      bodies.push(await response.json());
    }
    expect(bodies.map((body) => body.choices[0].message.content)).toEqual(['first', 'echo: b']);
    expect(bodies[0]).toMatchObject({ object: 'chat.completion', model: 'm', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
    expect(server.requests.map((request) => [request.index, request.method, request.path])).toEqual([
      [0, 'POST', '/chat/completions'],
      [1, 'POST', '/chat/completions'],
    ]);
  });

  it('says clearly when nothing was scripted, and 404s unknown routes', async () => {
    server = await startTestServer();
    const unscripted = await post(`${server.url}/chat/completions`, { model: 'm', messages: [] });
    expect(unscripted.status).toBe(400);
    expect((await unscripted.json()).error).toMatchObject({ code: 'no_scripted_reply' });
    expect((await post(`${server.url}/completions`, {})).status).toBe(404);
    expect((await post(`${server.url}/chat/completions`, 'not json')).status).toBe(400);
    expect(server.requests[2]?.body).toBe('not json');
    expect((await fetch(`${server.url}/models`)).status).toBe(200);
  });

  it('answers 400 when the handler throws, naming the error', async () => {
    server = await startTestServer({
      chat: () => {
        throw new Error('handler bug');
      },
    });
    const response = await post(`${server.url}/chat/completions`, { messages: [] });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'test_handler_error', message: expect.stringContaining('handler bug') });
  });

  it('listens on a fixed port when given one', async () => {
    const first = await startTestServer();
    const port = Number(new URL(first.url).port);
    await first.close();
    server = await startTestServer({ port, chat: () => 'ok' });
    expect(server.url).toBe(`http://127.0.0.1:${port}/v1`);
    expect((await post(`${server.url}/chat/completions`, { messages: [] })).status).toBe(200);
  });

  it('checks the API key when told to', async () => {
    server = await startTestServer({ apiKey: 'sk-right', chat: () => 'ok' });
    expect((await post(`${server.url}/chat/completions`, { messages: [] }, { authorization: 'Bearer sk-wrong' })).status).toBe(401);
    expect((await post(`${server.url}/chat/completions`, { messages: [] }, { authorization: 'Bearer sk-right' })).status).toBe(200);
  });

  it('streams server-sent events ending in [DONE], with usage only when asked', async () => {
    server = await startTestServer({ chat: () => 'streamed text', streamChunkSize: 5 });
    const read = async (body: unknown) => {
      const response = await post(`${server!.url}/chat/completions`, body);
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      return (await response.text()).split('\n\n').filter((line) => line !== '').map((line) => line.replace(/^data: /, ''));
    };
    const events = await read({ messages: [], stream: true });
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('streamed text');
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    const withUsage = await read({ messages: [], stream: true, stream_options: { include_usage: true } });
    expect(JSON.parse(withUsage.at(-2)!)).toMatchObject({ choices: [], usage: { completion_tokens: 2 } });
  });

  it('produces the scripted faults', async () => {
    server = await startTestServer();
    const url = `${server.url}/chat/completions`;
    const request = { messages: [] };
    server.enqueue({ fault: 'rate_limit', retryAfter: 7 }, { fault: 'server_error', status: 503 }, { fault: 'malformed_body' }, { status: 418, message: 'teapot' });
    const limited = await post(url, request);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    expect((await post(url, request)).status).toBe(503);
    await expect((await post(url, request)).json()).rejects.toThrow();
    const custom = await post(url, request);
    expect([custom.status, (await custom.json()).error.message]).toEqual([418, 'teapot']);

    server.enqueue({ fault: 'drop_connection' });
    await expect(post(url, request)).rejects.toThrow();

    server.setRejectJsonSchema(true);
    server.enqueue('kept for the next request');
    const rejected = await post(url, { messages: [], response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } } });
    expect(rejected.status).toBe(400);
    const accepted = await post(url, { messages: [], response_format: { type: 'json_object' } });
    expect((await accepted.json()).choices[0].message.content).toBe('kept for the next request');
  });

  it('answers only under /v1, like real servers', async () => {
    server = await startTestServer({ chat: () => 'hello' });
    const root = server.url.replace(/\/v1$/, '');
    for (const path of ['/chat/completions', '/embeddings', '/models', '/v1x/chat/completions']) {
      const response = await post(`${root}${path}`, { model: 'm', messages: [], input: 'x' });
      expect(response.status).toBe(404);
      expect((await response.json()).error.message).toContain('under /v1');
    }
    expect(server.requests.map((request) => request.path)).toEqual(['/chat/completions', '/embeddings', '/models', '/v1x/chat/completions']);
    expect((await post(`${server.url}/chat/completions`, { messages: [] })).status).toBe(200);
  });

  it('scripts streams that stall, end without a finish reason, or carry an error event', async () => {
    server = await startTestServer({ streamChunkSize: 2 });
    const url = `${server.url}/chat/completions`;
    const events = async (response: Response) => (await response.text()).split('\n\n').filter((line) => line !== '').map((line) => line.replace(/^data: /, ''));
    server.enqueue({ text: 'abcd', omitFinish: true }, { fault: 'stream_error', message: 'engine overloaded', code: 503, afterText: 'ab' }, { text: 'abcdef', stallAfterChunks: 1 });
    const unfinished = await events(await post(url, { messages: [], stream: true }));
    expect(unfinished).not.toContain('[DONE]');
    expect(unfinished.map((event) => JSON.parse(event).choices[0].finish_reason)).toEqual([null, null, null]);
    const failed = (await events(await post(url, { messages: [], stream: true }))).map((event) => JSON.parse(event));
    expect(failed.at(-2).choices[0].delta.content).toBe('ab');
    expect(failed.at(-1)).toEqual({ error: { object: 'error', message: 'engine overloaded', type: 'server_error', param: null, code: 503 } });
    const controller = new AbortController();
    const stalled = await fetch(url, { method: 'POST', body: JSON.stringify({ messages: [], stream: true }), signal: controller.signal });
    const reader = stalled.body!.getReader();
    let received = '';
    while (!received.includes('"ab"')) received += new TextDecoder().decode((await reader.read()).value);
    expect(server.inFlight).toBe(1); // still open, nothing more coming
    controller.abort();
  });

  it('holds a hanging request in flight until the client leaves or the server closes', async () => {
    server = await startTestServer();
    server.enqueue({ fault: 'hang' }, { fault: 'hang' });
    const controller = new AbortController();
    const abandoned = post(`${server.url}/chat/completions`, { messages: [] }).catch(() => 'aborted');
    const first = fetch(`${server.url}/chat/completions`, { method: 'POST', body: '{"messages":[]}', signal: controller.signal }).catch(() => 'aborted');
    await server.waitForRequests(2);
    expect(server.inFlight).toBe(2);
    expect(server.peakInFlight).toBe(2);
    controller.abort();
    expect(await first).toBe('aborted');
    await server.close();
    expect(await abandoned).toBe('aborted');
    expect(server.inFlight).toBe(0);
    await expect(server.waitForRequests(3, 20)).rejects.toThrow(/waited 20 ms for 3 requests, saw 2/);
  });

  it('answers embeddings with deterministic unit vectors where shared words mean closeness', async () => {
    server = await startTestServer({ embeddingDimension: 64 });
    const response = await post(`${server.url}/embeddings`, { model: 'e', input: ['I love science fiction films', 'science fiction films are great', 'my cat sleeps all day'] });
    const body = await response.json();
    const [a, b, c] = body.data.map((entry: { embedding: number[] }) => entry.embedding) as number[][];
    const dot = (x: number[], y: number[]) => x.reduce((sum, value, index) => sum + value * y[index]!, 0);
    expect(a).toEqual(testEmbedding('I love science fiction films', 64));
    expect(dot(a!, a!)).toBeCloseTo(1, 10);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!));
    expect(body.usage.prompt_tokens).toBe(15); // words: 5 + 5 + 5
    expect((await post(`${server.url}/embeddings`, { input: [1, 2] })).status).toBe(400);
  });
});
