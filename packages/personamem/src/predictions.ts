import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { dataError } from '@personalab/core';

/** One row of the authors' prediction CSVs (`pred_32k_k=5_r=rag_m=gpt-4o.csv`). */
export interface PredictionRow {
  questionId: string;
  /** Gold letter as the file gives it. */
  answer: string;
  /** The model's predicted letter. */
  predicted: string;
  /** Retrieved message indices for retrieval runs, else empty. */
  retrieved: number[];
}

/**
 * Reads a PersonaMem prediction CSV (columns `question_id,answer,p,r`). Fails naming the file and
 * line of the first malformed row.
 */
export function loadPredictionFile(path: string): PredictionRow[] {
  let records: string[][];
  try {
    records = parse(readFileSync(path, 'utf8'), { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    throw dataError(path, undefined, `not a CSV file: ${(error as Error).message}`, error);
  }
  const header = records[0];
  if (header?.join(',') !== 'question_id,answer,p,r') throw dataError(path, 1, `expected header question_id,answer,p,r, got ${header?.join(',') ?? 'nothing'}`);
  return records.slice(1).map((record, index) => {
    const line = index + 2;
    const [questionId, answer, predicted, retrieved] = record;
    if (record.length !== 4 || !questionId) throw dataError(path, line, `expected 4 columns with a question id, got ${record.length}`);
    if (!/^[a-d]$/.test(answer ?? '')) throw dataError(path, line, `answer must be one of a-d, got ${JSON.stringify(answer)}`);
    const indices = (retrieved ?? '').replace(/[[\]]/g, ' ').trim();
    const numbers = indices === '' ? [] : indices.split(/\s+/).map(Number);
    if (numbers.some((value) => !Number.isInteger(value))) throw dataError(path, line, `r must be a list of integers, got ${JSON.stringify(retrieved)}`);
    return { questionId, answer: answer as string, predicted: predicted ?? '', retrieved: numbers };
  });
}
