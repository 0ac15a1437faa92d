import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

/** The temporary file of one write: `.<name>.<pid>.<milliseconds>.tmp`, beside the target. */
function temporaryName(name: string, pid: number): string {
  return `.${name}.${pid}.${Date.now()}.tmp`;
}

/**
 * Writes a file so that readers see either the old contents or the new, never a mix:
 * write a temporary file in the same directory, flush it to disk, rename it over the target.
 * `mode` (default 0o666 less the umask) applies from the first byte: the temporary file is new.
 * A process killed mid-write leaves its temporary file behind; the next successful write of the
 * same file removes those of dead processes that are over an hour old (never one of a live writer here;
 * the age guards a writer in another pid namespace, on a shared volume, whose pid means nothing here).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: { mode?: number } = {}): void {
  const directory = dirname(path);
  mkdirSync(directory, { recursive: true });
  const temporary = join(directory, temporaryName(basename(path), process.pid));
  const descriptor = openSync(temporary, 'w', options.mode ?? 0o666);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(descriptor, bytes, offset, bytes.length - offset);
    fsyncSync(descriptor);
  } catch (error) {
    closeSync(descriptor);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(descriptor);
  renameSync(temporary, path);
  // Flush the directory entry so the rename itself survives a crash.
  try {
    const directoryDescriptor = openSync(directory, 'r');
    fsyncSync(directoryDescriptor);
    closeSync(directoryDescriptor);
  } catch {
    // Some file systems do not allow fsync on directories; the rename is still atomic.
  }
  removeStaleTemporaries(directory, basename(path));
}

/** How old a dead writer's temporary file must be before it is removed. */
export const staleTemporaryAfterMs = 60 * 60 * 1000;

/** The temporary files of `name` that `writeFileAtomic` makes (`.<name>.<pid>.<ms>.tmp`): the writer's pid, else undefined. */
function temporaryWriter(name: string): (entry: string) => number | undefined {
  const prefix = `.${name}.`;
  return (entry) => {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) return undefined;
    const match = /^(\d+)\.\d+\.tmp$/.exec(entry.slice(prefix.length));
    return match ? Number(match[1]) : undefined;
  };
}

/** Removes the temporary files of `name` left by processes that died mid-write (see `removeDeadWritersFiles`). */
function removeStaleTemporaries(directory: string, name: string): void {
  removeDeadWritersFiles(directory, temporaryWriter(name));
}

/**
 * Removes the files of `directory` that `writerOf` names a writer pid for, when that writer died mid-write. One whose
 * pid is alive (or is this process: a worker thread shares it) may be a concurrent write and is kept, and so is one
 * touched within `staleTemporaryAfterMs`: its pid may belong to another container or host sharing the folder. Best
 * effort: a folder or file we may not touch is left.
 */
export function removeDeadWritersFiles(directory: string, writerOf: (entry: string) => number | undefined): void {
  let entries: string[];
  try {
    entries = readdirSync(directory);
  } catch {
    return; // Tidying is best effort: the write itself succeeded.
  }
  for (const entry of entries) {
    const pid = writerOf(entry);
    if (pid === undefined || pid === process.pid || processIsAlive(pid)) continue;
    try {
      const path = join(directory, entry);
      if (Date.now() - statSync(path).mtimeMs < staleTemporaryAfterMs) continue;
      rmSync(path, { force: true });
    } catch {
      // Not ours to remove (permissions): leave it.
    }
  }
}

/** Whether a process with this pid runs on this machine (signal 0 checks without sending anything; EPERM: another user's). */
export function processIsAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
