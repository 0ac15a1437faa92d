import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder of the small hand-made fixtures in the exact official formats. */
export const fixturesDirectory = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Path of one fixture file. */
export function fixturePath(name: string): string {
  return join(fixturesDirectory, name);
}

/** A fresh temporary folder and a function that removes it. */
export function temporaryDirectory(prefix = 'personalab-datasets-'): { path: string; write(name: string, content: string | Uint8Array): string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    write(name, content) {
      const file = join(path, name);
      writeFileSync(file, content);
      return file;
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
