import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { ChatMessage } from '@personalab/core';
import { type PersonaMemQuestion, loadPersonaMemContexts, loadPersonaMemQuestions } from '@personalab/datasets';
import type { BenchmarkQuestion, OptionLetter } from './types.js';

/** A loaded PersonaMem benchmark: questions, and shared contexts when a contexts file was given. */
export interface LoadedBenchmark {
  questions: BenchmarkQuestion[];
  contexts: Map<string, ChatMessage[]> | undefined;
}

/** The evaluator's view of a question parsed by the datasets package. */
export function questionFromDataset(question: PersonaMemQuestion, optionsText?: string): BenchmarkQuestion {
  return {
    id: question.questionId,
    ...(question.personaId === undefined ? {} : { personaId: String(question.personaId) }),
    type: question.questionType,
    topic: question.topic,
    question: question.question,
    options: question.options,
    ...(optionsText === undefined ? {} : { optionsText }),
    correct: question.correctLetter as OptionLetter,
    sharedContextId: question.sharedContextId,
    endIndex: question.endIndex,
    ...(question.contextLengthInTokens === undefined ? {} : { contextLengthInTokens: question.contextLengthInTokens }),
    ...(question.distanceToRefInBlocks === undefined ? {} : { distanceInBlocks: question.distanceToRefInBlocks }),
    ...(question.distanceToRefInTokens === undefined ? {} : { distanceInTokens: question.distanceToRefInTokens }),
  };
}

/**
 * `all_options` exactly as written, by question id. The official prompt embeds this string verbatim
 * (a JSON or Python list literal), which the parsed options alone cannot reproduce byte for byte.
 */
function rawOptionTexts(questionsPath: string): Map<string, string> {
  // bom: as the datasets loader reads it; a byte order mark had renamed a first question_id column, losing every raw text.
  const rows = parse(readFileSync(questionsPath, 'utf8'), { bom: true, columns: true, relax_column_count: true, skip_empty_lines: true }) as Record<string, string>[];
  return new Map(rows.filter((row) => row.question_id && row.all_options !== undefined).map((row) => [row.question_id as string, row.all_options as string]));
}

/**
 * Loads questions (and, when given, shared contexts) through the datasets package. Contexts are
 * read once into one map; questions point into it by id and end index.
 */
export async function loadBenchmark(options: { questionsPath: string; contextsPath?: string }): Promise<LoadedBenchmark> {
  const { questions } = await loadPersonaMemQuestions(options.questionsPath);
  const raw = rawOptionTexts(options.questionsPath);
  const contexts = options.contextsPath === undefined ? undefined : (await loadPersonaMemContexts(options.contextsPath)).contexts;
  return { questions: questions.map((question) => questionFromDataset(question, raw.get(question.questionId))), contexts };
}
