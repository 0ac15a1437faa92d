import { join } from 'node:path';
import type { Command } from 'commander';
import { PersonalabError, getConfig, writeResults } from '@personalab/core';
import {
  type Phrasing,
  type ResponderName,
  type RunReport,
  type StrategyName,
  RunStore,
  buildRunReport,
  createResponder,
  enrichWording,
  evaluate,
  generateBenchmark,
  loadBenchmark,
  published128k,
  published32k,
  renderMarkdown,
  responderNames,
  scorePredictionFile,
  strategyNames,
  svgAccuracyByDistance,
  writeBenchmark,
} from '@personalab/personamem';
import { createChatModelFromConfig } from '@personalab/llm';
import { globalOptions } from '../global-options.js';

const integer = (value: string) => Number.parseInt(value, 10);

/** `personalab personamem generate | evaluate | report | score-predictions`. */
export function registerPersonamemCommand(program: Command): void {
  const personamem = program.command('personamem').description('PersonaMem: evaluate responders on long user histories, generate benchmarks, report');

  personamem
    .command('generate')
    .description('write a seeded PersonaMem-format benchmark (questions CSV + shared contexts JSONL)')
    .option('--context-tokens <n>', 'target tokens per shared context (e.g. 32000, 128000)', integer, 32_000)
    .option('--personas <n>', 'personas (one shared context each)', integer, 12)
    .option('--questions-per-persona <n>', 'questions per persona', integer, 45)
    .option('--seed <n>', 'seed', integer, 1)
    .option('--out <dir>', 'output folder (git-ignored)', '.personalab/personamem')
    .option('--phrasing <kind>', 'plain | varied | heldout | heldout2: wordings of the user statements', 'plain')
    .option('--name <name>', 'file name part: questions_<name>.csv (default gen<k>k[-<phrasing>]-seed<seed>)')
    .option('--enrich', "rewrite the user's statements with the configured LLM (OPENAI_BASE_URL); token columns keep the template lengths")
    .action(async (options: { contextTokens: number; personas: number; questionsPerPersona: number; seed: number; out: string; phrasing: string; name?: string; enrich?: boolean }) => {
      if (!['plain', 'varied', 'heldout', 'heldout2'].includes(options.phrasing)) throw new PersonalabError('invalid_argument', '--phrasing must be plain, varied, heldout or heldout2');
      const benchmark = generateBenchmark({ seed: options.seed, personas: options.personas, questionsPerPersona: options.questionsPerPersona, contextTokens: options.contextTokens, phrasing: options.phrasing as Phrasing });
      const name = options.name ?? `gen${Math.round(options.contextTokens / 1000)}k${options.phrasing === 'plain' ? '' : `-${options.phrasing}`}-seed${options.seed}`;
      if (options.enrich) {
        const model = createChatModelFromConfig(getConfig());
        if (!model) throw new PersonalabError('config_error', '--enrich needs an OpenAI-compatible endpoint: set OPENAI_BASE_URL (and OPENAI_API_KEY, PERSONALAB_CHAT_MODEL)');
        benchmark.contexts = await enrichWording({ contexts: benchmark.contexts, model });
      }
      const paths = writeBenchmark(options.out, name + (options.enrich ? '-enriched' : ''), benchmark);
      process.stdout.write(`${benchmark.questions.length} questions over ${benchmark.contexts.size} contexts\n  ${paths.questionsPath}\n  ${paths.contextsPath}\n`);
    });

  personamem
    .command('evaluate')
    .description('answer every question with a responder; resumable (same --run-id and --store)')
    .requiredOption('--questions <file>', 'questions CSV (official columns)')
    .option('--contexts <file>', 'shared contexts JSONL (leave out for questions-only files: controls only)')
    .option('--responder <name>', responderNames.join(' | '), 'memory')
    .option('--strategy <name>', `llm only: ${strategyNames.join(' | ')}`, 'full')
    .option('--k <n>', 'retrieval: messages retrieved', integer, 5)
    .option('--max-tokens <n>', 'truncate: context budget in tokens', integer, 16_000)
    .option('--no-system-role', 'llm only: fold system messages into the next message')
    .option('--run-id <id>', 'run id (default <responder>-<benchmark file>)')
    .option('--store <file>', 'SQLite run store', '.personalab/personamem/runs.sqlite')
    .option('--concurrency <n>', 'questions in flight', integer, 8)
    .option('--limit <n>', 'only the first n questions', integer)
    .action(
      async (
        options: { questions: string; contexts?: string; responder: ResponderName; strategy: StrategyName; k: number; maxTokens: number; systemRole: boolean; runId?: string; store: string; concurrency: number; limit?: number },
        command: Command,
      ) => {
        const global = globalOptions(command);
        if (!responderNames.includes(options.responder)) throw new PersonalabError('invalid_argument', `--responder must be one of ${responderNames.join(', ')}`);
        if (!strategyNames.includes(options.strategy)) throw new PersonalabError('invalid_argument', `--strategy must be one of ${strategyNames.join(', ')}`);
        const loaded = await loadBenchmark({ questionsPath: options.questions, ...(options.contexts === undefined ? {} : { contextsPath: options.contexts }) });
        const questions = options.limit === undefined ? loaded.questions : loaded.questions.slice(0, options.limit);
        const responder = await createResponder({ responder: options.responder, strategy: options.strategy, k: options.k, maxTokens: options.maxTokens, systemRole: options.systemRole }, getConfig());
        const benchmark = options.questions.replace(/^.*[\\/]/, '').replace(/\.csv$/, '');
        const runId = options.runId ?? `${responder.name}-${benchmark}`;
        const store = new RunStore(options.store);
        try {
          const result = await evaluate({ questions, contexts: loaded.contexts, responder, store, runId, benchmark, concurrency: options.concurrency, quiet: global.quiet, settings: { ...options } });
          const report = buildRunReport(questions, result.outcomes, { runId, responder: responder.name, benchmark });
          process.stdout.write(
            `${runId}: accuracy ${report.all.overall.accuracy.toFixed(3)} [${report.all.overall.low.toFixed(3)}, ${report.all.overall.high.toFixed(3)}] on ${report.scored} questions (${result.resumed} resumed, ${result.asked} asked, ${result.failed} failed)\n`,
          );
        } finally {
          store.close();
        }
      },
    );

  personamem
    .command('report')
    .description('compare runs from the store: JSON + Markdown + SVG of accuracy against distance')
    .requiredOption('--questions <file>', 'the questions CSV the runs answered')
    .requiredOption('--runs <ids>', 'comma-separated run ids')
    .option('--store <file>', 'SQLite run store', '.personalab/personamem/runs.sqlite')
    .option('--out <dir>', 'results folder', '.personalab/personamem/results')
    .option('--name <name>', 'result file name', 'personamem-report')
    .action(async (options: { questions: string; runs: string; store: string; out: string; name: string }) => {
      const { questions } = await loadBenchmark({ questionsPath: options.questions });
      const store = new RunStore(options.store);
      const reports: RunReport[] = [];
      try {
        for (const runId of options.runs.split(',').map((id) => id.trim()).filter((id) => id !== '')) {
          const run = store.getRun(runId);
          if (!run) throw new PersonalabError('not_found', `no run ${runId} in ${options.store}`);
          const outcomes = store.answers(runId).map((answer) => ({ questionId: answer.questionId, correct: answer.correct, predicted: answer.predicted, error: answer.error }));
          reports.push(buildRunReport(questions, outcomes, { runId, responder: run.responder, benchmark: run.benchmark }));
        }
      } finally {
        store.close();
      }
      const written = writeResults(options.out, options.name, {
        json: reports,
        markdown: renderMarkdown(`PersonaMem: ${options.questions}`, reports),
        svgs: { distance: svgAccuracyByDistance('Accuracy against distance to the reference', reports, [...published128k, ...published32k]) },
      });
      process.stdout.write(`${written.join('\n')}\n`);
    });

  personamem
    .command('score-predictions')
    .description("score prediction CSVs (question_id,answer,p,r) against a questions file through the official scorer")
    .requiredOption('--questions <file>', 'questions CSV')
    .argument('<files...>', 'prediction CSVs')
    .action(async (files: string[], options: { questions: string }) => {
      const { questions } = await loadBenchmark({ questionsPath: options.questions });
      for (const file of files) {
        const scored = scorePredictionFile(file, questions);
        const correct = scored.outcomes.filter((outcome) => outcome.correct).length;
        process.stdout.write(`${join(file)}: ${correct}/${scored.outcomes.length} = ${(correct / Math.max(1, scored.outcomes.length)).toFixed(4)} (${scored.unmatched} unmatched, ${scored.disagreements} gold disagreements)\n`);
      }
    });
}
