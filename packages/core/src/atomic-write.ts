import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

/**
 * Writes a file so that readers see either the old contents or the new, never a mix:
 * write a temporary file in the same directory, flush it to disk, rename it over the target.
 * `mode` (default 0o666 less the umask) applies from the first byte: the temporary file is new.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: { mode?: number } = {}): void {
  const directory = dirname(path);
  mkdirSync(directory, { recursive: true });
  const temporary = join(directory, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
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
}
