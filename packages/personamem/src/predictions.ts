import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { dataError, PersonalabError } from '@personalab/core';
import { assertFileExists } from '@personalab/datasets';
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
 * Reads a PersonaMem prediction CSV (columns `question_id,answer,p,r`). Fails naming the file, and the
 * line of the first malformed row or of a question predicted a second time.
 */
export function loadPredictionFile(path: string): PredictionRow[] {
  // Named here: the read's ENOENT or EISDIR had been reported as "not a CSV file".
  assertFileExists(path);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(readFileSync(path, 'utf8'), { bom: true, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    throw dataError(path, undefined, `not a CSV file: ${(error as Error).message}`, error);
  }
  const header = records[0]?.record;
  if (header?.join(',') !== 'question_id,answer,p,r') throw dataError(path, 1, `expected header question_id,answer,p,r, got ${header?.join(',') ?? 'nothing'}`);
  const firstLine = new Map<string, number>();
  return records.slice(1).map(({ record, info }) => {
    // The line the record ends on: blank lines are skipped, so the row's index would miscount.
    const line = info.lines;
    const [questionId, answer, predicted, retrieved] = record;
    if (record.length !== 4 || !questionId) throw dataError(path, line, `expected 4 columns with a question id, got ${record.length}`);
    if (!/^[a-d]$/.test(answer ?? '')) throw dataError(path, line, `answer must be one of a-d, got ${JSON.stringify(answer)}`);
    // A repeated question had been scored twice, weighing it double in the accuracy.
    const first = firstLine.get(questionId);
    if (first !== undefined) throw dataError(path, line, `question ${questionId} is predicted again (first on line ${first})`);
    firstLine.set(questionId, line);
    const indices = (retrieved ?? '').replace(/[[\]]/g, ' ').trim();
    const numbers = indices === '' ? [] : indices.split(/\s+/).map(Number);
    if (numbers.some((value) => !Number.isInteger(value))) throw dataError(path, line, `r must be a list of integers, got ${JSON.stringify(retrieved)}`);
    return { questionId, answer: answer as string, predicted: predicted ?? '', retrieved: numbers };
  });
}

/** A prediction file scored against a question set. */
export interface ScoredPredictions {
  /** One outcome per question, in the question set's order; a question without a prediction is wrong (`predicted` null). */
  outcomes: QuestionOutcome[];
  /** Questions the file has no row for (scored as wrong). */
  missing: number;
  /** Rows whose prediction names no single option letter a-d (scored as wrong, as the official scorer does). */
  withoutLetter: number;
  /** Rows whose question id is not in the question set (not scored). */
  unmatched: number;
  /** Rows whose `answer` column disagrees with the question set's gold letter (scored against the question set's). */
  disagreements: number;
}

/**
 * Scores a prediction file against its questions through the official scorer: each predicted letter
 * is scored as a reply against the question file's gold answer (the file's own `answer` column is
 * checked to agree). The accuracy is over the whole question set: a question without a prediction is
 * wrong. Rows whose question id is not in `questions` are counted as unmatched; a file with no
 * predictions, or none that matches a question (scored against the wrong question file), is an error
 * rather than a score of 0.
 */
export function scorePredictionFile(path: string, questions: readonly BenchmarkQuestion[]): ScoredPredictions {
  const ids = new Set(questions.map((question) => question.id));
  const rows = loadPredictionFile(path);
  if (rows.length === 0) throw dataError(path, undefined, 'has no predictions (only a header)');
  const byId = new Map(rows.filter((row) => ids.has(row.questionId)).map((row) => [row.questionId, row]));
  if (byId.size === 0) {
    throw new PersonalabError(
      'invalid_argument',
      `${path}: none of its ${rows.length} question ids is in the question set (${questions.length} questions, e.g. ${questions[0]?.id ?? 'none'}; the file has e.g. ${rows[0]?.questionId ?? ''}): is it the right questions file?`,
    );
  }
  let disagreements = 0;
  let withoutLetter = 0;
  const outcomes = questions.map((question): QuestionOutcome => {
    const row = byId.get(question.id);
    if (!row) return { questionId: question.id, correct: false, predicted: null, error: null };
    if (row.answer !== question.correct) disagreements++;
    const scored = scoreReply(row.predicted, `(${question.correct})`);
    if (scored.predicted === undefined) withoutLetter++;
    return { questionId: question.id, correct: scored.correct, predicted: scored.predicted ?? null, error: null };
  });
  return { outcomes, missing: questions.length - byId.size, withoutLetter, unmatched: rows.length - byId.size, disagreements };
}
