import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type PersonalabError } from '@personalab/core';
import { findDataset, howToGet } from '../data-dir.js';
import { caughtDataError, fixturePath, temporaryDirectory } from '../test/index.js';
import { contextForQuestion, countByQuestionType, loadPersonaMemContexts, loadPersonaMemQuestions, personaMemQuestionTypes } from './personamem.js';
import { parsePythonStringList } from './python-string-list.js';

const released = findDataset('personamem-32k');
const dev = findDataset('personamem-dev');
if (!released) console.warn(`PersonaMem 32k not found: real-data tests skipped; ${howToGet('personamem-32k')}`);
if (!dev) console.warn(`PersonaMem dev files not found: real join test skipped; ${howToGet('personamem-dev')}`);


describe('parsePythonStringList', () => {
  it('parses single and double quotes, escapes, adjacent literals and a trailing comma', () => {
    expect(parsePythonStringList(`['a', "b's", 'it\\'s', "say \\"hi\\""]`)).toEqual(['a', "b's", "it's", 'say "hi"']);
    expect(parsePythonStringList(`[ 'x\\ny\\t\\\\', '\\x41\\u00e9\\U0001F600\\101' 'z', ]`)).toEqual(['x\ny\t\\', 'Aé😀Az']);
    expect(parsePythonStringList(`['''tri'ple''', 'unknown \\q escape']`)).toEqual(["tri'ple", 'unknown \\q escape']);
    expect(parsePythonStringList('[]')).toEqual([]);
  });

  it('rejects what Python would reject, with the offset', () => {
    expect(() => parsePythonStringList("['a' 'b")).toThrow(/unterminated string literal at offset 7/);
    expect(() => parsePythonStringList("['a', 1]")).toThrow(/expected a string literal at offset 6/);
    expect(() => parsePythonStringList("['a'] extra")).toThrow(/unexpected text/);
    expect(() => parsePythonStringList("['a' 'b', __import__('os')]")).toThrow(/expected a string literal/);
  });
});

