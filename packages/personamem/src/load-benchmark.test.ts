import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBenchmark } from './load-benchmark.js';
import { buildPrompt } from './prompt.js';

const directory = mkdtempSync(join(tmpdir(), 'personamem-load-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('loadBenchmark', () => {
  // question_id first, as in the authors' questions_128k.csv; a Python list literal, which the parsed options cannot rebuild.
  const optionsText = `['(a) I would pick jazz.', "(b) It's rock, I think."]`;
  const csv = [
    'question_id,question_type,topic,user_question_or_message,correct_answer,all_options,shared_context_id,end_index_in_shared_context',
    `q1,recall_user_shared_facts,music,What do I like?,(a),"${optionsText.replaceAll('"', '""')}",c1,2`,
    '',
  ].join('\r\n');

  it('keeps all_options verbatim for the prompt when the file opens with a byte order mark', async () => {
    const plain = join(directory, 'plain.csv');
    const withBom = join(directory, 'bom.csv');
    writeFileSync(plain, csv);
    // Saved by Excel or a Windows editor: the BOM had hidden the question_id column from the raw read, so every prompt fell
    // back to the options one per line instead of the official all_options string.
    writeFileSync(withBom, `\uFEFF${csv}`);
    for (const questionsPath of [plain, withBom]) {
      const { questions } = await loadBenchmark({ questionsPath });
      expect(questions.map((question) => question.optionsText)).toEqual([optionsText]);
      const question = questions[0];
      if (!question) throw new Error('no question');
      expect(buildPrompt([], question.question, question.options, question.optionsText).at(-1)?.content.endsWith(`\n\n${optionsText}`)).toBe(true);
    }
  });
});
