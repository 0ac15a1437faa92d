import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock } from '@personalab/core';
import { createOpenAIChatModel } from '@personalab/llm';
import { startTestServer, type TestServer } from '@personalab/llm/test';
import { auth, openTinyService, testKey, type TinyService } from '../test/harness.js';

let tiny: TinyService | undefined;
let llm: TestServer | undefined;
const directories: string[] = [];
afterEach(async () => {
  await tiny?.close();
  tiny = undefined;
  await llm?.close();
  llm = undefined;
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

const open = async (options: Parameters<typeof openTinyService>[0] = {}) => {
  tiny = await openTinyService(options);
  return tiny;
};

const turn = { userId: 'u1', message: 'I loved Alien. Something scary please' };

/** `POST /v1/chat` (or another route) through `inject`, with an optional key and bearer token. */
const post = (service: TinyService, options: { key?: string; body?: unknown; url?: string; token?: string } = {}) =>
  service.app.inject({
    method: 'POST',
    url: options.url ?? '/v1/chat',
    headers: {
      authorization: `Bearer ${options.token ?? testKey}`,
      'content-type': 'application/json',
      ...(options.key === undefined ? {} : { 'idempotency-key': options.key }),
    },
    payload: typeof options.body === 'string' ? options.body : JSON.stringify(options.body ?? turn),
  });

/** The stored user messages of a text (one per turn written). */
const userMessages = (service: TinyService, userId: string, content: string) => service.service.store.messagesOf(userId).filter((message) => message.role === 'user' && message.content === content);

const counts = (service: TinyService) => ({
  users: service.service.store.userCount(),
  events: service.service.store.eventCount(),
  messages: service.service.store.messageCount(),
  keys: service.service.store.idempotencyKeyCount(),
});

describe('Idempotency-Key on POST /v1/chat', () => {
  it('writes a turn once when its answer was lost and the client sent it again (real HTTP)', async () => {
    const service = await open();
    // The turn is written, then the connection drops before the answer leaves: the client sees a network error.
    let drop = true;
    service.app.addHook('onSend', async (request, _reply, payload) => {
      if (drop && request.routeOptions.url === '/v1/chat') {
        drop = false;
        request.raw.socket.destroy();
      }
      return payload;
    });
    const origin = await service.app.listen({ host: '127.0.0.1', port: 0 });
    const send = (key?: string) =>
      fetch(`${origin}/v1/chat`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) }, body: JSON.stringify(turn) });

    await expect(send('turn-1')).rejects.toThrow(/fetch failed/);
    expect(userMessages(service, 'u1', turn.message)).toHaveLength(1);
    const retry = await send('turn-1');
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const answer = (await retry.json()) as { sessionId: string; messageId: string; replyId: string };
    // One turn: the retry was answered with the turn the server had written, in its one session.
    const written = userMessages(service, 'u1', turn.message);
    expect(written.map((message) => message.id)).toEqual([answer.messageId]);
    expect(service.service.store.sessionMessages(answer.sessionId).map((message) => [message.role, message.id])).toEqual([
      ['user', answer.messageId],
      ['assistant', answer.replyId],
    ]);

    // Without a key the same loss writes the turn twice (as before): the key is what makes the retry safe.
    drop = true;
    await expect(send()).rejects.toThrow(/fetch failed/);
    const unkeyed = await send();
    expect(unkeyed.status).toBe(200);
    expect(unkeyed.headers.get('idempotent-replayed')).toBeNull();
    expect(userMessages(service, 'u1', turn.message)).toHaveLength(3);
  });

  it('replays the stored answer, status and body byte for byte, without running the turn again', async () => {
    const service = await open();
    const first = await post(service, { key: 'k-1' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const before = counts(service);
    const again = await post(service, { key: 'k-1' });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(again.body).toBe(first.body);
    // The same body with its keys in another order is the same request.
    const reordered = await post(service, { key: 'k-1', body: `{"message":${JSON.stringify(turn.message)},"userId":"u1"}` });
    expect(reordered.statusCode).toBe(200);
    expect(reordered.body).toBe(first.body);
    expect(counts(service)).toEqual(before);
    expect((await service.app.inject({ url: '/metrics' })).body).toMatch(/personalab_idempotent_replays_total\{route="\/v1\/chat"\} 2/);
    // A new key is a new turn, in the same session when the body names it.
    const { sessionId } = first.json() as { sessionId: string };
    const next = await post(service, { key: 'k-2', body: { ...turn, sessionId, message: 'something lighter' } });
    expect(next.statusCode).toBe(200);
    expect(service.service.store.sessionMessages(sessionId)).toHaveLength(4);
  });

  it('refuses the key with another body or on another route with a 422 naming the header, and writes nothing (real HTTP)', async () => {
    const service = await open();
    const origin = await service.app.listen({ host: '127.0.0.1', port: 0 });
    const send = (url: string, body: unknown) =>
      fetch(`${origin}${url}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': 'k-1' }, body: JSON.stringify(body) });
    expect((await send('/v1/chat', turn)).status).toBe(200);
    const before = counts(service);
    // draft-ietf-httpapi-idempotency-key-header: a key reused with another payload is 422 Unprocessable Content (it had been a 409).
    const changed = await send('/v1/chat', { ...turn, message: 'something else' });
    expect(changed.status).toBe(422);
    expect(changed.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await changed.json()).toEqual({
      error: {
        code: 'unprocessable_content',
        message: 'headers.idempotency-key: Idempotency-Key "k-1" was already used with another request (route or body); send a new key with a new request',
        paths: ['headers.idempotency-key'],
      },
    });
    // Not a "come back later": nothing is running, and no retry of this request can succeed.
    expect(changed.headers.get('retry-after')).toBeNull();
    const otherRoute = await send('/v1/users/u1/events', { events: [{ type: 'message', content: 'hi' }] });
    expect(otherRoute.status).toBe(422);
    expect(((await otherRoute.json()) as { error: { code: string; paths: string[] } }).error).toMatchObject({ code: 'unprocessable_content', paths: ['headers.idempotency-key'] });
    expect(otherRoute.headers.get('retry-after')).toBeNull();
    expect(counts(service)).toEqual(before);
    // The key with its own request is still answered from the store.
    const replay = await send('/v1/chat', turn);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('keeps keys per API key: another key holder using the same key runs its own turn', async () => {
    const service = await open();
    const mine = await post(service, { key: 'shared' });
    const theirs = await post(service, { key: 'shared', token: 'second-key' });
    expect(theirs.statusCode).toBe(200);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.json().messageId).not.toBe(mine.json().messageId);
    expect(userMessages(service, 'u1', turn.message)).toHaveLength(2);
    // Each caller's repeat gets its own answer.
    expect((await post(service, { key: 'shared' })).body).toBe(mine.body);
    expect((await post(service, { key: 'shared', token: 'second-key' })).body).toBe(theirs.body);
    // Neither API key is stored, only a digest of it.
    const callers = service.service.store.database.prepare('SELECT DISTINCT caller FROM idempotency_keys').pluck().all() as string[];
    expect(callers).toHaveLength(2);
    for (const caller of callers) expect(caller).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes 1 to 255 printable ASCII characters; anything else is a 400 naming the header, with nothing written', async () => {
    const service = await open();
    const before = counts(service);
    for (const [key, message] of [
      ['', 'Too small'],
      ['x'.repeat(256), 'Too big'],
      ['naïve', 'must be printable ASCII'],
      ['tab\there', 'must be printable ASCII'],
    ] as const) {
      for (const url of ['/v1/chat', '/v1/users/u1/events']) {
        const response = await post(service, { key, url, body: url === '/v1/chat' ? turn : { events: [{ type: 'message', content: 'hi' }] } });
        expect(response.statusCode, `${url} ${JSON.stringify(key)}`).toBe(400);
        expect(response.json().error.paths).toEqual(['headers.idempotency-key']);
        expect(response.json().error.message).toMatch(new RegExp(`^headers\\.idempotency-key: ${message}`));
      }
    }
    expect(counts(service)).toEqual(before);
    expect((await post(service, { key: `${'~'.repeat(254)} ` })).statusCode).toBe(200);
  });

  it('stores nothing for a refused request, so its key may be sent again with a corrected body', async () => {
    const service = await open();
    const before = counts(service);
    const refused = await post(service, { key: 'k-1', body: { ...turn, sessionId: 'no-such-session' } });
    expect(refused.statusCode).toBe(404);
    expect(counts(service)).toEqual(before);
    const corrected = await post(service, { key: 'k-1' });
    expect(corrected.statusCode).toBe(200);
    expect(corrected.headers['idempotent-replayed']).toBeUndefined();
  });

  it('answers a repeat while the first is still running with 409 and Retry-After, then replays its answer', async () => {
    // The turn's first LLM call waits until released: the turn is running while the repeats arrive.
    let release = () => undefined as void;
    const released = new Promise<void>((resolve) => (release = resolve));
    llm = await startTestServer({ chat: async () => (await released, '{}') });
    const service = await open({ chatModel: createOpenAIChatModel({ baseURL: llm.url, apiKey: 'x', model: 'scripted', maxRetries: 0, timeoutMs: 60_000, maxRepairs: 0 }) });
    const first = post(service, { key: 'slow' });
    await llm.waitForRequests(1);
    const repeat = await post(service, { key: 'slow' });
    expect(repeat.statusCode).toBe(409);
    expect(repeat.headers['retry-after']).toBe('1');
    expect(repeat.json().error).toMatchObject({ code: 'conflict', paths: ['headers.idempotency-key'], message: expect.stringMatching(/still running/) });
    // Another body under the running key is refused as a reused key (422), not asked to wait.
    const other = await post(service, { key: 'slow', body: { ...turn, message: 'a comedy' } });
    expect(other.statusCode).toBe(422);
    expect(other.json().error).toMatchObject({ code: 'unprocessable_content', paths: ['headers.idempotency-key'] });
    expect(other.headers['retry-after']).toBeUndefined();
    release();
    const answered = await first;
    expect(answered.statusCode).toBe(200);
    const replay = await post(service, { key: 'slow' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(answered.body);
    expect(userMessages(service, 'u1', turn.message)).toHaveLength(1);
  });

  it('writes the answer under its key in the turn’s transaction: when the key cannot be stored, neither is the turn', async () => {
    const service = await open();
    // The key's row fails as a full disk would, after the turn's rows are written in the same transaction.
    service.service.store.database.exec("CREATE TRIGGER refuse_keys BEFORE INSERT ON idempotency_keys BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
    const before = counts(service);
    const failed = await post(service, { key: 'k-1' });
    expect(failed.statusCode).toBe(500);
    expect(counts(service)).toEqual(before);
    // Nothing was written and the key was not kept: the retry runs the turn, once.
    service.service.store.database.exec('DROP TRIGGER refuse_keys');
    expect((await post(service, { key: 'k-1' })).statusCode).toBe(200);
    expect(userMessages(service, 'u1', turn.message)).toHaveLength(1);
  });

  it('keeps keys across a restart (the store on disk)', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'personalab-idempotency-'));
    directories.push(stateDir);
    const first = await open({ stateDir });
    const answered = await post(first, { key: 'before-restart' });
    expect(answered.statusCode).toBe(200);
    const messages = first.service.store.messageCount();
    await first.close();
    tiny = undefined;
    const second = await open({ stateDir });
    const replay = await post(second, { key: 'before-restart' });
    expect(replay.statusCode).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(answered.body);
    expect(second.service.store.messageCount()).toBe(messages);
    expect((await post(second, { key: 'before-restart', body: { ...turn, message: 'other' } })).statusCode).toBe(422);
  });

  it('forgets a key after its time to live, and keeps at most the cap per API key (oldest dropped)', async () => {
    const clock = createManualClock(1_700_000_000_000);
    const service = await open({ clock, idempotency: { ttlMs: 60_000, maxKeysPerCaller: 2 } });
    for (const key of ['a', 'b', 'c']) {
      expect((await post(service, { key, body: { ...turn, message: `turn ${key}` } })).statusCode).toBe(200);
      clock.advance(1);
    }
    // The other API key's keys are not counted against this one's cap.
    await post(service, { key: 'a', token: 'second-key', body: { ...turn, message: 'turn a' } });
    expect(service.service.store.idempotencyKeyCount()).toBe(3);
    // "a" was dropped for the cap: sent again it runs again; "c" is still kept.
    expect((await post(service, { key: 'c', body: { ...turn, message: 'turn c' } })).headers['idempotent-replayed']).toBe('true');
    expect((await post(service, { key: 'a', body: { ...turn, message: 'turn a' } })).headers['idempotent-replayed']).toBeUndefined();
    expect(userMessages(service, 'u1', 'turn a')).toHaveLength(3);
    clock.advance(60_000);
    expect((await post(service, { key: 'c', body: { ...turn, message: 'turn c' } })).headers['idempotent-replayed']).toBeUndefined();
    expect(userMessages(service, 'u1', 'turn c')).toHaveLength(2);
  });
});

describe('Idempotency-Key on POST /v1/users/:id/events', () => {
  it('writes a batch once and replays its 201', async () => {
    const service = await open();
    const batch = { events: [{ type: 'message', content: 'I love film noir' }, { type: 'event', itemId: 'm2', event: 'view' }] };
    const first = await post(service, { key: 'batch-1', url: '/v1/users/u1/events', body: batch });
    expect(first.statusCode).toBe(201);
    const before = counts(service);
    const again = await post(service, { key: 'batch-1', url: '/v1/users/u1/events', body: batch });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    expect(counts(service)).toEqual(before);
    // The same batch for another user is another request.
    expect((await post(service, { key: 'batch-1', url: '/v1/users/u2/events', body: batch })).statusCode).toBe(422);
    expect(userMessages(service, 'u1', 'I love film noir')).toHaveLength(1);
  });

  it('documents the header, its 422 (key reused) and its 409 (still running) on both routes', async () => {
    const service = await open();
    const paths = (await service.app.inject({ url: '/docs/json' })).json().paths;
    for (const route of [paths['/v1/chat'].post, paths['/v1/users/{id}/events'].post]) {
      const header = route.parameters.find((parameter: { in: string; name: string }) => parameter.in === 'header' && parameter.name === 'idempotency-key');
      expect(header).toMatchObject({ required: false, schema: { type: 'string', minLength: 1, maxLength: 255 } });
      expect(header.description).toMatch(/Idempotent-Replayed: true/);
      expect(header.description).toMatch(/another body or route is a 422, a repeat while the first is still running a 409 with `Retry-After`/);
      expect(header.description).toMatch(/kept 24 h, at most the newest 10,000 per API key/);
      expect(route.description).toMatch(/Idempotency-Key/);
      expect(route.responses['422'].description).toMatch(/`Idempotency-Key` already used with another request/);
      expect(route.responses['422'].description).toMatch(/headers\.idempotency-key/);
      expect(route.responses['409'].description).toMatch(/`Idempotency-Key` is still running.*`Retry-After`/);
      expect(route.responses['422'].content['application/json'].schema.properties.error).toBeDefined();
    }
  });

  it('states the time to live and cap it was given in the document, and refuses ones that are not positive integers', async () => {
    const service = await open({ idempotency: { ttlMs: 90 * 60_000, maxKeysPerCaller: 250 } });
    const header = (await service.app.inject({ url: '/docs/json' }))
      .json()
      .paths['/v1/chat'].post.parameters.find((parameter: { name: string }) => parameter.name === 'idempotency-key');
    expect(header.description).toMatch(/kept 90 min, at most the newest 250 per API key/);
    for (const [idempotency, message] of [
      [{ ttlMs: 0 }, 'idempotency.ttlMs must be a positive integer, got 0'],
      [{ ttlMs: 1.5 }, 'idempotency.ttlMs must be a positive integer, got 1.5'],
      [{ maxKeysPerCaller: -1 }, 'idempotency.maxKeysPerCaller must be a positive integer, got -1'],
    ] as const) {
      await expect(openTinyService({ idempotency })).rejects.toThrow(message);
    }
  });
});
