import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { createRandom, formatZodError, PersonalabError, type FitOptions, type Random, type TrainingData } from '@personalab/core';
import type { ScoringQuery } from './base-recommender.js';
import { ageBucketCount, buildItemFeatures, buildUserFeatures, genderCodes, yearBucketCount, type ItemFeatures, type UserFeatures } from './features.js';
import { TfRecommender } from './tf-recommender.js';
import { runTrainingLoop, type TrainingSummary } from './training-loop.js';
import { earlyStoppingHeldOut, validationNdcg } from './validation.js';
import { checkVocabulary, loadError, weightsOfShapes, type WeightMap } from './weights-io.js';
import { checkCheckpointSettings, loadCheckpoint, optimizerState, restoreOptimizerState, saveCheckpoint, type Checkpoint } from './checkpoint.js';
import { EaseRecommender } from './ease.js';
import { matMulTransposeFree } from './fast-matmul.js';
import { checkedSettings, countSetting, nonNegativeSetting, positiveSetting, seedSetting, patienceSetting } from './settings-check.js';

export interface SequentialTwoTowerOptions {
  /** Embedding width d. */
  dimension?: number;
  /** Most recent history items read by the self-attention block. */
  maxSequence?: number;
  epochs?: number;
  /** Users per step. */
  batchSize?: number;
  learningRate?: number;
  /** L2 penalty on all weights. */
  l2?: number;
  /** Each training example keeps a random fraction in [min, max] of a user's items as input and predicts the rest. */
  keepRange?: readonly [number, number];
  /** Training examples per user per epoch. */
  samplesPerUser?: number;
  /** Epochs without validation improvement before stopping. */
  patience?: number;
  /** Add a learned item-to-item linear term (an EASE-like path trained with the same softmax). */
  itemToItem?: boolean;
  /** Start the item-to-item term from EASE's closed form with this λ (needs `itemToItem`); 0 = start from zero. */
  easeLambda?: number;
  /** Learning rate of the item-to-item matrix relative to `learningRate`. */
  itemToItemLearningRate?: number;
  seed?: number;
  /** Write a checkpoint after each epoch here (and the best weights to `<dir>/best`). */
  checkpointDirectory?: string;
  /** Continue from the checkpoint in `checkpointDirectory` if there is one. */
  resume?: boolean;
}

const defaults = {
  dimension: 64,
  maxSequence: 20,
  epochs: 60,
  batchSize: 64,
  learningRate: 2e-3,
  l2: 1e-6,
  keepRange: [0.5, 0.9] as const,
  samplesPerUser: 1,
  patience: 6,
  itemToItem: false,
  easeLambda: 0,
  itemToItemLearningRate: 0.01,
  seed: 42,
};

const share = z.number().min(0).max(1);
/** The settings as given or as saved in `model.json` (`checkedSettings`); the checkpoint folder and `resume` belong to a run, not to the model. */
const settingsSchema = z.object({
  dimension: countSetting(1),
  maxSequence: countSetting(1),
  epochs: countSetting(0),
  batchSize: countSetting(1),
  learningRate: positiveSetting,
  l2: nonNegativeSetting,
  keepRange: z.tuple([share, share]),
  samplesPerUser: countSetting(1),
  patience: patienceSetting(0),
  itemToItem: z.boolean(),
  easeLambda: nonNegativeSetting,
  itemToItemLearningRate: positiveSetting,
  seed: seedSetting,
} satisfies Record<keyof Omit<SequentialTwoTowerOptions, 'checkpointDirectory' | 'resume'>, z.ZodType>);

/** The side features a saved model keeps in `model.json` (`extra`). */
const savedFeaturesSchema = z.object({
  tagVocabulary: z.array(z.string()),
  itemTags: z.array(z.number()),
  yearBuckets: z.array(z.number().int().min(0).max(yearBucketCount - 1)),
  occupationVocabulary: z.array(z.string()),
  userCodes: z.array(z.number().int().nonnegative()),
});

interface Batch {
  /** [B, n] multi-hot of input items. */
  inputs: tf.Tensor2D;
  /** [B, L] item indices (0 where padded) and [B, L] mask. */
  sequence: tf.Tensor2D;
  sequenceMask: tf.Tensor2D;
  /** [B, 3] user feature codes. */
  userCodes: tf.Tensor2D;
}