describe('PersonaMem fixture in the official format', () => {
  const folder = temporaryDirectory();
  afterAll(() => folder.remove());

  it('reads JSON and Python option lists and joins questions to their context slice', async () => {
    const { questions, skipped } = await loadPersonaMemQuestions(fixturePath('personamem-questions.csv'));
    const { contexts } = await loadPersonaMemContexts(fixturePath('personamem-contexts.jsonl'));
    expect(skipped).toEqual([]);
    expect(questions.map((question) => question.optionsFormat)).toEqual(['json', 'python', 'python']);
    expect(questions[0]?.options[1]).toBe('(b) You said you love jazz "standards", so go.');
    expect(questions[1]?.options[3]).toBe('(d) Water\'s "fine" too.');
    expect(questions[1]).toMatchObject({ questionId: 'q-python', personaId: 0, correctLetter: 'a', endIndex: 6, distanceToRefProportion: 28.57, line: 3 });
    expect(contexts.size).toBe(2);
    const seen = contextForQuestion(questions[1]!, contexts);
    expect(seen).toHaveLength(6);
    expect(seen.at(-1)?.content).toBe("I can't stand 'herbal' blends though.");
    expect(contextForQuestion(questions[2]!, contexts).map((message) => message.role)).toEqual(['system', 'user', 'assistant']);
    expect(contexts.get('a1'.repeat(32))?.at(-1)?.content).toBe('Thanks, café later?');
  });

  it('an unknown context id names the question file and line', async () => {
    const { questions } = await loadPersonaMemQuestions(fixturePath('personamem-questions.csv'));
    const error = (() => {
      try {
        contextForQuestion(questions[2]!, new Map([['a1'.repeat(32), []]]));
      } catch (caughtError) {
        return caughtError as PersonalabError;
      }
      return undefined;
    })();
    expect(error?.code).toBe('invalid_data');
    expect(error?.message).toContain(`${fixturePath('personamem-questions.csv')}:4`);
    expect(error?.message).toMatch(/unknown shared_context_id b2b2/);
    expect(() => contextForQuestion({ ...questions[2]!, endIndex: 99 }, new Map([['b2'.repeat(32), []]]))).toThrow(/past the end/);
  });

  it('a broken JSON line in the contexts names file and line; skip mode reports it', async () => {
    const file = folder.write('contexts.jsonl', '{"x": [{"role": "user", "content": "hi"}]}\n{"y": [{"role": "user", "content": "hi"}\n{"z": [{"role": "robot", "content": "hi"}]}\n');
    const error = await caughtDataError(loadPersonaMemContexts(file));
    expect(error.message).toContain(`${file}:2: broken JSON line`);
    const result = await loadPersonaMemContexts(file, { onInvalid: 'skip' });
    expect([...result.contexts.keys()]).toEqual(['x']);
    expect(result.skipped.map((row) => [row.line, row.reason.slice(0, 20)])).toEqual([
      [2, 'broken JSON line: Ex'],
      [3, 'z[0].role: Invalid o'],
    ]);
  });

  it('reads a questions file that ends with empty lines', async () => {
    const text = (await import('node:fs')).readFileSync(fixturePath('personamem-questions.csv'), 'utf8').trimEnd();
    const file = folder.write('trailing-blank.csv', `${text}\n\n\n`);
    const expected = await loadPersonaMemQuestions(fixturePath('personamem-questions.csv'));
    const { questions, skipped } = await loadPersonaMemQuestions(file);
    expect(skipped).toEqual([]);
    expect(questions.map((question) => [question.questionId, question.line])).toEqual(expected.questions.map((question) => [question.questionId, question.line]));
  });

  it('wrong column count, a bad answer and a broken option list name file and line', async () => {
    const lines = (await import('node:fs')).readFileSync(fixturePath('personamem-questions.csv'), 'utf8').trimEnd().split('\n');
    const header = lines[0] as string;
    const short = folder.write('short.csv', `${header}\n${lines[1]}\n0,q,recall_user_shared_facts,topic\n`);
    expect((await caughtDataError(loadPersonaMemQuestions(short))).message).toMatch(new RegExp(`${short}:3: expected 15 columns.*found 4`));
    const badAnswer = folder.write('answer.csv', `${header}\n${(lines[1] as string).replace(',(b),', ',b,')}\n`);
    expect((await caughtDataError(loadPersonaMemQuestions(badAnswer))).message).toMatch(new RegExp(`${badAnswer}:2: correct_answer`));
    const badOptions = folder.write('options.csv', `${header}\n${(lines[3] as string).replace("'(d) A parrot.']", "'(d) A parrot.'")}\n`);
    expect((await caughtDataError(loadPersonaMemQuestions(badOptions))).message).toMatch(new RegExp(`${badOptions}:2: all_options: unterminated list`));
    const badIndex = folder.write('index.csv', `${header}\n${(lines[3] as string).replace(/,3$/, ',three')}\n`);
    expect((await caughtDataError(loadPersonaMemQuestions(badIndex))).message).toMatch(/end_index_in_shared_context: expected a non-negative integer/);
    // A contexts file given as questions: csv-parse's older error codes (INVALID_OPENING_QUOTE) had escaped uncaught.
    const jsonl = folder.write('contexts-as-questions.csv', '{"ctx": [{"role": "user", "content": "hi"}]}\n');
    expect((await caughtDataError(loadPersonaMemQuestions(jsonl))).message).toMatch(new RegExp(`${jsonl}:1: CSV syntax error .*Invalid Opening Quote`));
    // A folder is named as one, before any read (its read had failed as an unhandled stream error, EISDIR).
    await expect(loadPersonaMemQuestions(folder.path)).rejects.toThrow(/is a folder, not a file/);
    // A repeated question id would count twice: refused naming both lines, or skipped in skip mode.
    const repeated = folder.write('repeated.csv', `${header}\n${lines[1]}\n${lines[2]}\n${lines[1]}\n`);
    expect((await caughtDataError(loadPersonaMemQuestions(repeated))).message).toMatch(new RegExp(`${repeated}:4: question_id \\S+ appears twice \\(first on line 2\\)`));
    const skipped = await loadPersonaMemQuestions(repeated, { onInvalid: 'skip' });
    expect(skipped.questions).toHaveLength(2);
    expect(skipped.skipped.map((row) => row.line)).toEqual([4]);
    const notPersonaMem = folder.write('other.csv', 'a,b\n1,2\n');
    expect((await caughtDataError(loadPersonaMemQuestions(notPersonaMem))).message).toMatch(/:1: not a PersonaMem questions file/);
  });

  it('reads a questions file whose line ends are mixed (LF rows, one appended with CRLF) without a stray \\r', async () => {
    const lines = (await import('node:fs')).readFileSync(fixturePath('personamem-questions.csv'), 'utf8').trimEnd().split('\n');
    const plain = await loadPersonaMemQuestions(folder.write('lf.csv', `${lines.join('\n')}\n`));
    // csv-parse had taken LF from the first line as the only record end, keeping the last row's \r in its last field.
    const mixed = await loadPersonaMemQuestions(folder.write('mixed.csv', `${lines.join('\n')}\r\n`));
    expect(mixed.questions).toEqual(plain.questions.map((question) => ({ ...question, file: expect.stringMatching(/mixed\.csv$/) })));
    expect(JSON.stringify(mixed.questions)).not.toContain('\\r');
  });

  it('an empty contexts file or a questions file with only its header is an error, not an empty set', async () => {
    const header = (await import('node:fs')).readFileSync(fixturePath('personamem-questions.csv'), 'utf8').split('\n')[0] as string;
    const headerOnly = folder.write('header-only.csv', `${header}\r\n`);
    expect((await caughtDataError(loadPersonaMemQuestions(headerOnly))).message).toBe(`${headerOnly}: no questions after the header`);
    const empty = folder.write('empty.jsonl', '\n');
    expect((await caughtDataError(loadPersonaMemContexts(empty))).message).toBe(`${empty}: empty file: no contexts`);
  });

  it('refuses questions or contexts saved as latin-1 / Windows-1252, naming the line, instead of reading "caf\uFFFD"', async () => {
    const lines = (await import('node:fs')).readFileSync(fixturePath('personamem-questions.csv'), 'utf8').trimEnd().split('\n');
    const accented = (lines[2] as string).replace('(a) ', '(a) Caf\u00e9 ');
    expect(accented).toContain('Café');
    const questions = folder.write('latin1.csv', Buffer.from(`${lines[0]}\n${lines[1]}\n${accented}\n`, 'latin1'));
    expect((await caughtDataError(loadPersonaMemQuestions(questions, { onInvalid: 'skip' }))).message).toMatch(new RegExp(`^${questions}:3: not valid UTF-8`));
    const contexts = folder.write('latin1.jsonl', Buffer.from('{"x": [{"role": "user", "content": "hi"}]}\n{"y": [{"role": "user", "content": "un caf\u00e9"}]}\n', 'latin1'));
    expect((await caughtDataError(loadPersonaMemContexts(contexts))).message).toMatch(new RegExp(`^${contexts}:2: not valid UTF-8`));
  });

  it('reads a contexts file with a UTF-8 byte order mark and CRLF line ends', async () => {
    const file = folder.write('bom.jsonl', '\uFEFF{"x": [{"role": "user", "content": "hi"}]}\r\n{"y": [{"role": "assistant", "content": "yo"}]}\r\n');
    const { contexts } = await loadPersonaMemContexts(file);
    expect([...contexts.keys()]).toEqual(['x', 'y']);
    expect(contexts.get('y')).toEqual([{ role: 'assistant', content: 'yo' }]);
  });
});

