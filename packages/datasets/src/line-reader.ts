import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { PersonalabError } from '@personalab/core';

export interface NumberedLine {
  /** The line without its terminator (a trailing `\r` is removed too). */
  text: string;
  /** 1-based line number. */
  line: number;
}

/** Throws `not_found` naming the file, instead of a bare ENOENT from deep inside a stream. */
export function assertFileExists(file: string, hint?: string): void {
  if (!existsSync(file)) {
    throw new PersonalabError('not_found', `${file}: file not found${hint ? ` (${hint})` : ''}`, { details: { file } });
  }
  // A folder opens, and its read fails later as an unhandled stream error (EISDIR): named here instead.
  if (statSync(file).isDirectory()) {
    throw new PersonalabError('invalid_argument', `${file}: is a folder, not a file${hint ? ` (${hint})` : ''}`, { details: { file } });
  }
}

/**
 * Streams a text file line by line with 1-based line numbers; nothing is held in memory but the current line.
 * A UTF-8 byte order mark (as Windows editors write) is dropped from the first line when reading UTF-8.
 */
export async function* readLines(file: string, encoding: BufferEncoding = 'utf8'): AsyncGenerator<NumberedLine> {
  assertFileExists(file);
  const lines = createInterface({ input: createReadStream(file, { encoding }), crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line++;
    let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === 1 && encoding === 'utf8' && text.startsWith('\uFEFF')) text = text.slice(1);
    yield { text, line };
  }
}
