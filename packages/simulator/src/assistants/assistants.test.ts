import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenAIChatModel } from '@personalab/llm';
import { startTestServer, type TestServer } from '@personalab/llm/test';
import { PersonalabError, type Interaction } from '@personalab/core';
import { testCatalog, testItems } from '../test/fixtures.js';
import { createMostPopularAssistant } from './most-popular-assistant.js';
import { OpenAiChatAssistant } from './openai-chat-assistant.js';
import { isRefusedK, networkErrorKind, RecommenderHttpAssistant } from './recommender-http-assistant.js';
import { TitleMatcher } from './title-matcher.js';

const titles = new TitleMatcher(testItems);

describe('TitleMatcher', () => {
  it('finds titles in free text, in order, with articles moved and longer titles first', () => {
    expect(titles.match('Try The Shawshank Redemption, or Toy Story 2 (1999) and then Alien.')).toEqual(['m5', 'm4', 'm6']);
    expect(titles.match('toy story is a classic')).toEqual(['m3']);
    expect(titles.match('Nothing here, aliens are not a title.')).toEqual([]);
  });
});

describe('most-popular assistant (in-process recommender)', () => {
  const interactions: Interaction[] = ['m2', 'm8', 'm3', 'm7', 'm6'].flatMap((itemId, rank) =>
    Array.from({ length: 10 - rank }, (_, index) => ({ kind: 'event' as const, userId: `p${index}`, itemId, event: 'view' as const, weight: 1, timestamp: index })),
  );
  const assistant = createMostPopularAssistant({ interactions, catalog: testCatalog, k: 2, historyOf: (userId) => (userId === 'seen-m2' ? ['m2'] : []) });

  it('recommends the most popular items the user has not seen and was not offered', async () => {
    expect((await assistant.reply({ userId: 'new', dialogue: [{ role: 'user', content: 'hi' }] })).recommendedItemIds).toEqual(['m2', 'm8']);
    expect((await assistant.reply({ userId: 'seen-m2', dialogue: [{ role: 'user', content: 'hi' }] })).recommendedItemIds).toEqual(['m8', 'm3']);
    const second = await assistant.reply({
      userId: 'new',
      dialogue: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: '...', recommendedItemIds: ['m2', 'm8'] },
        { role: 'user', content: 'something else' },
      ],
    });
    expect(second.recommendedItemIds).toEqual(['m3', 'm7']);
    expect(second.content).toContain('Toy Story (1995)');
  });

  it('prefers the genres the user mentions, and ignores negated ones', async () => {
    expect((await assistant.reply({ userId: 'new', dialogue: [{ role: 'user', content: 'I want a horror film.' }] })).recommendedItemIds).toEqual(['m2', 'm6']);
    expect((await assistant.reply({ userId: 'new', dialogue: [{ role: 'user', content: 'Any comedies?' }] })).recommendedItemIds).toEqual(['m3', 'm7']);
    expect((await assistant.reply({ userId: 'new', dialogue: [{ role: 'user', content: 'No comedies please.' }] })).recommendedItemIds).toEqual(['m2', 'm8']);
  });

  // "I loved Star Wars." had been read as asking for war films (the title's "Wars").
  it('does not read a genre in the words of a title the user names', async () => {
    const catalog = new Map([...testCatalog, ['w1', { id: 'w1', title: 'Star Wars (1977)', tags: ['Action', 'Sci-Fi', 'War'] }], ['w2', { id: 'w2', title: 'Boot, Das (1981)', tags: ['War'] }]]);
    const watched = [...interactions, ...['w1', 'w2'].map((itemId) => ({ kind: 'event' as const, userId: 'p0', itemId, event: 'view' as const, weight: 1, timestamp: 0 }))];
    const withWar = createMostPopularAssistant({ interactions: watched, catalog, k: 2, historyOf: () => ['w1'] });
    expect((await withWar.reply({ userId: 'new', dialogue: [{ role: 'user', content: 'I loved Star Wars.' }] })).recommendedItemIds).toEqual(['m2', 'm8']);
    expect((await withWar.reply({ userId: 'new', dialogue: [{ role: 'user', content: 'I loved Star Wars. Any war movies?' }] })).recommendedItemIds).toEqual(['w2', 'm2']);
  });

  // "War movies and sci-fi movies are my thing." had dropped war: "War" opening the sentence matched "War, The (1994)",
  // whose words with the article ("the war") counted as a title of two words (session 27, the phrasing experiment).
  it('reads a genre that is also a one-word title with its article as the genre', async () => {
    const catalog = new Map([...testCatalog, ['w1', { id: 'w1', title: 'War, The (1994)', tags: ['Adventure', 'Drama'] }], ['w2', { id: 'w2', title: 'Boot, Das (1981)', tags: ['War'] }]]);
    const watched = [...interactions, ...['w1', 'w2'].map((itemId) => ({ kind: 'event' as const, userId: 'p0', itemId, event: 'view' as const, weight: 1, timestamp: 0 }))];
    const withWar = createMostPopularAssistant({ interactions: watched, catalog, k: 2, historyOf: () => [] });
    expect((await withWar.reply({ userId: 'new', dialogue: [{ role: 'user', content: 'War movies are my thing.' }] })).recommendedItemIds[0]).toBe('w2');
    expect((await withWar.reply({ userId: 'new', dialogue: [{ role: 'user', content: 'I usually like war movies.' }] })).recommendedItemIds[0]).toBe('w2');
  });
});