/**
 * What the user tower reads of scoring queries: each history with a repeated item once (its first place), and the
 * user whose side features go along, a known user's also when they came with a history other than their stored one
 * (`ScoringQuery.knownUser`): the tower reads the history given, in its order, and has no per-user parameters.
 */
function queryInputs(queries: readonly ScoringQuery[]): [number[][], (number | undefined)[]] {
  return [queries.map((query) => [...new Set(query.history)]), queries.map((query) => query.user ?? query.knownUser)];
}

/**
 * The sequential two-tower model. Item tower: item-id embedding + genre (tag) projection + release-decade
 * embedding. User tower: the history read two ways, a SASRec-like block (learned positions, one
 * self-attention layer with layer norm and a feed-forward layer, mean-pooled) over the most recent
 * `maxSequence` items plus a bag-of-items projection of the whole history, and the user's side features
 * (age bucket, gender, occupation), mixed by a two-layer MLP. Score = user vector · item vector + item bias.
 * Trained with the full softmax over the catalogue (1,682 items on MovieLens: cheap), predicting the held-out
 * part of randomly split user histories, input items masked out of the softmax; Adam; early stopping on
 * validation NDCG@10; seeded.
 */
export class SequentialTwoTowerRecommender extends TfRecommender {
  readonly name = 'sequential-two-tower';
  readonly options: Required<Omit<SequentialTwoTowerOptions, 'checkpointDirectory' | 'resume'>> & Pick<SequentialTwoTowerOptions, 'checkpointDirectory' | 'resume'>;
  private itemFeatures: ItemFeatures | undefined;
  private userFeatures: UserFeatures | undefined;
  private cachedItemVectors: tf.Tensor2D | undefined;
  /** The last training run. */
  summary: TrainingSummary | undefined;

  constructor(options: SequentialTwoTowerOptions = {}) {
    super();
    const { checkpointDirectory, resume } = options;
    this.options = {
      ...checkedSettings(this.name, settingsSchema, defaults, options, 'options'),
      ...(checkpointDirectory === undefined ? {} : { checkpointDirectory }),
      ...(resume === undefined ? {} : { resume }),
    };
  }

