import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { type Responder, type Shard, PersonalabError, blockingFile, formatShard, getConfig, parseShard, writeResults } from '@personalab/core';
import {
  type EvaluationResult,
  type ExtractorName,
  type BenchmarkQuestion,
  type Phrasing,
  type QuestionOutcome,
  type ResponderName,
  type RunReport,
  type StrategyName,
  RunStore,
  collectRun,
  benchmarkName,
  benchmarkSizeError,
  buildRunReport,
  checkBenchmarkTargets,
  createResponder,
  defaultBenchmarkShape,
  defaultEvidenceWeights,
  defaultOptionPriorWeights,
  enrichWording,
  evaluate,
  extractorNames,
  generateBenchmark,
  loadBenchmark,
  missingSharedContexts,
  published128k,
  published32k,
  questionsOfShard,
  renderMarkdown,
  defaultRandomSeed,
  isFileNamePart,
  LlmResponder,
  offlineProfileExtractorName,
  offlineRetrievalEmbedderId,
  responderNames,
  scorePredictionFile,
  shardRunId,
  strategyNames,
  svgAccuracyByDistance,
  writeBenchmark,
} from '@personalab/personamem';
import { createChatModelFromConfig } from '@personalab/llm';
import { globalOptions } from '../global-options.js';
import { integerOption, positive, seedRange } from '../integer-option.js';
import { interruptOnSignals } from '../interrupt.js';
import { refuseFileAsFolder } from '../writable-folder.js';

const phrasings = ['plain', 'varied', 'heldout', 'heldout2'];
/** Responders that read the shared contexts; the others are the controls. */
const contextResponders: readonly string[] = ['memory', 'evidence', 'llm'];

interface EvaluateCommandOptions {
  questions: string;
  contexts?: string;
  responder: ResponderName;
  strategy: StrategyName;
  extractor: ExtractorName;
  k: number;
  maxTokens: number;
  systemRole: boolean;
  runId?: string;
  store?: string;
  concurrency: number;
  limit?: number;
  shard?: string;
}

/** The run store when `--store` is not given (read from the config when a command runs, not when the CLI starts: a bad environment must not stop `--help`). */
function defaultRunStore(): string {
  return join(getConfig().stateDir, 'personamem', 'runs.sqlite');
}

/** A `--name` becomes part of file names: a separator would write into another folder, an empty one `.json`. */
function fileNamePart(flag: string, value: string): string {
  if (!isFileNamePart(value)) throw new PersonalabError('invalid_argument', `${flag} must be a file name part without / or \\, got ${JSON.stringify(value)}`);
  return value;
}

/** An output folder that exists as a file is named before any work (mkdir had failed later with a stack trace, EEXIST). */
function assertNotAFile(flag: string, directory: string): void {
  const file = blockingFile(directory);
  if (file === undefined) return;
  throw new PersonalabError('invalid_argument', file === resolve(directory) ? `${flag} ${directory} is a file: results are written into a folder` : `${flag} ${directory}: ${file} is a file, not a folder`);
}

/** "a", "a and b", "a, b and c". */
const listed = (names: readonly string[]) => (names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);

/** A short fingerprint of a responder's fitted weights (sha256 of their JSON, 12 hex digits). */
const weightsFingerprint = (weights: Partial<Record<string, number>>) => createHash('sha256').update(JSON.stringify(weights)).digest('hex').slice(0, 12);

/**
 * Checks `evaluate`'s options against each other and returns the settings that change the answers
 * (recorded with the run, so that resuming with other ones is refused). An option the chosen
 * responder would ignore is an error, not silently dropped.
 */
