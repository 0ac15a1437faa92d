import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PersonalabError, createManualClock, type ChatModel, type GenerateObjectOptions, type GenerateOptions } from '@personalab/core';
import { createOpenAIChatModel, realSleep } from '@personalab/llm';
import { startTestServer, type RecordedRequest, type TestServer } from '@personalab/llm/test';
import { auth, openTinyService, type TinyService } from '../test/harness.js';
import { LlmCircuitBreaker, classifyStepFailure, type CircuitChange } from './llm-circuit-breaker.js';

describe('LlmCircuitBreaker', () => {
  const failure = new PersonalabError('upstream_error', 'unreachable', { isRetryable: true });
  const fail = (breaker: LlmCircuitBreaker) => breaker.acquire()?.settle('failure', failure);

  it('opens after the threshold of failures in a row, skips while open, and lets one probe through after the cooldown', () => {
    const clock = createManualClock(0);
    const changes: CircuitChange[] = [];
    const breaker = new LlmCircuitBreaker({ failureThreshold: 3, cooldownMs: 30_000, clock, onStateChange: (change) => changes.push(change) });
    fail(breaker);
    fail(breaker);
    expect(breaker.state).toBe('closed');
    fail(breaker);
    expect(breaker.state).toBe('open');
    expect(changes).toEqual([{ state: 'open', previous: 'closed', cause: failure, cooldownMs: 30_000 }]);
    expect(breaker.acquire()).toBeUndefined();
    clock.advance(29_999);
    expect(breaker.acquire()).toBeUndefined();
    clock.advance(1);
    expect(breaker.state).toBe('half-open');
    const probe = breaker.acquire();
    expect(probe?.probe).toBe(true);
    // One probe at a time: other steps still skip while it runs.
    expect(breaker.acquire()).toBeUndefined();
    probe?.settle('answered');
    expect(breaker.state).toBe('closed');
    expect(changes.at(-1)).toMatchObject({ state: 'closed', previous: 'half-open' });
    expect(breaker.acquire()?.probe).toBe(false);
  });

  it('opens again for a whole cooldown when the probe fails; a probe whose caller went away lets the next step probe', () => {
    const clock = createManualClock(0);
    const breaker = new LlmCircuitBreaker({ failureThreshold: 1, cooldownMs: 1_000, clock });
    fail(breaker);
    clock.advance(1_000);
    breaker.acquire()?.settle('ignored');
    expect(breaker.state).toBe('half-open');
    const probe = breaker.acquire();
    expect(probe?.probe).toBe(true);
    clock.advance(5_000);
    probe?.settle('failure', failure);
    expect(breaker.state).toBe('open');
    clock.advance(999);
    expect(breaker.acquire()).toBeUndefined();
    clock.advance(1);
    expect(breaker.acquire()?.probe).toBe(true);
  });

  it('counts only failures in a row within the window; an answer resets the count; steps started before a change cannot settle the new state', () => {
    const clock = createManualClock(0);
    const breaker = new LlmCircuitBreaker({ failureThreshold: 3, windowMs: 60_000, clock });
    fail(breaker);
    clock.advance(30_000);
    fail(breaker);
    clock.advance(31_000);
    // The first failure is 61 s old: two count.
    fail(breaker);
    expect(breaker.state).toBe('closed');
    breaker.acquire()?.settle('answered');
    fail(breaker);
    fail(breaker);
    expect(breaker.state).toBe('closed');
    const late = breaker.acquire();
    fail(breaker);
    expect(breaker.state).toBe('open');
    // A step that began while closed and answers after the circuit opened does not close it.
    late?.settle('answered');
    expect(breaker.state).toBe('open');
  });

  it('refuses settings that are not positive integers, naming them', () => {
    expect(() => new LlmCircuitBreaker({ failureThreshold: 0 })).toThrow(/llmCircuit\.failureThreshold: expected a positive integer, got 0/);
    expect(() => new LlmCircuitBreaker({ cooldownMs: 1.5 })).toThrow(/llmCircuit\.cooldownMs/);
  });

  it('takes unreachable, 5xx, 429 and timed-out steps for failures, and 4xx request errors and unusable answers for answers', () => {
    const error = (code: ConstructorParameters<typeof PersonalabError>[0], details: Record<string, unknown> = {}, isRetryable = false) => new PersonalabError(code, 'x', { details, isRetryable });
    expect(classifyStepFailure(error('upstream_error', {}, true))).toBe('failure');
    expect(classifyStepFailure(error('upstream_error', { status: 503 }, true))).toBe('failure');
    expect(classifyStepFailure(error('upstream_timeout', {}, true))).toBe('failure');
    expect(classifyStepFailure(error('rate_limited', { status: 429 }, true))).toBe('failure');
    expect(classifyStepFailure(error('upstream_error', { status: 404 }))).toBe('answered');
    expect(classifyStepFailure(error('invalid_argument', { status: 400 }))).toBe('answered');
    expect(classifyStepFailure(error('unauthenticated', { status: 401 }))).toBe('answered');
    expect(classifyStepFailure(error('upstream_bad_response'))).toBe('answered');
    expect(classifyStepFailure(new TypeError('a bug here'))).toBe('ignored');
    // The step's deadline surfaces as a cancel from the client: it is a timeout. The caller's own cancel says nothing.
    const deadline = AbortSignal.abort();
    expect(classifyStepFailure(error('cancelled'), { deadline })).toBe('failure');
    expect(classifyStepFailure(error('cancelled'), { deadline, caller: AbortSignal.abort() })).toBe('ignored');
    expect(classifyStepFailure(error('cancelled'))).toBe('ignored');
  });
});

