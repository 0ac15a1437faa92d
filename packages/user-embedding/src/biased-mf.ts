import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { createRandom, type FitOptions, type Interaction, type TrainingData } from '@personalab/core';
import type { ScoringQuery } from './base-recommender.js';
import { matMulTransposeFree } from './fast-matmul.js';
import { evaluateRatings } from './rating-prediction.js';
import { TfRecommender } from './tf-recommender.js';
import { runTrainingLoop, type TrainingSummary } from './training-loop.js';
import { checkVocabulary, weightsOfShapes, type WeightMap } from './weights-io.js';
import { checkedSettings, countSetting, nonNegativeSetting, positiveSetting, seedSetting, patienceSetting } from './settings-check.js';

export interface BiasedMfOptions {
  dimension?: number;
  epochs?: number;
  /** Users per step (all their ratings go in the step). */
  usersPerBatch?: number;
  learningRate?: number;
  /** L2 on the factors, per rating. */
  l2?: number;
  /** L2 on the biases, per rating (weaker: biases carry most of the signal and overfit little). */
  biasL2?: number;
  /**
   * SVD++-style implicit feedback: the user vector gains |N(u)|^-1/2 Σ y_j over the items the
   * user rated in training (the same signal is available for a new user from their history).
   */
  implicit?: boolean;
  patience?: number;
  seed?: number;
}

const defaults: Required<BiasedMfOptions> = { dimension: 32, epochs: 60, usersPerBatch: 32, learningRate: 3e-3, l2: 0.03, biasL2: 0.03, implicit: true, patience: 4, seed: 42 };

/** The settings as given or as saved in `model.json` (`checkedSettings`). */
const settingsSchema = z.object({
  dimension: countSetting(1),
  epochs: countSetting(0),
  usersPerBatch: countSetting(1),
  learningRate: positiveSetting,
  l2: nonNegativeSetting,
  biasL2: nonNegativeSetting,
  implicit: z.boolean(),
  patience: patienceSetting(0),
  seed: seedSetting,
} satisfies Record<keyof BiasedMfOptions, z.ZodType>);
/** A saved `model.json`'s config: the settings and the training ratings' mean. */
const savedSchema = settingsSchema.extend({ globalMean: z.number() });

/**
 * Biased matrix factorisation for rating prediction: r̂ = μ + b_u + b_i + (p_u + implicit)·q_i,
 * squared error + L2, Adam, early stopping on validation RMSE. `recommend` ranks by predicted rating. The implicit
 * term reads the query's history (each item once), a new user's or a known user's (`scoreQuery`).
 */
export class BiasedMfRecommender extends TfRecommender {
  readonly name = 'biased-mf';
  readonly options: Required<BiasedMfOptions>;
  private globalMean = 0;
  summary: TrainingSummary | undefined;

  constructor(options: BiasedMfOptions = {}) {
    super();
    this.options = checkedSettings(this.name, settingsSchema, defaults, options, 'options');
  }

  protected async fitModel(data: TrainingData, options: FitOptions): Promise<void> {
    const settings = this.options;
    const seed = options.seed ?? settings.seed;
    const matrix = this.adoptTrainingData(data);
    const n = matrix.itemIds.length;
    const d = settings.dimension;
    const all = matrix.values.flat();
    this.globalMean = all.reduce((sum, value) => sum + value, 0) / Math.max(1, all.length);
    this.setVariables({
      userFactors: tf.randomNormal([matrix.userIds.length, d], 0, 0.01, 'float32', seed),
      itemFactors: tf.randomNormal([n, d], 0, 0.01, 'float32', seed + 1),
      implicitFactors: tf.randomNormal([n, d], 0, 0.01, 'float32', seed + 2),
      userBias: tf.zeros([matrix.userIds.length]),
      itemBias: tf.zeros([n]),
    });
    const validation = options.validation ?? [];
    const users = matrix.histories.map((history, user) => (history.length > 0 ? user : -1)).filter((user) => user >= 0);
    const stepsPerEpoch = Math.max(1, Math.ceil(users.length / settings.usersPerBatch));
    const optimizer = tf.train.adam(settings.learningRate);
    let best: WeightMap | undefined;
    let order: number[] = [];
    try {
      this.summary = await runTrainingLoop({
        ...this.loopSettings(settings, options),
        stepsPerEpoch,
        examplesPerStep: Math.round(all.length / stepsPerEpoch),
        metricName: 'valNegRmse',
        step: (epoch, step) => {
          if (step === 0) order = createRandom(seed * 7919 + epoch + 1).shuffle([...users]);
          return this.trainStep(optimizer, order.slice(step * settings.usersPerBatch, (step + 1) * settings.usersPerBatch));
        },
        ...(validation.length > 0 ? { validate: () => -this.evaluate(validation).rmse } : {}),
        onImprovement: () => {
          if (validation.length > 0) best = this.snapshot();
        },
      });
    } finally {
      optimizer.dispose();
    }
    if (best) this.restore(best);
  }

