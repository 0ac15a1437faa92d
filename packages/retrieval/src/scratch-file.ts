import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { removeDeadWritersFiles, staleTemporaryAfterMs } from '@personalab/core';
import { indexFileName } from './index-file.js';

/**
 * Scratch files of hnswlib graphs. hnswlib-node reads and writes a graph only through a file name, so an
 * `HnswIndex` save, load and optimize each pass the graph through a file: `.hnsw-graph.<pid>.<ms>.<n>.tmp`,
 * made in the index's own folder (the file system the index goes to, not a small or separate /tmp).
 * A process killed while one exists leaves it behind; the next scratch file made in that folder (the next
 * save, load or optimize there) first removes those whose writer is dead, as core's `writeFileAtomic` does.
 */

/** How old a dead writer's file must be before it is removed (core's `writeFileAtomic` waits as long). */
export const staleAfterMs = staleTemporaryAfterMs;

/** Ours, and the temporary files `writeFileAtomic` makes for the index file; group 1 is the writer's pid. */
const leftoverNames = [/^\.hnsw-graph\.(\d+)\.\d+\.\d+\.tmp$/, new RegExp(`^\\.${indexFileName.replaceAll('.', '\\.')}\\.(\\d+)\\.\\d+\\.tmp$`)];

/** Errors that mean "this folder cannot be written", where a load may use another folder instead. */
const unwritable = new Set(['EACCES', 'EPERM', 'EROFS']);

let counter = 0;

/**
 * Creates an empty scratch file (exclusively, readable by the owner only) in the first folder of `directories`
 * that can be written, creating the folder when missing; a later folder is tried only when an earlier one is
 * read-only or not ours. Creating it here, rather than letting hnswlib open it, turns a folder that cannot be
 * written into an error: hnswlib ignores a file it cannot open.
 */
export function createScratchFile(directories: readonly string[]): string {
  let lastError: unknown;
  for (const directory of directories) {
    try {
      mkdirSync(directory, { recursive: true });
      removeStaleScratchFiles(directory);
      const path = join(directory, `.hnsw-graph.${process.pid}.${Date.now()}.${++counter}.tmp`);
      closeSync(openSync(path, 'wx', 0o600));
      return path;
    } catch (error) {
      lastError = error;
      if (!unwritable.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
  }
  throw lastError;
}

/**
 * Removes scratch files and index-file temporaries left in a folder by processes that died mid-write, by core's rule
 * (`removeDeadWritersFiles`: a live pid, this process, or a file touched within `staleAfterMs` is kept).
 */
export function removeStaleScratchFiles(directory: string): void {
  removeDeadWritersFiles(directory, (entry) => {
    const match = leftoverNames.map((pattern) => pattern.exec(entry)).find((found) => found !== null);
    return match === undefined ? undefined : Number(match[1]);
  });
}
