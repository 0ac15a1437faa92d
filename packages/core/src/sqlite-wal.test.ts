import { describe, expect, it } from 'vitest';
import { useWriteAheadLog } from './sqlite-wal.js';

/** A connection whose journal-mode switch is refused as busy `busyTimes` times (another process holds the lock). */
function connection(busyTimes: number, error: { code: string; message: string } = { code: 'SQLITE_BUSY', message: 'database is locked' }) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    pragma(source: string) {
      expect(source).toBe('journal_mode = WAL');
      calls++;
      if (calls <= busyTimes) throw Object.assign(new Error(error.message), { code: error.code });
      return 'wal';
    },
  };
}

describe('useWriteAheadLog', () => {
  it('waits out another process switching the same new database', () => {
    const database = connection(5);
    expect(useWriteAheadLog(database)).toBe('wal');
    expect(database.calls).toBe(6);
  });

  it('gives up with SQLite error after its timeout, and never retries other errors', () => {
    const started = Date.now();
    expect(() => useWriteAheadLog(connection(Number.POSITIVE_INFINITY), 100)).toThrow('database is locked');
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    const corrupt = connection(1, { code: 'SQLITE_CORRUPT', message: 'database disk image is malformed' });
    expect(() => useWriteAheadLog(corrupt)).toThrow('malformed');
    expect(corrupt.calls).toBe(1);
  });
});
