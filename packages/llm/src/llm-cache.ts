import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { PersonalabError, formatZodError, type CacheMode } from '@personalab/core';
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
  select: Database.Statement<[string], { response: string }>;
  upsert: Database.Statement<[string, string, string, string, string, number]>;
}

/**
 * Record/replay store for LLM answers in SQLite (WAL, so several processes of one experiment
 * can share it). Values are stored as the exact strings given, so replay is byte-identical.
 * A file that does not exist yet is created (with its folders) by the first `set`, not before:
 * reading (as `read` mode does) never creates an empty cache.
 */
export class LlmCache {
  private opened: OpenDatabase | undefined;
  private closed = false;
  readonly path: string;

  constructor(path: string, options: LlmCacheOptions = {}) {
    this.path = path;
    if (path === ':memory:' || existsSync(path)) {
      this.opened = this.openDatabase();
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
    return this.database()?.select.get(key)?.response;
  }

  set(key: string, entry: { kind: string; model: string; request: string; response: string; createdAt?: number }): void {
    const opened = this.database() ?? (this.opened = this.openDatabase(true));
    opened.upsert.run(key, entry.kind, entry.model, entry.request, entry.response, entry.createdAt ?? Date.now());
  }

  get size(): number {
    const opened = this.database();
    return opened ? (opened.database.prepare('SELECT COUNT(*) AS count FROM llm_cache').get() as { count: number }).count : 0;
  }

  close(): void {
    this.closed = true;
    if (this.opened?.database.open) this.opened.database.close();
  }

  /** The open database; opens a file another process created since; undefined while there is none. */
  private database(): OpenDatabase | undefined {
    if (this.closed) throw new PersonalabError('storage_error', `the LLM cache at ${this.path} is closed`);
    if (!this.opened && existsSync(this.path)) this.opened = this.openDatabase();
    return this.opened;
  }

  private openDatabase(create = false): OpenDatabase {
    try {
      if (create && this.path !== ':memory:') mkdirSync(dirname(this.path), { recursive: true });
      const database = new Database(this.path);
      database.pragma('journal_mode = WAL');
      database.pragma('busy_timeout = 5000');
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
      };
    } catch (error) {
      throw new PersonalabError('storage_error', `cannot open the LLM cache at ${this.path}: ${(error as Error).message}`, { cause: error });
    }
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