describe('the chat behind the circuit breaker (local OpenAI-compatible server)', () => {
  let server: TestServer;
  let tiny: TinyService | undefined;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await tiny?.close();
    tiny = undefined;
    server.reset();
    server.setChatHandler(undefined);
  });
  afterAll(async () => {
    await server.close();
  });

  const schemaOf = (request: RecordedRequest) => String(request.body.response_format?.json_schema?.name ?? '');
  /** A healthy endpoint: nothing changes in the request, and the re-ranking keeps the candidates' order. */
  const healthy = (request: RecordedRequest) => {
    if (schemaOf(request) === 'constraints') return { json: { reset: false, wantedGenres: [], avoidedGenres: [], addsToEarlierGenres: false, years: null, anyYear: false, audience: 'unchanged' } };
    const ids = [...String(request.body.messages[1].content).matchAll(/id=(\S+):/g)].map((match) => ({ itemId: match[1] as string, reason: 'Scripted.' }));
    return { json: { recommendations: ids.slice(0, 5) } };
  };
  const model = (baseURL: string, options: { maxRetries?: number; sleep?: typeof realSleep } = {}) =>
    createOpenAIChatModel({ baseURL, apiKey: 'x', model: 'scripted', maxRetries: options.maxRetries ?? 0, timeoutMs: 20_000, maxRepairs: 0, ...(options.sleep ? { sleep: options.sleep } : {}) });
  const turn = async (userId = 'u1') => {
    const response = await tiny!.app.inject({ method: 'POST', url: '/v1/chat', headers: auth, payload: { userId, message: 'recommend a movie' } });
    expect(response.statusCode).toBe(200);
    return response.json();
  };
  const metrics = async () => (await tiny!.app.inject({ url: '/metrics' })).body;

  it('opens after 3 failed steps (5xx), then skips the LLM at once; after the cooldown one probe closes it again', async () => {
    const clock = createManualClock(1_700_000_000_000);
    tiny = await openTinyService({ chatModel: model(server.url), clock });
    server.setChatHandler(() => ({ fault: 'server_error' }));
    // Turn 1: the constraint reading and the re-ranking fail (2 failures); turn 2: the reading fails (the 3rd) and opens it.
    const first = await turn();
    expect(first).toMatchObject({ degraded: true, degradedReason: 'llm step failed', reranker: 'offline-blend' });
    expect(server.chatRequests()).toHaveLength(2);
    const second = await turn();
    expect(second).toMatchObject({ degraded: true, degradedReason: 'llm circuit open' });
    expect(server.chatRequests()).toHaveLength(3);
    expect(await metrics()).toMatch(/^personalab_llm_circuit_state 2$/m);
    // Open: no request reaches the server, and the offline path answers.
    for (const userId of ['u1', 'u2', 'u3']) {
      const skipped = await turn(userId);
      expect(skipped).toMatchObject({ degraded: true, degradedReason: 'llm circuit open', reranker: 'offline-blend' });
      expect(skipped.recommendations.length).toBeGreaterThan(0);
    }
    expect(server.chatRequests()).toHaveLength(3);
    const text = await metrics();
    expect(text).toMatch(/^personalab_llm_circuit_skips_total\{step="constraints"\} 3$/m);
    expect(text).toMatch(/^personalab_llm_circuit_skips_total\{step="rerank"\} 4$/m);
    expect(text).toMatch(/^personalab_llm_fallbacks_total\{step="constraints"\} 2$/m);
    // The recommendation list is behind the same breaker.
    const list = (await tiny.app.inject({ url: '/v1/users/u4/recommendations?k=3', headers: auth })).json();
    expect(list).toMatchObject({ degraded: true, degradedReason: 'llm circuit open' });

    // After the cooldown the endpoint is back: the first step probes, its answer closes the circuit, and the turn is whole.
    clock.advance(30_000);
    expect(await metrics()).toMatch(/^personalab_llm_circuit_state 1$/m);
    server.setChatHandler(healthy);
    const recovered = await turn();
    expect(recovered.degraded).toBe(false);
    expect(recovered.degradedReason).toBeUndefined();
    expect(recovered.reranker).toBe('llm:scripted');
    expect(server.chatRequests()).toHaveLength(5);
    expect(await metrics()).toMatch(/^personalab_llm_circuit_state 0$/m);
    // A degraded list is not cached: once the LLM is back, the same request gets the LLM's list.
    const again = (await tiny.app.inject({ url: '/v1/users/u4/recommendations?k=3', headers: auth })).json();
    expect(again).toMatchObject({ degraded: false, reranker: 'llm:scripted' });
  });

  it('opens again for another cooldown when the probe fails', async () => {
    const clock = createManualClock(1_700_000_000_000);
    tiny = await openTinyService({ chatModel: model(server.url), clock, llmCircuit: { failureThreshold: 2, cooldownMs: 10_000 } });
    server.setChatHandler(() => ({ fault: 'server_error', status: 503 }));
    await turn();
    expect(server.chatRequests()).toHaveLength(2);
    expect(tiny.service.llmCircuit?.state).toBe('open');
    clock.advance(10_000);
    // The probe (the constraint reading) fails; the re-ranking of the same turn is skipped.
    expect(await turn()).toMatchObject({ degraded: true, degradedReason: 'llm circuit open' });
    expect(server.chatRequests()).toHaveLength(3);
    clock.advance(9_999);
    await turn();
    expect(server.chatRequests()).toHaveLength(3);
  });

  it('opens on steps cut off by their deadline (a hanging endpoint)', async () => {
    tiny = await openTinyService({ chatModel: model(server.url), llmStepDeadlineMs: 200 });
    server.setChatHandler(() => ({ fault: 'hang' }));
    await turn();
    await turn();
    expect(server.chatRequests()).toHaveLength(3);
    expect(tiny.service.llmCircuit?.state).toBe('open');
    expect(await turn()).toMatchObject({ degraded: true, degradedReason: 'llm circuit open' });
    expect(server.chatRequests()).toHaveLength(3);
  });

  it('stays closed on 4xx request errors: every turn still asks the LLM', async () => {
    tiny = await openTinyService({ chatModel: model(server.url) });
    server.setChatHandler(() => ({ status: 400, message: 'unsupported parameter' }));
    for (let index = 0; index < 4; index++) expect(await turn()).toMatchObject({ degraded: true, degradedReason: 'llm step failed' });
    expect(tiny.service.llmCircuit?.state).toBe('closed');
    const asked = server.chatRequests().length;
    await turn();
    expect(server.chatRequests().length).toBeGreaterThan(asked);
    expect(await metrics()).toMatch(/^personalab_llm_circuit_state 0$/m);
  });

  it('answers at once, without retrying, once a refused endpoint has opened it (the reported 13 s turns)', async () => {
    // A port nothing listens on: connection refused, retried with backoff (4 retries, as the client's default).
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    let waits = 0;
    const sleep: typeof realSleep = (ms, signal) => ((waits += 1), realSleep(Math.min(ms, 20), signal));
    const refused = model(`http://127.0.0.1:${port}/v1`, { maxRetries: 4, sleep });
    // The steps' calls into the model: each one tries to connect, and is retried with backoff when refused.
    let calls = 0;
    const counted: ChatModel = {
      modelId: refused.modelId,
      generate(options: GenerateOptions) {
        calls += 1;
        return refused.generate(options);
      },
      generateObject<T>(options: GenerateObjectOptions<T>) {
        calls += 1;
        return refused.generateObject(options);
      },
    };
    tiny = await openTinyService({ chatModel: counted });
    const first = await turn();
    expect(first).toMatchObject({ degraded: true, degradedReason: 'llm step failed' });
    // Two steps, each retried 4 times.
    expect(calls).toBe(2);
    expect(waits).toBe(8);
    expect((await turn()).degradedReason).toBe('llm circuit open');
    expect(calls).toBe(3);
    expect(waits).toBe(12);
    const skipped = await turn();
    expect(skipped).toMatchObject({ degraded: true, degradedReason: 'llm circuit open' });
    // At once: the open circuit answered without calling the model (no connection tried) and without a backoff wait.
    expect(calls).toBe(3);
    expect(waits).toBe(12);
    const text = await metrics();
    expect(text).toMatch(/^personalab_llm_circuit_skips_total\{step="constraints"\} 1$/m);
    expect(text).toMatch(/^personalab_llm_circuit_skips_total\{step="rerank"\} 2$/m);
  });

  it('can be turned off, and the OpenAPI document describes degradedReason', async () => {
    tiny = await openTinyService({ chatModel: model(server.url), llmCircuit: false });
    server.setChatHandler(() => ({ fault: 'server_error' }));
    for (let index = 0; index < 3; index++) await turn();
    expect(server.chatRequests()).toHaveLength(6);
    expect(tiny.service.llmCircuit).toBeUndefined();
    const paths = (await tiny.app.inject({ url: '/docs/json' })).json().paths;
    for (const schema of [paths['/v1/chat'].post.responses['200'].content['application/json'].schema, paths['/v1/users/{id}/recommendations'].get.responses['200'].content['application/json'].schema]) {
      expect(schema.properties.degradedReason).toMatchObject({ type: 'string', enum: ['llm circuit open', 'llm step failed'] });
      expect(schema.required).not.toContain('degradedReason');
    }
  });
});
