import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
import { RunStore, type StoredAnswer } from './run-store.js';

const directory = mkdtempSync(join(tmpdir(), 'personamem-run-store-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const answer = (questionId: string, reply: string, error: string | null = null): StoredAnswer => ({
  questionId,
  reply,
  correct: error === null && reply === '(a)',
  predicted: error === null ? reply.slice(1, 2) : null,
  latencyMs: 1,
  error,
});

describe('RunStore answers', () => {
  it('replaces a stored failure, but never a stored answer (another process on the run must not undo it)', () => {
    const store = new RunStore(join(directory, 'answers.sqlite'));
    store.openRun({ runId: 'r', responder: 'llm', benchmark: 'b', settings: {} });
    store.saveAnswer('r', answer('q1', '', 'upstream 500'));
    store.saveAnswer('r', answer('q1', '(a)'));
    store.saveAnswer('r', answer('q2', '(a)'));
    // A late failure, and a second answer, for questions already answered.
    store.saveAnswer('r', answer('q1', '', 'upstream 503'));
    store.saveAnswers('r', [answer('q2', '(b)'), answer('q3', '', 'timeout'), answer('q3', '', 'timeout again')]);
    const stored = new Map(store.answers('r').map((row) => [row.questionId, row]));
    expect(stored.get('q1')).toMatchObject({ reply: '(a)', correct: true, error: null });
    expect(stored.get('q2')).toMatchObject({ reply: '(a)', correct: true, error: null });
    expect(stored.get('q3')).toMatchObject({ error: 'timeout again' });
    expect([...store.answeredIds('r')].sort()).toEqual(['q1', 'q2']);
    store.close();
  });
});

describe('RunStore run claims', () => {
  it('refuses a run another live process evaluates, and takes over once that process is killed', async () => {
    const path = join(directory, 'claims.sqlite');
    const store = new RunStore(path);
    store.openRun({ runId: 'r', responder: 'llm', benchmark: 'b', settings: {} });
    // A real process on this machine holds the claim (as an evaluation in another terminal would).
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const database = new Database(path);
    database.prepare('INSERT INTO run_owners (run_id, pid, host, started_at) VALUES (?, ?, ?, ?)').run('r', other.pid, hostname(), Date.now());
    database.close();
    let refused: unknown;
    try {
      store.claimRun('r');
    } catch (error) {
      refused = error;
    }
    expect(PersonalabError.is(refused, 'conflict')).toBe(true);
    expect((refused as Error).message).toContain(`run r in ${path} is being evaluated by another process (pid ${other.pid}`);
    // Another run of the same store is free.
    store.openRun({ runId: 'other', responder: 'llm', benchmark: 'b', settings: {} });
    store.claimRun('other');
    const exited = new Promise((resolve) => other.once('exit', resolve));
    other.kill('SIGKILL');
    await exited;
    store.claimRun('r');
    // Released claims leave no row; a claim from another machine (a copied store) is taken over too.
    store.releaseRun('r');
    store.releaseRun('other');
    const rows = new Database(path);
    expect(rows.prepare('SELECT COUNT(*) FROM run_owners').pluck().get()).toBe(0);
    rows.prepare('INSERT INTO run_owners (run_id, pid, host, started_at) VALUES (?, ?, ?, ?)').run('r', process.ppid, `not-${hostname()}`, Date.now());
    rows.close();
    store.claimRun('r');
    store.close();
  });
});
