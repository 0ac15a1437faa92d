import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { createRandom, type FitOptions, type TrainingData } from '@personalab/core';
import { matMulTransposeFree } from './fast-matmul.js';
import type { ScoringQuery } from './base-recommender.js';
import { evaluateRatings, meanRating, predictThroughScores, type RatingPair, type RatingPredictor } from './rating-prediction.js';
import { TfRecommender } from './tf-recommender.js';
import { runTrainingLoop, type TrainingSummary } from './training-loop.js';
import { checkVocabulary, weightOfShape, weightsOfShapes, type WeightMap } from './weights-io.js';
import { checkedSettings, countSetting, nonNegativeSetting, positiveSetting, seedSetting, patienceSetting } from './settings-check.js';

export interface AutoRecOptions {
  /** Hidden units (sigmoid). */
  hidden?: number;
  /** Maximum epochs (one pass over all items). */
  epochs?: number;
  /** Items per step. */
  itemsPerBatch?: number;
  learningRate?: number;
  /** λ of the objective Σ_observed (r − r̂)² + λ/2 (‖V‖² + ‖W‖²). */
  l2?: number;
  /** Epochs without a validation improvement before stopping. */
  patience?: number;
  seed?: number;
}

const defaults: Required<AutoRecOptions> = { hidden: 500, epochs: 200, itemsPerBatch: 64, learningRate: 1e-3, l2: 10, patience: 8, seed: 42 };

/** The settings as given or as saved in `model.json` (`checkedSettings`). */
const settingsSchema = z.object({
  hidden: countSetting(1),
  epochs: countSetting(0),
  itemsPerBatch: countSetting(1),
  learningRate: positiveSetting,
  l2: nonNegativeSetting,
  patience: patienceSetting(0),
  seed: seedSetting,
} satisfies Record<keyof AutoRecOptions, z.ZodType>);
/** A saved `model.json`'s config: the settings and the training ratings' mean. */
const savedSchema = settingsSchema.extend({ globalMean: z.number() });

/**
 * I-AutoRec (Sedhain et al. 2015) in tfjs: each item's vector of ratings by all users is encoded
 * into `hidden` sigmoid units and decoded linearly, r̂_i = W σ(V r_i + μ) + b, trained with Adam
 * on the squared error of the observed entries only plus L2 weight decay; early stopping on
 * validation RMSE. A user's predicted rating of item i is entry u of item i's reconstruction, so
 * the whole items × users reconstruction is computed once after training and kept.
 * Items without training ratings and users given only by a history get the global mean. It cannot read a history
 * (see `scoreQuery`): a known user is scored from their training ratings whatever history comes with them.
 */
export class AutoRecRecommender extends TfRecommender implements RatingPredictor {
  readonly name = 'autorec';
  readonly options: Required<AutoRecOptions>;
  summary: TrainingSummary | undefined;
  private globalMean = 0;
  /** Row-major items × users: observed training ratings (0 = missing). */
  private ratings: Float32Array = new Float32Array(0);
  /** Row-major users × items reconstruction (clipped later, at prediction). */
  private reconstruction: Float32Array = new Float32Array(0);
  /** Items with at least one training rating. */
  private ratedItems = new Uint8Array(0);

  constructor(options: AutoRecOptions = {}) {
    super();
    this.options = checkedSettings(this.name, settingsSchema, defaults, options, 'options');
  }

  protected async fitModel(data: TrainingData, options: FitOptions): Promise<void> {
    const settings = this.options;
    const seed = options.seed ?? settings.seed;
    const matrix = this.adoptTrainingData(data);
    this.globalMean = meanRating(data.interactions);
    this.fillRatings();
    const users = matrix.userIds.length;
    const items = matrix.itemIds.length;
    const trainable = [...Array(items).keys()].filter((item) => this.ratedItems[item] === 1);
    // Glorot-uniform encoder and decoder, zero biases.
    const limit = Math.sqrt(6 / (users + settings.hidden));
    this.setVariables({
      encoder: tf.randomUniform([users, settings.hidden], -limit, limit, 'float32', seed),
      encoderBias: tf.zeros([settings.hidden]),
      decoder: tf.randomUniform([settings.hidden, users], -limit, limit, 'float32', seed + 1),
      decoderBias: tf.zeros([users]),
    });
    const validation = options.validation ?? [];
    const stepsPerEpoch = Math.max(1, Math.ceil(trainable.length / settings.itemsPerBatch));
    const optimizer = tf.train.adam(settings.learningRate);
    const decayPerStep = settings.l2 / 2 / stepsPerEpoch;
    let best: WeightMap | undefined;
    let order: number[] = [];
    try {
      this.summary = await runTrainingLoop({
        ...this.loopSettings(settings, options),
        stepsPerEpoch,
        examplesPerStep: Math.round(matrix.histories.reduce((sum, history) => sum + history.length, 0) / stepsPerEpoch),
        metricName: 'valNegRmse',
        step: (epoch, step) => {
          if (step === 0) order = createRandom(seed * 7919 + epoch + 1).shuffle([...trainable]);
          const batch = order.slice(step * settings.itemsPerBatch, (step + 1) * settings.itemsPerBatch);
          const input = new Float32Array(batch.length * users);
          batch.forEach((item, row) => input.set(this.ratings.subarray(item * users, (item + 1) * users), row * users));
          const ratings = tf.tensor2d(input, [batch.length, users]);
          const loss = optimizer.minimize(() => {
            const mask = tf.cast(tf.notEqual(ratings, 0), 'float32');
            const output = this.forward(ratings);
            const squaredError = tf.sum(tf.mul(mask, tf.square(tf.sub(output, ratings))));
            // The weight decay of the whole objective, spread evenly over an epoch's steps.
            const decay = tf.mul(decayPerStep, tf.add(tf.sum(tf.square(this.variable('encoder'))), tf.sum(tf.square(this.variable('decoder')))));
            return tf.div(tf.add(squaredError, decay), Math.max(1, batch.length)) as tf.Scalar;
          }, true);
          const value = loss?.dataSync()[0] ?? Number.NaN;
          tf.dispose([loss as tf.Tensor, ratings]);
          return value;
        },
        ...(validation.length > 0
          ? {
              validate: () => {
                this.reconstruct();
                return -evaluateRatings(this, validation).rmse;
              },
            }
          : {}),
        onImprovement: () => {
          if (validation.length > 0) best = this.snapshot();
        },
      });
    } finally {
      optimizer.dispose();
    }
    if (best) this.restore(best);
    this.reconstruct();
  }

