import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * The file that stands where `path`, or one of the folders above it, must be a folder, if any: a write
 * there would fail (EEXIST or ENOTDIR from mkdir), so commands name it before any work. A path that
 * does not exist yet is fine as long as its nearest existing ancestor is a folder.
 */
export function blockingFile(path: string): string | undefined {
  let current = resolve(path);
  while (!existsSync(current)) {
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
  return statSync(current).isDirectory() ? undefined : current;
}
