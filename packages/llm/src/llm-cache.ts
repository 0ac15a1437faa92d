import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { PersonalabError, formatZodError, type CacheMode, useWriteAheadLog} from '@personalab/core';
import { ZodError } from 'zod';

/** JSON with object keys sorted, so equal requests hash equally whatever their key order. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(inner).sort()) sorted[key] = (inner as Record<string, unknown>)[key];
    return sorted;
  });
}

/** sha256 (hex) of the stable JSON of everything that determines an answer. */
export function cacheKey(parts: unknown): string {
  return createHash('sha256').update(stableStringify(parts)).digest('hex');
}

export interface LlmCacheOptions {
  /**
   * The file must already exist (a store only to replay from): a missing file is a
   * `not_found` error at once.
   */
  mustExist?: boolean;
}

interface OpenDatabase {
  database: Database.Database;
  /** Undefined for a reader of a file whose table another process has not made yet: every key is a miss. */
  select: Database.Statement<[string], { response: string }> | undefined;
  /** Only on a writer: readers never write. */
  upsert: Database.Statement<[string, string, string, string, string, number]> | undefined;
  /** An in-memory copy of a read-only file: it cannot change, so a missing table is never looked for again. */
  copy: boolean;
}

/** SQLite's answers when a read-only connection of a WAL file cannot make the `-shm` beside it (read-only folder). */
const cannotShareMemory = new Set(['SQLITE_READONLY_DIRECTORY', 'SQLITE_CANTOPEN', 'SQLITE_READONLY_CANTINIT', 'SQLITE_READONLY_CANTLOCK', 'SQLITE_READONLY', 'SQLITE_IOERR_LOCK']);

/**
 * Record/replay store for LLM answers in SQLite (WAL, so several processes of one experiment
 * can share it). Values are stored as the exact strings given, so replay is byte-identical.
 * A file that does not exist yet is created (with its folders) by the first `set`, not before:
 * reading (as `read` mode does) never creates an empty cache. Reads go through a read-only
 * connection that writes nothing (no journal mode change, no table creation); the first `set`
 * reopens the file for writing. A cache on a read-only file or folder (artefacts shipped with a
 * paper, a read-only mount) is read from an in-memory copy, since SQLite cannot make a WAL file's
 * `-shm` there.
 */
export class LlmCache {
  private opened: OpenDatabase | undefined;
  private closed = false;
  readonly path: string;

  constructor(path: string, options: LlmCacheOptions = {}) {
    this.path = path;
    if (path === ':memory:') {
      this.opened = this.openWriter();
      return;
    }
    if (existsSync(path)) {
      this.opened = this.openReader();
      return;
    }
    if (options.mustExist) {
      throw missingCache(path);
    }
    // Fail now, naming the file, if it could never be created (a parent is a file).
    let parent = dirname(resolve(path));
    while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
    if (existsSync(parent) && !statSync(parent).isDirectory()) {
      throw new PersonalabError('storage_error', `cannot open the LLM cache at ${path}: ${parent} is not a folder`, { details: { file: path } });
    }
  }

  /** Whether the file exists (or is open): false for a path nothing was recorded to yet. */
  get exists(): boolean {
    return this.database() !== undefined;
  }

  /** False after `close()`. */
  get open(): boolean {
    return !this.closed;
  }

  get(key: string): string | undefined {
    return this.database()?.select?.get(key)?.response;
  }

  set(key: string, entry: { kind: string; model: string; request: string; response: string; createdAt?: number }): void {
    let opened = this.database();
    if (opened?.upsert === undefined) {
      // The first write: the read-only connection (if any) gives way to a writer.
      if (opened?.database.open) opened.database.close();
      this.opened = undefined;
      opened = this.opened = this.openWriter();
    }
    opened.upsert!.run(key, entry.kind, entry.model, entry.request, entry.response, entry.createdAt ?? Date.now());
  }

  get size(): number {
    const opened = this.database();
    return opened?.select ? (opened.database.prepare('SELECT COUNT(*) AS count FROM llm_cache').get() as { count: number }).count : 0;
  }

