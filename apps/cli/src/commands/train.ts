import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { PersonalabError, blockingFile, getConfig, tfBackendSchema, type TfBackendName } from '@personalab/core';
import { loadMovieLens100k, stratifiedSplit } from '@personalab/datasets';
import type { Interaction, Item, User } from '@personalab/core';
import {
  checkpointEpoch,
  ContextEaseRecommender,
  createCandidateModel,
  LightGcnRecommender,
  lightGcnBlendWeights,
  recommenderFactories,
  ScoreBlendRecommender,
  selectBackend,
  SequentialTwoTowerRecommender,
  servedBlend,
  type BaseRecommender,
  type TrainingSummary,
} from '@personalab/user-embedding';
import { globalOptions, requireDataset } from '../global-options.js';
import { interruptOnSignals, servePendingSignals } from '../interrupt.js';
import { integerOption, positive, seedRange } from '../integer-option.js';

interface TrainOptions {
  model: string;
  out?: string;
  epochs?: number;
  seed: number;
  backend?: string;
  resume?: boolean;
  refit?: boolean;
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

/**
 * What context-EASE's gate kept, for the summary line: its best epoch is what early stopping chose, but unless the
 * learned epoch beat epoch 0 on the gate users the saved model is the closed form (epoch 0). Empty for other models.
 */
export function describeGate(model: BaseRecommender): string {
  if (!(model instanceof ContextEaseRecommender) || model.gate === undefined) return '';
  const { users, baseNdcg, learnedNdcg, z, kept } = model.gate;
  const threshold = model.options.gateZ;
  const comparison = `NDCG@10 of ${users} gate users ${learnedNdcg.toFixed(4)} against epoch 0's ${baseNdcg.toFixed(4)}, z ${z.toFixed(2)} ${kept === 'learned' ? '>=' : '<'} ${threshold}`;
  return kept === 'learned' ? `; the gate kept the learned epoch (${comparison})` : `; the gate kept epoch 0, the closed form, not the best epoch (the learned epoch's ${comparison})`;
}

/**
 * How many epochs `--refit` trains the fresh model for: the best epoch early stopping chose, except where context-EASE's
 * gate kept the epoch-0 closed form (training the combiner again would only be thrown away, or kept by a second gate
 * the first one overruled): then none, the closed form on every rating.
 */
export function refitEpochs(model: BaseRecommender, bestEpoch: number): number {
  return model instanceof ContextEaseRecommender && model.gate?.kept === 'epoch 0' ? 0 : bestEpoch;
}

/** Refuses a folder option that is, or lies under, a file before any training: the save would fail only after the whole fit. */
function checkFolderOption(flag: string, path: string, folder: string = path): void {
  const blocking = blockingFile(folder);
  if (blocking === undefined) return;
  throw new PersonalabError('invalid_argument', blocking === path ? `${flag} ${path} is a file: a model is saved into a folder` : `${flag} ${path}: ${blocking} is a file, not a folder`);
}

/** One line on stderr about the checkpoint a two-tower run finds in its directory: resumed, started over, or none. */
function describeCheckpoint(directory: string, resume: boolean): string | undefined {
  const epoch = checkpointEpoch(directory);
  if (resume) return epoch === undefined ? `no checkpoint in ${directory} yet: training starts at epoch 1` : epoch === null ? undefined : `resuming from the checkpoint of epoch ${epoch} in ${directory}`;
  if (epoch === undefined) return undefined;
  const which = epoch === null ? 'a checkpoint' : `the checkpoint of epoch ${epoch}`;
  return `${directory} holds ${which} of an earlier run: this run starts over and replaces it after its first epoch (--resume continues it instead)`;
}

/**
 * Runs `fit` with SIGINT / SIGTERM turned into an abort: the training loop stops before its next step, so the
 * checkpoint of the last finished epoch stays whole, and the error says how to continue. Further signals are ignored
 * (a step takes well under a second; tsx also repeats the signal it relays).
 */
async function fitInterruptibly(fit: (signal: AbortSignal) => Promise<void>, checkpointDirectory: string): Promise<void> {
  // Further signals are ignored: a step takes well under a second, and tsx also repeats the signal it relays.
  return interruptibly(
    fit,
    () => {
      const epoch = checkpointEpoch(checkpointDirectory);
      const kept = typeof epoch === 'number' ? `the checkpoint of epoch ${epoch} is kept in ${checkpointDirectory}: rerun with --resume to continue from it` : 'no epoch had finished, so there is no checkpoint to resume';
      return `${kept}; no new model was saved`;
    },
    { repeat: 'ignore' },
  );
}

/**
 * `fit` with SIGINT / SIGTERM turned into an abort; a cancelled fit's error ends with `kept()` (what is left, how to go on).
 * A fit that does not read the signal (the closed forms) runs to its end, and is then cancelled all the same: an
 * interrupted run saves nothing. A second signal (`repeat: 'exit'`, after tsx's relayed copy) ends the process at once.
 */
export async function interruptibly(fit: (signal: AbortSignal) => Promise<void>, kept: () => string, options: { repeat?: 'ignore' | 'exit'; label?: string } = {}): Promise<void> {
  const repeat = options.repeat ?? 'exit';
  const interrupt = interruptOnSignals({ stopping: 'stopping training before its next step', repeat, ...(repeat === 'exit' ? { kept: kept() } : {}) });
  try {
    await fit(interrupt.signal);
    // A signal that came during synchronous work (EASE's inverse) is delivered at the next poll of the event loop:
    // two turns reach it, or it would arrive after the handlers are removed and be lost.
    await servePendingSignals();
    if (interrupt.signal.aborted) throw new PersonalabError('cancelled', `${options.label ?? 'training'}: interrupted`);
  } catch (error) {
    if (!interrupt.signal.aborted || !PersonalabError.is(error, 'cancelled')) throw error;
    throw new PersonalabError('cancelled', `${error.message}; ${kept()}`, { cause: error });
  } finally {
    interrupt.dispose();
  }
}

/** The best P1 ranker, which `train` fits as a whole: context-EASE's closed form + w × LightGCN (a score blend). */
const blendModel = 'context-ease+lightgcn';

/** The models `train` fits: every saved kind but the bare score blend (made of other fitted models), and the P1 blend. */
const trainableModels = [...Object.keys(recommenderFactories).filter((kind) => kind !== 'score-blend'), blendModel];

interface BlendRun {
  data: { items: Item[]; users: User[]; ratings: Interaction[] };
  train: Interaction[];
  test: Interaction[];
  out: string;
  seed: number;
  epochs: number | undefined;
  refit: boolean;
  quiet: boolean;
}

/**
 * `train --model context-ease+lightgcn`, P1's recipe for one seed with the served closed form: LightGCN early-stopped on
 * the 90/10 split, context-EASE's closed form (λ as served) fitted on the same 90 %, LightGCN's weight chosen from P1's
 * grid by the blend's NDCG@10 on the 10 %, the blend saved; with `refit`, both members fitted again on every rating
 * (LightGCN for its best epoch count) and that blend saved instead. Returns the summary line.
 */
async function trainBlend(run: BlendRun): Promise<string> {
  const { data, train, test, out, seed, quiet } = run;
  const trainingData = { interactions: train, items: data.items, users: data.users };
  const lightgcn = (epochs?: number) => new LightGcnRecommender(epochs === undefined ? {} : { epochs });
  // The served closed form, as `serve --model context-ease` trains it.
  const closedForm = () => createCandidateModel('context-ease');
  const started = performance.now();
  const gcn = lightgcn(run.epochs);
  const context = closedForm();
  let blend: ScoreBlendRecommender | undefined;
  try {
    await interruptibly(
      async (signal) => {
        await gcn.fit(trainingData, { validation: test, seed, quiet, signal });
        await context.fit(trainingData, { seed, quiet, signal });
      },
      () => `no new model was saved (${out} is as it was)`,
      { label: blendModel },
    );
    const summary = gcn.summary;
    let weight: number = servedBlend.lightgcnWeight;
    let chosen = `LightGCN's weight ${weight} (the served one: no ratings were held out to choose it)`;
    if (test.length > 0) {
      const choice = ScoreBlendRecommender.chooseLastWeight([context, gcn], [1, 0], lightGcnBlendWeights, test);
      weight = choice.weight;
      const ndcgAt = (candidate: number) => choice.ndcg.find((entry) => entry.weight === candidate)?.ndcg ?? Number.NaN;
      chosen = `LightGCN's weight ${weight} chosen on the validation split (the blend's NDCG@10 ${ndcgAt(weight).toFixed(4)}, the closed form's alone ${ndcgAt(0).toFixed(4)})`;
    }
    blend = ScoreBlendRecommender.of([context, gcn], [1, weight]);
    const trainedSeconds = (performance.now() - started) / 1000;
    await blend.save(out);
    let line = `${blendModel}: trained in ${trainedSeconds.toFixed(1)} s, LightGCN ${summary ? describeTrainingSummary(summary) : 'trained'}; ${chosen}`;
    const bestEpoch = summary?.bestEpoch ?? 0;
    if (run.refit && bestEpoch >= 1 && test.length > 0) {
      const refitStarted = performance.now();
      const members = [closedForm(), lightgcn(bestEpoch)] as const;
      try {
        await interruptibly(
          async (signal) => {
            await members[0].fit({ ...trainingData, interactions: data.ratings }, { seed, quiet, signal });
            await members[1].fit({ ...trainingData, interactions: data.ratings }, { seed, quiet, signal });
          },
          () => `the blend trained on 90 % of the ratings stays saved in ${out}`,
          { label: `${blendModel} refit` },
        );
      } catch (error) {
        for (const member of members) member.dispose();
        throw error;
      }
      const refitted = ScoreBlendRecommender.of([...members], [1, weight]);
      try {
        await refitted.save(out);
      } finally {
        refitted.dispose();
      }
      line += `; then both members refitted on all ${data.ratings.length} ratings (LightGCN for ${bestEpoch} epoch${bestEpoch === 1 ? '' : 's'}) in ${((performance.now() - refitStarted) / 1000).toFixed(1)} s`;
    } else if (run.refit) {
      line += test.length === 0 ? ' (--refit: nothing was held out, so the model already saw every rating)' : ' (--refit: no best epoch to refit for)';
    }
    return `${line}\nsaved to ${out}\n`;
  } finally {
    if (blend) blend.dispose();
    else {
      gcn.dispose();
      context.dispose();
    }
  }
}

/** `personalab train`: fit a user-embedding model on all of MovieLens-100K and save it for the recommender. */

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('train a user-embedding model on MovieLens-100K (early stopping on a 90/10 per-user split) and save it to a directory')
    .option('--model <name>', `model: ${trainableModels.join(', ')}`, 'sequential-two-tower')
    .option('--out <dir>', 'model directory (default: $PERSONALAB_STATE_DIR/models/<model>)')
    .addOption(integerOption('--epochs <n>', `maximum epochs (tfjs models only; LightGCN's in ${blendModel})`, positive))
    .addOption(integerOption('--seed <n>', 'seed for the split and the training', seedRange, 42))
    .option('--backend <name>', `tfjs backend: ${tfBackendSchema.options.join(', ')} (default: $PERSONALAB_TF_BACKEND, else the fastest available)`)
    .option('--resume', 'continue from the checkpoint in <out>/checkpoints, written after every epoch (sequential-two-tower only; an interrupted run keeps the last one)')
    .option(
      '--refit',
      `tfjs models and ${blendModel}: after early stopping, train a fresh model (the blend: both members) on all the ratings for the best epoch count and save that one instead (context-EASE whose gate kept the closed form: that closed form on all the ratings; the early-stopped model is saved first and stays if the refit is interrupted)`,
    )
    .action(async (options: TrainOptions, command: Command) => {
      const global = globalOptions(command);
      const isBlend = options.model === blendModel;
      const factory = isBlend ? recommenderFactories.lightgcn : trainableModels.includes(options.model) ? recommenderFactories[options.model] : undefined;
      if (!factory) {
        const composed =
          options.model === 'score-blend'
            ? ` (a score-blend is made of fitted models: \`--model ${blendModel}\` trains one, \`personalab serve --model ${blendModel}\` trains and serves one, \`experiment movielens p1 --models context-ease,lightgcn,${blendModel}\` scores one; a saved one loads with loadRecommender)`
            : '';
        throw new PersonalabError('invalid_argument', `unknown model "${options.model}"${composed}; known: ${trainableModels.join(', ')}`);
      }
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
      const checkpointDirectory = join(out, 'checkpoints');
      checkFolderOption('--out', out, twoTower ? join(checkpointDirectory, 'last') : out);
      if (isBlend) {
        checkFolderOption('--out', out);
        await selectBackend({ preferred });
        const data = await loadMovieLens100k(requireDataset('movielens-100k', global));
        const { train, test } = stratifiedSplit(data.ratings, { ratio: 0.9, seed });
        process.stdout.write(await trainBlend({ data, train, test, out, seed, epochs, refit: options.refit ?? false, quiet: global.quiet }));
        return;
      }
      const model: BaseRecommender = twoTower
        ? new SequentialTwoTowerRecommender({ seed, checkpointDirectory, resume: options.resume ?? false, ...(epochs === undefined ? {} : { epochs }) })
        : factory();
      if (epochs !== undefined) {
        if (!hasEpochs(model)) throw new PersonalabError('invalid_argument', `--epochs applies to the tfjs models only; ${options.model} is not trained in epochs`);
        model.options.epochs = epochs;
      }
      if (options.refit && !hasEpochs(model)) throw new PersonalabError('invalid_argument', `--refit applies to the tfjs models only; ${options.model} is not trained in epochs`);
      await selectBackend({ preferred });
      const data = await loadMovieLens100k(requireDataset('movielens-100k', global));
      const { train, test } = stratifiedSplit(data.ratings, { ratio: 0.9, seed });
      const started = performance.now();
      const trainingData = { interactions: train, items: data.items, users: data.users };
      if (twoTower) {
        const note = describeCheckpoint(checkpointDirectory, options.resume ?? false);
        if (note !== undefined) process.stderr.write(`${note}\n`);
        await fitInterruptibly((signal) => model.fit(trainingData, { validation: test, seed, quiet: global.quiet, signal }), checkpointDirectory);
      } else {
        await interruptibly((signal) => model.fit(trainingData, { validation: test, seed, quiet: global.quiet, signal }), () => `no new model was saved (${out} is as it was)`, {
          label: model.name,
        });
      }
      const trainedSeconds = (performance.now() - started) / 1000;
      await model.save(out);
      const summary = 'summary' in model ? (model.summary as TrainingSummary | undefined) : undefined;
      let refitted = '';
      if (options.refit && summary && summary.bestEpoch >= 1 && test.length > 0) {
        // The epoch count early stopping chose, on every rating: what the P1 experiment scores (+1 % to +4 % NDCG@10 there).
        const refitStarted = performance.now();
        const refit = twoTower ? new SequentialTwoTowerRecommender({ seed, epochs: summary.bestEpoch }) : factory();
        const epochs = refitEpochs(model, summary.bestEpoch);
        if (hasEpochs(refit)) refit.options.epochs = epochs;
        await interruptibly(
          (signal) => refit.fit({ ...trainingData, interactions: data.ratings }, { seed, quiet: global.quiet, signal }),
          () => `the early-stopped model (trained on 90 % of the ratings) stays saved in ${out}`,
          twoTower ? { repeat: 'ignore' } : { label: `${model.name} refit` },
        );
        await refit.save(out);
        const seconds = ((performance.now() - refitStarted) / 1000).toFixed(1);
        refitted =
          epochs === 0
            ? `, then the closed form the gate kept refitted on all ${data.ratings.length} ratings (no combiner trained) in ${seconds} s`
            : `, then refitted on all ${data.ratings.length} ratings for ${epochs} epoch${epochs === 1 ? '' : 's'} in ${seconds} s${describeGate(refit)}`;
      } else if (options.refit) {
        refitted = test.length === 0 ? ' (--refit: nothing was held out, so the model already saw every rating)' : ' (--refit: no best epoch to refit for)';
      }
      process.stdout.write(
        `${model.name}: trained in ${trainedSeconds.toFixed(1)} s` +
          (summary ? `, ${describeTrainingSummary(summary)}` : '') +
          describeGate(model) +
          refitted +
          `\nsaved to ${out}\n`,
      );
    });
}