  /** r̂ = W σ(V r + μ) + b for a batch of item rows [batch, users]. */
  private forward(ratings: tf.Tensor2D): tf.Tensor2D {
    const hidden = tf.sigmoid(tf.add<tf.Tensor2D>(matMulTransposeFree(ratings, this.variable('encoder') as tf.Tensor2D), this.variable('encoderBias')));
    return tf.add(matMulTransposeFree(hidden, this.variable('decoder') as tf.Tensor2D), this.variable('decoderBias'));
  }

  private fillRatings(): void {
    const matrix = this.data;
    const users = matrix.userIds.length;
    this.ratings = new Float32Array(matrix.itemIds.length * users);
    this.ratedItems = new Uint8Array(matrix.itemIds.length);
    matrix.histories.forEach((history, user) =>
      history.forEach((item, index) => {
        this.ratings[item * users + user] = matrix.values[user]?.[index] ?? 0;
        this.ratedItems[item] = 1;
      }),
    );
  }

  /** Recomputes the users × items reconstruction from the current weights. */
  private reconstruct(): void {
    const users = this.data.userIds.length;
    const items = this.data.itemIds.length;
    const transposed = tf.tidy(() => tf.transpose(this.forward(tf.tensor2d(this.ratings, [items, users]))));
    this.reconstruction = transposed.dataSync() as Float32Array;
    transposed.dispose();
    for (let item = 0; item < items; item++) {
      if (this.ratedItems[item] === 1) continue;
      for (let user = 0; user < users; user++) this.reconstruction[user * items + item] = this.globalMean;
    }
  }

  /**
   * A known user's row of the reconstruction, whatever history comes with them (`ScoringQuery.knownUser` too); the
   * global mean for a history-only user. I-AutoRec cannot read a history: a user is an output unit, and their
   * rating of item j enters only item j's input, so no history moves their scores of other items.
   */
  scoreQuery(query: ScoringQuery): Float32Array {
    const items = this.data.itemIds.length;
    const user = query.user ?? query.knownUser;
    if (user === undefined) return new Float32Array(items).fill(this.globalMean);
    return this.reconstruction.slice(user * items, (user + 1) * items);
  }

  predict(pairs: readonly RatingPair[], range: readonly [number, number] = [1, 5]): number[] {
    return predictThroughScores(this, pairs, this.globalMean, range);
  }

  protected exportState(): { config: Record<string, unknown>; weights: WeightMap } {
    return { config: { ...this.options, globalMean: this.globalMean }, weights: { ...this.snapshot(), ratings: { shape: [this.data.itemIds.length, this.data.userIds.length], values: this.ratings } } };
  }

  protected importState(state: { config: Record<string, unknown>; weights: WeightMap }): void {
    checkVocabulary(this.data);
    const users = this.data.userIds.length;
    const items = this.data.itemIds.length;
    // Every check before anything is replaced: a failed load leaves the model as it was.
    const { globalMean, ...settings } = checkedSettings(this.name, savedSchema, defaults, state.config, 'config');
    const hidden = settings.hidden;
    const ratings = weightOfShape(state.weights, 'ratings', [items, users]);
    const variables = weightsOfShapes(state.weights, { encoder: [users, hidden], encoderBias: [hidden], decoder: [hidden, users], decoderBias: [users] });
    Object.assign(this.options, settings);
    this.globalMean = globalMean;
    this.ratings = ratings;
    // Rated as `fillRatings` marks them, from the histories: read off non-zero ratings, an item rated only 0 (a 0-to-5
    // scale, an event of weight 0) had loaded as unrated and scored the global mean instead of its reconstruction.
    this.ratedItems = new Uint8Array(items);
    for (const history of this.data.histories) for (const item of history) this.ratedItems[item] = 1;
    this.variablesFromWeights(variables);
    this.reconstruct();
  }
}
