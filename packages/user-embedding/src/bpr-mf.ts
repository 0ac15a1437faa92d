import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { createRandom, type FitOptions, type TrainingData } from '@personalab/core';
import type { ScoringQuery } from './base-recommender.js';
import { TfRecommender } from './tf-recommender.js';
import { runTrainingLoop, type TrainingSummary } from './training-loop.js';
import { earlyStoppingHeldOut, validationNdcg } from './validation.js';
import { checkVocabulary, weightsOfShapes, type WeightMap } from './weights-io.js';
import { checkedSettings, countSetting, nonNegativeSetting, positiveSetting, seedSetting, patienceSetting } from './settings-check.js';

export interface BprOptions {
  dimension?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** L2 on the user and item vectors touched by a batch. */
  l2?: number;
  patience?: number;
  seed?: number;
}

const defaults: Required<BprOptions> = { dimension: 64, epochs: 40, batchSize: 1024, learningRate: 5e-3, l2: 1e-4, patience: 4, seed: 42 };

/** The settings as given or as saved in `model.json` (`checkedSettings`). */
const settingsSchema = z.object({
  dimension: countSetting(1),
  epochs: countSetting(0),
  batchSize: countSetting(1),
  learningRate: positiveSetting,
  l2: nonNegativeSetting,
  patience: patienceSetting(0),
  seed: seedSetting,
} satisfies Record<keyof BprOptions, z.ZodType>);

/**
 * BPR matrix factorisation (Rendle et al. 2009) in tfjs: score = p_u·q_i + b_i, trained on
 * (user, seen item, unseen item) triples with −log σ(x_ui − x_uj), Adam, early stopping on NDCG@10.
 * A new user given only a history is folded in as the mean of their items' vectors (each item once), and so is a
 * known user given a history other than their stored one (`ScoringQuery.knownUser`).
 */
export class BprRecommender extends TfRecommender {
  readonly name = 'bpr-mf';
  readonly options: Required<BprOptions>;
  summary: TrainingSummary | undefined;

  constructor(options: BprOptions = {}) {
    super();
    this.options = checkedSettings(this.name, settingsSchema, defaults, options, 'options');
  }

  protected async fitModel(data: TrainingData, options: FitOptions): Promise<void> {
    const settings = this.options;
    const seed = options.seed ?? settings.seed;
    const matrix = this.adoptTrainingData(data);
    const n = matrix.itemIds.length;
    const d = settings.dimension;
    this.setVariables({
      userEmbedding: tf.randomNormal([matrix.userIds.length, d], 0, 0.05, 'float32', seed),
      itemEmbedding: tf.randomNormal([n, d], 0, 0.05, 'float32', seed + 1),
      itemBias: tf.zeros([n]),
    });
    const pairs: [number, number][] = [];
    const seen = matrix.histories.map((history) => new Set(history));
    matrix.histories.forEach((history, user) => {
      for (const item of new Set(history)) pairs.push([user, item]);
    });
    const heldOut = earlyStoppingHeldOut(matrix, options.validation);
    const optimizer = tf.train.adam(settings.learningRate);
    const stepsPerEpoch = Math.max(1, Math.ceil(pairs.length / settings.batchSize));
    let best: WeightMap | undefined;
    let random = createRandom(seed);
    let order: number[] = [];
    try {
      this.summary = await runTrainingLoop({
        ...this.loopSettings(settings, options),
        stepsPerEpoch,
        examplesPerStep: settings.batchSize,
        step: (epoch, step) => {
          if (step === 0) {
            random = createRandom(seed * 7919 + epoch + 1);
            order = random.shuffle(pairs.map((_, index) => index));
          }
          const chosen = order.slice(step * settings.batchSize, (step + 1) * settings.batchSize);
          const users = new Int32Array(chosen.length);
          const positives = new Int32Array(chosen.length);
          const negatives = new Int32Array(chosen.length);
          chosen.forEach((pairIndex, row) => {
            const [user, item] = pairs[pairIndex] as [number, number];
            users[row] = user;
            positives[row] = item;
            let negative = random.int(n);
            // Rejection sampling: users see a small fraction of the catalogue.
            for (let tries = 0; seen[user]?.has(negative) && tries < 20; tries++) negative = random.int(n);
            negatives[row] = negative;
          });
          return this.trainStep(optimizer, users, positives, negatives);
        },
        ...(heldOut ? { validate: () => validationNdcg(matrix, heldOut, (queries) => this.scoreQueries(queries)) } : {}),
        onImprovement: () => {
          if (heldOut) best = this.snapshot();
        },
      });
    } finally {
      optimizer.dispose();
    }
    if (best) this.restore(best);
  }

