import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
import { evaluate } from '../evaluator.js';
import { loadBenchmark } from '../load-benchmark.js';
import { questionFromRow } from '../questions.js';
import { longestOptionIsCorrect } from '../report/accuracy-report.js';
import { MemoryResponder } from '../responders/memory-responder.js';
import { contentWords } from '../memory/text.js';
import { topics } from './catalog.js';
import { generateBenchmark, questionTypes } from './generate-benchmark.js';
import { benchmarkName, checkBenchmarkTargets, writeBenchmark } from './write-benchmark.js';

describe('benchmark generator', () => {
  const options = { seed: 3, personas: 4, questionsPerPersona: 35, contextTokens: 6_000 };
  const benchmark = generateBenchmark(options);

  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateBenchmark(options).questions).toEqual(benchmark.questions);
    expect(generateBenchmark({ ...options, seed: 4 }).questions[0]?.all_options).not.toEqual(benchmark.questions[0]?.all_options);
  });

  it('asks all seven types after what they depend on, within contexts of the target length', () => {
    expect(new Set(benchmark.questions.map((row) => row.question_type))).toEqual(new Set(questionTypes));
    for (const row of benchmark.questions) {
      const context = benchmark.contexts.get(row.shared_context_id);
      expect(context).toBeDefined();
      expect(row.end_index_in_shared_context).toBeLessThanOrEqual(context?.length ?? 0);
      expect(row.distance_to_ref_in_tokens).toBeGreaterThan(0);
      expect(JSON.parse(row.all_options)).toHaveLength(4);
    }
    for (const context of benchmark.contexts.values()) {
      const tokens = context.reduce((sum, message) => sum + Math.ceil(message.content.length / 4), 0);
      expect(tokens).toBeGreaterThanOrEqual(options.contextTokens);
      expect(tokens).toBeLessThan(options.contextTokens * 1.2);
    }
  });

  it('balances option lengths so the longest option is right about a quarter of the time', () => {
    const big = generateBenchmark({ seed: 11, personas: 12, questionsPerPersona: 60, contextTokens: 3_000 });
    const rate = big.questions.map(questionFromRow).filter(longestOptionIsCorrect).length / big.questions.length;
    expect(rate).toBeGreaterThan(0.2);
    expect(rate).toBeLessThan(0.3);
  });

  it('keeps subject words unique across the catalog, so an option names one subject', () => {
    const owners = new Map<string, string>();
    for (const topic of topics) {
      for (const subject of topic.subjects) {
        for (const word of contentWords(subject.name)) {
          expect(owners.get(word) ?? subject.name).toBe(subject.name);
          owners.set(word, subject.name);
        }
      }
    }
  });

  it('writes the official CSV and JSONL layout, which the datasets loaders read back', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'personamem-generated-'));
    try {
      const paths = writeBenchmark(directory, 'test', benchmark);
      const loaded = await loadBenchmark(paths);
      expect(loaded.questions).toEqual(benchmark.questions.map(questionFromRow));
      expect(loaded.contexts).toEqual(benchmark.contexts);
      // A file where the folder should be is named (mkdir had failed with a stack trace, EEXIST).
      expect(() => writeBenchmark(paths.questionsPath, 'again', benchmark)).toThrow(/is a file: the benchmark is written into a folder/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('names a benchmark by every setting that changes it, leaving out the documented 12 personas × 45 questions', () => {
    expect(benchmarkName({ seed: 1, personas: 12, questionsPerPersona: 45, contextTokens: 32_000 })).toBe('gen32k-seed1');
    expect(benchmarkName({ seed: 1, personas: 12, questionsPerPersona: 45, contextTokens: 32_000, phrasing: 'varied' })).toBe('gen32k-varied-seed1');
    expect(benchmarkName({ seed: 1, personas: 3, questionsPerPersona: 45, contextTokens: 32_000 })).toBe('gen32k-p3-q45-seed1');
    expect(benchmarkName({ seed: 2, personas: 12, questionsPerPersona: 20, contextTokens: 128_000, phrasing: 'heldout' })).toBe('gen128k-heldout-p12-q20-seed2');
    // 32400 and 32000 tokens had both been "gen32k".
    expect(benchmarkName({ seed: 1, personas: 12, questionsPerPersona: 45, contextTokens: 32_400 })).toBe('gen32400t-seed1');
  });

  it('never replaces a file of another generation, and rewrites the same one', () => {
    const directory = mkdtempSync(join(tmpdir(), 'personamem-generated-'));
    try {
      const paths = writeBenchmark(directory, 'same', benchmark);
      const before = readFileSync(paths.questionsPath, 'utf8');
      // The same generation again: nothing to lose.
      expect(writeBenchmark(directory, 'same', generateBenchmark(options))).toEqual(paths);
      const other = generateBenchmark({ ...options, personas: 1, questionsPerPersona: 3 });
      let refusal: unknown;
      try {
        writeBenchmark(directory, 'same', other);
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toMatchObject({
        code: 'conflict',
        message: `${paths.questionsPath} already exists from another generation (it has 140 questions over 4 personas; this generation has 3 questions over 1 personas): remove it, or write under another name or folder (--name, --out)`,
      });
      // Refused before either file is written: both are as they were.
      expect(readFileSync(paths.questionsPath, 'utf8')).toBe(before);
      expect(readdirSync(directory).filter((name) => !name.startsWith('.')).sort()).toEqual(['questions_same.csv', 'shared_contexts_same.jsonl']);
      // Only the contexts differ (same questions, another context set): still refused, naming the contexts file.
      expect(() => writeBenchmark(directory, 'same', { questions: benchmark.questions, contexts: other.contexts })).toThrow(/shared_contexts_same\.jsonl already exists from another generation \(it has 4 contexts; this generation has 1 contexts\)/);
      // Contexts still to be enriched (by an LLM, different on every call): an existing contexts file is refused up front.
      expect(() => checkBenchmarkTargets(directory, 'same', { questions: benchmark.questions, contexts: undefined })).toThrow(/shared_contexts_same\.jsonl already exists from another generation \(it has 4 contexts; new enriched contexts differ on every call\)/);
      expect(checkBenchmarkTargets(directory, 'fresh', { questions: benchmark.questions, contexts: undefined }).contextsPath).toBe(join(directory, 'shared_contexts_fresh.jsonl'));
      mkdirSync(join(directory, 'questions_folder.csv'));
      expect(() => writeBenchmark(directory, 'folder', benchmark)).toThrow(/questions_folder\.csv is a folder/);
      expect(() => writeBenchmark(directory, 'a/b', benchmark)).toThrow(/benchmark name "a\/b" must be a non-empty file name part/);
      expect(() => writeBenchmark(directory, '', benchmark)).toThrow(/benchmark name "" must be a non-empty file name part/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('is answerable from memory: the memory responder beats chance by far', async () => {
    const questions = benchmark.questions.map(questionFromRow);
    const result = await evaluate({ questions, contexts: benchmark.contexts, responder: new MemoryResponder(), quiet: true });
    const accuracy = result.outcomes.filter((outcome) => outcome.correct).length / questions.length;
    expect(accuracy).toBeGreaterThan(0.6);
  });

  it('words the user statements differently under varied phrasing, with the same questions', () => {
    const varied = generateBenchmark({ ...options, phrasing: 'varied' });
    expect(varied.questions).toHaveLength(benchmark.questions.length);
    const userText = (contexts: typeof benchmark.contexts) => [...contexts.values()].flat().filter((message) => message.role === 'user').map((message) => message.content).join('\n');
    expect(userText(benchmark.contexts)).toContain('used to love');
    expect(userText(varied.contexts)).not.toContain('used to love');
    expect(new Set(varied.questions.map((row) => row.question_type))).toEqual(new Set(questionTypes));
  });

  it('rejects impossible settings', () => {
    expect(() => generateBenchmark({ ...options, personas: 0 })).toThrow(PersonalabError);
    // Refused at once: these had run for minutes and then failed with "RangeError: Invalid string length".
    expect(() => generateBenchmark({ ...options, personas: 1, questionsPerPersona: 1_000_000 })).toThrow(/personas × questionsPerPersona is 1000000 questions; at most 200000 are generated at once/);
    expect(() => generateBenchmark({ ...options, personas: 1_000, contextTokens: 128_000 })).toThrow(/personas × contextTokens is 128000000 context tokens; at most 50000000/);
  });
});
