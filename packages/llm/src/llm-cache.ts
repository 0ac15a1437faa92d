import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { PersonalabError, type CacheMode } from '@personalab/core';

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

/**
 * Record/replay store for LLM answers in SQLite (WAL, so several processes of one experiment
 * can share it). Values are stored as the exact strings given, so replay is byte-identical.
 */
export class LlmCache {
  private readonly database: Database.Database;
  private readonly select: Database.Statement<[string], { response: string }>;
  private readonly upsert: Database.Statement<[string, string, string, string, string, number]>;
  readonly path: string;

  constructor(path: string) {
    this.path = path;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      this.database = new Database(path);
      this.database.pragma('journal_mode = WAL');
      this.database.pragma('busy_timeout = 5000');
      this.database.exec(`CREATE TABLE IF NOT EXISTS llm_cache (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        model TEXT NOT NULL,
        request TEXT NOT NULL,
        response TEXT NOT NULL,
        created_at INTEGER NOT NULL
      )`);
    } catch (error) {
      throw new PersonalabError('storage_error', `cannot open the LLM cache at ${path}: ${(error as Error).message}`, { cause: error });
    }
    this.select = this.database.prepare('SELECT response FROM llm_cache WHERE key = ?');
    this.upsert = this.database.prepare(
      'INSERT INTO llm_cache (key, kind, model, request, response, created_at) VALUES (?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT(key) DO UPDATE SET response = excluded.response, created_at = excluded.created_at',
    );
  }

  get(key: string): string | undefined {
    return this.select.get(key)?.response;
  }

  set(key: string, entry: { kind: string; model: string; request: string; response: string; createdAt?: number }): void {
    this.upsert.run(key, entry.kind, entry.model, entry.request, entry.response, entry.createdAt ?? Date.now());
  }

  get size(): number {
    return (this.database.prepare('SELECT COUNT(*) AS count FROM llm_cache').get() as { count: number }).count;
  }

  close(): void {
    if (this.database.open) this.database.close();
  }
}

const openCaches = new Map<string, LlmCache>();

/** One `LlmCache` per file per process, so every model of a run shares the same connection. */
export function openLlmCache(path: string): LlmCache {
  const key = path === ':memory:' ? path : resolve(path);
  let cache = openCaches.get(key);
  if (!cache) {
    cache = new LlmCache(path);
    openCaches.set(key, cache);
  }
  return cache;
}

/** A cache and how to use it. */
export interface CacheSettings {
  cache: LlmCache;
  mode: CacheMode;
}

/**
 * Runs `compute` through the cache: `read` only replays (a miss is an error and no request
 * is sent), `write` always computes and records, `readwrite` replays or computes and records.
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
    if (stored !== undefined) return { value: codec.decode(stored), cached: true };
    if (settings.mode === 'read') {
      throw new PersonalabError(
        'not_found',
        `LLM cache miss in read mode (${entry.kind}, model ${entry.model}, key ${key.slice(0, 12)}) in ${settings.cache.path}; ` +
          'record it first with PERSONALAB_LLM_CACHE=readwrite',
        { details: { key, kind: entry.kind, model: entry.model } },
      );
    }
  }
  const value = await compute();
  settings.cache.set(key, { kind: entry.kind, model: entry.model, request, response: codec.encode(value) });
  return { value, cached: false };
}
