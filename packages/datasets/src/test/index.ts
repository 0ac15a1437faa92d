import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { PersonalabError } from '@personalab/core';

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

/**
 * Tiny MovieLens-format files (3 users, 3 items, 6 ratings) for loader, fetch and CLI tests.
 * `u.item` is latin-1 bytes, as in the real set (the loader refuses a UTF-8 re-encoded one).
 */
export const tinyMovieLensFiles: Record<string, string | Uint8Array> = {
  'u.data': ['1\t1\t5\t881250949', '1\t2\t3\t881250950', '2\t1\t4\t881250951', '2\t3\t1\t881250952', '3\t2\t2\t881250953', '3\t3\t5\t881250954'].join('\n') + '\n',
  'u.item': Buffer.from(
    [
      `1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)|0|0|0|1|1|1|${'0|'.repeat(12)}0`,
      `2|GoldenEye (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?GoldenEye%20(1995)|0|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0|1|0|0`,
      `3|Cr\u00e8me Br\u00fbl\u00e9e (1996)|4-Feb-1996||http://x|0|0|0|0|0|0|0|0|1|${'0|'.repeat(9)}0`,
    ].join('\n') + '\n',
    'latin1',
  ),
  'u.user': ['1|24|M|technician|85711', '2|53|F|other|94043', '3|23|M|writer|32067'].join('\n') + '\n',
};

/** A zip laid out like the official `ml-100k.zip` (files under `ml-100k/`), with latin-1 `u.item`. */
export async function tinyMovieLensZip(): Promise<Uint8Array> {
  const { zipSync } = await import('fflate');
  const entries: Record<string, Uint8Array> = {};
  for (const [name, content] of Object.entries(tinyMovieLensFiles)) {
    entries[`ml-100k/${name}`] = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  }
  return zipSync(entries);
}

/** A local HTTP server answering each path with fixed bytes (or a status); for download tests. */
export async function serveFiles(routes: Record<string, Uint8Array | number>): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push(path);
    const route = routes[path];
    if (route === undefined || typeof route === 'number') {
      response.writeHead(typeof route === 'number' ? route : 404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(route.byteLength) });
    // Two chunks, so progress is reported more than once.
    const half = Math.floor(route.byteLength / 2);
    // Wait until the first half is flushed, then long enough for the client to read it on a loaded machine.
    response.write(route.subarray(0, half), () => setTimeout(() => response.end(route.subarray(half)), 150));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Awaits a promise that must reject with an `invalid_data` PersonalabError, and returns that error. */
export async function caughtDataError(promise: Promise<unknown>): Promise<PersonalabError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(PersonalabError.is(error, 'invalid_data')).toBe(true);
  return error as PersonalabError;
}
