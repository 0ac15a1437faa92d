import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname, uptime } from 'node:os';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { formatZodError, PersonalabError, processIsAlive, type DialogueTurn, useWriteAheadLog } from '@personalab/core';
import type { z } from 'zod';
import { serviceReportSchema, type ServiceReport } from './service-report.js';
import { simulatorReportSchema, type SimulatorReport } from './simulator-report.js';

/** How a conversation ended. */
export type EndReason = 'goal_met' | 'patience_exhausted' | 'turn_limit' | 'error';

/** One finished conversation, as stored and exported. */
export interface ConversationRecord {
  runId: string;
  userId: string;
  simulator: string;
  assistant: string;
  endReason: EndReason;
  turns: DialogueTurn[];
  /** Target items of the hidden goal (copied so metrics can be recomputed from the store). */
  targetItemIds: string[];
  /** The error message when `endReason` is `error`. */
  error?: string;
  /**
   * How the simulator wrote the user turns (the LLM simulator: which turns its grounded fallback wrote, model
   * replies and rejected ones). Absent when unknown: a simulator that keeps no report (retrieval), a failed
   * conversation, or one stored before reports were recorded (such a run's fallbacks are unknown, not 0).
   */
  simulatorReport?: SimulatorReport;
  /**
   * How the assistant's requests to its service went (`RecommenderHttpAssistant`: requests, retries by cause,
   * requests that failed after their retries), over every attempt of the conversation (a failed attempt that was run
   * again included). Absent when unknown: an assistant that keeps none, or a conversation stored before retries were recorded.
   */
  serviceReport?: ServiceReport;
  startedAt: number;
  finishedAt: number;
}

interface ConversationRow {
  run_id: string;
  user_id: string;
  simulator: string;
  assistant: string;
  end_reason: string;
  turns: string;
  targets: string;
  error: string | null;
  /** JSON of the `SimulatorReport`; NULL when there is none (and in rows written before the column existed). */
  simulator_report: string | null;
  /** JSON of the `ServiceReport`; NULL when there is none (and in rows written before the column existed). */
  service_report: string | null;
  started_at: number;
  finished_at: number;
}

/** Report columns, added to stores made before them (their rows read as unknown). */
const reportColumns = ['simulator_report', 'service_report'] as const;

/** A run claim as stored: the process columns are NULL in claims of the first version. */
interface ClaimRow {
  claim: string;
  pid: number | null;
  host: string | null;
  claimed_at: number | null;
}

/**
 * Whether a claim's process has ended on this machine: not running, or claimed before the last boot (its pid may be
 * another process's now). A claim from another machine (a store on a shared disk), or naming no process, is held.
 */
function claimEnded({ pid, host, claimed_at: claimedAt }: ClaimRow): boolean {
  if (pid === null || claimedAt === null || host !== hostname()) return false;
  return claimedAt < Date.now() - uptime() * 1000 || !processIsAlive(pid);
}

/** What a claim records of the process that holds it, to tell a killed shard's claim from a live one's. */
const claimOwnerColumns = [
  ['pid', 'INTEGER'],
  ['host', 'TEXT'],
  ['claimed_at', 'INTEGER'],
] as const;

