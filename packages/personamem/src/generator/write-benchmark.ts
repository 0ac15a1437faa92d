import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PersonalabError, type ChatMessage, writeFileAtomic } from '@personalab/core';
import type { QuestionRow } from './generate-benchmark.js';

const columns: readonly (keyof QuestionRow)[] = [
  'persona_id',
  'question_id',
  'question_type',
  'topic',
  'context_length_in_tokens',
  'context_length_in_letters',
  'distance_to_ref_in_blocks',
  'distance_to_ref_in_tokens',
  'num_irrelevant_tokens',
  'distance_to_ref_proportion_in_context',
  'user_question_or_message',
  'correct_answer',
  'all_options',
  'shared_context_id',
  'end_index_in_shared_context',
];

/** RFC 4180 quoting: fields with commas, quotes or line breaks are quoted, quotes doubled. */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The questions as a CSV with the released file's header. */
export function questionsToCsv(questions: readonly QuestionRow[]): string {
  return [columns.join(','), ...questions.map((row) => columns.map((column) => csvField(row[column])).join(','))].join('\n') + '\n';
}

/** The contexts in the official layout: one `{"<id>": [messages]}` object per line. */
export function contextsToJsonl(contexts: ReadonlyMap<string, readonly ChatMessage[]>): string {
  return [...contexts.entries()].map(([id, messages]) => JSON.stringify({ [id]: messages.map((message) => ({ role: message.role, content: message.content })) })).join('\n') + '\n';
}

/** Writes `questions_<name>.csv` and `shared_contexts_<name>.jsonl` into a directory; returns their paths. */
export function writeBenchmark(directory: string, name: string, benchmark: { questions: readonly QuestionRow[]; contexts: ReadonlyMap<string, readonly ChatMessage[]> }): { questionsPath: string; contextsPath: string } {
  if (existsSync(directory) && !statSync(directory).isDirectory()) {
    throw new PersonalabError('invalid_argument', `${directory} is a file: the benchmark is written into a folder (questions_${name}.csv and shared_contexts_${name}.jsonl)`);
  }
  mkdirSync(directory, { recursive: true });
  const questionsPath = join(directory, `questions_${name}.csv`);
  const contextsPath = join(directory, `shared_contexts_${name}.jsonl`);
  writeFileAtomic(questionsPath, questionsToCsv(benchmark.questions));
  writeFileAtomic(contextsPath, contextsToJsonl(benchmark.contexts));
  return { questionsPath, contextsPath };
}