describe('OpenAiChatAssistant against the local OpenAI-compatible server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => server.reset());
  const model = () => new OpenAIChatModel({ baseURL: server.url, apiKey: 'k', model: 'assistant', maxRetries: 1, baseDelayMs: 1, sleep: async () => undefined });

  it('sends its system prompt and the dialogue, and reads recommended titles from the reply', async () => {
    server.enqueue('You could try Alien (1979) or The Haunting.');
    const assistant = new OpenAiChatAssistant({ model: model(), titles, systemPrompt: 'Be a film critic.' });
    const reply = await assistant.reply({ userId: 'u', dialogue: [{ role: 'user', content: 'scary please' }] });
    expect(reply).toEqual({ content: 'You could try Alien (1979) or The Haunting.', recommendedItemIds: ['m6', 'm1'] });
    const messages = (server.chatRequests()[0]?.body as { messages: unknown[] }).messages;
    expect(messages).toEqual([
      { role: 'system', content: 'Be a film critic.' },
      { role: 'user', content: 'scary please' },
    ]);
  });

  it('retries a 500 and surfaces a persistent fault as a PersonalabError', async () => {
    server.enqueue({ fault: 'server_error' }, 'Heat (1995).');
    const assistant = new OpenAiChatAssistant({ model: model(), titles });
    expect((await assistant.reply({ userId: 'u', dialogue: [{ role: 'user', content: 'x' }] })).recommendedItemIds).toEqual(['m8']);
    server.enqueue({ fault: 'server_error' }, { fault: 'server_error' });
    await expect(assistant.reply({ userId: 'u', dialogue: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ name: 'PersonalabError', code: 'upstream_error' });
  });
});

