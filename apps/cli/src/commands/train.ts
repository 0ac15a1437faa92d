import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { PersonalabError, getConfig, tfBackendSchema, type TfBackendName } from '@personalab/core';
import { findDataset, howToGet, loadMovieLens100k, stratifiedSplit } from '@personalab/datasets';
import { recommenderFactories, selectBackend, SequentialTwoTowerRecommender, type BaseRecommender } from '@personalab/user-embedding';
import { globalOptions } from '../global-options.js';

interface TrainOptions {
  model: string;
  out?: string;
  epochs?: string;
  seed: string;
  backend?: string;
  resume?: boolean;
}

/** `personalab train`: fit a user-embedding model on all of MovieLens-100K and save it for the recommender. */
export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('train a user-embedding model on MovieLens-100K (early stopping on a 90/10 per-user split) and save it to a directory')
    .option('--model <name>', `model: ${Object.keys(recommenderFactories).join(', ')}`, 'sequential-two-tower')
    .option('--out <dir>', 'model directory (default: $PERSONALAB_STATE_DIR/models/<model>)')
    .option('--epochs <n>', 'maximum epochs (tfjs models)')
    .option('--seed <n>', 'seed for the split and the training', '42')
    .option('--backend <name>', `tfjs backend: ${tfBackendSchema.options.join(', ')} (default: $PERSONALAB_TF_BACKEND, else the fastest available)`)
    .option('--resume', 'continue from the checkpoint in <out>/checkpoints (sequential-two-tower)')
    .action(async (options: TrainOptions, command: Command) => {
      const global = globalOptions(command);
      const factory = recommenderFactories[options.model];
      if (!factory) throw new PersonalabError('invalid_argument', `unknown model "${options.model}"; known: ${Object.keys(recommenderFactories).join(', ')}`);
      const preferred = options.backend === undefined ? getConfig().tfBackend : (tfBackendSchema.parse(options.backend) as TfBackendName);
      await selectBackend({ preferred });
      const dataDirectory = findDataset('movielens-100k', global.dataDirectory);
      if (!dataDirectory) throw new PersonalabError('not_found', `movielens-100k not found: ${howToGet('movielens-100k')}`);
      const data = await loadMovieLens100k(dataDirectory);
      const seed = Number(options.seed);
      const out = resolve(options.out ?? join(getConfig().stateDir, 'models', options.model));
      const epochs = options.epochs === undefined ? undefined : Number(options.epochs);
      const model: BaseRecommender =
        options.model === 'sequential-two-tower'
          ? new SequentialTwoTowerRecommender({ seed, checkpointDirectory: join(out, 'checkpoints'), resume: options.resume ?? false, ...(epochs === undefined ? {} : { epochs }) })
          : factory();
      if (epochs !== undefined && 'options' in model && typeof model.options === 'object' && model.options !== null && 'epochs' in model.options) {
        (model.options as { epochs: number }).epochs = epochs;
      }
      const { train, test } = stratifiedSplit(data.ratings, { ratio: 0.9, seed });
      const started = performance.now();
      await model.fit({ interactions: train, items: data.items, users: data.users }, { validation: test, seed, quiet: global.quiet });
      await model.save(out);
      const summary = 'summary' in model ? (model.summary as { bestEpoch: number; bestMetric: number; examplesPerSecond: number } | undefined) : undefined;
      process.stdout.write(
        `${model.name}: trained in ${((performance.now() - started) / 1000).toFixed(1)} s` +
          (summary ? `, best epoch ${summary.bestEpoch} (validation ${summary.bestMetric.toFixed(4)}), ${summary.examplesPerSecond.toFixed(0)} examples/s` : '') +
          `\nsaved to ${out}\n`,
      );
    });
}