describe.skipIf(!released)('PersonaMem 32k released questions', () => {
  it('has 589 questions over 7 types with the published counts; options parse as 286 JSON + 303 Python lists', async () => {
    const { questions, skipped } = await loadPersonaMemQuestions(join(released as string, 'questions_32k.csv'));
    expect(skipped).toEqual([]);
    expect(questions).toHaveLength(589);
    const counts = Object.fromEntries(countByQuestionType(questions));
    expect(counts).toEqual({
      track_full_preference_evolution: 139,
      recall_user_shared_facts: 129,
      recalling_the_reasons_behind_previous_updates: 99,
      suggest_new_ideas: 93,
      generalizing_to_new_scenarios: 57,
      provide_preference_aligned_recommendations: 55,
      recalling_facts_mentioned_by_the_user: 17,
    });
    expect(new Set(Object.keys(counts))).toEqual(new Set(personaMemQuestionTypes));
    expect(questions.filter((question) => question.optionsFormat === 'json')).toHaveLength(286);
    expect(questions.filter((question) => question.optionsFormat === 'python')).toHaveLength(303);
    for (const question of questions) {
      expect(question.options.map((option) => option.slice(0, 4))).toEqual(['(a) ', '(b) ', '(c) ', '(d) ']);
    }
    expect(new Set(questions.map((question) => question.sharedContextId)).size).toBe(37);
    expect(questions[0]).toMatchObject({ personaId: 0, questionId: 'acd74206-37dc-4756-94a8-b99a395d9a21', correctLetter: 'c', endIndex: 182, distanceToRefProportion: 92.67 });
  });
});

describe.skipIf(!dev)('PersonaMem pre-release 128k files (real join)', () => {
  it('joins all 270 questions to the 2 shared contexts', async () => {
    const { questions } = await loadPersonaMemQuestions(join(dev as string, 'questions_128k.csv'));
    const { contexts } = await loadPersonaMemContexts(join(dev as string, 'shared_contexts_128k.jsonl'));
    expect(questions).toHaveLength(270);
    expect(contexts.size).toBe(2);
    expect([...contexts.values()].map((messages) => messages.length).sort()).toEqual([698, 718]);
    for (const question of questions) {
      const seen = contextForQuestion(question, contexts);
      expect(seen).toHaveLength(question.endIndex);
      expect(seen[0]?.role).toBe('system');
    }
    expect(questions.filter((question) => question.stereotypical === true)).toHaveLength(34);
  });
});