describe('RecommenderHttpAssistant', () => {
  let server: Server;
  let baseUrl = '';
  const received: Array<{ url: string | undefined; body: Record<string, unknown>; authorization: string | undefined }> = [];
  const replies: Array<{ status: number; body: string; headers?: Record<string, string>; hang?: boolean }> = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        received.push({ url: request.url, body: JSON.parse(text) as Record<string, unknown>, authorization: request.headers.authorization });
        const next = replies.shift() ?? { status: 404, body: '{"error":{"code":"not_found","message":"no route"}}' };
        // A service that never answers: the client's timeout must end the attempt.
        if (next.hang) return;
        response.writeHead(next.status, { 'content-type': 'application/json', ...next.headers }).end(next.body);
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => {
    server.closeAllConnections();
    server.close(() => done());
  }));
  beforeEach(() => {
    received.length = 0;
    replies.length = 0;
  });
  const ok = (sessionId: string, ids: string[]) => ({
    status: 200,
    body: JSON.stringify({ sessionId, intent: 'recommend', reply: 'Here you go', recommendations: ids.map((id) => ({ item: { id, title: id, tags: [] }, score: 1 })), reranker: 'offline', degraded: false, messageId: 'a', replyId: 'b' }),
  });

  it('posts the newest user message to /v1/chat, keeps the session, and reads the recommendations', async () => {
    const assistant = new RecommenderHttpAssistant({ baseUrl: `${baseUrl}/`, apiKey: 'secret', k: 3 });
    replies.push(ok('s1', ['m1', 'm2']), ok('s1', ['m6']));
    expect(await assistant.reply({ userId: 'u1', dialogue: [{ role: 'user', content: 'scary' }] })).toEqual({ content: 'Here you go', recommendedItemIds: ['m1', 'm2'] });
    await assistant.reply({ userId: 'u1', dialogue: [{ role: 'user', content: 'scary' }, { role: 'assistant', content: 'Here you go' }, { role: 'user', content: 'more' }] });
    expect(received.map((entry) => entry.body)).toEqual([
      { userId: 'u1', message: 'scary', k: 3 },
      { userId: 'u1', message: 'more', k: 3, sessionId: 's1' },
    ]);
    expect(received[0]?.authorization).toBe('Bearer secret');
  });

  it('creates simulated users under a prefix with their visible ratings, once, and chats as them', async () => {
    const assistant = new RecommenderHttpAssistant({ baseUrl, userIdPrefix: 'sim-' });
    const ratings = Array.from({ length: 1001 }, (_, index) => ({ itemId: `i${index}`, value: 4, timestamp: index }));
    replies.push({ status: 201, body: '{"id":"sim-7"}' }, { status: 200, body: '{}' }, { status: 200, body: '{}' });
    // sim-8 exists (an earlier run) and has its ratings: each batch is refused as a whole with 409.
    replies.push({ status: 409, body: '{"error":{"code":"conflict","message":"user sim-8 exists"}}' });
    replies.push({ status: 409, body: '{"error":{"code":"conflict","message":"events[0].id: event sim-8:i0 already exists"}}' });
    replies.push({ status: 409, body: '{"error":{"code":"conflict","message":"events[0].id: event sim-8:i1000 already exists"}}' });
    expect(await assistant.registerUsers([{ id: '7', ratings }, { id: '8', ratings }])).toBe(1);
    expect(received.map((entry) => entry.url)).toEqual(['/v1/users', '/v1/users/sim-7/events', '/v1/users/sim-7/events', '/v1/users', '/v1/users/sim-8/events', '/v1/users/sim-8/events']);
    expect(received[0]?.body).toEqual({ id: 'sim-7' });
    const batches = received.slice(1, 3).map((entry) => entry.body['events'] as Array<Record<string, unknown>>);
    expect(batches.map((events) => events.length)).toEqual([1000, 1]);
    // Ids derived from user and item: a repeated post is refused by the service, not stored twice.
    expect(batches[0]?.[0]).toEqual({ type: 'rating', id: 'sim-7:i0', itemId: 'i0', value: 4, timestamp: 0 });
    // A failure other than "exists" stops the run.
    replies.push({ status: 401, body: '{"error":{"code":"unauthenticated","message":"no key"}}' });
    await expect(assistant.registerUsers([{ id: '9', ratings: [] }])).rejects.toMatchObject({ code: 'unauthenticated' });
    replies.push(ok('s7', ['m1']));
    await assistant.reply({ userId: '7', dialogue: [{ role: 'user', content: 'hi' }] });
    expect(received.at(-1)?.body).toEqual({ userId: 'sim-7', message: 'hi', k: 5 });
  });

  it('on resume posts the ratings of a user created by a run that failed before sending them', async () => {
    const assistant = new RecommenderHttpAssistant({ baseUrl, maxRetries: 0 });
    const ratings = Array.from({ length: 1500 }, (_, index) => ({ itemId: `i${index}`, value: 3 }));
    // First run: the user is created, the first batch stored, the second fails: the run aborts.
    replies.push({ status: 201, body: '{"id":"5"}' }, { status: 201, body: '{}' }, { status: 500, body: '{"error":{"code":"internal","message":"boom"}}' });
    await expect(assistant.registerUsers([{ id: '5', ratings }])).rejects.toMatchObject({ code: 'upstream_error' });
    received.length = 0;
    // Resumed run: the user exists (409); the stored batch is refused whole (409), the lost one is sent.
    replies.push(
      { status: 409, body: '{"error":{"code":"conflict","message":"user 5 exists"}}' },
      { status: 409, body: '{"error":{"code":"conflict","message":"events[0].id: event 5:i0 already exists"}}' },
      { status: 201, body: '{"accepted":500}' },
    );
    expect(await assistant.registerUsers([{ id: '5', ratings }])).toBe(0);
    expect(received.map((entry) => entry.url)).toEqual(['/v1/users', '/v1/users/5/events', '/v1/users/5/events']);
    const resent = received[2]?.body['events'] as Array<Record<string, unknown>>;
    expect(resent).toHaveLength(500);
    expect(resent[0]).toEqual({ type: 'rating', id: '5:i1000', itemId: 'i1000', value: 3 });
    // A failure other than 409 on a batch still stops the run.
    replies.push({ status: 409, body: '{}' }, { status: 400, body: '{"error":{"code":"invalid_argument","message":"bad"}}' });
    await expect(assistant.registerUsers([{ id: '5', ratings: ratings.slice(0, 1) }])).rejects.toMatchObject({ code: 'upstream_bad_response' });
  });

  it('sends one rating per item, and does not take a conflict for a user created just now as "stored before"', async () => {
    const assistant = new RecommenderHttpAssistant({ baseUrl, maxRetries: 0 });
    // Two ratings of i1: the derived ids would repeat inside one batch, and the service would refuse it whole.
    const ratings = [
      { itemId: 'i1', value: 2, timestamp: 1 },
      { itemId: 'i2', value: 4, timestamp: 2 },
      { itemId: 'i1', value: 5, timestamp: 3 },
    ];
    replies.push({ status: 201, body: '{"id":"6"}' }, { status: 201, body: '{"accepted":2}' });
    expect(await assistant.registerUsers([{ id: '6', ratings }])).toBe(1);
    expect(received[1]?.body['events']).toEqual([
      { type: 'rating', id: '6:i1', itemId: 'i1', value: 5, timestamp: 3 },
      { type: 'rating', id: '6:i2', itemId: 'i2', value: 4, timestamp: 2 },
    ]);
    // The batch of a user created in this run cannot have been stored by an earlier one: a 409 is an error.
    replies.push({ status: 201, body: '{"id":"4"}' }, { status: 409, body: '{"error":{"code":"conflict","message":"events[0].id: event 4:i1 already exists"}}' });
    await expect(assistant.registerUsers([{ id: '4', ratings }])).rejects.toMatchObject({ details: { status: 409 } });
  });

  it('names a refused k (the recommender takes at most 20) apart from other 400s', async () => {
    const assistant = new RecommenderHttpAssistant({ baseUrl, k: 21 });
    replies.push({ status: 400, body: '{"error":{"code":"invalid_argument","message":"body.k: Too big: expected number to be <=20","paths":["body.k"]}}' });
    const refused = await assistant.reply({ userId: 'u8', dialogue: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(isRefusedK(refused)).toBe(true);
    expect(refused).toMatchObject({ code: 'invalid_argument', message: `POST ${baseUrl}/v1/chat refused k = 21 (body.k: Too big: expected number to be <=20): ask for fewer items a turn`, details: { status: 400, k: 21 } });
    // Another field refused, or a 400 of another shape, stays the conversation's own failure.
    replies.push({ status: 400, body: '{"error":{"code":"invalid_argument","message":"body.message: Too big","paths":["body.message"]}}' }, { status: 400, body: 'no such user' });
    for (let index = 0; index < 2; index++) {
      const other = await assistant.reply({ userId: 'u8', dialogue: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
      expect(isRefusedK(other)).toBe(false);
      expect(other).toMatchObject({ code: 'upstream_bad_response', details: { status: 400 } });
    }
  });

  it('keeps the first k distinct recommendations and says how many more the service offered', async () => {
    const assistant = new RecommenderHttpAssistant({ baseUrl, k: 3 });
    replies.push(ok('s9', ['m1', 'm1', 'm2', 'm1', 'm3', 'm4', 'm5', 'm4']));
    expect(await assistant.reply({ userId: 'u9', dialogue: [{ role: 'user', content: 'hi' }] })).toEqual({ content: 'Here you go', recommendedItemIds: ['m1', 'm2', 'm3'], itemsBeyondK: 2 });
    expect(received[0]?.body['k']).toBe(3);
    replies.push(ok('s9', ['m7', 'm7']));
    expect(await assistant.reply({ userId: 'u9', dialogue: [{ role: 'user', content: 'hi' }] })).toEqual({ content: 'Here you go', recommendedItemIds: ['m7'] });
  });

  it('retries 429 and 500, fails on 400 and on a body of the wrong shape', async () => {
    const assistant = new RecommenderHttpAssistant({ baseUrl, maxRetries: 2, sleep: async () => undefined });
    replies.push({ status: 429, body: '{}' }, { status: 500, body: '{}' }, ok('s2', ['m3']));
    expect((await assistant.reply({ userId: 'u2', dialogue: [{ role: 'user', content: 'hi' }] })).recommendedItemIds).toEqual(['m3']);
    expect(received).toHaveLength(3);
    replies.push({ status: 400, body: '{"error":{"code":"invalid_argument","message":"bad"}}' });
    await expect(assistant.reply({ userId: 'u2', dialogue: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ code: 'upstream_bad_response' });
    replies.push({ status: 200, body: '{"reply": 3}' });
    await expect(assistant.reply({ userId: 'u2', dialogue: [{ role: 'user', content: 'hi' }] })).rejects.toThrow(/unexpected body/);
    replies.push({ status: 503, body: '' }, { status: 503, body: '' }, { status: 503, body: '' });
    await expect(assistant.reply({ userId: 'u2', dialogue: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ code: 'upstream_error', isRetryable: true });
  });

  it('refuses a reply body over maxResponseBytes (declared or streamed), naming the request and the limit', async () => {
    const assistant = new RecommenderHttpAssistant({ baseUrl, maxResponseBytes: 10_000, sleep: async () => undefined });
    const huge = { ...ok('s3', ['m1']), body: JSON.stringify({ sessionId: 's3', reply: 'x'.repeat(20_000), recommendations: [] }) };
    replies.push(huge);
    await expect(assistant.reply({ userId: 'u3', dialogue: [{ role: 'user', content: 'hi' }] })).rejects.toThrow(
      new RegExp(`^POST ${baseUrl}/v1/chat answered a body of more than 10000 bytes`),
    );
    // Not retried: the same request gets the same answer.
    expect(received).toHaveLength(1);
    // A body sent in chunks, without Content-Length, is cut off at the limit too.
    replies.push({ ...huge, headers: { 'transfer-encoding': 'chunked' } });
    await expect(assistant.reply({ userId: 'u3', dialogue: [{ role: 'user', content: 'hi' }] })).rejects.toThrow(/answered a body of more than 10000 bytes/);
    // Under the limit it is read as usual.
    replies.push({ ...ok('s3', ['m1']), body: JSON.stringify({ sessionId: 's3', reply: 'x'.repeat(9_000), recommendations: [] }) });
    expect((await assistant.reply({ userId: 'u3', dialogue: [{ role: 'user', content: 'hi' }] })).content).toHaveLength(9_000);
  });

  it('names the request in a body of the wrong shape, and lists a few of its problems', async () => {
    const assistant = new RecommenderHttpAssistant({ baseUrl, k: 20 });
    replies.push({ status: 200, body: JSON.stringify({ sessionId: 's4', reply: 'hi', recommendations: Array.from({ length: 20 }, (_, index) => ({ item: { id: index } })) }) });
    const error = await assistant.reply({ userId: 'u4', dialogue: [{ role: 'user', content: 'hi' }] }).then(
      () => new Error('answered'),
      (thrown: unknown) => thrown as Error,
    );
    expect(error.message).toMatch(new RegExp(`^POST ${baseUrl}/v1/chat answered an unexpected body: recommendations\\[0\\]\\.item\\.id: `));
    expect(error.message).toMatch(/… and 17 more$/);
    // An empty answer says so (it had read "answered non-JSON: " with nothing after it).
    replies.push({ status: 200, body: '' });
    await expect(assistant.reply({ userId: 'u4', dialogue: [{ role: 'user', content: 'hi' }] })).rejects.toThrow(new RegExp(`^POST ${baseUrl}/v1/chat answered 200 with an empty body, not JSON$`));
  });

  it("honours a 429's Retry-After, in seconds or as an HTTP date, capped; backs off exponentially with jitter without one", async () => {
    const waits: number[] = [];
    const now = Date.parse('2026-01-01T00:00:00Z');
    const assistant = new RecommenderHttpAssistant({ baseUrl, sleep: async (ms) => void waits.push(ms), clock: { now: () => now }, random: () => 0.5 });
    const limited = (retryAfter?: string) => ({ status: 429, body: '{"error":{"code":"rate_limited","message":"slow down"}}', ...(retryAfter === undefined ? {} : { headers: { 'retry-after': retryAfter } }) });
    replies.push(limited('59'), limited('3'), limited(new Date(now + 7000).toUTCString()), limited('3600'), ok('s3', ['m1']));
    expect((await assistant.reply({ userId: 'u3', dialogue: [{ role: 'user', content: 'hi' }] })).recommendedItemIds).toEqual(['m1']);
    // An hour is capped to the 120 s default; every other wait is what the server asked for.
    expect(waits).toEqual([59_000, 3000, 7000, 120_000]);
    expect(received).toHaveLength(5);
    waits.length = 0;
    // No Retry-After: exponential from a second, "equal jitter" (half fixed, half random; random() = 0.5 here).
    replies.push(limited(), limited(), limited(), ok('s3', ['m2']));
    await assistant.reply({ userId: 'u3', dialogue: [{ role: 'user', content: 'hi' }] });
    expect(waits).toEqual([750, 1500, 3000]);
    waits.length = 0;
    // 5xx and network errors keep the small budget and a short backoff (a service that is down fails soon).
    replies.push({ status: 503, body: '' }, { status: 502, body: '' }, { status: 500, body: '' });
    await expect(assistant.reply({ userId: 'u3', dialogue: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ code: 'upstream_error', details: { status: 500 } });
    expect(waits).toEqual([187.5, 375]);
  });

  it('gives up on a service that stays rate-limited past the wait budget, saying so', async () => {
    const waits: number[] = [];
    const assistant = new RecommenderHttpAssistant({ baseUrl, sleep: async (ms) => void waits.push(ms) });
    for (let index = 0; index < 12; index++) replies.push({ status: 429, body: '{}', headers: { 'retry-after': '59' } });
    // Ten waits of 59 s fit the 10-minute default budget; the eleventh would not.
    await expect(assistant.reply({ userId: 'u4', dialogue: [{ role: 'user', content: 'hi' }] })).rejects.toSatisfy(
      (error) => PersonalabError.is(error, 'rate_limited') && /answered 429.*still rate-limited after 10 retries and 590 s of waiting; raise the service's rate limit/.test(error.message),
    );
    expect(waits).toEqual(Array.from({ length: 10 }, () => 59_000));
    expect(received).toHaveLength(11);
  });

  it('stops waiting for a Retry-After when the run is cancelled, and times out a service that does not answer', async () => {
    const assistant = new RecommenderHttpAssistant({ baseUrl, timeoutMs: 100, maxRetries: 1, sleep: async () => undefined });
    replies.push({ status: 0, body: '', hang: true }, { status: 0, body: '', hang: true });
    await expect(assistant.reply({ userId: 'u5', dialogue: [{ role: 'user', content: 'hi' }] })).rejects.toSatisfy(
      (error) => PersonalabError.is(error, 'upstream_timeout') && /no answer within 100 ms/.test(error.message),
    );
    expect(received).toHaveLength(2);
    // The real sleep: a 30 s Retry-After is cut short by the abort.
    const realWaits = new RecommenderHttpAssistant({ baseUrl });
    replies.push({ status: 429, body: '{}', headers: { 'retry-after': '30' } });
    const controller = new AbortController();
    const begin = Date.now();
    setTimeout(() => controller.abort(), 100);
    await expect(realWaits.reply({ userId: 'u5', dialogue: [{ role: 'user', content: 'hi' }], signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' });
    expect(Date.now() - begin).toBeLessThan(5000);
  });

  it('names the cause of a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const assistant = new RecommenderHttpAssistant({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 1, sleep: async () => undefined });
    await expect(assistant.reply({ userId: 'u6', dialogue: [{ role: 'user', content: 'hi' }] })).rejects.toSatisfy(
      (error) => PersonalabError.is(error, 'upstream_error') && error.message === `POST http://127.0.0.1:${port}/v1/chat failed: fetch failed (connect ECONNREFUSED 127.0.0.1:${port})`,
    );
  });
});

describe('RecommenderHttpAssistant against a rate-limited service', () => {
  it('slows a whole user set down to the rate limit instead of failing', async () => {
    // A fixed-window limiter like the recommender's (@fastify/rate-limit): `limit` requests per minute, then 429 with
    // Retry-After = seconds to the window's end. Time is virtual: the assistant's sleep moves it on.
    const limit = 10;
    let now = 0;
    let windowStart = 0;
    let used = 0;
    let refused = 0;
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        if (now >= windowStart + 60_000) {
          windowStart = now - ((now - windowStart) % 60_000);
          used = 0;
        }
        if (used >= limit) {
          refused++;
          response.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(Math.ceil((windowStart + 60_000 - now) / 1000)) }).end('{"error":{"code":"rate_limited","message":"rate limit exceeded"}}');
          return;
        }
        used++;
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sessionId: 's', reply: 'Here', recommendations: [{ item: { id: 'm1' } }] }));
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const waits: number[] = [];
      const assistant = new RecommenderHttpAssistant({
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        // Each waiter wakes when its wait is over; virtual time is the latest such moment.
        sleep: async (ms) => {
          const wake = now + ms;
          waits.push(ms);
          await new Promise((resolve) => setImmediate(resolve));
          now = Math.max(now, wake);
        },
      });
      const users = Array.from({ length: 40 }, (_, index) => `u${index}`);
      let cursor = 0;
      const answered: string[] = [];
      // 8 users in flight, as `personalab simulate` runs them; 40 requests against 10 per minute.
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (cursor < users.length) {
            const userId = users[cursor++] as string;
            const reply = await assistant.reply({ userId, dialogue: [{ role: 'user', content: 'hi' }] });
            answered.push(...reply.recommendedItemIds);
          }
        }),
      );
      expect(answered).toHaveLength(40);
      expect(refused).toBeGreaterThan(0);
      // Every wait is one the server asked for (whole seconds, at most a minute).
      expect(waits.length).toBe(refused);
      for (const wait of waits) expect(wait % 1000 === 0 && wait > 0 && wait <= 60_000).toBe(true);
      // 40 requests at 10 per minute take at least three more windows.
      expect(now).toBeGreaterThanOrEqual(3 * 60_000);
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
    }
  });
});

