import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
import { RunStore, type ConversationRecord } from './run-store.js';
import { summarizeServiceReports } from './service-report.js';
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

/** A store as the build that added simulator reports wrote it: a simulator_report column, no service_report. */
function storeWithoutServiceReports(path: string): void {
  const database = new Database(path);
  database.exec(`
    CREATE TABLE runs (id TEXT PRIMARY KEY, config TEXT NOT NULL, created_at INTEGER NOT NULL);
    CREATE TABLE conversations (
      run_id TEXT NOT NULL REFERENCES runs(id), user_id TEXT NOT NULL, simulator TEXT NOT NULL, assistant TEXT NOT NULL,
      end_reason TEXT NOT NULL, turns TEXT NOT NULL, targets TEXT NOT NULL, error TEXT,
      started_at INTEGER NOT NULL, finished_at INTEGER NOT NULL, simulator_report TEXT, PRIMARY KEY (run_id, user_id)
    );
    INSERT INTO runs VALUES ('old', '{"simulator":"retrieval"}', 1);
    INSERT INTO conversations VALUES ('old', 'u1', 'retrieval', 'recommender-http', 'turn_limit', '[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"}]', '[]', NULL, 1, 2, NULL);
    INSERT INTO conversations VALUES ('old', 'u2', 'retrieval', 'recommender-http', 'error', '[]', '[]', 'POST x answered 503', 1, 2, NULL);
  `);
  database.close();
}

describe('RunStore service reports', () => {
  const report = (retries: Record<string, number>, failedRequests = 0, requests = 3) => ({ requests, retries, failedRequests });

  it('opens a store written before retries were recorded: its conversations read as unknown, new ones keep their retries', () => {
    for (const [name, make] of [
      ['no-reports.sqlite', oldStore],
      ['no-service-reports.sqlite', storeWithoutServiceReports],
    ] as const) {
      const path = join(directory, name);
      make(path);
      // Two shard processes may open the old file at once: each column is added once.
      const stores = [new RunStore(path), new RunStore(path)];
      const [store, other] = stores as [RunStore, RunStore];
      const database = new Database(path, { readonly: true });
      const columns = (database.prepare('PRAGMA table_info(conversations)').all() as Array<{ name: string }>).map((column) => column.name);
      database.close();
      expect(columns.filter((column) => column.endsWith('_report'))).toEqual(['simulator_report', 'service_report']);
      expect(store.conversations('old').map((conversation) => conversation.serviceReport)).toEqual(store.conversations('old').map(() => undefined));
      store.save(record('u3', { serviceReport: report({ '429': 2, 'connection reset': 1 }) }));
      const read = other.conversations('old');
      expect(read.find((conversation) => conversation.userId === 'u3')?.serviceReport).toEqual(report({ '429': 2, 'connection reset': 1 }));
      expect(summarizeServiceReports(read)).toEqual({ conversations: 1, requests: 3, retries: 3, retriesByCause: { '429': 2, 'connection reset': 1 }, failedRequests: 0, unreported: read.length - 1 });
      for (const open of stores) open.close();
    }
  });

  it("hands back the failed conversations' reports, so a conversation run again can add them to its own", () => {
    const store = new RunStore(join(directory, 'failed-reports.sqlite'));
    store.ensureRun('old', {}, 0);
    store.save(record('u1', { endReason: 'error', turns: [], error: 'POST x answered 503', serviceReport: report({ '503': 2 }, 1, 1) }));
    store.save(record('u2', { serviceReport: report({ '503': 1 }) }));
    store.save(record('u3', { endReason: 'error', turns: [], error: 'simulator failed' }));
    expect(store.failedServiceReports('old')).toEqual(new Map([['u1', report({ '503': 2 }, 1, 1)]]));
    store.close();
  });

  it('names the store, run, user and field of a malformed stored service report', () => {
    const path = join(directory, 'malformed-service.sqlite');
    const store = new RunStore(path);
    store.ensureRun('r', {}, 0);
    store.save({ ...record('u9', { serviceReport: report({ '503': 1 }) }), runId: 'r' });
    const database = new Database(path);
    database.prepare("UPDATE conversations SET service_report = ? WHERE user_id = 'u9'").run('{"requests":1,"retries":{"503":-1},"failedRequests":0}');
    expect(() => store.conversations('r')).toThrow(`${path}: run r, user u9: service_report: retries.503`);
    database.prepare("UPDATE conversations SET service_report = ? WHERE user_id = 'u9'").run('[');
    expect(() => store.conversations('r')).toThrow(`${path}: run r, user u9: service_report is not JSON: `);
    database.close();
    store.close();
  });
});