function evaluateSettings(options: EvaluateCommandOptions, command: Command): Record<string, unknown> {
  if (!responderNames.includes(options.responder)) throw new PersonalabError('invalid_argument', `--responder must be one of ${responderNames.join(', ')}, got "${options.responder}"`);
  if (!strategyNames.includes(options.strategy)) throw new PersonalabError('invalid_argument', `--strategy must be one of ${strategyNames.join(', ')}, got "${options.strategy}"`);
  if (!extractorNames.includes(options.extractor)) throw new PersonalabError('invalid_argument', `--extractor must be one of ${extractorNames.join(', ')}, got "${options.extractor}"`);
  const given = (name: string) => {
    const source = command.getOptionValueSource(name);
    return source !== undefined && source !== 'default';
  };
  const llm = options.responder === 'llm';
  const onlyWith = (flag: string, name: string, applies: boolean, what: string) => {
    if (given(name) && !applies) throw new PersonalabError('invalid_argument', `${flag} applies to ${what} only, not --responder ${options.responder}${llm ? ` --strategy ${options.strategy}` : ''}`);
  };
  onlyWith('--strategy', 'strategy', llm, '--responder llm');
  onlyWith('--no-system-role', 'systemRole', llm, '--responder llm');
  onlyWith('--k', 'k', llm && options.strategy === 'retrieval', '--responder llm --strategy retrieval');
  onlyWith('--max-tokens', 'maxTokens', llm && options.strategy === 'truncate', '--responder llm --strategy truncate');
  onlyWith('--extractor', 'extractor', llm && options.strategy === 'profile', '--responder llm --strategy profile');
  if (contextResponders.includes(options.responder) && options.contexts === undefined) {
    throw new PersonalabError(
      'invalid_argument',
      `--responder ${options.responder} answers from the shared contexts: give --contexts (only the controls ${listed(responderNames.filter((name) => !contextResponders.includes(name)))} work without)`,
    );
  }
  // The random control's seed changes its answers: recorded, so that a run resumed under another seed is refused
  // (the default moved from 0 to 1 in session 11; runs stored before then have no seed recorded).
  if (options.responder === 'random') return { seed: defaultRandomSeed };
  // Fitted weights change the answers too: a run resumed after they were refitted is refused, not mixed.
  if (options.responder === 'evidence') return { weights: weightsFingerprint(defaultEvidenceWeights) };
  if (options.responder === 'option-priors') return { weights: weightsFingerprint(defaultOptionPriorWeights) };
  if (!llm) return {};
  return {
    strategy: options.strategy,
    systemRole: options.systemRole,
    ...(options.strategy === 'retrieval' ? { k: options.k } : {}),
    ...(options.strategy === 'truncate' ? { maxTokens: options.maxTokens } : {}),
  };
}

/**
 * The embedder or profile extractor an LLM responder's strategy runs with, as one stderr line each (as `tfjs backend:`),
 * and as settings recorded with the run (so that a run is never resumed with another one).
 */
function strategyComponents(responder: Responder): Record<string, string> {
  if (!(responder instanceof LlmResponder)) return {};
  const { embedder, extractor } = responder.strategySettings;
  const llm = getConfig().llm;
  if (embedder !== undefined) {
    const note = embedder === offlineRetrievalEmbedderId ? 'offline hashing embedder: PERSONALAB_EMBED_MODEL is not set' : `PERSONALAB_EMBED_MODEL ${llm.embedModel ?? ''} at ${llm.baseURL ?? 'the default endpoint'}`;
    process.stderr.write(`embedder: ${embedder} (${note})\n`);
  }
  if (extractor !== undefined) {
    const note = extractor === offlineProfileExtractorName ? 'offline; --extractor llm extracts with the chat model' : `the chat model at ${llm.baseURL ?? 'the default endpoint'}`;
    process.stderr.write(`profile extractor: ${extractor} (${note})\n`);
  }
  return { ...(embedder === undefined ? {} : { embedder }), ...(extractor === undefined ? {} : { extractor }) };
}

/**
 * The failed questions, grouped by message (without its "question <id>: " prefix), most frequent
 * first, each with its first question: "3× upstream timed out (first: question q1)".
 */
function describeErrors(outcomes: readonly QuestionOutcome[], shown = 3): string[] {
  const counts = new Map<string, { count: number; first: string }>();
  for (const outcome of outcomes) {
    if (outcome.error === null) continue;
    const message = outcome.error.replace(/^question \S+: /, '');
    const entry = counts.get(message) ?? { count: 0, first: outcome.questionId };
    entry.count++;
    counts.set(message, entry);
  }
  const sorted = [...counts].sort((left, right) => right[1].count - left[1].count);
  const lines = sorted.slice(0, shown).map(([message, entry]) => `  ${entry.count}× ${message} (first: question ${entry.first})`);
  const rest = sorted.slice(shown);
  if (rest.length > 0) {
    // "1 other errors" had read as a slip; the questions they failed are counted too.
    const failed = rest.reduce((sum, [, entry]) => sum + entry.count, 0);
    lines.push(`  … and ${rest.length} other ${rest.length === 1 ? 'error' : 'errors'} (${failed} ${failed === 1 ? 'question' : 'questions'}; all are in the run store)`);
  }
  return lines;
}

