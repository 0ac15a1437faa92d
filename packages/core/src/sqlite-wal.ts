/** What `useWriteAheadLog` needs of a SQLite connection (better-sqlite3's `Database`), so that core takes no driver. */
export interface PragmaConnection {
  pragma(source: string, options?: { simple?: boolean }): unknown;
}

/**
 * Puts a SQLite database in WAL mode, waiting for other processes doing the same. Switching a new database's journal
 * mode needs its exclusive lock, and SQLite answers SQLITE_BUSY there at once rather than through the busy timeout: of
 * four processes opening one new store together, one or two failed with "database is locked" (20 rounds: 11 of 80
 * openings). Retries every few milliseconds until `timeoutMs`, then throws SQLite's error. Returns the journal mode
 * the database is in: `wal`, or `memory` for an in-memory database, which has no other.
 */
export function useWriteAheadLog(database: PragmaConnection, timeoutMs = 5_000): string {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return String(database.pragma('journal_mode = WAL', { simple: true }));
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      // A synchronous pause (stores are opened in constructors): 1, 2, 4 … up to 50 ms.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(50, 2 ** attempt));
    }
  }
}
