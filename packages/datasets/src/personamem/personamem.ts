import { z } from 'zod';
import { chatMessageSchema, dataError, formatZodError, type ChatMessage } from '@personalab/core';
import { readCsvRecords } from '../csv-records.js';
import { RowIssues, type LoaderOptions, type SkippedRow } from '../invalid-rows.js';
import { readLines } from '../line-reader.js';
import { PythonLiteralError, parsePythonStringList } from './python-string-list.js';

/** The seven question types of the released PersonaMem splits. */
export const personaMemQuestionTypes = [
  'recall_user_shared_facts',
  'recalling_facts_mentioned_by_the_user',
  'recalling_the_reasons_behind_previous_updates',
  'track_full_preference_evolution',
  'provide_preference_aligned_recommendations',
  'suggest_new_ideas',
  'generalizing_to_new_scenarios',
] as const;

export interface PersonaMemQuestion {
  questionId: string;
  /** Absent in pre-release files. */
  personaId?: number;
  questionType: string;
  topic: string;
  /** The user's question or message (`user_question_or_message`; `question` in pre-release files). */
  question: string;
  /** As in the file, e.g. `(c)`. */
  correctAnswer: string;
  /** The letter of the correct answer, `a`..`d`. */
  correctLetter: string;
  /** The options as in the file, each prefixed `(a) `.. `(d) `. */
  options: string[];
  /** How `all_options` was written: a JSON list or a Python list literal. */
  optionsFormat: 'json' | 'python';
  sharedContextId: string;
  /** The question sees `context.slice(0, endIndex)` (exclusive, as the official inference code). */
  endIndex: number;
  contextLengthInTokens?: number;
  contextLengthInLetters?: number;
  distanceToRefInBlocks?: number;
  distanceToRefInTokens?: number;
  numIrrelevantTokens?: number;
  /** `distance_to_ref_proportion_in_context` as a percentage (92.67 for "92.67%"). */
  distanceToRefProportion?: number;
  /** Pre-release files only. */
  stereotypical?: boolean;
  /** Where the row is, for error messages. */
  file: string;
  line: number;
}

export interface PersonaMemQuestions {
  questions: PersonaMemQuestion[];
  skipped: SkippedRow[];
}

const requiredColumns = ['question_id', 'question_type', 'topic', 'correct_answer', 'all_options', 'shared_context_id', 'end_index_in_shared_context'] as const;
const integerText = z.string().regex(/^\d+$/, 'expected a non-negative integer').transform(Number);
const optionalInteger = z.union([z.literal('').transform(() => undefined), integerText]).optional();

const rowSchema = z.object({
  persona_id: optionalInteger,
  question_id: z.string().min(1, 'empty question_id'),
  question_type: z.string().min(1, 'empty question_type'),
  topic: z.string(),
  question: z.string().min(1, 'empty question'),
  correct_answer: z.string().regex(/^\([a-z]\)$/, 'expected a letter in parentheses such as "(c)"'),
  shared_context_id: z.string().min(1, 'empty shared_context_id'),
  end_index_in_shared_context: integerText,
  context_length_in_tokens: optionalInteger,
  context_length_in_letters: optionalInteger,
  distance_to_ref_in_blocks: optionalInteger,
  distance_to_ref_in_tokens: optionalInteger,
  num_irrelevant_tokens: optionalInteger,
  distance_to_ref_proportion_in_context: z
    .string()
    .regex(/^(\d+(\.\d+)?%)?$/, 'expected a percentage such as "92.67%"')
    .transform((value) => (value === '' ? undefined : Number(value.slice(0, -1))))
    .optional(),
  stereotypical: z
    .enum(['Yes', 'No', ''])
    .transform((value) => (value === '' ? undefined : value === 'Yes'))
    .optional(),
});

/** Parses `all_options`: a JSON list of strings, or else a Python list literal of strings (never `eval`). */
export function parseOptionsList(text: string): { options: string[]; format: 'json' | 'python' } {
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every((value) => typeof value === 'string')) return { options: parsed as string[], format: 'json' };
  } catch {
    // not JSON: try the Python literal below
  }
  return { options: parsePythonStringList(text), format: 'python' };
}

/**
 * Loads a PersonaMem questions CSV: the released layout (`questions_32k.csv`: 15 columns from `persona_id` to
 * `end_index_in_shared_context`) or the pre-release one (`question` instead of `user_question_or_message`, plus
 * `stereotypical`). Columns are found by header name; every row must have as many fields as the header, and a
 * `question_id` repeated on a later row is an invalid row (named by file and line, thrown or skipped per `onInvalid`).
 */
