import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { blockingFile, getConfig, PersonalabError } from '@personalab/core';
import { checkRankingModels, defaultResultsDirectory, rankingModelNames, runRankingExperiments, runRatingExperiments } from '@personalab/user-embedding';
import { globalOptions, requireDataset } from '../global-options.js';
import { parseIntegerList, seedRange } from '../integer-option.js';

interface ExperimentOptions {
  quick?: boolean;
  seeds?: number[];
  models?: string[];
  results?: string;
  /** The scripts' name for `--results` (experiments/movielens/run.ts passes it through). */
  out?: string;
  saveModel?: string;
  split?: 'per-group' | 'sorted';
}

/** The P1/P2 models the runner knows, checked before any data is loaded. */
const rankingModels: readonly string[] = rankingModelNames;

function parseModels(value: string): string[] {
  const models = value.split(',').map((model) => model.trim());
  try {
    checkRankingModels(models);
  } catch (error) {
    throw new PersonalabError('invalid_argument', `--models: ${(error as Error).message}`);
  }
  return models;
}

/**
 * `--seeds`: a seed given twice would run the same split twice and report a spread of ± 0.0000 over it, as if two
 * seeds agreed exactly (the header still says one seed).
 */
function parseSeeds(value: string): number[] {
  const seeds = parseIntegerList('--seeds', value, seedRange);
  const repeated = seeds.find((seed, index) => seeds.indexOf(seed) !== index);
  if (repeated !== undefined) throw new PersonalabError('invalid_argument', `--seeds lists seed ${repeated} more than once: each seed is one split, run once`);
  return seeds;
}

/** The `experiment` parent command (other experiments can attach their own subcommands to it). */
export function experimentCommand(program: Command): Command {
  return program.commands.find((command) => command.name() === 'experiment') ?? program.command('experiment').description('run a reproducible experiment and write results/*.json|md|svg');
}

/**
 * Where results go without --results: the committed headline tables for a full run (seeds 42, 7, 1, every model),
 * the (git-ignored) state folder for a --quick smoke run or a partial one (other seeds, some models), so that
 * neither overwrites them.
 */
export function movielensResultsDirectory(
  options: { quick: boolean; results?: string | undefined; seeds?: readonly number[] | undefined; models?: readonly string[] | undefined; split?: string | undefined },
  cwd: string = process.cwd(),
): string {
  if (options.results !== undefined) return resolve(cwd, options.results);
  if (options.quick) return resolve(cwd, join(getConfig().stateDir, 'experiments', 'movielens-quick'));
  const partial =
    (options.seeds !== undefined && options.seeds.join(',') !== headlineSeeds.join(',')) ||
    (options.models !== undefined && !rankingModels.every((model) => options.models?.includes(model))) ||
    (options.split !== undefined && options.split !== 'per-group');
  return partial ? resolve(cwd, join(getConfig().stateDir, 'experiments', 'movielens-partial')) : defaultResultsDirectory(cwd);
}

/** The seeds of the committed tables. */
const headlineSeeds = [42, 7, 1] as const;

/** `personalab experiment movielens p1|p2|p3|all`: the MovieLens-100K tables of the user-embedding models. */
export function registerExperimentMovielensCommand(program: Command): void {
  experimentCommand(program)
    .command('movielens')
    .description('P1 top-10 ranking (MS Recommenders protocol), P2 top-5 (Chat-Rec), P3 rating prediction, on MovieLens-100K')
    .argument('[which]', 'p1 (also writes p2), p2, p3 or all', 'all')
    .option('--quick', 'one seed, few epochs: a smoke run in minutes (results go to $PERSONALAB_STATE_DIR/experiments/movielens-quick unless --results is given)')
    .option('--seeds <list>', 'split seeds, comma-separated, each once (default 42,7,1; with --quick, 42)', parseSeeds)
    .option('--models <list>', `P1/P2 models, comma-separated (default: all of ${rankingModels.join(',')})`, parseModels)
    .option('--results <dir>', 'results folder (default experiments/movielens/results; with --quick, $PERSONALAB_STATE_DIR/experiments/movielens-quick; with other --seeds or some --models, .../movielens-partial)')
    .option('--out <dir>', 'the same as --results (the name the experiment scripts use)')
    .option('--save-model <dir>', 'save the two-tower model of the first seed here')
    .option(
      '--split <kind>',
      "P1/P2 rows of Recommenders' python_stratified_split: per-group (default, the committed tables: their implementation up to 2020) or sorted (their current one); sorted results go to .../movielens-partial unless --results is given",
      (value: string) => {
        if (value !== 'per-group' && value !== 'sorted') throw new PersonalabError('invalid_argument', `--split: expected per-group or sorted, got ${JSON.stringify(value)}`);
        return value;
      },
    )
    .action(async (which: string, options: ExperimentOptions, command: Command) => {
      if (!['p1', 'p2', 'p3', 'all'].includes(which)) throw new PersonalabError('invalid_argument', `unknown experiment "${which}"; expected p1, p2, p3 or all`);
      if (options.models !== undefined && which === 'p3') throw new PersonalabError('invalid_argument', '--models chooses the P1/P2 models; p3 has its own');
      if (options.saveModel !== undefined && (which === 'p3' || (options.models !== undefined && !options.models.includes('sequential-two-tower')))) {
        throw new PersonalabError('invalid_argument', '--save-model saves the sequential-two-tower model of P1: it needs p1, p2 or all with that model');
      }
      if (options.split === 'sorted' && which !== 'p1' && which !== 'p2') throw new PersonalabError('invalid_argument', '--split sorted applies to p1/p2; p3 keeps the per-group split');
      if (options.out !== undefined && options.results !== undefined) throw new PersonalabError('invalid_argument', '--out and --results name the same folder: give one');
      // Messages name the flag the user typed (run.ts users type --out).
      const resultsFlag = options.out !== undefined ? '--out' : '--results';
      const quick = options.quick ?? false;
      const resultsDirectory = movielensResultsDirectory({ quick, results: options.results ?? options.out, seeds: options.seeds, models: options.models, split: options.split });
      // Before any model runs: a results or model folder that is a file would fail only after minutes of training.
      for (const [flag, folder] of [[resultsFlag, resultsDirectory], ['--save-model', options.saveModel === undefined ? undefined : resolve(options.saveModel)]] as const) {
        const blocking = folder === undefined ? undefined : blockingFile(folder);
        if (blocking !== undefined) throw new PersonalabError('invalid_argument', blocking === folder ? `${flag} ${folder} is a file, not a folder` : `${flag} ${folder}: ${blocking} is a file, not a folder`);
      }
      const global = globalOptions(command);
      const dataDirectory = requireDataset('movielens-100k', global);
      const experimentOptions = {
        dataDirectory,
        resultsDirectory,
        quick,
        quiet: global.quiet,
        ...(options.seeds ? { seeds: options.seeds } : {}),
        ...(options.models ? { models: options.models } : {}),
        ...(options.saveModel ? { saveModelDirectory: resolve(options.saveModel) } : {}),
        ...(options.split ? { split: options.split } : {}),
        // As train does: PERSONALAB_TF_BACKEND forces the backend (it had been ignored here, the fastest one chosen).
        backend: getConfig().tfBackend,
      };
      if (which !== 'p3') await runRankingExperiments(experimentOptions);
      if (which === 'p3' || which === 'all') await runRatingExperiments(experimentOptions);
      process.stdout.write(`results in ${experimentOptions.resultsDirectory}\n`);
    });
}
