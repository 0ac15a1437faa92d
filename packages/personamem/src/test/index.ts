import { generateBenchmark } from '../generator/generate-benchmark.js';
import { questionFromRow } from '../questions.js';
import type { BenchmarkQuestion } from '../types.js';
import type { ChatMessage } from '@personalab/core';

/** A small generated benchmark for tests: a few personas, short contexts. */
export function smallBenchmark(options: { seed?: number; personas?: number; questionsPerPersona?: number; contextTokens?: number } = {}): {
  questions: BenchmarkQuestion[];
  contexts: Map<string, ChatMessage[]>;
} {
  const generated = generateBenchmark({ seed: options.seed ?? 7, personas: options.personas ?? 2, questionsPerPersona: options.questionsPerPersona ?? 14, contextTokens: options.contextTokens ?? 4_000 });
  return { questions: generated.questions.map(questionFromRow), contexts: generated.contexts };
}

/** The question a recorded chat request asked, found by its options block (unique per question). */
export function questionOfRequest(body: { messages?: { role: string; content: string }[] }, questions: readonly BenchmarkQuestion[]): BenchmarkQuestion | undefined {
  const last = body.messages?.[body.messages.length - 1]?.content ?? '';
  return questions.find((question) => question.optionsText !== undefined && last.endsWith(question.optionsText));
}
