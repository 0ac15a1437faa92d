import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { blockingFile, PersonalabError, type ChatMessage, writeFileAtomic } from '@personalab/core';
import type { GenerateBenchmarkOptions, QuestionRow } from './generate-benchmark.js';

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

/** Personas and questions per persona of the documented generation; `benchmarkName` leaves these out. */
export const defaultBenchmarkShape = { personas: 12, questionsPerPersona: 45 } as const;

/**
 * The file name part of a generated benchmark, carrying every setting that changes its content:
 * `gen<size>[-<phrasing>][-p<personas>-q<questions>]-seed<seed>`. The size is `32k` for whole thousands
 * of tokens, else the exact count (`32500t`); personas and questions are left out at their defaults
 * (12 and 45), so the documented generation keeps its documented name `gen32k-seed1`.
 */
export function benchmarkName(options: GenerateBenchmarkOptions): string {
  const size = options.contextTokens % 1000 === 0 ? `${options.contextTokens / 1000}k` : `${options.contextTokens}t`;
  const phrasing = options.phrasing === undefined || options.phrasing === 'plain' ? '' : `-${options.phrasing}`;
  const shape =
    options.personas === defaultBenchmarkShape.personas && options.questionsPerPersona === defaultBenchmarkShape.questionsPerPersona ? '' : `-p${options.personas}-q${options.questionsPerPersona}`;
  return `gen${size}${phrasing}${shape}-seed${options.seed}`;
}

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

/** Whether `name` can stand inside a file name: not empty, no separator (it would write into another folder) and no NUL. */
export function isFileNamePart(name: string): boolean {
  return name !== '' && !/[\\/\0]/.test(name);
}

/** `questions_<name>.csv` and `shared_contexts_<name>.jsonl` in a directory. */
export function benchmarkPaths(directory: string, name: string): { questionsPath: string; contextsPath: string } {
  // A separator would write into (or out of) another folder, an empty name hidden-looking `questions_.csv`.
  if (!isFileNamePart(name)) throw new PersonalabError('invalid_argument', `benchmark name ${JSON.stringify(name)} must be a non-empty file name part without / or \\`);
  return { questionsPath: join(directory, `questions_${name}.csv`), contextsPath: join(directory, `shared_contexts_${name}.jsonl`) };
}

/** "540 questions over 12 personas" for a questions CSV's text, or undefined when it is not one. */
function describeQuestions(text: string): string | undefined {
  try {
    const rows = parse(text, { columns: true, relax_column_count: true, skip_empty_lines: true }) as Record<string, string>[];
    return `${rows.length} questions over ${new Set(rows.map((row) => row.persona_id)).size} personas`;
  } catch {
    return undefined;
  }
}

const describeContexts = (text: string) => `${text.split('\n').filter((line) => line.trim() !== '').length} contexts`;

/**
 * Refuses to replace a file of another content: another generation's files (other settings, or another
 * version of the generator) would be lost silently, and the runs made on them would stop resuming.
 * `content` undefined: content not known yet (contexts still to be enriched), so any existing file is refused.
 */
function assertReplaceable(path: string, content: string | undefined, describe: (text: string) => string | undefined): void {
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) throw new PersonalabError('invalid_argument', `${path} is a folder: the benchmark file cannot be written there`);
  const existing = readFileSync(path, 'utf8');
  if (existing === content) return;
  const before = describe(existing) ?? 'other content';
  const after = content === undefined ? 'new enriched contexts differ on every call' : `this generation has ${describe(content) ?? 'other content'}`;
  throw new PersonalabError(
    'conflict',
    `${path} already exists from another generation (it has ${before}; ${after}): remove it, or write under another name or folder (--name, --out)`,
    { details: { file: path } },
  );
}

function checkTargets(directory: string, name: string, questionsText: string, contextsText: string | undefined): { questionsPath: string; contextsPath: string } {
  const paths = benchmarkPaths(directory, name);
  const blocking = blockingFile(directory);
  if (blocking !== undefined) {
    const where = blocking === resolve(directory) ? `${directory} is a file` : `${directory}: ${blocking} is a file`;
    throw new PersonalabError('invalid_argument', `${where}: the benchmark is written into a folder (questions_${name}.csv and shared_contexts_${name}.jsonl)`);
  }
  assertReplaceable(paths.questionsPath, questionsText, describeQuestions);
  assertReplaceable(paths.contextsPath, contextsText, describeContexts);
  return paths;
}

/**
 * Checks, before anything is written, that `writeBenchmark` may write these files: the folder is not a file,
 * and an existing file of the same name holds exactly what would be written. `contexts` undefined: they are
 * not known yet (to be enriched), and an existing contexts file is refused.
 */
export function checkBenchmarkTargets(directory: string, name: string, benchmark: { questions: readonly QuestionRow[]; contexts: ReadonlyMap<string, readonly ChatMessage[]> | undefined }): { questionsPath: string; contextsPath: string } {
  return checkTargets(directory, name, questionsToCsv(benchmark.questions), benchmark.contexts === undefined ? undefined : contextsToJsonl(benchmark.contexts));
}

/**
 * Writes `questions_<name>.csv` and `shared_contexts_<name>.jsonl` into a directory; returns their paths.
 * A file already there is replaced only by the same content (rewriting the same generation); one from
 * another generation is a `conflict` error, raised before either file is written.
 */
export function writeBenchmark(directory: string, name: string, benchmark: { questions: readonly QuestionRow[]; contexts: ReadonlyMap<string, readonly ChatMessage[]> }): { questionsPath: string; contextsPath: string } {
  const questionsText = questionsToCsv(benchmark.questions);
  const contextsText = contextsToJsonl(benchmark.contexts);
  const { questionsPath, contextsPath } = checkTargets(directory, name, questionsText, contextsText);
  mkdirSync(directory, { recursive: true });
  writeFileAtomic(questionsPath, questionsText);
  writeFileAtomic(contextsPath, contextsText);
  return { questionsPath, contextsPath };
}
