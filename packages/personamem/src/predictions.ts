import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { dataError, PersonalabError } from '@personalab/core';
import type { QuestionOutcome } from './evaluator.js';
import { scoreReply } from './scoring.js';
import type { BenchmarkQuestion } from './types.js';

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

/**
 * Scores a prediction file against its questions through the official scorer: each predicted letter
 * is scored as a reply against the question file's gold answer (the file's own `answer` column is
 * checked to agree). Rows whose question id is not in `questions` are counted as unmatched; a file
 * with no predictions, or none that matches a question (scored against the wrong question file),
 * is an `invalid_argument` error rather than a score of 0/0.
 */
export function scorePredictionFile(path: string, questions: readonly BenchmarkQuestion[]): { outcomes: QuestionOutcome[]; unmatched: number; disagreements: number } {
  const byId = new Map(questions.map((question) => [question.id, question]));
  const outcomes: QuestionOutcome[] = [];
  let unmatched = 0;
  let disagreements = 0;
  const rows = loadPredictionFile(path);
  if (rows.length === 0) throw dataError(path, undefined, 'has no predictions (only a header)');
  for (const row of rows) {
    const question = byId.get(row.questionId);
    if (!question) {
      unmatched++;
      continue;
    }
    if (row.answer !== question.correct) disagreements++;
    const scored = scoreReply(row.predicted, `(${question.correct})`);
    outcomes.push({ questionId: row.questionId, correct: scored.correct, predicted: scored.predicted ?? null, error: null });
  }
  if (outcomes.length === 0) {
    throw new PersonalabError(
      'invalid_argument',
      `${path}: none of its ${rows.length} question ids is in the question set (${questions.length} questions, e.g. ${questions[0]?.id ?? 'none'}; the file has e.g. ${rows[0]?.questionId ?? ''}): is it the right questions file?`,
    );
  }
  return { outcomes, unmatched, disagreements };
}
