import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
import { loadPredictionFile, scorePredictionFile } from './predictions.js';
import type { BenchmarkQuestion } from './types.js';

const directory = mkdtempSync(join(tmpdir(), 'personamem-predictions-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
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

  it('scores matching rows, and refuses a file that matches no question or has no rows', () => {
    const questions = [{ id: 'q1', correct: 'b' }, { id: 'q2', correct: 'c' }] as unknown as BenchmarkQuestion[];
    const path = write('pred.csv', 'question_id,answer,p,r\nq1,b,b,\nq2,c,a,\nq9,a,a,\n');
    const scored = scorePredictionFile(path, questions);
    expect(scored.outcomes.map((outcome) => outcome.correct)).toEqual([true, false]);
    expect(scored.unmatched).toBe(1);
    const other = write('other.csv', 'question_id,answer,p,r\nx1,a,a,\nx2,b,b,\n');
    expect(() => scorePredictionFile(other, questions)).toThrow(/none of its 2 question ids is in the question set .*right questions file/);
    expect(() => scorePredictionFile(write('empty.csv', 'question_id,answer,p,r\n'), questions)).toThrow(/no predictions/);
  });
});