describe('RecommenderHttpAssistant idempotency keys', () => {
  /**
   * A service in miniature that answers a repeated key as the recommender does: a turn runs once per key, a repeat
   * gets the stored answer. `script` says what each attempt meets: `drop` (the turn runs, the connection closes
   * before its answer), `running` (409 with Retry-After: the first attempt is still running), or `answer`.
   */
  async function startService(script: Array<'drop' | 'running' | 'answer' | 'reused'>) {
    const keys: Array<string | undefined> = [];
    const answers = new Map<string, string>();
    let turns = 0;
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const key = request.headers['idempotency-key'];
        keys.push(typeof key === 'string' ? key : undefined);
        const step = script.shift() ?? 'answer';
        if (step === 'running') return void response.writeHead(409, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"error":{"code":"conflict","message":"headers.idempotency-key: still running"}}');
        if (step === 'reused') return void response.writeHead(422, { 'content-type': 'application/json' }).end('{"error":{"code":"unprocessable_content","message":"headers.idempotency-key: already used with another request"}}');
        let answer = typeof key === 'string' ? answers.get(key) : undefined;
        if (answer === undefined) {
          turns++;
          answer = JSON.stringify({ sessionId: 's1', reply: `turn ${turns}`, recommendations: [{ item: { id: `m${turns}` } }] });
          if (typeof key === 'string') answers.set(key, answer);
        }
        if (step === 'drop') return void request.socket.destroy();
        response.writeHead(200, { 'content-type': 'application/json' }).end(answer);
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return {
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      keys,
      turns: () => turns,
      close: () => new Promise<void>((done) => server.close(() => done())),
    };
  }

  it('sends a fresh key per turn and the same key on its retries, so a turn whose answer was lost runs once', async () => {
    const service = await startService(['drop', 'answer', 'answer']);
    try {
      const assistant = new RecommenderHttpAssistant({ baseUrl: service.baseUrl, sleep: async () => undefined });
      expect(await assistant.reply({ userId: 'u1', dialogue: [{ role: 'user', content: 'hi' }] })).toEqual({ content: 'turn 1', recommendedItemIds: ['m1'] });
      // Two attempts, one turn: the retry carried the first attempt's key and got its answer.
      expect(service.turns()).toBe(1);
      expect(service.keys).toHaveLength(2);
      expect(service.keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(service.keys[1]).toBe(service.keys[0]);
      // The next turn is a new request with a new key.
      const next = await assistant.reply({ userId: 'u1', dialogue: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'turn 1' }, { role: 'user', content: 'more' }] });
      expect(next.content).toBe('turn 2');
      expect(service.keys[2]).not.toBe(service.keys[0]);
    } finally {
      await service.close();
    }
  });

  it('waits out a 409 with Retry-After (its first attempt still running) and gets that attempt’s answer', async () => {
    const service = await startService(['drop', 'running', 'answer']);
    try {
      const waits: number[] = [];
      const retries: Array<number | undefined> = [];
      let next = 0;
      const assistant = new RecommenderHttpAssistant({
        baseUrl: service.baseUrl,
        sleep: async (ms) => void waits.push(ms),
        random: () => 0.5,
        idempotencyKey: () => `key-${++next}`,
        onRetry: (info) => retries.push(info.status),
      });
      expect((await assistant.reply({ userId: 'u2', dialogue: [{ role: 'user', content: 'hi' }] })).content).toBe('turn 1');
      expect(service.keys).toEqual(['key-1', 'key-1', 'key-1']);
      expect(service.turns()).toBe(1);
      // The network error's backoff, then the second the service asked for.
      expect(retries).toEqual([undefined, 409]);
      expect(waits).toEqual([187.5, 1000]);
    } finally {
      await service.close();
    }
  });

  it('gives up on a request the service keeps running past the wait budget, and never retries a reused key', async () => {
    const service = await startService(['running', 'running', 'running', 'reused']);
    try {
      const assistant = new RecommenderHttpAssistant({ baseUrl: service.baseUrl, sleep: async () => undefined, maxRateLimitRetries: 2 });
      await expect(assistant.reply({ userId: 'u3', dialogue: [{ role: 'user', content: 'hi' }] })).rejects.toSatisfy(
        (error) => PersonalabError.is(error, 'upstream_timeout') && /answered 409.*still running the first attempt after 2 retries/.test(error.message),
      );
      expect(new Set(service.keys).size).toBe(1);
      // A 422 (the key was used with another request) is an error of the client: not retried.
      await expect(assistant.reply({ userId: 'u3', dialogue: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ code: 'upstream_bad_response', details: { status: 422 } });
      expect(service.keys).toHaveLength(4);
    } finally {
      await service.close();
    }
  });
});

