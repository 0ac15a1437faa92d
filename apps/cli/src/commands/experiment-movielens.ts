import { resolve } from 'node:path';
import type { Command } from 'commander';
import { PersonalabError } from '@personalab/core';
import { findDataset, howToGet } from '@personalab/datasets';
import { defaultResultsDirectory, runRankingExperiments, runRatingExperiments } from '@personalab/user-embedding';
import { globalOptions } from '../global-options.js';

interface ExperimentOptions {
  quick?: boolean;
  seeds?: string;
  models?: string;
  results?: string;
  saveModel?: string;
}

/** The `experiment` parent command (other experiments can attach their own subcommands to it). */
export function experimentCommand(program: Command): Command {
  return program.commands.find((command) => command.name() === 'experiment') ?? program.command('experiment').description('run a reproducible experiment and write results/*.json|md|svg');
}

/** `personalab experiment movielens p1|p2|p3|all`: the MovieLens-100K tables of the user-embedding models. */
export function registerExperimentMovielensCommand(program: Command): void {
  experimentCommand(program)
    .command('movielens')
    .description('P1 top-10 ranking (MS Recommenders protocol), P2 top-5 (Chat-Rec), P3 rating prediction, on MovieLens-100K')
    .argument('[which]', 'p1 (also writes p2), p2, p3 or all', 'all')
    .option('--quick', 'one seed, few epochs: a smoke run in minutes')
    .option('--seeds <list>', 'split seeds, comma-separated (default 42,7,1)')
    .option('--models <list>', 'P1/P2 models, comma-separated (default: most-popular,item-knn,ease,bpr-mf,sequential-two-tower)')
    .option('--results <dir>', 'results folder (default experiments/movielens/results)')
    .option('--save-model <dir>', 'save the two-tower model of the first seed here')
    .action(async (which: string, options: ExperimentOptions, command: Command) => {
      if (!['p1', 'p2', 'p3', 'all'].includes(which)) throw new PersonalabError('invalid_argument', `unknown experiment "${which}"; expected p1, p2, p3 or all`);
      const global = globalOptions(command);
      const dataDirectory = findDataset('movielens-100k', global.dataDirectory);
      if (!dataDirectory) throw new PersonalabError('not_found', `movielens-100k not found: ${howToGet('movielens-100k')}`);
      const experimentOptions = {
        dataDirectory,
        resultsDirectory: resolve(options.results ?? defaultResultsDirectory(process.cwd())),
        quick: options.quick ?? false,
        quiet: global.quiet,
        ...(options.seeds ? { seeds: options.seeds.split(',').map(Number) } : {}),
        ...(options.models ? { models: options.models.split(',') } : {}),
        ...(options.saveModel ? { saveModelDirectory: resolve(options.saveModel) } : {}),
      };
      if (which !== 'p3') await runRankingExperiments(experimentOptions);
      if (which === 'p3' || which === 'all') await runRatingExperiments(experimentOptions);
      process.stdout.write(`results in ${experimentOptions.resultsDirectory}\n`);
    });
}