  close(): void {
    this.closed = true;
    if (this.opened?.database.open) this.opened.database.close();
  }

  /** The open database; opens a file another process created since; undefined while there is none. */
  private database(): OpenDatabase | undefined {
    if (this.closed) throw new PersonalabError('storage_error', `the LLM cache at ${this.path} is closed`);
    if (this.opened && this.opened.select === undefined && !this.opened.copy) {
      // A reader opened before the writer made the table: look again.
      this.opened.database.close();
      this.opened = undefined;
    }
    if (!this.opened && existsSync(this.path)) this.opened = this.openReader();
    return this.opened;
  }

  /** Opens the file for writing: WAL, the table made when missing. */
  private openWriter(): OpenDatabase {
    try {
      if (this.path !== ':memory:') mkdirSync(dirname(this.path), { recursive: true });
      // better-sqlite3 waits up to 5 s for another process's lock (its `timeout`), the journal mode switch included.
      const database = new Database(this.path);
      useWriteAheadLog(database);
      database.exec(`CREATE TABLE IF NOT EXISTS llm_cache (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        model TEXT NOT NULL,
        request TEXT NOT NULL,
        response TEXT NOT NULL,
        created_at INTEGER NOT NULL
      )`);
      return {
        database,
        select: database.prepare('SELECT response FROM llm_cache WHERE key = ?'),
        upsert: database.prepare(
          'INSERT INTO llm_cache (key, kind, model, request, response, created_at) VALUES (?, ?, ?, ?, ?, ?) ' +
            'ON CONFLICT(key) DO UPDATE SET response = excluded.response, created_at = excluded.created_at',
        ),
        copy: false,
      };
    } catch (error) {
      throw new PersonalabError('storage_error', `cannot open the LLM cache at ${this.path} for writing: ${(error as Error).message}`, { cause: error, details: { file: this.path } });
    }
  }

  /**
   * Opens an existing file to read only. A file or folder this process cannot write is read from an in-memory copy
   * (nothing is written, not even the `-shm` a WAL reader makes), unless a write-ahead log beside it holds answers the
   * file lacks; then SQLite reads both, and where it cannot (a read-only folder without the log's `-shm`) the error
   * says how to fold the log in.
   */
  private openReader(): OpenDatabase {
    const log = `${this.path}-wal`;
    const logHoldsAnswers = existsSync(log) && statSync(log).size > 0;
    if (!logHoldsAnswers && !writable(this.path)) return this.openCopy();
    let database: Database.Database | undefined;
    try {
      database = new Database(this.path, { readonly: true, fileMustExist: true });
      return readerOf(database, false);
    } catch (error) {
      database?.close();
      const code = String((error as { code?: unknown }).code);
      if (!cannotShareMemory.has(code)) {
        throw new PersonalabError('storage_error', `cannot open the LLM cache at ${this.path}: ${(error as Error).message}`, { cause: error, details: { file: this.path } });
      }
      if (!logHoldsAnswers) return this.openCopy();
      throw new PersonalabError(
        'storage_error',
        `cannot read the LLM cache at ${this.path}: its write-ahead log ${log} holds answers not yet in the file, and SQLite cannot read them here (${(error as Error).message}); ` +
          'open it once where it can be written (PERSONALAB_LLM_CACHE=readwrite) to fold the log into the file',
        { cause: error, details: { file: this.path } },
      );
    }
  }

  /** The file read into memory, as a rollback-journal database (SQLite cannot open a WAL image it cannot share). */
  private openCopy(): OpenDatabase {
    try {
      const bytes = readFileSync(this.path);
      // Bytes 18 and 19 are the file format's read and write versions: 2 means WAL, 1 the rollback journal.
      if (bytes.length >= 100 && bytes[18] === 2 && bytes[19] === 2) bytes[18] = bytes[19] = 1;
      return readerOf(new Database(bytes, { readonly: true }), true);
    } catch (error) {
      throw new PersonalabError('storage_error', `cannot open the LLM cache at ${this.path}: ${(error as Error).message}`, { cause: error, details: { file: this.path } });
    }
  }
}