describe('RunStore run configurations', () => {
  it('reads a setting added after a run was stored as its default: that run resumes with it, and with another value is refused by name', () => {
    const store = new RunStore(':memory:');
    const defaults = { hint: 'profile' };
    // As a build before the setting stored it.
    store.ensureRun('old', { users: 'movielens-100k', seed: 1 }, 1);
    expect(() => store.checkRun('old', { users: 'movielens-100k', seed: 1, hint: 'profile' })).toThrow(/hint: before unset, now "profile"/);
    expect(() => store.checkRun('old', { users: 'movielens-100k', seed: 1, hint: 'profile' }, defaults)).not.toThrow();
    expect(() => store.ensureRun('old', { users: 'movielens-100k', seed: 1, hint: 'target' }, 2, defaults)).toThrow(
      'run old exists with a different configuration (hint: before "profile", now "target"); use another run id',
    );
    // A run that records no such setting (users it does not apply to) matches on both sides.
    store.ensureRun('persona', { users: 'synthetic-persona-chat' }, 1, defaults);
    expect(() => store.checkRun('persona', { users: 'synthetic-persona-chat' }, defaults)).not.toThrow();
    // Still every other difference is named.
    expect(() => store.checkRun('old', { users: 'movielens-100k', seed: 2 }, defaults)).toThrow(/\(seed: before 1, now 2\)/);
    expect(store.runs().find((run) => run.id === 'old')?.config).toEqual({ users: 'movielens-100k', seed: 1 });
    store.close();
  });

  it('reads a setting left undefined as missing, as it is stored: under its default too, a run resumes with its own configuration', () => {
    const store = new RunStore(':memory:');
    const defaults = { hint: 'profile' };
    // A caller passing an optional setting it has not got; JSON stores the run without it.
    const config = { users: 'movielens-100k', hint: undefined };
    store.ensureRun('r', config, 1, defaults);
    // The undefined value had hidden the default on one side only: "hint: before "profile", now unset".
    expect(() => store.ensureRun('r', config, 2, defaults)).not.toThrow();
    expect(() => store.checkRun('r', { users: 'movielens-100k', hint: 'profile' }, defaults)).not.toThrow();
    expect(() => store.checkRun('r', { users: 'movielens-100k', hint: 'target' }, defaults)).toThrow(/\(hint: before "profile", now "target"\)/);
    store.close();
  });

  it('removes a run that holds no conversation, so its settings no longer hold its id; a run with one (a failed one too) stays', () => {
    const path = join(directory, 'empty-runs.sqlite');
    const store = new RunStore(path);
    store.ensureRun('refused', { k: 21 }, 1);
    expect(store.removeEmptyRun('refused')).toBe(true);
    expect(store.runs()).toEqual([]);
    expect(() => store.ensureRun('refused', { k: 5 }, 2)).not.toThrow();
    // A conversation stored by another process (another shard) keeps the run.
    const other = new RunStore(path);
    other.save({ ...record('u1', { endReason: 'error', turns: [], error: 'POST x failed' }), runId: 'refused' });
    expect(store.removeEmptyRun('refused')).toBe(false);
    expect(store.runs().map((run) => [run.id, run.config])).toEqual([['refused', { k: 5 }]]);
    expect(store.removeEmptyRun('never-stored')).toBe(false);
    other.close();
    store.close();
  });

  it("never removes a run another shard has taken up: the refused shard leaves it, the other's conversations are stored under it", () => {
    const path = join(directory, 'shard-race.sqlite');
    // Two shard processes of one run, interleaved by hand: either may be the one that created the record.
    for (const creator of [0, 1]) {
      const runId = `race-${creator}`;
      const shards = [new RunStore(path), new RunStore(path)];
      const [refused, surviving] = (creator === 0 ? shards : [...shards].reverse()) as [RunStore, RunStore];
      shards[creator]?.ensureRun(runId, { k: 5 }, 1);
      shards[1 - creator]?.ensureRun(runId, { k: 5 }, 1);
      // The refused shard stored nothing; the run had been deleted under the other, whose next save failed (FOREIGN KEY constraint failed).
      expect(refused.removeEmptyRun(runId)).toBe(false);
      expect(() => surviving.save({ ...record('u1'), runId })).not.toThrow();
      expect(surviving.runs().filter((run) => run.id === runId).map((run) => run.conversations)).toEqual([1]);
      for (const open of shards) open.close();
    }
  });

  it('removes an empty run once every shard that took it up gave it up; a handle that never took it up removes nothing', () => {
    const path = join(directory, 'shard-release.sqlite');
    const [first, second, reader] = [new RunStore(path), new RunStore(path), new RunStore(path)] as const;
    first.ensureRun('r', { k: 5 }, 1);
    second.ensureRun('r', { k: 5 }, 1);
    expect(reader.removeEmptyRun('r')).toBe(false);
    expect(first.removeEmptyRun('r')).toBe(false);
    expect(second.removeEmptyRun('r')).toBe(true);
    expect(reader.runs()).toEqual([]);
    // A shard that ended (closed its store) no longer holds the run: the last one refused removes it.
    first.ensureRun('s', { k: 5 }, 2);
    second.ensureRun('s', { k: 5 }, 2);
    first.close();
    expect(second.removeEmptyRun('s')).toBe(true);
    second.close();
    reader.close();
  });

  it("drops a killed shard's claim, so a refused shard still removes the empty run; a live process's or another machine's claim holds it", () => {
    const path = join(directory, 'shard-killed.sqlite');
    const store = new RunStore(path);
    const database = new Database(path);
    const claimBy = (runId: string, claim: string, pid: number | null, host: string, claimedAt: number) =>
      database.prepare('INSERT INTO run_claims (run_id, claim, pid, host, claimed_at) VALUES (?, ?, ?, ?, ?)').run(runId, claim, pid, host, claimedAt);
    // A process that has ended: its pid is free (a shard killed with SIGKILL never gave its claim up).
    const ended = spawnSync(process.execPath, ['-e', '']).pid;
    const cases: Array<[string, number | null, string, number, boolean]> = [
      ['killed', ended, hostname(), Date.now(), true],
      ['before-boot', process.pid, hostname(), 0, true],
      ['live', process.ppid, hostname(), Date.now(), false],
      ['elsewhere', ended, 'another-machine', Date.now(), false],
      ['unknown', null, hostname(), Date.now(), false],
    ];
    for (const [runId, pid, host, claimedAt, removed] of cases) {
      store.ensureRun(runId, { k: 5 }, 1);
      claimBy(runId, `other-${runId}`, pid, host, claimedAt);
      expect(store.removeEmptyRun(runId), runId).toBe(removed);
      expect(store.runs().some((run) => run.id === runId), runId).toBe(!removed);
    }
    database.close();
    store.close();
  });

  it('lets a corrected command take over a run that stored nothing and whose shard was killed; a live or a productive run is refused', () => {
    const path = join(directory, 'shard-takeover.sqlite');
    const store = new RunStore(path);
    const database = new Database(path);
    const ended = spawnSync(process.execPath, ['-e', '']).pid;
    const leftBy = (runId: string, pid: number) => {
      database.prepare('INSERT INTO runs (id, config, created_at) VALUES (?, ?, ?)').run(runId, JSON.stringify({ k: 21 }), 1);
      database.prepare('INSERT INTO run_claims (run_id, claim, pid, host, claimed_at) VALUES (?, ?, ?, ?, ?)').run(runId, 'killed-shard', pid, hostname(), Date.now());
    };
    // Killed before it stored anything or gave the run up: "--k 20" had been refused as "k: before 21, now 20".
    leftBy('killed', ended);
    expect(() => store.checkRun('killed', { k: 20 })).not.toThrow();
    store.ensureRun('killed', { k: 20 }, 2);
    expect(store.storedConfig('killed')).toEqual({ k: 20 });
    // Still running, or with a conversation stored: its settings hold the id.
    leftBy('running', process.ppid);
    expect(() => store.ensureRun('running', { k: 20 }, 2)).toThrow(/k: before 21, now 20/);
    leftBy('productive', ended);
    database.prepare('DELETE FROM run_claims WHERE run_id = ?').run('productive');
    const other = new RunStore(path);
    other.ensureRun('productive', { k: 21 }, 1);
    other.save({ ...record('u1'), runId: 'productive' });
    other.close();
    expect(() => store.ensureRun('productive', { k: 20 }, 2)).toThrow(/k: before 21, now 20/);
    database.close();
    store.close();
  });

  it('opens a store whose claims name no process (the first version of claims), reading its claims as held', () => {
    const path = join(directory, 'claims-v1.sqlite');
    const old = new Database(path);
    old.exec("CREATE TABLE runs (id TEXT PRIMARY KEY, config TEXT NOT NULL, created_at INTEGER NOT NULL); CREATE TABLE run_claims (run_id TEXT NOT NULL REFERENCES runs(id), claim TEXT NOT NULL, PRIMARY KEY (run_id, claim)); INSERT INTO runs VALUES ('r', '{\"k\":5}', 1); INSERT INTO run_claims VALUES ('r', 'a-shard');");
    old.close();
    const store = new RunStore(path);
    store.ensureRun('r', { k: 5 }, 1);
    expect(store.removeEmptyRun('r')).toBe(false);
    expect(store.runs().map((run) => run.id)).toEqual(['r']);
    store.close();
  });

  it('leaves a run and its claims whole when taking it up or removing it fails part way', () => {
    const path = join(directory, 'shard-atomic.sqlite');
    const store = new RunStore(path);
    const database = new Database(path);
    const claims = () => (database.prepare('SELECT run_id FROM run_claims ORDER BY run_id').all() as Array<{ run_id: string }>).map((row) => row.run_id);
    // The run's record written, then its claim refused: neither stays.
    database.exec("CREATE TRIGGER refuse_claim BEFORE INSERT ON run_claims BEGIN SELECT RAISE(ABORT, 'disk gone'); END");
    expect(() => store.ensureRun('r', { k: 5 }, 1)).toThrow(/disk gone/);
    expect(store.runs()).toEqual([]);
    database.exec('DROP TRIGGER refuse_claim');
    // The claim given up, then the record's removal refused: the claim is back, so the run stays held.
    store.ensureRun('r', { k: 5 }, 1);
    database.exec("CREATE TRIGGER refuse_removal BEFORE DELETE ON runs BEGIN SELECT RAISE(ABORT, 'disk gone'); END");
    expect(() => store.removeEmptyRun('r')).toThrow(/disk gone/);
    expect(claims()).toEqual(['r']);
    database.exec('DROP TRIGGER refuse_removal');
    expect(store.removeEmptyRun('r')).toBe(true);
    expect(claims()).toEqual([]);
    database.close();
    store.close();
  });
});