  protected async fitModel(data: TrainingData, options: FitOptions): Promise<void> {
    const settings = this.options;
    const seed = options.seed ?? settings.seed;
    const matrix = this.adoptTrainingData(data);
    this.itemFeatures = buildItemFeatures(matrix.itemIds, data.items);
    this.userFeatures = buildUserFeatures(matrix.userIds, data.users ?? []);
    this.initialiseVariables(seed);
    if (settings.itemToItem && settings.easeLambda > 0) {
      const ease = new EaseRecommender({ lambda: settings.easeLambda });
      await ease.fit(data);
      const weights = tf.tensor2d(ease.itemWeights, [matrix.itemIds.length, matrix.itemIds.length]);
      this.variable('itemToItem').assign(weights);
      weights.dispose();
    }
    const trainable = matrix.histories.map((history, user) => (history.length >= 2 ? user : -1)).filter((user) => user >= 0);
    const examplesPerEpoch = trainable.length * settings.samplesPerUser;
    const stepsPerEpoch = Math.max(1, Math.ceil(examplesPerEpoch / settings.batchSize));
    const heldOut = earlyStoppingHeldOut(matrix, options.validation);
    const runSettings = this.runSettings(seed, heldOut);
    let best: WeightMap | undefined;
    let startEpoch = 0;
    let checkpoint: Checkpoint | undefined;
    if (settings.checkpointDirectory && settings.resume) {
      checkpoint = await loadCheckpoint(settings.checkpointDirectory);
      if (checkpoint) {
        checkCheckpointSettings(settings.checkpointDirectory, checkpoint, runSettings);
        const shapes = Object.fromEntries(Object.entries(this.variables).map(([name, variable]) => [name, variable.shape]));
        try {
          best = checkpoint.best && weightsOfShapes(checkpoint.best, shapes);
          this.restore(weightsOfShapes(checkpoint.weights, shapes));
        } catch (error) {
          throw loadError(join(settings.checkpointDirectory, 'last'), error);
        }
        startEpoch = checkpoint.epoch;
      }
    }
    const optimizer = tf.train.adam(settings.learningRate);
    let order: number[] = [];
    let random: Random = createRandom(seed);
    try {
      if (checkpoint?.optimizers) {
        const { main, itemToItem } = checkpoint.optimizers;
        if (main) await restoreOptimizerState(optimizer, main);
        if (itemToItem) await restoreOptimizerState(this.itemToItemOptimizer(), itemToItem);
      }
      this.summary = await runTrainingLoop({
        ...this.loopSettings(settings, options),
        startEpoch,
        ...(checkpoint?.progress ? { resumeProgress: checkpoint.progress } : {}),
        stepsPerEpoch,
        examplesPerStep: settings.batchSize,
        validateBeforeTraining: settings.itemToItem && settings.easeLambda > 0,
        step: (epoch, step) => {
          if (step === 0) {
            // One stream per epoch, so a resumed run samples exactly what an uninterrupted one would.
            random = createRandom(seed * 7919 + epoch + 1);
            order = random.shuffle(Array.from({ length: settings.samplesPerUser }, () => trainable).flat());
          }
          const users = order.slice(step * settings.batchSize, (step + 1) * settings.batchSize);
          if (users.length === 0) return 0;
          return this.trainStep(optimizer, users, random);
        },
        ...(heldOut ? { validate: () => validationNdcg(matrix, heldOut, (queries) => this.scoreQueries(queries)) } : {}),
        onImprovement: () => {
          if (heldOut) best = this.snapshot();
        },
        onEpochEnd: async (epoch, _record, progress) => {
          if (!settings.checkpointDirectory) return;
          const optimizers: Record<string, WeightMap> = { main: await optimizerState(optimizer) };
          if (this.slowOptimizer) optimizers.itemToItem = await optimizerState(this.slowOptimizer);
          await saveCheckpoint(settings.checkpointDirectory, { epoch: epoch + 1, weights: this.snapshot(), best, optimizers, progress, settings: runSettings });
        },
      });
    } finally {
      optimizer.dispose();
      this.slowOptimizer?.dispose();
      this.slowOptimizer = undefined;
    }
    if (best) this.restore(best);
    this.invalidate();
  }

  /**
   * What a checkpoint must have been written with to be resumed by this run: every option that shapes training
   * (not `epochs`, which a resumed run may raise), the seed, and a digest of the training and validation data.
   */
  private runSettings(seed: number, heldOut: Map<number, Set<number>> | undefined): Record<string, unknown> {
    const { epochs: _epochs, checkpointDirectory: _directory, resume: _resume, ...options } = this.options;
    const digest = createHash('sha256');
    const matrix = this.data;
    digest.update(JSON.stringify([matrix.userIds, matrix.itemIds, matrix.histories, heldOut ? [...heldOut].map(([user, items]) => [user, [...items]]) : null]));
    for (const array of [this.itemFeatures?.tags, this.itemFeatures?.yearBuckets, this.userFeatures?.codes]) if (array) digest.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    digest.update(JSON.stringify([this.itemFeatures?.tagVocabulary, this.userFeatures?.occupationVocabulary]));
    return { ...options, seed, data: digest.digest('hex').slice(0, 16) };
  }