/** A stored report of a row (JSON), checked: a malformed one names the store, run, user and column. */
function readReport<T>(row: ConversationRow, column: (typeof reportColumns)[number], schema: z.ZodType<T>, path: string): T | undefined {
  const text = row[column];
  if (text === null || text === undefined) return undefined;
  const where = `${path}: run ${row.run_id}, user ${row.user_id}: ${column}`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PersonalabError('invalid_data', `${where} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new PersonalabError('invalid_data', `${where}: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

const fromRow = (row: ConversationRow, path: string): ConversationRecord => {
  const simulatorReport = readReport(row, 'simulator_report', simulatorReportSchema, path);
  const serviceReport = readReport(row, 'service_report', serviceReportSchema, path);
  return {
    runId: row.run_id,
    userId: row.user_id,
    simulator: row.simulator,
    assistant: row.assistant,
    endReason: row.end_reason as EndReason,
    turns: JSON.parse(row.turns) as DialogueTurn[],
    targetItemIds: JSON.parse(row.targets) as string[],
    ...(row.error === null ? {} : { error: row.error }),
    ...(simulatorReport ? { simulatorReport } : {}),
    ...(serviceReport ? { serviceReport } : {}),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
};

/** "key: before X, now Y" for each key whose value differs (a missing key reads as "unset"). */
function configDifferences(stored: Record<string, unknown>, requested: Record<string, unknown>): string[] {
  const show = (value: unknown) => (value === undefined ? 'unset' : JSON.stringify(value));
  return [...new Set([...Object.keys(stored), ...Object.keys(requested)])]
    .filter((key) => JSON.stringify(stored[key]) !== JSON.stringify(requested[key]))
    .map((key) => `${key}: before ${show(stored[key])}, now ${show(requested[key])}`);
}

/**
 * Simulation runs in SQLite (WAL): one row per finished conversation, written in one statement
 * when the conversation ends, so a crash loses at most the conversations in flight, and a
 * resumed run skips exactly those already stored. Several shard processes may share the file:
 * each handle that takes a run up (`ensureRun`) claims it until it gives it up or closes, and an
 * empty run is removed only when no handle claims it.
 */
export class RunStore {
  readonly path: string;
  private readonly database: Database.Database;
  /** This handle's claim on the runs it took up (one per handle, so two handles of one process are two shards). */
  private readonly claim = randomUUID();
  /** The runs this handle claims, given up on `close`. */
  private readonly claimed = new Set<string>();

  constructor(path: string) {
    this.path = path;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    try {
      this.database = new Database(path);
      useWriteAheadLog(this.database);
      this.database.pragma('busy_timeout = 10000');
      this.database.exec(`
        CREATE TABLE IF NOT EXISTS runs (
          id TEXT PRIMARY KEY,
          config TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS conversations (
          run_id TEXT NOT NULL REFERENCES runs(id),
          user_id TEXT NOT NULL,
          simulator TEXT NOT NULL,
          assistant TEXT NOT NULL,
          end_reason TEXT NOT NULL,
          turns TEXT NOT NULL,
          targets TEXT NOT NULL,
          error TEXT,
          started_at INTEGER NOT NULL,
          finished_at INTEGER NOT NULL,
          simulator_report TEXT,
          service_report TEXT,
          PRIMARY KEY (run_id, user_id)
        );
        CREATE TABLE IF NOT EXISTS run_claims (
          run_id TEXT NOT NULL REFERENCES runs(id),
          claim TEXT NOT NULL,
          pid INTEGER,
          host TEXT,
          claimed_at INTEGER,
          PRIMARY KEY (run_id, claim)
        );
      `);
      this.addReportColumns();
      this.addClaimOwnerColumns();
    } catch (error) {
      throw new PersonalabError('storage_error', `cannot open the run store ${path}: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * A store made before simulator reports (or service reports) were recorded gets their column, empty (NULL) in its
   * rows: their fallbacks (retries) read as unknown. Checked again inside a write transaction, as shard processes may
   * open the file at once.
   */
  private addReportColumns(): void {
    const missing = () => {
      const present = new Set((this.database.prepare('PRAGMA table_info(conversations)').all() as Array<{ name: string }>).map((column) => column.name));
      return reportColumns.filter((column) => !present.has(column));
    };
    if (missing().length === 0) return;
    this.database
      .transaction(() => {
        for (const column of missing()) this.database.exec(`ALTER TABLE conversations ADD COLUMN ${column} TEXT`);
      })
      .immediate();
  }

  /**
   * A claims table made before claims named their process (the same day's version) gets the columns, empty (NULL): such
   * a claim reads as held by a live process, as every claim did then.
   */
  private addClaimOwnerColumns(): void {
    const missing = () => {
      const present = new Set((this.database.prepare('PRAGMA table_info(run_claims)').all() as Array<{ name: string }>).map((column) => column.name));
      return claimOwnerColumns.filter(([column]) => !present.has(column));
    };
    if (missing().length === 0) return;
    this.database
      .transaction(() => {
        for (const [column, type] of missing()) this.database.exec(`ALTER TABLE run_claims ADD COLUMN ${column} ${type}`);
      })
      .immediate();
  }

  /**
   * Checks, without creating anything, that a run id is free or was started with the same
   * configuration; a difference is refused with a message naming each differing key, before and now.
   * Callers check before expensive work (data, model fitting), then `simulate` records the run.
   * `defaults` are settings added after runs were stored, each with the value such runs had: a key
   * missing from either configuration reads as its default, so those runs still resume.
   */
  checkRun(runId: string, config: Record<string, unknown>, defaults: Record<string, unknown> = {}): void {
    const stored = this.storedConfig(runId);
    if (stored === undefined || this.abandoned(runId)) return;
    // Compared as stored (through JSON), so undefined values read as missing on both sides; then as their defaults
    // (an undefined value spread over its default had hidden it on the requested side only).
    const requested = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
    const differences = configDifferences({ ...defaults, ...stored }, { ...defaults, ...requested });
    if (differences.length > 0) {
      throw new PersonalabError('conflict', `run ${runId} exists with a different configuration (${differences.join('; ')}); use another run id`, {
        details: { stored, requested: config },
      });
    }
  }

  /**
   * Creates the run, or checks (`checkRun`, with its `defaults`) that an existing run was started with the same
   * configuration; and claims it for this handle, so that no other shard's `removeEmptyRun` removes it under this one.
   * In one transaction: a shard starting at the same moment can neither record other settings between the check and
   * the insert, nor remove the run between its insert and the claim.
   */
  ensureRun(runId: string, config: Record<string, unknown>, now: number, defaults: Record<string, unknown> = {}): void {
    this.database
      .transaction(() => {
        this.checkRun(runId, config, defaults);
        // A run that stored nothing and that no live process holds (its shard was killed before it gave the run up) is
        // taken over with this run's settings: its own had kept a corrected command ("--k 20" after "--k 21") out.
        if (this.abandoned(runId)) {
          this.dropDeadClaims(runId);
          this.database.prepare('DELETE FROM runs WHERE id = ?').run(runId);
        }
        this.database.prepare('INSERT OR IGNORE INTO runs (id, config, created_at) VALUES (?, ?, ?)').run(runId, JSON.stringify(config), now);
        this.database.prepare('INSERT OR IGNORE INTO run_claims (run_id, claim, pid, host, claimed_at) VALUES (?, ?, ?, ?, ?)').run(runId, this.claim, process.pid, hostname(), Date.now());
      })
      .immediate();
    this.claimed.add(runId);
  }

  /** The settings a run was stored with; undefined when the store has no such run. */
  storedConfig(runId: string): Record<string, unknown> | undefined {
    const existing = this.database.prepare('SELECT config FROM runs WHERE id = ?').get(runId) as { config: string } | undefined;
    return existing === undefined ? undefined : (JSON.parse(existing.config) as Record<string, unknown>);
  }

  /**
   * Gives up this handle's claim on the run, and removes the run if it holds no conversation (one refused or failed
   * before its first was stored) and no other handle claims it, so that its settings do not hold its id. A run this
   * handle never took up (`ensureRun`) is left alone, as is one another shard still runs under (its next save had
   * failed on the missing run). A claim whose process has ended on this machine (a shard killed before it could give
   * it up, or one from before the last boot) is dropped first: it had kept an empty run's record, and its settings the
   * run id, for good. A claim from another machine (a store on a shared disk) or with no process recorded is held. In one
   * transaction: a failure part way leaves the run and its claims as they were. Returns whether the run was removed.
   */
  removeEmptyRun(runId: string): boolean {
    if (!this.claimed.has(runId)) return false;
    const removed = this.database
      .transaction(() => {
        this.database.prepare('DELETE FROM run_claims WHERE run_id = ? AND claim = ?').run(runId, this.claim);
        this.dropDeadClaims(runId);
        return (
          this.database
            .prepare(
              'DELETE FROM runs WHERE id = ? AND NOT EXISTS (SELECT 1 FROM conversations WHERE run_id = ?) AND NOT EXISTS (SELECT 1 FROM run_claims WHERE run_id = ?)',
            )
            .run(runId, runId, runId).changes > 0
        );
      })
      .immediate();
    this.claimed.delete(runId);
    return removed;
  }

  /**
   * Whether a stored run holds no conversation and no claim but those of processes that have ended on this machine:
   * nothing runs under it and nothing of it is kept.
   */
  private abandoned(runId: string): boolean {
    if (this.database.prepare('SELECT 1 FROM conversations WHERE run_id = ? LIMIT 1').get(runId) !== undefined) return false;
    return this.claimsOf(runId).every(claimEnded);
  }

  /** Drops the run's claims whose process has ended on this machine (`claimEnded`). */
  private dropDeadClaims(runId: string): void {
    const drop = this.database.prepare('DELETE FROM run_claims WHERE run_id = ? AND claim = ?');
    for (const row of this.claimsOf(runId)) if (claimEnded(row)) drop.run(runId, row.claim);
  }

  private claimsOf(runId: string): ClaimRow[] {
    return this.database.prepare('SELECT claim, pid, host, claimed_at FROM run_claims WHERE run_id = ?').all(runId) as ClaimRow[];
  }

  /** User ids whose conversation is stored (finished, or failed when `includeErrors`). */
  finishedUserIds(runId: string, includeErrors = false): Set<string> {
    const rows = this.database
      .prepare(`SELECT user_id FROM conversations WHERE run_id = ?${includeErrors ? '' : " AND end_reason != 'error'"}`)
      .all(runId) as Array<{ user_id: string }>;
    return new Set(rows.map((row) => row.user_id));
  }

  /**
   * The service reports of the run's failed conversations, by user: a failed conversation run again adds its
   * earlier attempts' requests to its own (the stored row is replaced), so the run's totals cover every call.
   */
  failedServiceReports(runId: string): Map<string, ServiceReport> {
    const rows = this.database
      .prepare("SELECT * FROM conversations WHERE run_id = ? AND end_reason = 'error' AND service_report IS NOT NULL")
      .all(runId) as ConversationRow[];
    return new Map(rows.map((row) => [row.user_id, readReport(row, 'service_report', serviceReportSchema, this.path) as ServiceReport]));
  }

  /** Stores a conversation; a stored one (an earlier error) is replaced. */
  save(record: ConversationRecord): void {
    this.database
      .prepare(
        `INSERT OR REPLACE INTO conversations (run_id, user_id, simulator, assistant, end_reason, turns, targets, error, simulator_report, service_report, started_at, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.runId,
        record.userId,
        record.simulator,
        record.assistant,
        record.endReason,
        JSON.stringify(record.turns),
        JSON.stringify(record.targetItemIds),
        record.error ?? null,
        record.simulatorReport ? JSON.stringify(record.simulatorReport) : null,
        record.serviceReport ? JSON.stringify(record.serviceReport) : null,
        record.startedAt,
        record.finishedAt,
      );
  }

  /** The stored conversations of a run, ordered by user id. */
  conversations(runId: string): ConversationRecord[] {
    const rows = this.database.prepare('SELECT * FROM conversations WHERE run_id = ? ORDER BY user_id').all(runId) as ConversationRow[];
    return rows.map((row) => fromRow(row, this.path));
  }

  /** Ids of the stored runs, oldest first. */
  runs(): Array<{ id: string; config: Record<string, unknown>; createdAt: number; conversations: number }> {
    const rows = this.database
      .prepare('SELECT r.id, r.config, r.created_at, (SELECT COUNT(*) FROM conversations c WHERE c.run_id = r.id) AS n FROM runs r ORDER BY r.created_at')
      .all() as Array<{ id: string; config: string; created_at: number; n: number }>;
    return rows.map((row) => ({ id: row.id, config: JSON.parse(row.config) as Record<string, unknown>, createdAt: row.created_at, conversations: row.n }));
  }

  /** Gives up this handle's claims (a run it leaves empty may then be removed by the last shard refused), and closes the file. */
  close(): void {
    try {
      if (this.claimed.size > 0) {
        const release = this.database.prepare('DELETE FROM run_claims WHERE run_id = ? AND claim = ?');
        this.database.transaction(() => {
          for (const runId of this.claimed) release.run(runId, this.claim);
        })();
      }
    } catch {
      // A claim left behind only keeps an empty run's record, as a crashed shard's does; the file still closes.
    } finally {
      this.claimed.clear();
      this.database.close();
    }
  }
}
