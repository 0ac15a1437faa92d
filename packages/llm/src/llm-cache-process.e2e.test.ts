import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmCache } from './llm-cache.js';
import { createOpenAIChatModel } from './openai-chat-model.js';
import { startTestServer } from './test/index.js';

const childScript = fileURLToPath(new URL('./test/cache-child.ts', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'personalab-llm-cache-process-'));
// Root ignores file modes: the replaying child then runs as nobody, for whom chmod -w holds.
const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
chmodSync(directory, 0o755);
afterAll(() => {
  for (const entry of readdirSync(directory)) chmodSync(join(directory, entry), 0o755);
  rmSync(directory, { recursive: true, force: true });
});

interface ChildResult {
  lines: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs test/cache-child.ts; `onLine` may kill it. */
function runChild(args: string[], options: { user?: typeof asUser; onLine?: (line: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', childScript, ...args], { stdio: 'pipe', ...options.user });
    const lines: string[] = [];
    let pending = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const parts = (pending + chunk.toString()).split('\n');
      pending = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        options.onLine?.(line, child);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code, signal) => resolve({ lines, code, signal, stderr }));
  });
}

const questions = ['What did I say about Dune?', 'And Arrival?'];
const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Records answers to `questions` into `folder/cache.sqlite` (WAL) and closes it. */
async function record(folder: string): Promise<string> {
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'cache.sqlite');
  const server = await startTestServer({ chat: (request) => `answer to ${String(request.body.messages.at(-1)?.content)}` });
  const cache = new LlmCache(file);
  const model = createOpenAIChatModel({ baseURL: server.url, model: 'test-model', cache, cacheMode: 'readwrite', maxRetries: 0 });
  for (const content of questions) await model.generate({ messages: [{ role: 'user', content }], temperature: 0 });
  cache.close();
  await server.close();
  return file;
}

describe('read mode on a read-only cache', () => {
  let recorded: string;
  beforeAll(async () => {
    recorded = await record(join(directory, 'recorded'));
    const header = readFileSync(recorded).subarray(18, 20);
    // A WAL file: a reader needs a -shm beside it, which a read-only folder cannot take.
    expect([...header]).toEqual([2, 2]);
  });

  it('replays from a read-only file in a read-only folder, writing nothing', async () => {
    const folder = join(directory, 'read-only-folder');
    mkdirSync(folder);
    const file = join(folder, 'cache.sqlite');
    copyFileSync(recorded, file);
    chmodSync(file, 0o444);
    chmodSync(folder, 0o555);
    const before = digest(file);
    const result = await runChild(['replay', file, ...questions], { user: asUser });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.lines[0]!)).toEqual({ texts: questions.map((question) => `answer to ${question}`) });
    expect(readdirSync(folder)).toEqual(['cache.sqlite']);
    expect(digest(file)).toBe(before);
  });

  it('replays from a read-only file in a writable folder without making journal files', async () => {
    const folder = join(directory, 'writable-folder');
    mkdirSync(folder);
    const file = join(folder, 'cache.sqlite');
    copyFileSync(recorded, file);
    chmodSync(file, 0o444);
    chmodSync(folder, 0o777);
    const result = await runChild(['replay', file, ...questions], { user: asUser });
    expect(JSON.parse(result.lines[0]!)).toEqual({ texts: questions.map((question) => `answer to ${question}`) });
    expect(readdirSync(folder)).toEqual(['cache.sqlite']);
    // A miss is still a miss, said as one.
    const miss = await runChild(['replay', file, 'never asked'], { user: asUser });
    expect(JSON.parse(miss.lines[0]!)).toMatchObject({ code: 'not_found', error: expect.stringContaining('cache miss in read mode') });
  });

  it('names the write-ahead log when answers in it cannot be read from a read-only folder', async () => {
    const folder = join(directory, 'log-left');
    mkdirSync(folder);
    const file = join(folder, 'cache.sqlite');
    // A copy taken while a writer had answers only in its log (as a killed recorder leaves it), without the -shm.
    const source = join(directory, 'live.sqlite');
    const live = new LlmCache(source);
    live.set('k', { kind: 'chat', model: 'm', request: 'r', response: 'v' });
    copyFileSync(source, file);
    copyFileSync(`${source}-wal`, `${file}-wal`);
    live.close();
    chmodSync(file, 0o444);
    chmodSync(`${file}-wal`, 0o444);
    chmodSync(folder, 0o555);
    const result = await runChild(['replay', file, 'q'], { user: asUser });
    expect(JSON.parse(result.lines[0]!)).toMatchObject({ code: 'storage_error', error: expect.stringContaining(`write-ahead log ${file}-wal holds answers`) });
  });
});

describe('writers killed and writing at once', () => {
  const response = (key: string) => `${key}:${'x'.repeat(20_000)}`;

  it('keeps every stored answer whole when a recorder is killed with SIGKILL mid-write', async () => {
    const file = join(directory, 'killed.sqlite');
    for (const round of [0, 1, 2]) {
      const result = await runChild(['record', file, `r${round}`, '100000'], {
        onLine: (line, child) => {
          if (line === `r${round}-0`) setTimeout(() => child.kill('SIGKILL'), 50 + round * 120);
        },
      });
      expect(result.signal).toBe('SIGKILL');
      const acknowledged = result.lines.filter((line) => line !== 'done');
      expect(acknowledged.length).toBeGreaterThan(0);
      const database = new Database(file, { readonly: true });
      expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = (database.prepare('SELECT key FROM llm_cache WHERE key LIKE ?').pluck().all(`r${round}-%`) as string[]).map((key) => Number(key.split('-')[1]));
      database.close();
      // One writer, one key at a time: what is stored is a prefix, holding at least every acknowledged key.
      expect(stored.sort((a, b) => a - b)).toEqual(stored.map((_, index) => index));
      expect(stored.length).toBeGreaterThanOrEqual(acknowledged.length);
      const cache = new LlmCache(file);
      expect(acknowledged.filter((key) => cache.get(key) !== response(key))).toEqual([]);
      cache.close();
    }
  });

  it('lets two processes create and record into one file at once', async () => {
    const file = join(directory, 'pair', 'cache.sqlite');
    const [first, second] = await Promise.all([runChild(['record', file, 'a', '150']), runChild(['record', file, 'b', '150'])]);
    expect([first.code, second.code, first.stderr, second.stderr]).toEqual([0, 0, '', '']);
    const cache = new LlmCache(file);
    expect(cache.size).toBe(300);
    expect(cache.get('a-149')).toBe(response('a-149'));
    expect(cache.get('b-0')).toBe(response('b-0'));
    cache.close();
  });
});