  private trainStep(optimizer: tf.Optimizer, users: Int32Array, positives: Int32Array, negatives: Int32Array): number {
    const userTensor = tf.tensor1d(users, 'int32');
    const positiveTensor = tf.tensor1d(positives, 'int32');
    const negativeTensor = tf.tensor1d(negatives, 'int32');
    const loss = optimizer.minimize(() => {
      const userVectors = tf.gather(this.variable('userEmbedding'), userTensor);
      const positiveVectors = tf.gather(this.variable('itemEmbedding'), positiveTensor);
      const negativeVectors = tf.gather(this.variable('itemEmbedding'), negativeTensor);
      const positiveScores = tf.add(tf.sum(tf.mul(userVectors, positiveVectors), 1), tf.gather(this.variable('itemBias'), positiveTensor));
      const negativeScores = tf.add(tf.sum(tf.mul(userVectors, negativeVectors), 1), tf.gather(this.variable('itemBias'), negativeTensor));
      // −log σ(d) = softplus(−d); tf.logSigmoid's custom gradient misbehaves under minimize on the cpu backend.
      const ranking = tf.mean(tf.softplus(tf.sub(negativeScores, positiveScores)));
      const penalty = tf.mul(this.options.l2, tf.mean(tf.addN([tf.sum(tf.square(userVectors), 1), tf.sum(tf.square(positiveVectors), 1), tf.sum(tf.square(negativeVectors), 1)])));
      return tf.add(ranking, penalty) as tf.Scalar;
    }, true);
    const value = loss?.dataSync()[0] ?? Number.NaN;
    tf.dispose([loss as tf.Tensor, userTensor, positiveTensor, negativeTensor]);
    return value;
  }

  override scoreQueries(queries: readonly ScoringQuery[]): Float32Array[] {
    const n = this.data.itemIds.length;
    const vectors = this.userVectors(queries);
    const scores = tf.tidy(() => {
      const users = tf.tensor2d(vectors.flatMap((vector) => Array.from(vector)), [queries.length, this.options.dimension]);
      // An explicit transpose: wasm's transposed matMul runs outside XNNPACK (see fast-matmul.ts).
      return tf.add(tf.matMul(users, tf.transpose(this.variable('itemEmbedding'))), this.variable('itemBias'));
    });
    const values = scores.dataSync() as Float32Array;
    scores.dispose();
    return queries.map((_, row) => values.slice(row * n, (row + 1) * n));
  }

  scoreQuery(query: ScoringQuery): Float32Array {
    return this.scoreQueries([query])[0] as Float32Array;
  }

  /**
   * The user vector of a known user, or the mean item vector of a history: the fold-in of a new user, and of a known
   * user whose explicit history is not their stored one (the mean has no place for their learned vector).
   */
  userVectors(queries: readonly ScoringQuery[]): Float32Array[] {
    const d = this.options.dimension;
    const users = this.variable('userEmbedding').dataSync() as Float32Array;
    const items = this.variable('itemEmbedding').dataSync() as Float32Array;
    return queries.map((query) => {
      if (query.user !== undefined) return users.slice(query.user * d, (query.user + 1) * d);
      // A repeated item counts once (it had weighed twice in the mean).
      const history = [...new Set(query.history)];
      const vector = new Float32Array(d);
      for (const item of history) for (let k = 0; k < d; k++) vector[k] = (vector[k] as number) + (items[item * d + k] as number) / history.length;
      return vector;
    });
  }

  /** Item vectors by item index, and the item biases. */
  itemVectors(): { vectors: Float32Array[]; biases: Float32Array } {
    const d = this.options.dimension;
    const items = this.variable('itemEmbedding').dataSync() as Float32Array;
    return { vectors: this.data.itemIds.map((_, index) => items.slice(index * d, (index + 1) * d)), biases: Float32Array.from(this.variable('itemBias').dataSync()) };
  }

  protected exportState(): { config: Record<string, unknown>; weights: WeightMap } {
    return { config: { ...this.options }, weights: this.snapshot() };
  }

  protected importState(state: { config: Record<string, unknown>; weights: WeightMap }): void {
    checkVocabulary(this.data);
    // Every check before anything is replaced: a failed load leaves the model as it was.
    const settings = checkedSettings(this.name, settingsSchema, defaults, state.config, 'config');
    const d = settings.dimension;
    const items = this.data.itemIds.length;
    const weights = weightsOfShapes(state.weights, { userEmbedding: [this.data.userIds.length, d], itemEmbedding: [items, d], itemBias: [items] });
    Object.assign(this.options, settings);
    this.variablesFromWeights(weights);
  }
}
