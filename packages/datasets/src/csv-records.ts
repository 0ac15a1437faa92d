import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { dataError } from '@personalab/core';
import { assertFileExists } from './line-reader.js';

export interface CsvRecord {
  fields: string[];
  /** 1-based line on which the record starts (records may span lines through quoted newlines). */
  line: number;
}

/**
 * Streams the records of a CSV file (RFC 4180 quoting, fields with newlines) with their starting line.
 * Column counts are not enforced here, so callers can report a wrong count with file and line themselves;
 * a syntax error (unclosed quote, stray quote) becomes `invalid_data` naming the file and line.
 */
export async function* readCsvRecords(file: string): AsyncGenerator<CsvRecord> {
  assertFileExists(file);
  const parser = createReadStream(file, { encoding: 'utf8' }).pipe(parse({ info: true, relax_column_count: true, bom: true }));
  let previousEnd = 0;
  try {
    for await (const entry of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { fields: entry.record, line: previousEnd + 1 };
      previousEnd = entry.info.lines;
    }
  } catch (error) {
    if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('CSV_')) {
      const line = 'lines' in error && typeof error.lines === 'number' ? error.lines : undefined;
      throw dataError(file, line, `CSV syntax error: ${error.message}`, error);
    }
    throw error;
  }
}