describe('RecommenderHttpAssistant retry accounting', () => {
  /** A service that answers each request as `script` says, in order (then 200), so that every kind of retry is met for real. */
  async function startService(script: Array<'answer' | 'busy' | 'limited' | 'running' | 'drop' | 'reset' | 'bad'>) {
    let requests = 0;
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        requests++;
        const step = script.shift() ?? 'answer';
        const send = (status: number, body: string, headers: Record<string, string> = {}) => void response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
        if (step === 'busy') return send(503, '{"error":{"code":"internal","message":"busy"}}');
        if (step === 'limited') return send(429, '{"error":{"code":"rate_limited","message":"slow down"}}', { 'retry-after': '1' });
        if (step === 'running') return send(409, '{"error":{"code":"conflict","message":"still running"}}', { 'retry-after': '1' });
        if (step === 'bad') return send(400, '{"error":{"code":"invalid_argument","message":"bad"}}');
        if (step === 'drop') return void request.socket.destroy();
        if (step === 'reset') return void request.socket.resetAndDestroy();
        if (request.url === '/v1/users') return send(201, '{"id":"x"}');
        if (request.url?.endsWith('/events')) return send(201, '{"accepted":1}');
        send(200, JSON.stringify({ sessionId: 's', reply: 'Here', recommendations: [{ item: { id: 'm1' } }] }));
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return {
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      requests: () => requests,
      close: () => new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
    };
  }
  const first = [{ role: 'user' as const, content: 'hi' }];
  const second = [...first, { role: 'assistant' as const, content: 'Here' }, { role: 'user' as const, content: 'more' }];

  it('counts each retry under its cause, per conversation, and the requests that failed after their retries', async () => {
    const service = await startService(['limited', 'limited', 'busy', 'answer', 'drop', 'reset', 'running', 'answer', 'busy', 'busy', 'busy']);
    try {
      const causes: string[] = [];
      const assistant = new RecommenderHttpAssistant({ baseUrl: service.baseUrl, sleep: async () => undefined, onRetry: (info) => causes.push(info.cause) });
      // Two 429s and a 503, then the answer.
      await assistant.reply({ userId: 'u1', dialogue: first });
      // A dropped connection, a reset one, a 409 of the first attempt still running, then the answer.
      await assistant.reply({ userId: 'u1', dialogue: second });
      expect(causes).toEqual(['429', '429', '503', 'connection closed', 'connection reset', '409']);
      expect(assistant.takeServiceReport('u1')).toEqual({ requests: 2, retries: { '429': 2, '503': 1, 'connection closed': 1, 'connection reset': 1, '409': 1 }, failedRequests: 0 });
      // Taken: a second take has nothing.
      expect(assistant.takeServiceReport('u1')).toEqual({ requests: 0, retries: {}, failedRequests: 0 });
      // Three 503s: two retries (the default budget), then the request fails after them.
      await expect(assistant.reply({ userId: 'u2', dialogue: first })).rejects.toMatchObject({ code: 'upstream_error', details: { status: 503 } });
      expect(assistant.takeServiceReport('u2')).toEqual({ requests: 1, retries: { '503': 2 }, failedRequests: 1 });
      expect(service.requests()).toBe(11);
      expect(assistant.serviceTotals()).toEqual({ requests: 3, retries: { '429': 2, '503': 3, 'connection closed': 1, 'connection reset': 1, '409': 1 }, failedRequests: 1 });
    } finally {
      await service.close();
    }
  });

  it('starts a new account with a new conversation, keeps users apart, and leaves errors that are not retried out', async () => {
    const service = await startService(['busy', 'answer', 'answer', 'bad']);
    try {
      const assistant = new RecommenderHttpAssistant({ baseUrl: service.baseUrl, sleep: async () => undefined });
      await assistant.reply({ userId: 'u1', dialogue: first });
      // An earlier conversation of u1 that was never taken (dropped) does not leak into the next one.
      await assistant.reply({ userId: 'u1', dialogue: first });
      expect(assistant.takeServiceReport('u1')).toEqual({ requests: 1, retries: {}, failedRequests: 0 });
      // A 400 is the client's error: no retry, and not a request that failed after retries.
      await expect(assistant.reply({ userId: 'u2', dialogue: first })).rejects.toMatchObject({ code: 'upstream_bad_response' });
      expect(assistant.takeServiceReport('u2')).toEqual({ requests: 1, retries: {}, failedRequests: 0 });
      expect(assistant.takeServiceReport('never')).toEqual({ requests: 0, retries: {}, failedRequests: 0 });
    } finally {
      await service.close();
    }
  });

  it("counts the users' registration in the totals only, and a service that is down as refused connections that failed", async () => {
    const service = await startService(['busy', 'answer', 'limited', 'answer']);
    const assistant = new RecommenderHttpAssistant({ baseUrl: service.baseUrl, sleep: async () => undefined });
    try {
      expect(await assistant.registerUsers([{ id: '1', ratings: [{ itemId: 'i1', value: 4 }] }])).toBe(1);
      expect(assistant.serviceTotals()).toEqual({ requests: 2, retries: { '503': 1, '429': 1 }, failedRequests: 0 });
      expect(assistant.takeServiceReport('1')).toEqual({ requests: 0, retries: {}, failedRequests: 0 });
    } finally {
      await service.close();
    }
    // A port nothing listens on (never connected to, so no pooled connection is met): both attempts refused, the request fails after its retry.
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const down = new RecommenderHttpAssistant({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 1, sleep: async () => undefined });
    await expect(down.reply({ userId: 'u1', dialogue: first })).rejects.toMatchObject({ code: 'upstream_error' });
    expect(down.takeServiceReport('u1')).toEqual({ requests: 1, retries: { 'connection refused': 1 }, failedRequests: 1 });
  });

  it('counts a timed-out attempt as a timeout', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const assistant = new RecommenderHttpAssistant({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, timeoutMs: 50, maxRetries: 1, sleep: async () => undefined });
      await expect(assistant.reply({ userId: 'u1', dialogue: first })).rejects.toMatchObject({ code: 'upstream_timeout' });
      expect(assistant.takeServiceReport('u1')).toEqual({ requests: 1, retries: { timeout: 1 }, failedRequests: 1 });
    } finally {
      await new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      });
    }
  });

  it('names a network error by the first code among its causes', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:3000'), { code: 'ECONNREFUSED' });
    expect(networkErrorKind(new TypeError('fetch failed', { cause: new AggregateError([refused], '') }))).toBe('connection refused');
    expect(networkErrorKind(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'EHOSTDOWN' }) }))).toBe('EHOSTDOWN');
    expect(networkErrorKind(new TypeError('fetch failed'))).toBe('network error');
  });
});
