import { mkdirSync } from 'node:fs';
import { hostname, uptime } from 'node:os';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { PersonalabError, processIsAlive, useWriteAheadLog} from '@personalab/core';

/** One answered question as stored. */
export interface StoredAnswer {
  questionId: string;
  reply: string;
  correct: boolean;
  predicted: string | null;
  latencyMs: number;
  /** Set when the responder failed; such rows are retried on resume. */
  error: string | null;
}

export interface RunInfo {
  runId: string;
  responder: string;
  benchmark: string;
  createdAt: number;
  /** Free-form settings recorded with the run (strategy, model, seed). */
  settings: Record<string, unknown>;
}

/**
 * The evaluator's SQLite run store (WAL): one row per run, one row per answered question.
 * A stopped run resumes by skipping questions that already have a successful answer. Several processes
 * (the shards of a run) may share the file.
 */
export class RunStore {
  /** The file it was opened from (`:memory:` for none). */
  readonly path: string;
  private readonly database: Database.Database;
  private readonly insertAnswer: Database.Statement;

  constructor(path: string) {
    this.path = path;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    try {
      this.database = new Database(path);
      // Shard processes may share one store: a writer waits for another's transaction instead of failing SQLITE_BUSY.
      this.database.pragma('busy_timeout = 10000');
      useWriteAheadLog(this.database);
      // NORMAL keeps every committed answer across a process kill (only an OS crash can lose the tail).
      this.database.pragma('synchronous = NORMAL');
      this.database.exec(`
        CREATE TABLE IF NOT EXISTS runs (
          run_id TEXT PRIMARY KEY, responder TEXT NOT NULL, benchmark TEXT NOT NULL,
          created_at INTEGER NOT NULL, settings TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS answers (
          run_id TEXT NOT NULL, question_id TEXT NOT NULL, reply TEXT NOT NULL, correct INTEGER NOT NULL,
          predicted TEXT, latency_ms REAL NOT NULL, error TEXT, answered_at INTEGER NOT NULL,
          PRIMARY KEY (run_id, question_id)
        );
        CREATE TABLE IF NOT EXISTS run_owners (
          run_id TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, started_at INTEGER NOT NULL
        );
      `);
    } catch (error) {
      throw new PersonalabError('storage_error', `cannot open run store ${path}: ${(error as Error).message}`, { cause: error });
    }
    // A stored failure is replaced (the retry's answer or its new error); a stored answer never is: another process
    // on the same run had replaced good answers with its own failures for them, and the first answer is the one reported.
    this.insertAnswer = this.database.prepare(
      `INSERT INTO answers (run_id, question_id, reply, correct, predicted, latency_ms, error, answered_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, question_id) DO UPDATE SET reply = excluded.reply, correct = excluded.correct, predicted = excluded.predicted,
         latency_ms = excluded.latency_ms, error = excluded.error, answered_at = excluded.answered_at
       WHERE answers.error IS NOT NULL`,
    );
  }

  /** Creates the run, or returns the existing one (resume); a different responder under the same id is a conflict. */
  openRun(info: Omit<RunInfo, 'createdAt'> & { createdAt?: number }): RunInfo {
    const existing = this.getRun(info.runId);
    if (existing) {
      if (existing.responder !== info.responder || existing.benchmark !== info.benchmark) {
        throw new PersonalabError(
          'conflict',
          `run ${info.runId} already exists for responder ${existing.responder} on ${existing.benchmark}, not ${info.responder} on ${info.benchmark}`,
        );
      }
      return existing;
    }
    const createdAt = info.createdAt ?? Date.now();
    const inserted = this.database
      .prepare('INSERT INTO runs (run_id, responder, benchmark, created_at, settings) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id) DO NOTHING')
      .run(info.runId, info.responder, info.benchmark, createdAt, JSON.stringify(info.settings));
    // Another process made the run between the look and the insert (two started at once): take theirs, checked as above.
    if (inserted.changes === 0) return this.openRun(info);
    return { ...info, createdAt };
  }

