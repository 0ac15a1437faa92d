import { createReadStream } from 'node:fs';
import { CsvError, parse, type Options } from 'csv-parse';
import { dataError } from '@personalab/core';
import { assertFileExists, notUtf8Message } from './line-reader.js';

export interface CsvRecord {
  fields: string[];
  /** 1-based line on which the record starts (records may span lines through quoted newlines). */
  line: number;
}

/**
 * Streams the records of a CSV file (RFC 4180 quoting, fields with newlines) with their starting line.
 * Column counts are not enforced here, so callers can report a wrong count with file and line themselves;
 * a syntax error (unclosed quote, stray quote) becomes `invalid_data` naming the file and line. Blank lines (only
 * whitespace) are skipped, as the line-based loaders skip them; a quoted empty field (`""`) is a record.
 */
export async function* readCsvRecords(file: string): AsyncGenerator<CsvRecord> {
  assertFileExists(file);
  // Lines are counted here, from each record's raw text as it is parsed: csv-parse counts a CRLF inside a quoted
  // field as two lines, and a syntax error can surface before the records parsed ahead of it are consumed.
  let parsedEnd = 0;
  let firstRecord: string[] | undefined;
  const onRecord = ({ record, raw }: { record: string[]; raw: string }): CsvRecord | null => {
    const line = parsedEnd + 1;
    parsedEnd += lineBreaks(raw);
    // A blank line (an editor's trailing newline, a gap between rows) is no record: it had been a row of one empty
    // field, refused as the wrong number of columns. Its line still counts. Returning null skips it in csv-parse.
    if (raw.trim() === '') return null;
    firstRecord ??= record;
    // A file saved as latin-1 or Windows-1252 decodes with U+FFFD where its accented letters were: refused, not garbled.
    const replacement = raw.indexOf('\uFFFD');
    if (replacement >= 0) throw dataError(file, line + lineBreaks(raw.slice(0, replacement)), notUtf8Message);
    return { fields: record, line };
  };
  // With `raw: true` the hook receives `{ record, raw }`; csv-parse's typings do not say so.
  // Any of the three line ends, mixed in one file (a row appended by a Windows editor had kept a \r in its last field).
  const options: Options = { raw: true, relax_column_count: true, bom: true, record_delimiter: ['\r\n', '\n', '\r'], on_record: onRecord as unknown as NonNullable<Options['on_record']> };
  const source = createReadStream(file, { encoding: 'utf8' });
  const parser = source.pipe(parse(options));
  // pipe() does not pass on the source's errors (a file that cannot be read): the parser's iteration throws them.
  source.on('error', (error) => parser.destroy(error));
  try {
    for await (const record of parser as AsyncIterable<CsvRecord>) yield record;
  } catch (error) {
    // Every csv-parse error (codes CSV_… and a few older ones without the prefix, as INVALID_OPENING_QUOTE).
    if (error instanceof CsvError) {
      // Name the line where the broken record starts (where an unclosed quote opened, say); csv-parse's own line may be off.
      const message = error.message.replace(/ at line \d+/, '');
      throw dataError(file, parsedEnd + 1, `CSV syntax error in the record starting on this line: ${message}${delimiterHint(firstRecord)}`, error);
    }
    throw error;
  }
}

/**
 * A spreadsheet saved with another separator (`;` in many locales, or tabs) parses its first line as one field, and
 * its first quoted field then fails with a quote error that does not say why: name the likely cause.
 */
function delimiterHint(firstRecord: string[] | undefined): string {
  const only = firstRecord?.length === 1 ? (firstRecord[0] ?? '') : '';
  const separator = only.includes(';') ? 'semicolons' : only.includes('\t') ? 'tabs' : undefined;
  return separator === undefined ? '' : ` (the first line has no commas but has ${separator}: the file must be comma-separated)`;
}

/** Line breaks (CRLF, LF or CR) in a record's raw text, its own terminator included. */
function lineBreaks(raw: string): number {
  let count = 0;
  for (let index = 0; index < raw.length; index++) {
    const code = raw.charCodeAt(index);
    if (code === 10) count++;
    else if (code === 13) {
      count++;
      if (raw.charCodeAt(index + 1) === 10) index++;
    }
  }
  return count;
}