/** The questions an `evaluate` call covers, as `evaluate` picks them: its shard of the whole file (the partition is made on every question), within the limit. */
function questionsOfCall(all: readonly BenchmarkQuestion[], limited: readonly BenchmarkQuestion[], shard: Shard | undefined): readonly BenchmarkQuestion[] {
  if (shard === undefined) return limited;
  const inShard = new Set(questionsOfShard(all, shard).map((question) => question.id));
  return limited.filter((question) => inShard.has(question.id));
}

/** An argument as a POSIX shell reads it back: as it is when it is safe, else in single quotes. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command line as the user gave it (`personalab …`), with `--run-id` added when it was left out (the default id
 * depends on the configured model); commander keeps the arguments parsed in the root's `rawArgs`, left out of its types.
 */
function resumeCommand(command: Command, runId: string, given: boolean): string {
  let root = command;
  while (root.parent) root = root.parent;
  const rawArgs: unknown = (root as { rawArgs?: unknown }).rawArgs;
  const added = given ? [] : ['--run-id', runId];
  if (!Array.isArray(rawArgs) || !rawArgs.every((word) => typeof word === 'string')) return `the same command${given ? '' : ` with --run-id ${shellWord(runId)}`}`;
  return ['personalab', ...(rawArgs as string[]).slice(2), ...added].map(shellWord).join(' ');
}

/**
 * The one line of an interrupted `evaluate`: how many of this call's questions are stored (failed ones are asked again,
 * as in flight ones are), and the command that resumes.
 */
function interruptedError(context: {
  error: PersonalabError;
  store: RunStore;
  storePath: string;
  runId: string;
  shard: Shard | undefined;
  answeredNow: number;
  questions: readonly BenchmarkQuestion[];
  command: Command;
  given: boolean;
}): PersonalabError {
  const { shard, store } = context;
  const storedRunId = shard === undefined ? context.runId : shardRunId(context.runId, shard);
  const errors = new Map(store.answers(storedRunId).map((answer) => [answer.questionId, answer.error]));
  const stored = context.questions.filter((question) => errors.get(question.id) === null).length;
  const failed = context.questions.filter((question) => typeof errors.get(question.id) === 'string').length;
  return new PersonalabError(
    'cancelled',
    `interrupted: ${stored} of ${context.questions.length} questions${shard ? ` of shard ${formatShard(shard)}` : ''} of run ${context.runId} are stored in ${context.storePath} ` +
      `(${context.answeredNow} answered this time${failed > 0 ? `; ${failed} failed and ${failed === 1 ? 'is' : 'are'} asked again` : ''}; those in flight were dropped). ` +
      `Run the same command again to resume, the stored answers skipped: ${resumeCommand(context.command, context.runId, context.given)}`,
    { cause: context.error },
  );
}