  private initialiseVariables(seed: number): void {
    const { itemToItem } = this.options;
    // The same shapes a saved model is checked against on load.
    const shapes = variableShapes({
      ...this.options,
      items: this.data.itemIds.length,
      tags: Math.max(1, this.itemFeatures?.tagVocabulary.length ?? 1),
      occupations: (this.userFeatures?.occupationVocabulary.length ?? 0) + 1,
    });
    const shape = (name: string) => shapes[name] as number[];
    let counter = 0;
    const normal = (name: string, scale: number) => tf.randomNormal(shape(name), 0, scale, 'float32', seed * 131 + (counter += 1));
    const glorot = (name: string) => {
      const [rows, columns] = shape(name) as [number, number];
      return normal(name, Math.sqrt(2 / (rows + columns)));
    };
    const zeros = (name: string) => tf.zeros(shape(name));
    const ones = (name: string) => tf.ones(shape(name));
    // Drawn in this order (each draw's seed counts up): the order is part of a seeded run's result.
    const variables: Record<string, tf.Tensor> = {
      itemEmbedding: normal('itemEmbedding', 0.05),
      tagProjection: normal('tagProjection', 0.05),
      yearEmbedding: normal('yearEmbedding', 0.05),
      itemBias: zeros('itemBias'),
      bagEmbedding: normal('bagEmbedding', 0.05),
      positionEmbedding: normal('positionEmbedding', 0.05),
      query: glorot('query'),
      key: glorot('key'),
      value: glorot('value'),
      attentionOutput: glorot('attentionOutput'),
      norm1Scale: ones('norm1Scale'),
      norm1Shift: zeros('norm1Shift'),
      feedForward1: glorot('feedForward1'),
      feedForward1Bias: zeros('feedForward1Bias'),
      feedForward2: glorot('feedForward2'),
      feedForward2Bias: zeros('feedForward2Bias'),
      norm2Scale: ones('norm2Scale'),
      norm2Shift: zeros('norm2Shift'),
      ageEmbedding: normal('ageEmbedding', 0.05),
      genderEmbedding: normal('genderEmbedding', 0.05),
      occupationEmbedding: normal('occupationEmbedding', 0.05),
      mix1: glorot('mix1'),
      mix1Bias: zeros('mix1Bias'),
      mix2: glorot('mix2'),
      mix2Bias: zeros('mix2Bias'),
    };
    if (itemToItem) {
      variables.itemToItem = zeros('itemToItem');
      // EASE scores are O(1); the softmax needs them sharper, and learns how much sharper.
      variables.itemToItemScale = tf.scalar(10);
    }
    this.setVariables(variables);
    this.invalidate();
  }

  /** Item vectors [n, d] from the item tower. */
  private itemTower(): tf.Tensor2D {
    const features = this.itemFeatures;
    if (!features) throw new PersonalabError('invalid_argument', `${this.name}: fit or load the model first`);
    return tf.tidy(() => {
      const n = this.data.itemIds.length;
      const tags = tf.tensor2d(features.tags, [n, Math.max(1, features.tagVocabulary.length)]);
      const years = tf.tensor1d(features.yearBuckets, 'int32');
      return tf.addN([this.variable('itemEmbedding'), tf.matMul(tags, this.variable('tagProjection')), tf.gather(this.variable('yearEmbedding'), years)]) as tf.Tensor2D;
    });
  }