  private trainStep(optimizer: tf.Optimizer, users: readonly number[]): number {
    const n = this.data.itemIds.length;
    const rowUsers: number[] = [];
    const rowItems: number[] = [];
    const rowRatings: number[] = [];
    const rowBatch: number[] = [];
    const implicit = new Float32Array(users.length * n);
    users.forEach((user, batchRow) => {
      const history = this.data.histories[user] ?? [];
      const values = this.data.values[user] ?? [];
      history.forEach((item, index) => {
        rowUsers.push(user);
        rowItems.push(item);
        rowRatings.push((values[index] ?? this.globalMean) - this.globalMean);
        rowBatch.push(batchRow);
        implicit[batchRow * n + item] = 1 / Math.sqrt(history.length);
      });
    });
    const userTensor = tf.tensor1d(rowUsers, 'int32');
    const itemTensor = tf.tensor1d(rowItems, 'int32');
    const batchTensor = tf.tensor1d(rowBatch, 'int32');
    const ratingTensor = tf.tensor1d(rowRatings);
    const implicitTensor = tf.tensor2d(implicit, [users.length, n]);
    const loss = optimizer.minimize(() => {
      let userVectors = tf.gather(this.variable('userFactors'), userTensor);
      if (this.options.implicit) userVectors = tf.add(userVectors, tf.gather(matMulTransposeFree(implicitTensor, this.variable('implicitFactors') as tf.Tensor2D), batchTensor));
      const itemVectors = tf.gather(this.variable('itemFactors'), itemTensor);
      const userBias = tf.gather(this.variable('userBias'), userTensor);
      const itemBias = tf.gather(this.variable('itemBias'), itemTensor);
      const prediction = tf.addN([tf.sum(tf.mul(userVectors, itemVectors), 1), userBias, itemBias]);
      const squaredError = tf.mean(tf.square(tf.sub(prediction, ratingTensor)));
      const penalty = tf.add(
        tf.mul(this.options.l2, tf.mean(tf.add(tf.sum(tf.square(userVectors), 1), tf.sum(tf.square(itemVectors), 1)))),
        tf.mul(this.options.biasL2, tf.mean(tf.add(tf.square(userBias), tf.square(itemBias)))),
      );
      return tf.add(squaredError, penalty) as tf.Scalar;
    }, true);
    const value = loss?.dataSync()[0] ?? Number.NaN;
    tf.dispose([loss as tf.Tensor, userTensor, itemTensor, batchTensor, ratingTensor, implicitTensor]);
    return value;
  }

  /**
   * Predicted ratings for every item, for one query: a known user's p_u and b_u plus the implicit term of the history
   * given; a new user's implicit term alone. A known user given a history other than their stored one
   * (`ScoringQuery.knownUser`) keeps their p_u and b_u, learned from their ratings, beside the implicit term of that
   * history (SVD++'s N(u), which may hold items without a rating): without `implicit` a history changes nothing.
   */
  scoreQuery(query: ScoringQuery): Float32Array {
    const n = this.data.itemIds.length;
    const user = query.user ?? query.knownUser;
    const scores = tf.tidy(() => {
      let userVector: tf.Tensor = tf.zeros([1, this.options.dimension]);
      let userBias: tf.Tensor = tf.scalar(0);
      if (user !== undefined) {
        const index = tf.tensor1d([user], 'int32');
        userVector = tf.gather(this.variable('userFactors'), index);
        userBias = tf.gather(this.variable('userBias'), index);
      }
      const history = [...new Set(query.history)];
      if (this.options.implicit && history.length > 0) {
        const weights = new Float32Array(n);
        for (const item of history) weights[item] = 1 / Math.sqrt(history.length);
        userVector = tf.add(userVector, tf.matMul(tf.tensor2d(weights, [1, n]), this.variable('implicitFactors')));
      }
      return tf.addN([tf.reshape(tf.matMul(userVector, tf.transpose(this.variable('itemFactors'))), [n]), this.variable('itemBias'), tf.fill([n], this.globalMean), tf.broadcastTo(tf.reshape(userBias, [1]), [n])]);
    });
    const values = scores.dataSync() as Float32Array;
    scores.dispose();
    return Float32Array.from(values);
  }

  /** Predicted ratings for (user, item) pairs, clipped to [low, high]; unknown users get their history's fold-in. */
  predict(pairs: readonly { userId: string; itemId: string }[], range: readonly [number, number] = [1, 5]): number[] {
    const byUser = new Map<string, { itemId: string; row: number }[]>();
    pairs.forEach((pair, row) => {
      let list = byUser.get(pair.userId);
      if (!list) byUser.set(pair.userId, (list = []));
      list.push({ itemId: pair.itemId, row });
    });
    const predictions = new Array<number>(pairs.length).fill(this.globalMean);
    for (const [userId, list] of byUser) {
      const user = this.data.userIndex.get(userId);
      const scores = this.scoreQuery({ user, history: user === undefined ? [] : (this.data.histories[user] ?? []) });
      for (const { itemId, row } of list) {
        const item = this.data.itemIndex.get(itemId);
        const value = item === undefined ? this.globalMean + 0 : (scores[item] as number);
        predictions[row] = Math.min(range[1], Math.max(range[0], value));
      }
    }
    return predictions;
  }

  /** RMSE and MAE over rating interactions. */
  evaluate(interactions: readonly Interaction[]): { rmse: number; mae: number } {
    return evaluateRatings(this, interactions);
  }

  protected exportState(): { config: Record<string, unknown>; weights: WeightMap } {
    return { config: { ...this.options, globalMean: this.globalMean }, weights: this.snapshot() };
  }

  protected importState(state: { config: Record<string, unknown>; weights: WeightMap }): void {
    checkVocabulary(this.data);
    // Every check before anything is replaced: a failed load leaves the model as it was.
    const { globalMean, ...settings } = checkedSettings(this.name, savedSchema, defaults, state.config, 'config');
    const d = settings.dimension;
    const users = this.data.userIds.length;
    const items = this.data.itemIds.length;
    const weights = weightsOfShapes(state.weights, { userFactors: [users, d], itemFactors: [items, d], implicitFactors: [items, d], userBias: [users], itemBias: [items] });
    Object.assign(this.options, settings);
    this.globalMean = globalMean;
    this.variablesFromWeights(weights);
  }
}
