import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { HistoryStore } from './history-store.js';
import { HnswIndex } from './hnsw-index.js';
import { historyTestEmbedder, historyTestText } from './test/history-fixtures.js';

const childScript = fileURLToPath(new URL('./test/history-writer-child.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'personalab-history-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const embedder = historyTestEmbedder();

/** Runs test/history-writer-child.ts; with `killAfterMs`, SIGKILLs it that long after its first batch is stored. */
function runWriter(directory: string, writer: string, batches: number, saveEvery: number, killAfterMs?: number): Promise<{ added: number; code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', childScript, directory, writer, String(batches), String(saveEvery)], { stdio: 'pipe' });
    let added = 0;
    let pending = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith('added ')) continue;
        added = Number(line.slice('added '.length));
        if (killAfterMs !== undefined && added === 20) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code, signal) => resolve({ added, code, signal, stderr }));
  });
}

/** Reopens the store: every acknowledged message is stored, indexed, and found first by its own text. */
async function expectWhole(directory: string, acknowledged: Map<string, number>): Promise<void> {
  const database = new Database(join(directory, 'history.sqlite'), { readonly: true });
  expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
  database.close();
  const store = await HistoryStore.open({ directory, embedder });
  try {
    for (const [writer, count] of acknowledged) {
      const stored = store.messages(writer);
      expect(stored.length).toBeGreaterThanOrEqual(count);
      expect(stored.map((message) => message.id)).toEqual(stored.map((_, position) => `${writer}-${position}`));
      for (const position of [0, count - 1]) {
        const [hit] = await store.search({ query: historyTestText(writer, position), userId: writer, k: 1 });
        expect(hit?.message.id).toBe(`${writer}-${position}`);
      }
    }
  } finally {
    await store.close();
  }
  // The index the store saved holds every stored message.
  const index = await HnswIndex.open(join(directory, 'index'));
  const stored = new Database(join(directory, 'history.sqlite'), { readonly: true });
  const ids = stored.prepare('SELECT id FROM messages').pluck().all() as string[];
  stored.close();
  expect(index.size).toBe(ids.length);
  expect(ids.filter((id) => !index.has(id))).toEqual([]);
}

describe('HistoryStore writers killed or writing at once', () => {
  it('reopens whole, with every acknowledged message stored and indexed, after writers are killed with SIGKILL', async () => {
    const directory = join(root, 'killed');
    const acknowledged = new Map<string, number>();
    for (const [round, delay] of [80, 350, 700].entries()) {
      const writer = `w${round}`;
      const result = await runWriter(directory, writer, 100_000, 2, delay);
      expect(result.signal).toBe('SIGKILL');
      acknowledged.set(writer, result.added);
      await expectWhole(directory, acknowledged);
    }
  });

  it('lets four processes add to one store at once', async () => {
    const directory = join(root, 'shared');
    const writers = ['a', 'b', 'c', 'd'];
    const results = await Promise.all(writers.map((writer) => runWriter(directory, writer, 60, 1000)));
    // Each had failed at times with "database is locked": a transaction that read, then wrote after another process's commit.
    expect(results.map((result) => [result.code, result.stderr])).toEqual(writers.map(() => [0, '']));
    await expectWhole(directory, new Map(writers.map((writer) => [writer, 1200])));
  });
});