  private layerNorm(x: tf.Tensor, scale: string, shift: string): tf.Tensor {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-6))), this.variable(scale)), this.variable(shift));
  }

  /** User vectors [B, d] for a batch. */
  private userTower(batch: Batch, itemVectors: tf.Tensor2D): tf.Tensor2D {
    const { dimension: d, maxSequence: length } = this.options;
    const size = batch.inputs.shape[0];
    // Sequence path: the most recent items with learned positions through one self-attention block.
    const mask3 = tf.expandDims(batch.sequenceMask, 2);
    const tokens = tf.mul(tf.add(tf.reshape(tf.gather(itemVectors, tf.reshape(batch.sequence, [-1])), [size, length, d]), this.variable('positionEmbedding')), mask3);
    const normed = this.layerNorm(tokens, 'norm1Scale', 'norm1Shift');
    const flat = tf.reshape(normed, [-1, d]);
    const project = (name: string) => tf.reshape(tf.matMul(flat, this.variable(name)), [size, length, d]) as tf.Tensor3D;
    const keys = tf.transpose(project('key'), [0, 2, 1]) as tf.Tensor3D;
    const attentionLogits = tf.add(tf.div(matMulTransposeFree(project('query'), keys), Math.sqrt(d)), tf.mul(tf.sub(1, tf.expandDims(batch.sequenceMask, 1)), -1e9));
    const attended = matMulTransposeFree(tf.softmax(attentionLogits) as tf.Tensor3D, project('value'));
    const afterAttention = tf.add(tokens, tf.reshape(tf.matMul(tf.reshape(attended, [-1, d]), this.variable('attentionOutput')), [size, length, d]));
    const normed2 = tf.reshape(this.layerNorm(afterAttention, 'norm2Scale', 'norm2Shift'), [-1, d]);
    const feedForward = tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(normed2, this.variable('feedForward1')), this.variable('feedForward1Bias'))), this.variable('feedForward2')), this.variable('feedForward2Bias'));
    const block = tf.mul(tf.add(afterAttention, tf.reshape(feedForward, [size, length, d])), mask3);
    const count = tf.maximum(tf.sum(batch.sequenceMask, 1, true), 1);
    const sequenceVector = tf.div(tf.sum(block, 1), count);
    // Bag path: every input item, scaled by 1/sqrt(count) as in Mult-DAE.
    const inputCount = tf.maximum(tf.sum(batch.inputs, 1, true), 1);
    const bagVector = matMulTransposeFree(tf.div<tf.Tensor2D>(batch.inputs, tf.sqrt(inputCount)), this.variable('bagEmbedding') as tf.Tensor2D);
    // Side features of the user (all zero codes for a new user).
    const codes = tf.unstack(batch.userCodes, 1) as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
    const featureVector = tf.addN([
      tf.gather(this.variable('ageEmbedding'), codes[0]),
      tf.gather(this.variable('genderEmbedding'), codes[1]),
      tf.gather(this.variable('occupationEmbedding'), codes[2]),
    ]);
    const mixed = tf.relu(tf.add(tf.matMul(tf.concat([sequenceVector, bagVector, featureVector], 1), this.variable('mix1')), this.variable('mix1Bias')));
    return tf.add(tf.matMul(mixed, this.variable('mix2')), this.variable('mix2Bias')) as tf.Tensor2D;
  }

  private logits(batch: Batch, itemVectors: tf.Tensor2D): tf.Tensor2D {
    const users = this.userTower(batch, itemVectors);
    // Transpose-free products: the wasm backend's transposed matMul (forward here, and every gradient) is ~10x slower.
    let logits = tf.add(matMulTransposeFree(users, tf.transpose(itemVectors)), this.variable('itemBias')) as tf.Tensor2D;
    const itemToItem = this.variables.itemToItem;
    const scale = this.variables.itemToItemScale;
    if (itemToItem && scale) logits = tf.add(logits, tf.mul(scale, matMulTransposeFree(batch.inputs, itemToItem as tf.Tensor2D))) as tf.Tensor2D;
    return logits;
  }

  private makeBatch(histories: readonly number[][], users: readonly (number | undefined)[]): Batch {
    const n = this.data.itemIds.length;
    const length = this.options.maxSequence;
    const size = histories.length;
    const inputs = new Float32Array(size * n);
    const sequence = new Int32Array(size * length);
    const sequenceMask = new Float32Array(size * length);
    const userCodes = new Int32Array(size * 3);
    histories.forEach((history, row) => {
      for (const item of history) inputs[row * n + item] = 1;
      const recent = history.slice(-length);
      const offset = length - recent.length;
      recent.forEach((item, position) => {
        sequence[row * length + offset + position] = item;
        sequenceMask[row * length + offset + position] = 1;
      });
      const user = users[row];
      if (user !== undefined && this.userFeatures) userCodes.set(this.userFeatures.codes.subarray(user * 3, user * 3 + 3), row * 3);
    });
    return {
      inputs: tf.tensor2d(inputs, [size, n]),
      sequence: tf.tensor2d(sequence, [size, length], 'int32'),
      sequenceMask: tf.tensor2d(sequenceMask, [size, length]),
      userCodes: tf.tensor2d(userCodes, [size, 3], 'int32'),
    };
  }

  private trainStep(optimizer: tf.Optimizer, users: readonly number[], random: Random): number {
    const n = this.data.itemIds.length;
    const [low, high] = this.options.keepRange;
    const inputs: number[][] = [];
    const targets = new Float32Array(users.length * n);
    users.forEach((user, row) => {
      const history = this.data.histories[user] ?? [];
      const keep = Math.min(history.length - 1, Math.max(1, Math.round(history.length * (low + (high - low) * random.next()))));
      const chosen = new Set(random.shuffle(history.map((_, index) => index)).slice(0, keep));
      inputs.push(history.filter((_, index) => chosen.has(index)));
      history.forEach((item, index) => {
        if (!chosen.has(index)) targets[row * n + item] = 1;
      });
    });
    const batch = this.makeBatch(inputs, users);
    const targetTensor = tf.tensor2d(targets, [users.length, n]);
    this.invalidate();
    // The embedding tables carry the L2 penalty; the item-to-item matrix is kept near its start by early stopping.
    const penalised = ['itemEmbedding', 'bagEmbedding', 'tagProjection'];
    const { value: loss, grads } = tf.variableGrads(() => {
      const itemVectors = this.itemTower();
      // Input items can never be answers: mask them out of the softmax, as evaluation excludes them.
      const logits = tf.add(this.logits(batch, itemVectors), tf.mul(batch.inputs, -1e9));
      const logProbabilities = tf.logSoftmax(logits);
      const perUser = tf.div(tf.sum(tf.mul(logProbabilities, targetTensor), 1), tf.maximum(tf.sum(targetTensor, 1), 1));
      const penalty = tf.mul(this.options.l2, tf.addN(penalised.map((name) => tf.sum(tf.square(this.variable(name))))));
      return tf.add(tf.neg(tf.mean(perUser)), penalty) as tf.Scalar;
    });
    const { itemToItem, ...rest } = grads;
    optimizer.applyGradients(rest);
    // The item-to-item weights are small (EASE: ~1e-3); Adam's per-step move of ~learningRate would erase them.
    if (itemToItem) this.itemToItemOptimizer().applyGradients({ itemToItem });
    tf.dispose(grads);
    const value = loss.dataSync()[0] ?? Number.NaN;
    loss.dispose();
    tf.dispose([batch.inputs, batch.sequence, batch.sequenceMask, batch.userCodes, targetTensor]);
    return value;
  }

  private slowOptimizer: tf.Optimizer | undefined;

  private itemToItemOptimizer(): tf.Optimizer {
    this.slowOptimizer ??= tf.train.adam(this.options.learningRate * this.options.itemToItemLearningRate);
    return this.slowOptimizer;
  }

  private invalidate(): void {
    this.cachedItemVectors?.dispose();
    this.cachedItemVectors = undefined;
  }

  /** Item vectors [n, d] (cached until the weights change). */
  itemVectorsTensor(): tf.Tensor2D {
    this.cachedItemVectors ??= tf.keep(this.itemTower());
    return this.cachedItemVectors;
  }

  override scoreQueries(queries: readonly ScoringQuery[]): Float32Array[] {
    const n = this.data.itemIds.length;
    const results: Float32Array[] = [];
    const itemVectors = this.itemVectorsTensor();
    for (let start = 0; start < queries.length; start += 256) {
      const chunk = queries.slice(start, start + 256);
      const scores = tf.tidy(() => {
        const batch = this.makeBatch(...queryInputs(chunk));
        return this.logits(batch, itemVectors);
      });
      const values = scores.dataSync() as Float32Array;
      scores.dispose();
      chunk.forEach((_, row) => results.push(values.slice(row * n, (row + 1) * n)));
    }
    return results;
  }

  scoreQuery(query: ScoringQuery): Float32Array {
    return this.scoreQueries([query])[0] as Float32Array;
  }

  /** User vectors [count, d] for queries (the candidate-generation query vectors). */
  userVectors(queries: readonly ScoringQuery[]): Float32Array[] {
    const d = this.options.dimension;
    const itemVectors = this.itemVectorsTensor();
    const vectors = tf.tidy(() => this.userTower(this.makeBatch(...queryInputs(queries)), itemVectors));
    const values = vectors.dataSync() as Float32Array;
    vectors.dispose();
    return queries.map((_, row) => values.slice(row * d, (row + 1) * d));
  }

  /** Item vectors by item index, with the item bias (inner product + bias = score without the item-to-item term). */
  itemVectors(): { vectors: Float32Array[]; biases: Float32Array } {
    const d = this.options.dimension;
    const values = this.itemVectorsTensor().dataSync() as Float32Array;
    const biases = this.variable('itemBias').dataSync() as Float32Array;
    return { vectors: this.data.itemIds.map((_, index) => values.slice(index * d, (index + 1) * d)), biases: Float32Array.from(biases) };
  }

  protected exportState(): { config: Record<string, unknown>; weights: WeightMap; extra: Record<string, unknown> } {
    if (!this.itemFeatures || !this.userFeatures) throw new PersonalabError('invalid_argument', `${this.name}: fit or load the model first`);
    return {
      config: { ...this.options, checkpointDirectory: undefined, resume: undefined },
      weights: this.snapshot(),
      extra: {
        tagVocabulary: this.itemFeatures.tagVocabulary,
        itemTags: Array.from(this.itemFeatures.tags),
        yearBuckets: Array.from(this.itemFeatures.yearBuckets),
        occupationVocabulary: this.userFeatures.occupationVocabulary,
        userCodes: Array.from(this.userFeatures.codes),
      },
    };
  }

  protected importState(state: { config: Record<string, unknown>; weights: WeightMap; extra: Record<string, unknown> }): void {
    checkVocabulary(this.data);
    const parsed = savedFeaturesSchema.safeParse(state.extra);
    if (!parsed.success) throw new PersonalabError('corrupt_file', `extra: ${formatZodError(parsed.error)}`);
    const extra = parsed.data;
    const items = this.data.itemIds.length;
    const users = this.data.userIds.length;
    const tags = Math.max(1, extra.tagVocabulary.length);
    if (extra.itemTags.length !== items * tags) throw new PersonalabError('corrupt_file', `extra.itemTags has ${extra.itemTags.length} values, expected ${items} items × ${tags} tags`);
    if (extra.yearBuckets.length !== items) throw new PersonalabError('corrupt_file', `extra.yearBuckets has ${extra.yearBuckets.length} values for ${items} items`);
    if (extra.userCodes.length !== users * 3) throw new PersonalabError('corrupt_file', `extra.userCodes has ${extra.userCodes.length} values for ${users} users × 3`);
    const limits = [ageBucketCount, genderCodes.length, extra.occupationVocabulary.length + 1];
    extra.userCodes.forEach((code, index) => {
      if (code >= (limits[index % 3] as number)) throw new PersonalabError('corrupt_file', `extra.userCodes[${index}] is ${code}, out of range`);
    });
    const settings = checkedSettings(this.name, settingsSchema, defaults, state.config, 'config');
    const weights = weightsOfShapes(state.weights, variableShapes({ ...settings, items, tags, occupations: extra.occupationVocabulary.length + 1 }));
    Object.assign(this.options, settings);
    this.itemFeatures = { tagVocabulary: extra.tagVocabulary, tags: Float32Array.from(extra.itemTags), yearBuckets: Int32Array.from(extra.yearBuckets) };
    this.userFeatures = { occupationVocabulary: extra.occupationVocabulary, codes: Int32Array.from(extra.userCodes) };
    this.variablesFromWeights(weights);
    this.invalidate();
  }

  override dispose(): void {
    this.invalidate();
    super.dispose();
  }
}