/** A reader's statements: none when the table is not there yet (a file another process is just creating). */
function readerOf(database: Database.Database, copy: boolean): OpenDatabase {
  try {
    const table = database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'llm_cache'").get();
    return { database, select: table === undefined ? undefined : database.prepare('SELECT response FROM llm_cache WHERE key = ?'), upsert: undefined, copy };
  } catch (error) {
    database.close();
    throw error;
  }
}

/** Whether this process may write the file and its folder (where SQLite makes the journal files). */
function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    accessSync(dirname(resolve(path)), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function missingCache(path: string): PersonalabError {
  return new PersonalabError('not_found', `no LLM cache at ${path} to replay from; record it first with PERSONALAB_LLM_CACHE=readwrite or fix PERSONALAB_LLM_CACHE_PATH`, {
    details: { file: path },
  });
}

const openCaches = new Map<string, LlmCache>();

/**
 * One `LlmCache` per file per process, so every model of a run shares the same connection.
 * A cache that was closed is reopened. `mustExist` (read mode) refuses to create the file.
 */
export function openLlmCache(path: string, options: LlmCacheOptions = {}): LlmCache {
  const key = path === ':memory:' ? path : resolve(path);
  let cache = openCaches.get(key);
  if (!cache || !cache.open) {
    cache = new LlmCache(path, options);
    openCaches.set(key, cache);
  } else if (options.mustExist && !cache.exists) {
    throw missingCache(path);
  }
  return cache;
}

/** Why a stored record could not be decoded, in one line. */
function describeDecodeFailure(error: unknown): string {
  if (error instanceof ZodError) return formatZodError(error);
  return error instanceof Error ? error.message : String(error);
}

/** A cache and how to use it. */
export interface CacheSettings {
  cache: LlmCache;
  mode: CacheMode;
}

/**
 * Runs `compute` through the cache: `read` only replays (a miss is an error and no request
 * is sent), `write` always computes and records, `readwrite` replays or computes and records.
 * `codec.decode` may throw for a stored record it cannot use (corrupt, old format, no longer
 * valid for the schema): in `readwrite` mode that is a miss (recomputed and overwritten), in
 * `read` mode an `invalid_data` error naming the key and the file.
 */
export async function throughCache<T>(
  settings: CacheSettings | undefined,
  entry: { kind: string; model: string; request: unknown },
  codec: { encode(value: T): string; decode(stored: string): T },
  compute: () => Promise<T>,
): Promise<{ value: T; cached: boolean }> {
  if (!settings || settings.mode === 'off') return { value: await compute(), cached: false };
  const request = stableStringify(entry.request);
  const key = cacheKey({ kind: entry.kind, model: entry.model, request });
  if (settings.mode === 'read' || settings.mode === 'readwrite') {
    const stored = settings.cache.get(key);
    if (stored !== undefined) {
      try {
        return { value: codec.decode(stored), cached: true };
      } catch (error) {
        if (settings.mode === 'read') {
          throw new PersonalabError(
            'invalid_data',
            `LLM cache entry ${key.slice(0, 12)} (${entry.kind}, model ${entry.model}) in ${settings.cache.path} cannot be replayed: ` +
              `${describeDecodeFailure(error)}; re-record it with PERSONALAB_LLM_CACHE=readwrite`,
            { cause: error, details: { key, kind: entry.kind, model: entry.model, file: settings.cache.path } },
          );
        }
        // readwrite: an unusable record is a miss; the fresh answer overwrites it below.
      }
    } else if (settings.mode === 'read') {
      const where = settings.cache.exists ? `in ${settings.cache.path}` : `: there is no cache file at ${settings.cache.path} (read mode never creates one)`;
      throw new PersonalabError(
        'not_found',
        `LLM cache miss in read mode (${entry.kind}, model ${entry.model}, key ${key.slice(0, 12)})${where.startsWith(':') ? '' : ' '}${where}; ` +
          'record it first with PERSONALAB_LLM_CACHE=readwrite',
        { details: { key, kind: entry.kind, model: entry.model } },
      );
    }
  }
  const value = await compute();
  settings.cache.set(key, { kind: entry.kind, model: entry.model, request, response: codec.encode(value) });
  return { value, cached: false };
}
