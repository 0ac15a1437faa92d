import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { migrations } from './migrations.js';
import { RecommenderStore } from './store.js';

const childScript = fileURLToPath(new URL('./test/store-writer-child.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'personalab-store-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * Runs test/store-writer-child.ts; with `killAfterMs`, SIGKILLs it that long after its first round is committed; with
 * `startAt` (ms since 1970), the child opens the store at that moment.
 */
function runWriter(file: string, writer: string, rounds: number, options: { killAfterMs?: number; startAt?: number } = {}): Promise<{ acknowledged: number; code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    // `startAt` had not been passed on: the writers opened the store as each came up, not together.
    const startAt = options.startAt === undefined ? [] : [String(options.startAt)];
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', childScript, file, writer, String(rounds), ...startAt], { stdio: 'pipe' });
    let acknowledged = 0;
    let pending = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith('ack ')) continue;
        acknowledged = Number(line.slice('ack '.length)) + 1;
        if (options.killAfterMs !== undefined && acknowledged === 1) setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code, signal) => resolve({ acknowledged, code, signal, stderr }));
  });
}

/** Reopens the store: every acknowledged round is there, and every round is whole or absent. */
function expectWhole(file: string, writer: string, acknowledged: number): void {
  const store = new RecommenderStore({ path: file });
  try {
    const { database } = store;
    expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(database.pragma('user_version', { simple: true })).toBe(migrations.length);
    const ids = (sql: string, ...parameters: unknown[]) => new Set(database.prepare(sql).pluck().all(...parameters) as string[]);
    const events = ids('SELECT id FROM events WHERE user_id = ?', writer);
    const messages = ids('SELECT id FROM messages WHERE user_id = ?', writer);
    const keys = ids('SELECT key FROM idempotency_keys WHERE caller = ?', writer);
    const rounds = events.size;
    expect(rounds).toBeGreaterThanOrEqual(acknowledged);
    for (let round = 0; round < rounds + 2; round++) {
      const batch = [events.has(`${writer}-e${round}`), messages.has(`${writer}-m${round}`), keys.has(`k${round}`)];
      // A batch and its idempotent answer: all or none; the same for a turn's two messages.
      expect(batch, `round ${round}`).toEqual(batch.map(() => round < rounds));
      expect(messages.has(`${writer}-u${round}`), `round ${round}`).toBe(messages.has(`${writer}-a${round}`));
    }
    expect(database.prepare('SELECT COUNT(*) FROM sessions s WHERE s.user_id = ? AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.session_id = s.id)').pluck().get(writer)).toBe(0);
  } finally {
    store.close();
  }
}

describe('RecommenderStore writers killed or writing at once', () => {
  it('reopens with every acknowledged write and no half-written one after writers are killed with SIGKILL', async () => {
    const file = join(root, 'killed', 'recommender.db');
    for (const [round, delay] of [30, 250, 600].entries()) {
      const writer = `w${round}`;
      const result = await runWriter(file, writer, 1_000_000, { killAfterMs: delay });
      expect(result.signal).toBe('SIGKILL');
      expectWhole(file, writer, result.acknowledged);
    }
  });

  it('lets four processes that open a new store at the same moment migrate it once between them', async () => {
    for (const round of [0, 1, 2, 3]) {
      const file = join(root, `opened-together-${round}`, 'recommender.db');
      const startAt = Date.now() + 2500;
      const results = await Promise.all(['a', 'b', 'c', 'd'].map((writer) => runWriter(file, writer, 1, { startAt })));
      // Each had read version 0 before another committed the first step, then failed: "table users already exists".
      expect(results.map((result) => [result.code, result.stderr])).toEqual(results.map(() => [0, '']));
      for (const writer of ['a', 'b', 'c', 'd']) expectWhole(file, writer, 1);
    }
  });

  it('lets four processes create one store and write to it at once', async () => {
    const file = join(root, 'shared', 'recommender.db');
    const writers = ['a', 'b', 'c', 'd'];
    // All open the new store in the same moment (once every process has started).
    const startAt = Date.now() + 4000;
    const results = await Promise.all(writers.map((writer) => runWriter(file, writer, 150, { startAt })));
    // All but one had failed: "table users already exists" (each ran the first migration), or "database is locked"
    // (a transaction that read, then wrote after another process's commit).
    expect(results.map((result) => [result.code, result.stderr])).toEqual(writers.map(() => [0, '']));
    for (const writer of writers) expectWhole(file, writer, 150);
  });
});