/** `personalab personamem generate | evaluate | report | score-predictions`. */
export function registerPersonamemCommand(program: Command): void {
  const personamem = program.command('personamem').description('PersonaMem: evaluate responders on long user histories, generate benchmarks, report');

  personamem
    .command('generate')
    .summary('write a seeded PersonaMem benchmark')
    .description('write a seeded PersonaMem-format benchmark (questions CSV + shared contexts JSONL)')
    .addOption(integerOption('--context-tokens <n>', 'target tokens per shared context (e.g. 32000, 128000)', { min: 2_000 }, 32_000))
    .addOption(integerOption('--personas <n>', 'personas (one shared context each)', positive, defaultBenchmarkShape.personas))
    .addOption(integerOption('--questions-per-persona <n>', 'questions per persona', positive, defaultBenchmarkShape.questionsPerPersona))
    .addOption(integerOption('--seed <n>', 'seed', seedRange, 1))
    .option('--out <dir>', 'output folder (default $PERSONALAB_STATE_DIR/personamem)')
    .option('--phrasing <kind>', 'plain | varied | heldout | heldout2: wordings of the user statements', 'plain')
    .option(
      '--name <name>',
      `file name part: questions_<name>.csv (default gen<k>k[-<phrasing>][-p<personas>-q<questions>]-seed<seed>, -p-q left out at ${defaultBenchmarkShape.personas} and ${defaultBenchmarkShape.questionsPerPersona}); a file of another generation under the name is never replaced`,
    )
    .option('--enrich', "rewrite the user's statements with the configured LLM (OPENAI_BASE_URL); token columns keep the template lengths")
    .action(async (options: { contextTokens: number; personas: number; questionsPerPersona: number; seed: number; out?: string; phrasing: string; name?: string; enrich?: boolean }) => {
      if (!phrasings.includes(options.phrasing)) throw new PersonalabError('invalid_argument', `--phrasing must be one of ${phrasings.join(', ')}, got "${options.phrasing}"`);
      const settings = { seed: options.seed, personas: options.personas, questionsPerPersona: options.questionsPerPersona, contextTokens: options.contextTokens, phrasing: options.phrasing as Phrasing };
      const tooLarge = benchmarkSizeError(settings, { personas: '--personas', questionsPerPersona: '--questions-per-persona', contextTokens: '--context-tokens' });
      if (tooLarge) throw new PersonalabError('invalid_argument', tooLarge);
      // The name carries the settings: two generations with other settings had shared gen<k>k-seed<seed> and overwritten each other.
      const name = (options.name === undefined ? benchmarkName(settings) : fileNamePart('--name', options.name)) + (options.enrich ? '-enriched' : '');
      const directory = options.out ?? join(getConfig().stateDir, 'personamem');
      const benchmark = generateBenchmark(settings);
      if (options.enrich) {
        const model = createChatModelFromConfig(getConfig());
        if (!model) throw new PersonalabError('config_error', '--enrich needs an OpenAI-compatible endpoint: set OPENAI_BASE_URL (and OPENAI_API_KEY, PERSONALAB_CHAT_MODEL)');
        // Refused before the model is called, not after.
        checkBenchmarkTargets(directory, name, { questions: benchmark.questions, contexts: undefined });
        benchmark.contexts = await enrichWording({ contexts: benchmark.contexts, model });
      }
      const paths = writeBenchmark(directory, name, benchmark);
      process.stdout.write(`${benchmark.questions.length} questions over ${benchmark.contexts.size} contexts\n  ${paths.questionsPath}\n  ${paths.contextsPath}\n`);
    });

  personamem
    .command('evaluate')
    .summary('answer every question with a responder')
    .description('answer every question with a responder; resumable (same --run-id and --store): Ctrl-C or SIGTERM stops it before the next question and prints the command that resumes')
    .requiredOption('--questions <file>', 'required: questions CSV (official columns)')
    .option('--contexts <file>', 'shared contexts JSONL (leave out for questions-only files: controls only)')
    .option('--responder <name>', `${responderNames.join(' | ')} (evidence: offline conditional logit over option priors and the user's messages, weights fitted on the 270 pre-release dev questions; option-priors: the same priors alone, a control that reads no context)`, 'memory')
    .option(
      '--strategy <name>',
      `llm only: ${strategyNames.join(' | ')}; retrieval embeds with PERSONALAB_EMBED_MODEL when set, else the offline hashing embedder (the line "embedder: …" on stderr says which; it is recorded with the run)`,
      'full',
    )
    .option(
      '--extractor <name>',
      `llm --strategy profile: who extracts the profile, ${extractorNames.join(' | ')} (heuristic: offline and reproducible; llm: the chat model, prompt extract-v1); recorded with the run`,
      'heuristic',
    )
    .addOption(integerOption('--k <n>', 'llm --strategy retrieval: messages retrieved', positive, 5))
    .addOption(integerOption('--max-tokens <n>', 'llm --strategy truncate: context budget in tokens', positive, 16_000))
    .option('--no-system-role', 'llm only: fold system messages into the next message (the responder, and so the default run id, is named …-no-system-role)')
    .option(
      '--run-id <id>',
      'run id (default <responder as it names itself>-<questions file name without .csv>, e.g. memory-questions_32k or llm:gpt-4o-mini:full-questions_32k; printed at the end); resuming with other settings or contexts is refused',
    )
    .option('--store <file>', 'SQLite run store (default $PERSONALAB_STATE_DIR/personamem/runs.sqlite)')
    .addOption(integerOption('--concurrency <n>', 'questions in flight', { min: 1, max: 1024 }, 8))
    .addOption(integerOption('--limit <n>', 'only the first n questions (another limit on the same file resumes the run: a larger one adds questions)', positive))
    .option(
      '--shard <i/n>',
      'answer only shard i of n (1-based), e.g. 2/4: whole shared contexts (personas), balanced by question count; stored as run <run-id>#i/n, resumable like a run; report --runs <run-id> scores the shards together',
    )
    .action(
      async (options: EvaluateCommandOptions, command: Command) => {
        const global = globalOptions(command);
        const settings = evaluateSettings(options, command);
        const shard = options.shard === undefined ? undefined : parseShard(options.shard);
        if (shard && options.runId?.includes('#')) throw new PersonalabError('invalid_argument', `--run-id ${options.runId}: with --shard the run id must not contain "#" (a shard is stored as <run-id>#i/n)`);
        // A store under a file had failed with a stack trace (EEXIST) once the responder was built and the questions read.
        const storePath = options.store ?? defaultRunStore();
        refuseFileAsFolder(options.store === undefined ? `the run store ${storePath} ($PERSONALAB_STATE_DIR/personamem/runs.sqlite; --store names another)` : `--store ${options.store}`, dirname(storePath));
        const responder = await createResponder(
          { responder: options.responder, strategy: options.strategy, extractor: options.extractor, k: options.k, maxTokens: options.maxTokens, systemRole: options.systemRole },
          getConfig(),
        );
        const runSettings = { ...settings, ...strategyComponents(responder) };
        const loaded = await loadBenchmark({ questionsPath: options.questions, ...(options.contexts === undefined ? {} : { contextsPath: options.contexts }) });
        const asked = options.limit === undefined ? loaded.questions : loaded.questions.slice(0, options.limit);
        if (loaded.contexts !== undefined && options.contexts !== undefined) {
          // A contexts file that does not belong to the questions would fail every question one by one.
          const missing = missingSharedContexts(asked, loaded.contexts);
          if (missing) {
            throw new PersonalabError(
              'invalid_data',
              `${options.contexts} has no shared context ${missing.contextId} (question ${missing.questionId} of ${options.questions}); ${missing.questions} of ${asked.length} questions need one of ${missing.contextIds} context ids it lacks: is it the contexts file of these questions?`,
            );
          }
        }
        const benchmark = options.questions.replace(/^.*[\\/]/, '').replace(/\.csv$/, '');
        const runId = options.runId ?? `${responder.name}-${benchmark}`;
        const store = new RunStore(storePath);
        try {
          // Ctrl-C or SIGTERM: no new question is asked, those in flight are aborted (and asked again on resume), every stored answer stays.
          const interrupt = interruptOnSignals({
            stopping: 'stopping before the next question; questions in flight are dropped',
            kept: `every answer stored so far stays in ${storePath}, and the same command resumes`,
          });
          let answeredNow = 0;
          let result: EvaluationResult;
          try {
            result = await evaluate({
              questions: loaded.questions,
              limit: options.limit,
              contexts: loaded.contexts,
              responder,
              store,
              runId,
              benchmark,
              concurrency: options.concurrency,
              quiet: global.quiet,
              settings: runSettings,
              shard,
              signal: interrupt.signal,
              onAnswer: (answer) => {
                if (answer.error === null) answeredNow++;
              },
            });
          } catch (error) {
            if (!interrupt.signal.aborted || !PersonalabError.is(error, 'cancelled')) throw error;
            throw interruptedError({ error, store, storePath, runId, shard, answeredNow, questions: questionsOfCall(loaded.questions, asked, shard), command, given: options.runId !== undefined });
          } finally {
            interrupt.dispose();
          }
          const report = buildRunReport(result.questions, result.outcomes, { runId: result.runId, responder: responder.name, benchmark });
          const overall = report.all.overall;
          const accuracy = report.scored === 0 ? 'accuracy n/a' : `accuracy ${overall.accuracy.toFixed(3)} [${overall.low.toFixed(3)}, ${overall.high.toFixed(3)}]`;
          process.stdout.write(`${result.runId}: ${accuracy} on ${report.scored} questions (${result.resumed} resumed, ${result.asked} asked, ${result.failed} failed)\n`);
          if (shard) {
            const total = options.limit === undefined ? loaded.questions.length : Math.min(options.limit, loaded.questions.length);
            process.stdout.write(`shard ${formatShard(shard)} of run ${runId}: ${result.questions.length} of ${total} questions; when every shard has run, score them together: personalab personamem report --questions ${options.questions} --runs ${runId} --store <each shard's store>\n`);
          }
          if (report.failed > 0) {
            const errors = describeErrors(result.outcomes);
            process.stderr.write(`${report.failed} of ${result.questions.length} questions failed (not scored; retried when the run is resumed):\n${errors.join('\n')}\n`);
            if (report.scored === 0) throw new PersonalabError('upstream_error', `every question failed (${report.failed}); first error: ${(errors[0] ?? '').trim()}`);
          }
        } finally {
          store.close();
        }
      },
    );

  personamem
    .command('report')
    .summary('compare runs: JSON, Markdown, SVG')
    .description('compare runs from the store: JSON + Markdown + SVG of accuracy against distance; a sharded run is scored as the union of its shards')
    .requiredOption('--questions <file>', 'required: the questions CSV the runs answered')
    .requiredOption('--runs <ids>', 'required: comma-separated run ids (the id a run was sharded under scores all its shards together)')
    .option(
      '--store <file>',
      'SQLite run store (default $PERSONALAB_STATE_DIR/personamem/runs.sqlite); repeat it to read the stores of shards run elsewhere (--store a.sqlite --store b.sqlite)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--out <dir>', 'results folder (default $PERSONALAB_STATE_DIR/personamem/results)')
    .option('--name <name>', 'result file name', 'personamem-report')
    .action(async (options: { questions: string; runs: string; store?: string[]; out?: string; name: string }) => {
      const runIds = options.runs.split(',').map((id) => id.trim()).filter((id) => id !== '');
      // Checked before anything is read or written: an empty list had written an empty report over the last one.
      if (runIds.length === 0) throw new PersonalabError('invalid_argument', `--runs names no run id (got ${JSON.stringify(options.runs)})`);
      const repeated = runIds.find((id, index) => runIds.indexOf(id) !== index);
      if (repeated !== undefined) throw new PersonalabError('invalid_argument', `--runs names ${repeated} twice`);
      fileNamePart('--name', options.name);
      const outDirectory = options.out ?? join(getConfig().stateDir, 'personamem', 'results');
      assertNotAFile('--out', outDirectory);
      const storePaths = options.store ?? [defaultRunStore()];
      const repeatedStore = storePaths.find((path, index) => storePaths.findIndex((other) => resolve(other) === resolve(path)) !== index);
      if (repeatedStore !== undefined) throw new PersonalabError('invalid_argument', `--store names ${repeatedStore} twice`);
      // Opening a missing store would create an empty one.
      for (const storePath of storePaths) if (!existsSync(storePath)) throw new PersonalabError('not_found', `no run store at ${storePath} (evaluate writes it; --store names another)`);
      const { questions } = await loadBenchmark({ questionsPath: options.questions });
      const stores: RunStore[] = [];
      const reports: RunReport[] = [];
      try {
        for (const path of storePaths) stores.push(new RunStore(path));
        for (const runId of runIds) {
          const run = collectRun({ runId, stores, questions, questionsName: options.questions });
          reports.push(buildRunReport(questions, run.outcomes, { runId, responder: run.responder, benchmark: run.benchmark }));
        }
      } finally {
        for (const store of stores) store.close();
      }
      const written = writeResults(outDirectory, options.name, {
        json: reports,
        markdown: renderMarkdown(`PersonaMem: ${options.questions}`, reports),
        svgs: { distance: svgAccuracyByDistance('Accuracy against distance to the reference', reports, [...published128k, ...published32k]) },
      });
      process.stdout.write(`${written.join('\n')}\n`);
    });

  personamem
    .command('score-predictions')
    .summary('score prediction CSVs')
    .description(
      'score prediction CSVs (question_id,answer,p,r) against a questions file through the official scorer; the accuracy is over all its questions, and a question without a prediction counts as wrong',
    )
    .requiredOption('--questions <file>', 'required: questions CSV')
    .argument('<files...>', 'prediction CSVs')
    .action(async (files: string[], options: { questions: string }) => {
      const { questions } = await loadBenchmark({ questionsPath: options.questions });
      for (const file of files) {
        const scored = scorePredictionFile(file, questions);
        const correct = scored.outcomes.filter((outcome) => outcome.correct).length;
        const total = scored.outcomes.length;
        process.stdout.write(
          `${file}: ${correct}/${total} = ${(correct / Math.max(1, total)).toFixed(4)} (${scored.missing} of ${total} questions without a prediction, scored wrong; ${scored.withoutLetter} predictions naming no single option a-d; ${scored.unmatched} rows for questions not in the questions file; ${scored.disagreements} gold disagreements)\n`,
        );
      }
    });
}
