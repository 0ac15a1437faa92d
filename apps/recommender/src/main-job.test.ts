import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@personalab/core';
import { serve } from './main-job.js';
import { openRequest } from './test/open-request.js';

const stateDir = mkdtempSync(join(tmpdir(), 'personalab-serve-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

const config = loadConfig({ PERSONALAB_STATE_DIR: stateDir, PERSONALAB_QUIET: '1' });
const emptyDataDir = join(stateDir, 'no-data');

describe('serve (the main job)', () => {
  it('falls back to the synthetic world, says so, trains, listens and prints a working URL; a restart loads instead of training', async () => {
    const lines: string[] = [];
    const first = await serve({ config, dataDir: emptyDataDir, fetchMovieLens: false, port: 0, host: '127.0.0.1', quiet: true, log: (line) => lines.push(line) });
    try {
      expect(first.source).toBe('synthetic');
      expect(lines.join('\n')).toMatch(/MovieLens 100K not found and not fetched .*using the synthetic world/);
      expect(lines.join('\n')).toMatch(/model: trained context-EASE's closed form/);
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#key=/);
      const origin = first.url.split('/#')[0] as string;
      const key = decodeURIComponent(first.url.split('#key=')[1] as string);
      expect((await fetch(`${origin}/readyz`)).status).toBe(200);
      expect(await (await fetch(`${origin}/`)).text()).toContain('Chat-Rec');
      const chat = await fetch(`${origin}/v1/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'u1', message: 'recommend me something' }),
      });
      expect(chat.status).toBe(200);
      expect(((await chat.json()) as { recommendations: unknown[] }).recommendations.length).toBeGreaterThan(0);
      // A second server on the same state directory would retrain over this one's model: refused before any work.
      const second: string[] = [];
      await expect(serve({ config, dataDir: emptyDataDir, fetchMovieLens: false, port: 0, host: '127.0.0.1', quiet: true, retrain: true, log: (line) => second.push(line) })).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringMatching(new RegExp(`another personalab server \\(process ${process.pid}\\) is serving from`)) as unknown as string,
      });
      expect(second).toEqual([]);
    } finally {
      await first.close();
    }
    const again: string[] = [];
    const second = await serve({ config, dataDir: emptyDataDir, fetchMovieLens: false, port: 0, host: '127.0.0.1', quiet: true, log: (line) => again.push(line) });
    await second.close();
    expect(again.join('\n')).toMatch(/model: loaded context-EASE's closed form/);
    expect(again.join('\n')).toMatch(/item index: loaded/);
    expect(second.apiKey).toBe(first.apiKey);
    // The generated key is readable by its owner only, and so is the directory with the users' data beside it.
    expect(statSync(join(stateDir, 'recommender', 'api-key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(stateDir, 'recommender')).mode & 0o777).toBe(0o700);
  });

  it('makes a state directory left open by an older version private to its owner', async () => {
    const directory = join(stateDir, 'recommender');
    // Older versions created it 0755, the database 0644 in it: every user of the machine could read the chats.
    chmodSync(directory, 0o755);
    const server = await serve({ config, dataDir: emptyDataDir, fetchMovieLens: false, port: 0, host: '127.0.0.1', quiet: true, log: () => undefined });
    try {
      expect(statSync(directory).mode & 0o777).toBe(0o700);
    } finally {
      await server.close();
    }
  });

  it('serves page-EASE when asked, retraining a model saved with other settings, and loads it on restart', async () => {
    const lines: string[] = [];
    const first = await serve({ config, dataDir: emptyDataDir, fetchMovieLens: false, port: 0, host: '127.0.0.1', quiet: true, model: 'page-ease', log: (line) => lines.push(line) });
    try {
      // The state directory holds the context-EASE model of the test above: other settings, so it retrains.
      expect(lines.join('\n')).toMatch(/model: trained EASE with rating pages/);
      const origin = first.url.split('/#')[0] as string;
      const key = decodeURIComponent(first.url.split('#key=')[1] as string);
      const response = await fetch(`${origin}/v1/users/u1/recommendations?k=5`, { headers: { authorization: `Bearer ${key}` } });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { recommendations: unknown[] }).recommendations).toHaveLength(5);
    } finally {
      await first.close();
    }
    const again: string[] = [];
    const second = await serve({ config, dataDir: emptyDataDir, fetchMovieLens: false, port: 0, host: '127.0.0.1', quiet: true, model: 'page-ease', log: (line) => again.push(line) });
    await second.close();
    expect(again.join('\n')).toMatch(/model: loaded EASE with rating pages/);
  });

  it('serves the context-EASE + LightGCN blend when asked, and loads the saved blend on restart with the same rankings', async () => {
    const lines: string[] = [];
    const first = await serve({ config, dataDir: emptyDataDir, fetchMovieLens: false, port: 0, host: '127.0.0.1', quiet: true, model: 'context-ease+lightgcn', log: (line) => lines.push(line) });
    const origin = first.url.split('/#')[0] as string;
    const key = decodeURIComponent(first.url.split('#key=')[1] as string);
    const recommendations = async () => {
      const response = await fetch(`${origin}/v1/users/u1/recommendations?k=5`, { headers: { authorization: `Bearer ${key}` } });
      expect(response.status).toBe(200);
      return ((await response.json()) as { recommendations: { itemId: string }[] }).recommendations.map((entry) => entry.itemId);
    };
    let before: string[];
    try {
      expect(lines.join('\n')).toMatch(/model: trained context-EASE's closed form .* \+ 3 × LightGCN \(tfjs, 7 epochs\)/);
      before = await recommendations();
      expect(before).toHaveLength(5);
    } finally {
      await first.close();
    }
    const again: string[] = [];
    const second = await serve({ config, dataDir: emptyDataDir, fetchMovieLens: false, port: 0, host: '127.0.0.1', quiet: true, model: 'context-ease+lightgcn', log: (line) => again.push(line) });
    try {
      expect(again.join('\n')).toMatch(/model: loaded context-EASE's closed form .* LightGCN/);
      const response = await fetch(`${second.url.split('/#')[0] as string}/v1/users/u1/recommendations?k=5`, { headers: { authorization: `Bearer ${key}` } });
      expect(((await response.json()) as { recommendations: { itemId: string }[] }).recommendations.map((entry) => entry.itemId)).toEqual(before);
    } finally {
      await second.close();
    }
  });

  it('refuses a port in use before loading anything, in one line', async () => {
    const holder = createServer();
    await new Promise<void>((done) => holder.listen({ host: '127.0.0.1', port: 0 }, done));
    const port = (holder.address() as { port: number }).port;
    const lines: string[] = [];
    try {
      await expect(serve({ config, dataDir: emptyDataDir, fetchMovieLens: false, port, host: '127.0.0.1', quiet: true, log: (line) => lines.push(line) })).rejects.toMatchObject({
        code: 'conflict',
        message: `port ${port} on 127.0.0.1 is in use (another server?): stop it, or choose another port with --port or $PORT`,
      });
    } finally {
      await new Promise((done) => holder.close(done));
    }
    expect(lines).toEqual([]);
    // The refused start left no lock behind.
    expect(existsSync(join(stateDir, 'recommender', 'server.lock'))).toBe(false);
  });

  it('takes the idempotency-key settings from the environment (PERSONALAB_IDEMPOTENCY_TTL_MS / _MAX_KEYS)', async () => {
    const tuned = loadConfig({ PERSONALAB_STATE_DIR: stateDir, PERSONALAB_QUIET: '1', PERSONALAB_IDEMPOTENCY_TTL_MS: '7200000', PERSONALAB_IDEMPOTENCY_MAX_KEYS: '250' });
    const server = await serve({ config: tuned, dataDir: emptyDataDir, fetchMovieLens: false, port: 0, host: '127.0.0.1', quiet: true, model: 'page-ease', log: () => undefined });
    try {
      const origin = server.url.split('/#')[0] as string;
      const documentText = await (await fetch(`${origin}/docs/json`)).text();
      expect(documentText).toContain('kept 2 h, at most the newest 250 per API key');
      expect(documentText).not.toContain('kept 24 h');
    } finally {
      await server.close();
    }
  });

  it('takes over the lock of a server that no longer runs, and removes it on close', async () => {
    const exited = spawnSync(process.execPath, ['-e', '']).pid;
    const lock = join(stateDir, 'recommender', 'server.lock');
    writeFileSync(lock, JSON.stringify({ pid: exited, startedAt: '2026-01-01T00:00:00.000Z' }));
    const server = await serve({ config, dataDir: emptyDataDir, fetchMovieLens: false, port: 0, host: '127.0.0.1', quiet: true, model: 'page-ease', log: () => undefined });
    expect(existsSync(lock)).toBe(true);
    await server.close();
    expect(existsSync(lock)).toBe(false);
  });

  it('close() lets a request in flight finish, and drops a client stalled half-way through its request after the grace period', async () => {
    const server = await serve({ config, dataDir: emptyDataDir, fetchMovieLens: false, port: 0, host: '127.0.0.1', quiet: true, model: 'page-ease', log: () => undefined });
    const { origin } = new URL(server.url);
    // A client that never sends the body it announced: before, close() waited for it forever.
    const stalled = await openRequest(origin, { path: '/v1/users', key: server.apiKey, body: '{"id":"never-sent"}' });
    const inFlight = await openRequest(origin, { path: '/v1/users/u1/events', key: server.apiKey, body: JSON.stringify({ events: [{ type: 'rating', itemId: 'i1', value: 4 }] }) });
    const started = Date.now();
    // A grace long enough for the in-flight request on a loaded machine; the stalled client is dropped when it ends.
    const closing = server.close({ graceMs: 4_000 });
    // A request the server had started is answered after the stop began.
    expect(await inFlight.finish()).toBe('HTTP/1.1 201 Created');
    await closing;
    expect(Date.now() - started).toBeLessThan(15_000);
    await stalled.closed;
    expect(existsSync(join(stateDir, 'recommender', 'server.lock'))).toBe(false);
  });

  it('tries to fetch MovieLens when it is missing and says why it could not', async () => {
    const lines: string[] = [];
    const otherConfig = loadConfig({ PERSONALAB_STATE_DIR: join(stateDir, 'second'), PERSONALAB_QUIET: '1' });
    const server = await serve({
      config: otherConfig,
      dataDir: emptyDataDir,
      fetchMovieLens: async () => {
        throw new Error('getaddrinfo ENOTFOUND files.grouplens.org');
      },
      port: 0,
      host: '127.0.0.1',
      quiet: true,
      log: (line) => lines.push(line),
    });
    await server.close();
    expect(lines.join('\n')).toMatch(/could not fetch it \(getaddrinfo ENOTFOUND/);
    expect(server.source).toBe('synthetic');
  });
});