  /**
   * Records this process as the one evaluating a run, refusing while another live process on this machine is: two
   * processes on one run would each ask every question. A record left by a process that died (killed, or before the
   * machine's last boot), by this process, or from another machine (a store copied here) is taken over.
   */
  claimRun(runId: string): void {
    const host = hostname();
    this.database
      .transaction(() => {
        const owner = this.database.prepare('SELECT pid, host, started_at FROM run_owners WHERE run_id = ?').get(runId) as { pid: number; host: string; started_at: number } | undefined;
        const bootedAt = Date.now() - uptime() * 1000;
        if (owner !== undefined && owner.host === host && owner.pid !== process.pid && owner.started_at >= bootedAt && processIsAlive(owner.pid)) {
          throw new PersonalabError(
            'conflict',
            `run ${runId} in ${this.path} is being evaluated by another process (pid ${owner.pid}, since ${new Date(owner.started_at).toISOString()}): ` +
              'two processes on one run would ask every question twice; let it finish or stop it, then run the same command to resume',
            { details: { runId, pid: owner.pid } },
          );
        }
        this.database
          .prepare('INSERT INTO run_owners (run_id, pid, host, started_at) VALUES (?, ?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET pid = excluded.pid, host = excluded.host, started_at = excluded.started_at')
          .run(runId, process.pid, host, Date.now());
      })
      .immediate();
  }

  /** Ends this process's claim on a run (`claimRun`); another process's claim is left alone. */
  releaseRun(runId: string): void {
    this.database.prepare('DELETE FROM run_owners WHERE run_id = ? AND pid = ? AND host = ?').run(runId, process.pid, hostname());
  }

  getRun(runId: string): RunInfo | undefined {
    const row = this.database.prepare('SELECT * FROM runs WHERE run_id = ?').get(runId) as
      | { run_id: string; responder: string; benchmark: string; created_at: number; settings: string }
      | undefined;
    if (!row) return undefined;
    return { runId: row.run_id, responder: row.responder, benchmark: row.benchmark, createdAt: row.created_at, settings: JSON.parse(row.settings) as Record<string, unknown> };
  }

  /** Replaces a run's recorded settings (the evaluator records the latest `limit` this way). */
  updateSettings(runId: string, settings: Record<string, unknown>): void {
    this.database.prepare('UPDATE runs SET settings = ? WHERE run_id = ?').run(JSON.stringify(settings), runId);
  }

  listRuns(): RunInfo[] {
    const rows = this.database.prepare('SELECT run_id FROM runs ORDER BY created_at').all() as { run_id: string }[];
    return rows.map((row) => this.getRun(row.run_id) as RunInfo);
  }

  /** Ids of questions with a successful answer in this run. */
  answeredIds(runId: string): Set<string> {
    const rows = this.database.prepare('SELECT question_id FROM answers WHERE run_id = ? AND error IS NULL').all(runId) as { question_id: string }[];
    return new Set(rows.map((row) => row.question_id));
  }

  /** Stores an answer, or a failure (retried on resume). A question's stored answer is kept: only a failure is replaced. */
  saveAnswer(runId: string, answer: StoredAnswer): void {
    this.insertAnswer.run(runId, answer.questionId, answer.reply, answer.correct ? 1 : 0, answer.predicted, answer.latencyMs, answer.error, Date.now());
  }

  /** Saves many answers in one transaction (one fsync instead of many); a stored answer is kept, as in `saveAnswer`. */
  saveAnswers(runId: string, answers: readonly StoredAnswer[]): void {
    this.database.transaction((batch: readonly StoredAnswer[]) => {
      for (const answer of batch) this.saveAnswer(runId, answer);
    })(answers);
  }

  answers(runId: string): StoredAnswer[] {
    const rows = this.database.prepare('SELECT * FROM answers WHERE run_id = ? ORDER BY answered_at, question_id').all(runId) as {
      question_id: string;
      reply: string;
      correct: number;
      predicted: string | null;
      latency_ms: number;
      error: string | null;
    }[];
    return rows.map((row) => ({
      questionId: row.question_id,
      reply: row.reply,
      correct: row.correct === 1,
      predicted: row.predicted,
      latencyMs: row.latency_ms,
      error: row.error,
    }));
  }

  close(): void {
    this.database.close();
  }
}

