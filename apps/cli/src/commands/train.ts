import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { PersonalabError, getConfig, tfBackendSchema, type TfBackendName } from '@personalab/core';
import { loadMovieLens100k, stratifiedSplit } from '@personalab/datasets';
import { recommenderFactories, selectBackend, SequentialTwoTowerRecommender, type BaseRecommender, type TrainingSummary } from '@personalab/user-embedding';
import { globalOptions, requireDataset } from '../global-options.js';
import { integerOption, positive, seedRange } from '../integer-option.js';

interface TrainOptions {
  model: string;
  out?: string;
  epochs?: number;
  seed: number;
  backend?: string;
  resume?: boolean;
}

/** Whether a model takes a number of epochs (the tfjs models do; closed forms and baselines do not). */
function hasEpochs(model: BaseRecommender): model is BaseRecommender & { options: { epochs: number } } {
  return 'options' in model && typeof model.options === 'object' && model.options !== null && 'epochs' in model.options;
}

/** The summary line's training part: best epoch, its validation metric as a user reads it, and the speed. */
export function describeTrainingSummary(summary: Pick<TrainingSummary, 'bestEpoch' | 'bestMetric' | 'metricName' | 'examplesPerSecond'>): string {
  // Rating models stop on minus the RMSE (higher is better): print the RMSE itself; no validation data, no metric.
  const validation = !Number.isFinite(summary.bestMetric)
    ? ''
    : summary.metricName === 'valNegRmse'
      ? ` (validation RMSE ${(-summary.bestMetric).toFixed(4)})`
      : ` (validation NDCG@10 ${summary.bestMetric.toFixed(4)})`;
  return `best epoch ${summary.bestEpoch}${validation}, ${summary.examplesPerSecond.toFixed(0)} examples/s`;
}

/** `personalab train`: fit a user-embedding model on all of MovieLens-100K and save it for the recommender. */
export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('train a user-embedding model on MovieLens-100K (early stopping on a 90/10 per-user split) and save it to a directory')
    .option('--model <name>', `model: ${Object.keys(recommenderFactories).join(', ')}`, 'sequential-two-tower')
    .option('--out <dir>', 'model directory (default: $PERSONALAB_STATE_DIR/models/<model>)')
    .addOption(integerOption('--epochs <n>', 'maximum epochs (tfjs models only)', positive))
    .addOption(integerOption('--seed <n>', 'seed for the split and the training', seedRange, 42))
    .option('--backend <name>', `tfjs backend: ${tfBackendSchema.options.join(', ')} (default: $PERSONALAB_TF_BACKEND, else the fastest available)`)
    .option('--resume', 'continue from the checkpoint in <out>/checkpoints (sequential-two-tower only)')
    .action(async (options: TrainOptions, command: Command) => {
      const global = globalOptions(command);
      const factory = recommenderFactories[options.model];
      if (!factory) throw new PersonalabError('invalid_argument', `unknown model "${options.model}"; known: ${Object.keys(recommenderFactories).join(', ')}`);
      let preferred: TfBackendName | undefined = getConfig().tfBackend;
      if (options.backend !== undefined) {
        const backend = tfBackendSchema.safeParse(options.backend);
        if (!backend.success) throw new PersonalabError('invalid_argument', `--backend must be one of ${tfBackendSchema.options.join(', ')}, got "${options.backend}"`);
        preferred = backend.data;
      }
      const seed = options.seed;
      const out = resolve(options.out ?? join(getConfig().stateDir, 'models', options.model));
      const epochs = options.epochs;
      const twoTower = options.model === 'sequential-two-tower';
      if (options.resume && !twoTower) throw new PersonalabError('invalid_argument', `--resume works with --model sequential-two-tower only, not ${options.model}`);
      const model: BaseRecommender = twoTower
        ? new SequentialTwoTowerRecommender({ seed, checkpointDirectory: join(out, 'checkpoints'), resume: options.resume ?? false, ...(epochs === undefined ? {} : { epochs }) })
        : factory();
      if (epochs !== undefined) {
        if (!hasEpochs(model)) throw new PersonalabError('invalid_argument', `--epochs applies to the tfjs models only; ${options.model} is not trained in epochs`);
        model.options.epochs = epochs;
      }
      await selectBackend({ preferred });
      const data = await loadMovieLens100k(requireDataset('movielens-100k', global));
      const { train, test } = stratifiedSplit(data.ratings, { ratio: 0.9, seed });
      const started = performance.now();
      await model.fit({ interactions: train, items: data.items, users: data.users }, { validation: test, seed, quiet: global.quiet });
      await model.save(out);
      const summary = 'summary' in model ? (model.summary as TrainingSummary | undefined) : undefined;
      process.stdout.write(
        `${model.name}: trained in ${((performance.now() - started) / 1000).toFixed(1)} s` +
          (summary ? `, ${describeTrainingSummary(summary)}` : '') +
          `\nsaved to ${out}\n`,
      );
    });
}
