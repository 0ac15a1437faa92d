import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
import { RunStore, type ConversationRecord } from './run-store.js';
import { summarizeSimulatorReports } from './simulator-report.js';

const directory = mkdtempSync(join(tmpdir(), 'personalab-run-store-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A store as builds before simulator reports wrote it: no simulator_report column, one LLM conversation. */
function oldStore(path: string): void {
  const database = new Database(path);
  database.exec(`
    CREATE TABLE runs (id TEXT PRIMARY KEY, config TEXT NOT NULL, created_at INTEGER NOT NULL);
    CREATE TABLE conversations (
      run_id TEXT NOT NULL REFERENCES runs(id), user_id TEXT NOT NULL, simulator TEXT NOT NULL, assistant TEXT NOT NULL,
      end_reason TEXT NOT NULL, turns TEXT NOT NULL, targets TEXT NOT NULL, error TEXT,
      started_at INTEGER NOT NULL, finished_at INTEGER NOT NULL, PRIMARY KEY (run_id, user_id)
    );
    INSERT INTO runs VALUES ('old', '{"simulator":"llm:m"}', 1);
    INSERT INTO conversations VALUES ('old', 'u1', 'llm:m', 'a', 'turn_limit', '[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"}]', '[]', NULL, 1, 2);
  `);
  database.close();
}

const record = (userId: string, extra: Partial<ConversationRecord> = {}): ConversationRecord => ({
  runId: 'old',
  userId,
  simulator: 'llm:m',
  assistant: 'a',
  endReason: 'turn_limit',
  turns: [
    { role: 'user', content: 'I want a film.' },
    { role: 'assistant', content: 'Alien?' },
    { role: 'user', content: 'Seen it.' },
  ],
  targetItemIds: [],
  startedAt: 3,
  finishedAt: 4,
  ...extra,
});

describe('RunStore simulator reports', () => {
  it('opens a store written before reports were recorded: its conversations read as unreported (unknown), new ones keep theirs', () => {
    const path = join(directory, 'old.sqlite');
    oldStore(path);
    // Two shard processes may open the old file at once: the column is added once.
    const stores = [new RunStore(path), new RunStore(path)];
    const [store, other] = stores as [RunStore, RunStore];
    const [old] = store.conversations('old');
    expect(old).toMatchObject({ userId: 'u1', endReason: 'turn_limit' });
    expect(old).not.toHaveProperty('simulatorReport');
    store.save(record('u2', { simulatorReport: { fallbackTurns: [2], modelReplies: 5, rejectedReplies: 3 } }));
    // A failed conversation and one of a simulator that keeps no report are stored without one.
    store.save(record('u3', { endReason: 'error', turns: [], error: 'boom' }));
    const read = other.conversations('old');
    expect(read.find((conversation) => conversation.userId === 'u2')?.simulatorReport).toEqual({ fallbackTurns: [2], modelReplies: 5, rejectedReplies: 3 });
    expect(summarizeSimulatorReports(read)).toEqual({ conversations: 1, userTurns: 2, fallbackTurns: 1, modelReplies: 5, rejectedReplies: 3, unreported: 1, failed: 1 });
    // Replacing the failed conversation by a finished one (a resume) stores its report.
    other.save(record('u3', { simulatorReport: { fallbackTurns: [], modelReplies: 2, rejectedReplies: 0 } }));
    expect(store.conversations('old').find((conversation) => conversation.userId === 'u3')).toMatchObject({ endReason: 'turn_limit', simulatorReport: { fallbackTurns: [], modelReplies: 2, rejectedReplies: 0 } });
    for (const open of stores) open.close();
  });

  it('names the store, run, user and field of a malformed stored report', () => {
    const path = join(directory, 'malformed.sqlite');
    const store = new RunStore(path);
    store.ensureRun('r', {}, 0);
    store.save({ ...record('u9', { simulatorReport: { fallbackTurns: [0], modelReplies: 1, rejectedReplies: 1 } }), runId: 'r' });
    const database = new Database(path);
    database.prepare("UPDATE conversations SET simulator_report = ? WHERE user_id = 'u9'").run('{"fallbackTurns":[-1],"modelReplies":1,"rejectedReplies":1}');
    expect(() => store.conversations('r')).toThrow(PersonalabError);
    expect(() => store.conversations('r')).toThrow(`${path}: run r, user u9: simulator_report: fallbackTurns[0]`);
    database.prepare("UPDATE conversations SET simulator_report = ? WHERE user_id = 'u9'").run('{"fallbackTurns":');
    expect(() => store.conversations('r')).toThrow(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: run r, user u9: simulator_report is not JSON: `));
    database.close();
    store.close();
  });
});
