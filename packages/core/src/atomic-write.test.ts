import { spawn, spawnSync } from 'node:child_process';
import { closeSync, fstatSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write.js';

const directories: string[] = [];
function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'atomic-write-'));
  directories.push(directory);
  return directory;
}
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** The pid of a process that has run and exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (child.pid === undefined) throw new Error('could not start node');
  return child.pid;
}

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temporary file', () => {
    const directory = temporaryDirectory();
    const path = join(directory, 'results.json');
    writeFileAtomic(path, 'old');
    writeFileAtomic(path, new Uint8Array([110, 101, 119]));
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(directory)).toEqual(['results.json']);
  });

  it('puts a new file in place of the old one: a reader that opened the old one reads it whole, never a mix', () => {
    // The test above passes with a plain in-place write; this one and the next do not.
    const directory = temporaryDirectory();
    const path = join(directory, 'results.json');
    const old = 'old contents '.repeat(10_000);
    writeFileAtomic(path, old);
    const reader = openSync(path, 'r');
    try {
      const inode = fstatSync(reader).ino;
      writeFileAtomic(path, 'new');
      expect(readFileSync(path, 'utf8')).toBe('new');
      // Truncating and rewriting the file in place had shown this reader "new", or nothing.
      expect(readFileSync(reader, 'utf8')).toBe(old);
      expect(statSync(path).ino).not.toBe(inode);
    } finally {
      closeSync(reader);
    }
  });

  it('keeps the old contents whole, and leaves no temporary file, when the write fails part-way', () => {
    const directory = temporaryDirectory();
    const path = join(directory, 'results.json');
    writeFileAtomic(path, 'old');
    // Bytes that claim more than they hold: the write fails once the file is open (as a full disk would).
    const broken = new Uint8Array([110, 101, 119]);
    Object.defineProperty(broken, 'length', { value: 1 << 20 });
    expect(() => writeFileAtomic(path, broken)).toThrow(RangeError);
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(directory)).toEqual(['results.json']);
  });

  it("removes a dead process's temporary files of the same file over an hour old, and keeps a live writer's, recent ones and other files'", async () => {
    const directory = temporaryDirectory();
    const path = join(directory, 'results.json');
    // A writer that is still running (it may be mid-write).
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      const livePid = live.pid as number;
      const dead = deadPid();
      const stale = [`.results.json.${dead}.1700000000000.tmp`, `.results.json.${dead}.1700000000001.tmp`];
      const kept = [
        `.results.json.${livePid}.1700000000002.tmp`,
        `.results.json.${process.pid}.1700000000003.tmp`, // this process: a worker thread may be writing
        `.other.json.${dead}.1700000000004.tmp`, // another file's: tidied by that file's next write
        `.results.json.backup.tmp`, // not a name writeFileAtomic makes
        `.results.json.${dead}.1700000000005.tmp`, // recent: its pid may be another container's writer
      ];
      for (const name of [...stale, ...kept]) writeFileSync(join(directory, name), 'half a fi');
      const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
      for (const name of [...stale, ...kept.slice(0, -1)]) utimesSync(join(directory, name), twoHoursAgo, twoHoursAgo);
      writeFileAtomic(path, '{"done":true}');
      expect(readFileSync(path, 'utf8')).toBe('{"done":true}');
      expect(readdirSync(directory).sort()).toEqual([...kept, 'results.json'].sort());
    } finally {
      live.kill('SIGKILL');
    }
  });
});