/** The shape of every variable, as `initialiseVariables` creates them (checked when a saved model is loaded). */
function variableShapes(settings: { dimension: number; maxSequence: number; itemToItem: boolean; items: number; tags: number; occupations: number }): Record<string, number[]> {
  const { dimension: d, maxSequence, itemToItem, items: n, tags, occupations } = settings;
  const square = [d, d];
  return {
    itemEmbedding: [n, d],
    tagProjection: [tags, d],
    yearEmbedding: [yearBucketCount, d],
    itemBias: [n],
    bagEmbedding: [n, d],
    positionEmbedding: [maxSequence, d],
    query: square,
    key: square,
    value: square,
    attentionOutput: square,
    norm1Scale: [d],
    norm1Shift: [d],
    feedForward1: square,
    feedForward1Bias: [d],
    feedForward2: square,
    feedForward2Bias: [d],
    norm2Scale: [d],
    norm2Shift: [d],
    ageEmbedding: [ageBucketCount, d],
    genderEmbedding: [genderCodes.length, d],
    occupationEmbedding: [occupations, d],
    mix1: [3 * d, 2 * d],
    mix1Bias: [2 * d],
    mix2: [2 * d, d],
    mix2Bias: [d],
    ...(itemToItem ? { itemToItem: [n, n], itemToItemScale: [] } : {}),
  };
}