export async function loadPersonaMemQuestions(file: string, options: LoaderOptions = {}): Promise<PersonaMemQuestions> {
  const issues = new RowIssues(options.onInvalid);
  const questions: PersonaMemQuestion[] = [];
  // Line of each accepted question id: a repeated id (which would count twice in n and accuracy) is an invalid row.
  const lineOfId = new Map<string, number>();
  let header: string[] | undefined;
  let rows = 0;
  for await (const { fields, line } of readCsvRecords(file)) {
    if (!header) {
      header = fields;
      const missing = requiredColumns.filter((column) => !header?.includes(column));
      if (!header.includes('user_question_or_message') && !header.includes('question')) missing.push('user_question_or_message' as never);
      if (missing.length > 0) throw dataError(file, line, `not a PersonaMem questions file: missing column(s) ${missing.join(', ')}`);
      continue;
    }
    rows++;
    if (fields.length !== header.length) {
      issues.reject(file, line, `expected ${header.length} columns as in the header, found ${fields.length}`);
      continue;
    }
    const row: Record<string, string> = {};
    header.forEach((column, index) => (row[column] = fields[index] as string));
    row.question ??= row.user_question_or_message ?? '';
    const parsed = rowSchema.safeParse(row);
    if (!parsed.success) {
      issues.reject(file, line, formatZodError(parsed.error), parsed.error);
      continue;
    }
    let list: { options: string[]; format: 'json' | 'python' };
    try {
      list = parseOptionsList(row.all_options ?? '');
    } catch (error) {
      issues.reject(file, line, `all_options: ${error instanceof PythonLiteralError ? error.message : String(error)}`, error);
      continue;
    }
    const data = parsed.data;
    const firstLine = lineOfId.get(data.question_id);
    if (firstLine !== undefined) {
      issues.reject(file, line, `question_id ${data.question_id} appears twice (first on line ${firstLine})`);
      continue;
    }
    const letter = data.correct_answer.slice(1, 2);
    const letterIndex = letter.charCodeAt(0) - 'a'.charCodeAt(0);
    if (letterIndex >= list.options.length) {
      issues.reject(file, line, `correct_answer ${data.correct_answer} but only ${list.options.length} option(s)`);
      continue;
    }
    const question: PersonaMemQuestion = {
      questionId: data.question_id,
      questionType: data.question_type,
      topic: data.topic,
      question: data.question,
      correctAnswer: data.correct_answer,
      correctLetter: letter,
      options: list.options,
      optionsFormat: list.format,
      sharedContextId: data.shared_context_id,
      endIndex: data.end_index_in_shared_context,
      file,
      line,
    };
    const optional = {
      personaId: data.persona_id,
      contextLengthInTokens: data.context_length_in_tokens,
      contextLengthInLetters: data.context_length_in_letters,
      distanceToRefInBlocks: data.distance_to_ref_in_blocks,
      distanceToRefInTokens: data.distance_to_ref_in_tokens,
      numIrrelevantTokens: data.num_irrelevant_tokens,
      distanceToRefProportion: data.distance_to_ref_proportion_in_context,
      stereotypical: data.stereotypical,
    };
    for (const [key, value] of Object.entries(optional)) if (value !== undefined) (question as unknown as Record<string, unknown>)[key] = value;
    questions.push(question);
    lineOfId.set(question.questionId, line);
  }
  if (!header) throw dataError(file, undefined, 'empty file: no header');
  if (rows === 0) throw dataError(file, undefined, 'no questions after the header');
  return { questions, skipped: issues.skipped };
}

const contextLineSchema = z.record(z.string().min(1), z.array(chatMessageSchema)).refine((value) => Object.keys(value).length > 0, 'expected {"<shared_context_id>": [messages]}');

export interface PersonaMemContexts {
  contexts: Map<string, ChatMessage[]>;
  skipped: SkippedRow[];
}

/**
 * Loads a PersonaMem shared-contexts JSONL (`shared_contexts_32k.jsonl`): one `{"<id>": [{role, content}, ...]}`
 * object per line, read once into a map. A broken JSON line, a bad message or a repeated id names file and line.
 */
export async function loadPersonaMemContexts(file: string, options: LoaderOptions = {}): Promise<PersonaMemContexts> {
  const issues = new RowIssues(options.onInvalid);
  const contexts = new Map<string, ChatMessage[]>();
  let rows = 0;
  for await (const { text, line } of readLines(file)) {
    if (text.trim() === '') continue;
    rows++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      issues.reject(file, line, `broken JSON line: ${error instanceof Error ? error.message : String(error)}`, error);
      continue;
    }
    const parsed = contextLineSchema.safeParse(value);
    if (!parsed.success) {
      issues.reject(file, line, formatZodError(parsed.error), parsed.error);
      continue;
    }
    const repeated = Object.keys(parsed.data).find((id) => contexts.has(id));
    if (repeated !== undefined) {
      issues.reject(file, line, `shared context id ${repeated} appears twice`);
      continue;
    }
    for (const [id, messages] of Object.entries(parsed.data)) contexts.set(id, messages);
  }
  if (rows === 0) throw dataError(file, undefined, 'empty file: no contexts');
  return { contexts, skipped: issues.skipped };
}

/**
 * The conversation a question sees: `context.slice(0, endIndex)`, as the official inference code slices it.
 * An unknown context id, or an end index past the context, is an `invalid_data` error naming the question's file and line.
 */
export function contextForQuestion(question: PersonaMemQuestion, contexts: ReadonlyMap<string, readonly ChatMessage[]>): ChatMessage[] {
  const context = contexts.get(question.sharedContextId);
  if (!context) {
    throw dataError(question.file, question.line, `question ${question.questionId} refers to unknown shared_context_id ${question.sharedContextId} (${contexts.size} context(s) loaded)`);
  }
  if (question.endIndex > context.length) {
    throw dataError(question.file, question.line, `end_index_in_shared_context ${question.endIndex} is past the end of context ${question.sharedContextId} (${context.length} messages)`);
  }
  return context.slice(0, question.endIndex);
}

/** Questions per `question_type`, in first-seen order. */
export function countByQuestionType(questions: readonly PersonaMemQuestion[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const question of questions) counts.set(question.questionType, (counts.get(question.questionType) ?? 0) + 1);
  return counts;
}

