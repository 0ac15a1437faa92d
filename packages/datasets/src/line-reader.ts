import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { PersonalabError, dataError } from '@personalab/core';

export interface NumberedLine {
  /** The line without its terminator (a trailing `\r` is removed too). */
  text: string;
  /** 1-based line number. */
  line: number;
}

/** Throws `invalid_argument` unless `path` is a non-empty string (a JavaScript caller's `undefined` had failed as a bare TypeError). */
export function assertPath(path: unknown, what = 'file'): asserts path is string {
  if (typeof path !== 'string' || path === '') {
    throw new PersonalabError('invalid_argument', `expected a ${what} path (a non-empty string), got ${path === '' ? '""' : String(path)}`);
  }
}

/** Throws `not_found` naming the file, instead of a bare ENOENT from deep inside a stream. */
export function assertFileExists(file: string, hint?: string): void {
  assertPath(file);
  if (!existsSync(file)) {
    throw new PersonalabError('not_found', `${file}: file not found${hint ? ` (${hint})` : ''}`, { details: { file } });
  }
  // A folder opens, and its read fails later as an unhandled stream error (EISDIR): named here instead.
  if (statSync(file).isDirectory()) {
    throw new PersonalabError('invalid_argument', `${file}: is a folder, not a file${hint ? ` (${hint})` : ''}`, { details: { file } });
  }
}

/**
 * What a file that is not UTF-8 reads as: U+FFFD (the replacement character) where a byte could not be decoded.
 * None of the real data sets holds one, so its presence means the file was re-saved in another encoding.
 */
export const notUtf8Message =
  'not valid UTF-8 (a byte that cannot be decoded reads as "\uFFFD"): was the file saved in another encoding (latin-1, Windows-1252, UTF-16)? Save it as UTF-8';

/**
 * Streams a text file line by line with 1-based line numbers; nothing is held in memory but the current line.
 * A UTF-8 byte order mark (as Windows editors write) is dropped from the first line when reading UTF-8, and a line
 * that is not valid UTF-8 is `invalid_data` naming file and line rather than text with "\uFFFD" in it.
 */
export async function* readLines(file: string, encoding: BufferEncoding = 'utf8'): AsyncGenerator<NumberedLine> {
  assertFileExists(file);
  const input = createReadStream(file, { encoding });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of lines) {
      line++;
      let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (encoding === 'utf8') {
        if (line === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
        if (text.includes('\uFFFD')) throw dataError(file, line, notUtf8Message);
      }
      yield { text, line };
    }
  } finally {
    // A caller that stops early (an invalid row under 'throw') must not leave the file open.
    lines.close();
    input.destroy();
  }
}
