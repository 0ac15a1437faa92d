import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAIChatModel, realSleep } from '@personalab/llm';
import { startTestServer, type TestServer } from '@personalab/llm/test';
import { auth, openTinyService, type TinyService } from '../test/harness.js';

let server: TestServer;
let tiny: TinyService;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await tiny.close();
  await server.close();
});
beforeEach(async () => {
  server.reset();
  if (tiny) await tiny.close();
  tiny = await openTinyService({ chatModel: createOpenAIChatModel({ baseURL: server.url, apiKey: 'x', model: 'scripted', maxRetries: 0, timeoutMs: 6000, maxRepairs: 0 }) });
});

const recommend = async () => (await tiny.app.inject({ url: '/v1/users/u1/recommendations?k=3', headers: auth })).json();

describe('LLM re-ranker (Chat-Rec prompt through generateObject)', () => {
  it('orders the candidates as the model says and uses its reasons as explanations', async () => {
    // Learn the candidate ids from the first (offline-filled) request's prompt, then script the answer.
    server.setChatHandler((request) => {
      const prompt = String(request.body.messages[1].content);
      const ids = [...prompt.matchAll(/id=(\S+):/g)].map((match) => match[1] as string);
      return { json: { recommendations: [{ itemId: ids[4], reason: 'Scripted reason four.' }, { itemId: ids[2], reason: 'Scripted reason two.' }, { itemId: 'not-a-candidate', reason: 'x' }] } };
    });
    const body = await recommend();
    expect(body.reranker).toBe('llm:scripted');
    expect(body.degraded).toBe(false);
    const prompt = String(server.chatRequests()[0]?.body.messages[1].content);
    expect(prompt).toContain('Candidate items:');
    expect(prompt).toMatch(/Silly Summer \[Comedy, Romance\]: 5\/5/);
    const ids = [...prompt.matchAll(/id=(\S+):/g)].map((match) => match[1]);
    expect(body.recommendations[0].item.id).toBe(ids[4]);
    expect(body.recommendations[0].explanation).toContain('Scripted reason four.');
    expect(body.recommendations[1].item.id).toBe(ids[2]);
    // The unknown id is dropped and the list is filled from the offline order.
    expect(body.recommendations).toHaveLength(3);
  });

  it('falls back to the offline re-ranker on a server error, and counts it', async () => {
    server.enqueue({ fault: 'server_error' });
    const body = await recommend();
    expect(body.degraded).toBe(true);
    expect(body.reranker).toBe('offline-blend');
    expect(body.recommendations).toHaveLength(3);
    expect(tiny.service.metrics.counterValue('personalab_llm_fallbacks_total', { step: 'rerank' })).toBe(1);
  });

  it('falls back when the reply names no candidate or is not valid JSON', async () => {
    server.enqueue({ json: { recommendations: [{ itemId: 'nope', reason: 'x' }] } });
    expect((await recommend()).degraded).toBe(true);
    server.enqueue({ fault: 'malformed_body' });
    const body = await tiny.app.inject({ url: '/v1/users/u2/recommendations?k=3', headers: auth });
    expect(body.statusCode).toBe(200);
    expect(body.json().degraded).toBe(true);
  });

  it('chats through the LLM, and says degraded when its chit-chat failed and the canned reply stood in', async () => {
    const unchanged = { json: { reset: false, wantedGenres: [], avoidedGenres: [], addsToEarlierGenres: false, years: null, anyYear: false, audience: 'unchanged' } };
    const hello = async () => (await tiny.app.inject({ method: 'POST', url: '/v1/chat', headers: auth, payload: { userId: 'u1', message: 'hello there' } })).json();
    server.enqueue(unchanged, 'Hi! What are you in the mood for?');
    const answered = await hello();
    expect(answered).toMatchObject({ intent: 'chitchat', reply: 'Hi! What are you in the mood for?', degraded: false });
    // The constraint reader answers; only the chit-chat fails (a 500, then an empty reply).
    server.enqueue(unchanged, { fault: 'server_error' });
    const failed = await hello();
    expect(failed.intent).toBe('chitchat');
    expect(failed.reply).toMatch(/^Hello! Tell me what you like/);
    expect(failed.degraded).toBe(true);
    server.enqueue(unchanged, '  ');
    expect((await hello()).degraded).toBe(true);
    expect(tiny.service.metrics.counterValue('personalab_llm_fallbacks_total', { step: 'chitchat' })).toBe(2);
    expect(server.chatRequests()).toHaveLength(6);
  });

  it('explains through the LLM on "why" and falls back on a timeout', async () => {
    // Each chat turn but "why ...?" first asks the LLM what the message changes in the session's request.
    const unchanged = { json: { reset: false, wantedGenres: [], avoidedGenres: [], addsToEarlierGenres: false, years: null, anyYear: false, audience: 'unchanged' } };
    server.enqueue(unchanged, { json: { recommendations: [{ itemId: 'm24', reason: 'r' }] } });
    const first = (await tiny.app.inject({ method: 'POST', url: '/v1/chat', headers: auth, payload: { userId: 'u1', message: 'recommend a movie' } })).json();
    expect(server.chatRequests()[0]?.body.response_format?.json_schema?.name).toBe('constraints');
    server.enqueue({ json: { explanation: 'Because you rated Laugh Riot 5/5.' } });
    const why = (await tiny.app.inject({ method: 'POST', url: '/v1/chat', headers: auth, payload: { userId: 'u1', sessionId: first.sessionId, message: 'why the first one?' } })).json();
    expect(why.reply).toContain('Because you rated Laugh Riot 5/5.');
    server.enqueue({ fault: 'hang' });
    const again = (await tiny.app.inject({ method: 'POST', url: '/v1/chat', headers: auth, payload: { userId: 'u1', sessionId: first.sessionId, message: 'why the first one?' } })).json();
    expect(again.degraded).toBe(true);
    expect(again.reply.length).toBeGreaterThan(20);
  });

  it('answers offline once an LLM step passes its deadline, retries included, where the model alone would wait minutes', async () => {
    // A model that waits 60 s per attempt and retries 4 times: without a step deadline a hanging endpoint holds
    // each of the turn's LLM steps for about five minutes.
    // Backoff waits between retries, counted: a step cut by its deadline is not retried.
    let waits = 0;
    const sleep: typeof realSleep = (ms, signal) => ((waits += 1), realSleep(ms, signal));
    const patient = createOpenAIChatModel({ baseURL: server.url, apiKey: 'x', model: 'scripted', maxRetries: 4, timeoutMs: 60_000, maxRepairs: 0, sleep });
    await tiny.close();
    tiny = await openTinyService({ chatModel: patient, llmStepDeadlineMs: 300 });
    server.enqueue({ fault: 'hang' }, { fault: 'hang' }, { fault: 'hang' }, { fault: 'hang' }, { fault: 'hang' }, { fault: 'hang' });
    // No wall-clock bound: without the deadline a hanging attempt ends only at the model's 60 s timeout and is retried,
    // which the test's own timeout (60 s) or the count of waits below reports.
    const turn = (await tiny.app.inject({ method: 'POST', url: '/v1/chat', headers: auth, payload: { userId: 'u1', message: 'recommend a comedy' } })).json();
    expect(turn.degraded).toBe(true);
    expect(turn.recommendations.length).toBeGreaterThan(0);
    // The deadline cut each step's attempt: no retry, and the client hung up on every hanging request (the server,
    // which never answers them, lets them go only when the client leaves). A step cut before its request left
    // (a very slow machine) sent none, hence at most one request per step.
    expect(waits).toBe(0);
    expect(server.chatRequests().length).toBeLessThanOrEqual(2);
    await expect.poll(() => server.inFlight).toBe(0);
    const fallbacks = (await tiny.app.inject({ url: '/metrics' })).body;
    expect(fallbacks).toMatch(/personalab_llm_fallbacks_total\{step="rerank"\} 1/);
    expect(fallbacks).toMatch(/personalab_llm_fallbacks_total\{step="constraints"\} 1/);
  });
});
