import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { getConfig, PersonalabError } from '@personalab/core';
import { temporaryDirectory } from '@personalab/datasets/test';
import { registerPersonamemCommand } from './personamem.js';
import { runCli } from '../test/run-cli.js';

function run(args: string[]): Promise<string> {
  return runCli([registerPersonamemCommand], ['--quiet', 'personamem', ...args]);
}

const folder = temporaryDirectory('personalab-cli-personamem-');
afterAll(() => folder.remove());
const questions = join(folder.path, 'questions_gen2k-seed1.csv');
const contexts = join(folder.path, 'shared_contexts_gen2k-seed1.jsonl');
const store = join(folder.path, 'runs.sqlite');

const refused = (args: string[], code: string, message: RegExp) =>
  expect(run(args)).rejects.toSatisfy((error) => PersonalabError.is(error) && error.code === code && message.test(error.message));

describe('personalab personamem', () => {
  it('generates a small benchmark, checking its numeric options', async () => {
    await refused(['generate', '--personas', '0', '--out', folder.path], 'invalid_argument', /--personas must be a positive integer, got "0"/);
    await refused(['generate', '--context-tokens', 'abc', '--out', folder.path], 'invalid_argument', /--context-tokens must be a positive integer/);
    await refused(['generate', '--seed', '-1', '--out', folder.path], 'invalid_argument', /--seed must be an integer from 0/);
    expect(await run(['generate', '--personas', '1', '--questions-per-persona', '3', '--context-tokens', '2000', '--out', folder.path])).toContain('3 questions over 1 contexts');
  });

  it('refuses responders that need contexts without them, and options the responder would ignore', async () => {
    await refused(['evaluate', '--questions', questions, '--store', store], 'invalid_argument', /--responder memory answers from the shared contexts: give --contexts \(only the controls random and longest-option work without\)/);
    await refused(['evaluate', '--questions', questions, '--contexts', contexts, '--k', '3', '--store', store], 'invalid_argument', /--k applies to --responder llm --strategy retrieval only, not --responder memory/);
    await refused(['evaluate', '--questions', questions, '--contexts', contexts, '--strategy', 'truncate', '--store', store], 'invalid_argument', /--strategy applies to --responder llm only/);
    await refused(['evaluate', '--questions', questions, '--limit', 'abc', '--store', store], 'invalid_argument', /--limit must be a positive integer, got "abc"/);
    await refused(['evaluate', '--questions', questions, '--concurrency', '0', '--store', store], 'invalid_argument', /--concurrency must be an integer from 1 to 1024/);
  });

  it('resumes a run only with the same contexts', async () => {
    const common = ['evaluate', '--questions', questions, '--responder', 'longest-option', '--run-id', 'lo', '--store', store];
    expect(await run([...common, '--contexts', contexts])).toMatch(/on 3 questions \(0 resumed, 3 asked, 0 failed\)/);
    expect(await run([...common, '--contexts', contexts])).toMatch(/\(3 resumed, 0 asked/);
    await refused(common, 'conflict', /run lo was made with different settings \(contextsFingerprint: before "1-[0-9a-f]+", now "none"\)/);
  });

  it('fails when a prediction file matches none of the questions', async () => {
    const predictions = join(folder.path, 'pred.csv');
    writeFileSync(predictions, 'question_id,answer,p,r\nother-1,a,a,\nother-2,b,c,\n');
    await refused(['score-predictions', '--questions', questions, predictions], 'invalid_argument', /pred\.csv: none of its 2 question ids is in the question set \(3 questions/);
  });

  it('keeps its stores and results under $PERSONALAB_STATE_DIR like the other commands', () => {
    const program = new Command('personalab');
    registerPersonamemCommand(program);
    const personamem = program.commands.find((command) => command.name() === 'personamem');
    const defaultOf = (name: string, flag: string) => personamem?.commands.find((command) => command.name() === name)?.options.find((option) => option.long === flag)?.defaultValue as unknown;
    const state = getConfig().stateDir;
    expect(defaultOf('generate', '--out')).toBe(join(state, 'personamem'));
    expect(defaultOf('evaluate', '--store')).toBe(join(state, 'personamem', 'runs.sqlite'));
    expect(defaultOf('report', '--store')).toBe(join(state, 'personamem', 'runs.sqlite'));
    expect(defaultOf('report', '--out')).toBe(join(state, 'personamem', 'results'));
  });
});
