import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
import { loadPredictionFile, scorePredictionFile } from './predictions.js';
import type { BenchmarkQuestion } from './types.js';

const directory = mkdtempSync(join(tmpdir(), 'personamem-predictions-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
/** The error a call throws, for its code and message. */
const thrown = (call: () => unknown): unknown => {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
};
const write = (name: string, text: string) => {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
};

describe('prediction files', () => {
  it('reads ids, letters and retrieved indices', () => {
    const rows = loadPredictionFile(write('ok.csv', 'question_id,answer,p,r\nq1,a,b,[ 38  27  25]\nq2,c,c,\n'));
    expect(rows).toEqual([
      { questionId: 'q1', answer: 'a', predicted: 'b', retrieved: [38, 27, 25] },
      { questionId: 'q2', answer: 'c', predicted: 'c', retrieved: [] },
    ]);
  });

  it('names the file and line of a malformed row', () => {
    const path = write('bad.csv', 'question_id,answer,p,r\nq1,a,b,\nq2,z,c,\n');
    expect(() => loadPredictionFile(path)).toThrow(`${path}:3`);
    expect(() => loadPredictionFile(write('header.csv', 'id,gold\n'))).toThrow(PersonalabError);
  });

  it('says a missing file or a folder is one, not that it is "not a CSV file"', () => {
    const missing = join(directory, 'nothere.csv');
    expect(thrown(() => loadPredictionFile(missing))).toMatchObject({ code: 'not_found', message: `${missing}: file not found` });
    expect(thrown(() => loadPredictionFile(directory))).toMatchObject({ code: 'invalid_argument', message: `${directory}: is a folder, not a file` });
  });

  it('refuses a question predicted twice, naming both lines, and counts lines past blank ones', () => {
    const path = write('twice.csv', 'question_id,answer,p,r\nq1,b,b,\n\nq2,c,a,\nq1,b,b,\n');
    expect(thrown(() => loadPredictionFile(path))).toMatchObject({ code: 'invalid_data', message: `${path}:5: question q1 is predicted again (first on line 2)` });
    // A byte order mark (as Windows editors write) is not part of the header.
    expect(loadPredictionFile(write('bom.csv', '\uFEFFquestion_id,answer,p,r\nq1,b,b,\n'))).toHaveLength(1);
  });

  it('scores matching rows, and refuses a file that matches no question or has no rows', () => {
    const questions = [{ id: 'q1', correct: 'b' }, { id: 'q2', correct: 'c' }, { id: 'q3', correct: 'a' }, { id: 'q4', correct: 'd' }] as unknown as BenchmarkQuestion[];
    const path = write('pred.csv', 'question_id,answer,p,r\nq1,b,b,\nq2,c,a,\nq9,a,a,\nq4,d,none,\n');
    const scored = scorePredictionFile(path, questions);
    // Over every question, in the question set's order: q3 has no prediction and is wrong, q4's names no letter.
    expect(scored.outcomes).toEqual([
      { questionId: 'q1', correct: true, predicted: 'b', error: null },
      { questionId: 'q2', correct: false, predicted: 'a', error: null },
      { questionId: 'q3', correct: false, predicted: null, error: null },
      { questionId: 'q4', correct: false, predicted: null, error: null },
    ]);
    expect(scored).toMatchObject({ missing: 1, withoutLetter: 1, unmatched: 1, disagreements: 0 });
    const other = write('other.csv', 'question_id,answer,p,r\nx1,a,a,\nx2,b,b,\n');
    expect(() => scorePredictionFile(other, questions)).toThrow(/none of its 2 question ids is in the question set .*right questions file/);
    expect(() => scorePredictionFile(write('empty.csv', 'question_id,answer,p,r\n'), questions)).toThrow(/no predictions/);
  });
});
