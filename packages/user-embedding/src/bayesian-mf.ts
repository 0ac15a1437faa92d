import { z } from 'zod';
import { createRandom, PersonalabError, type FitOptions, type Random, type TrainingData } from '@personalab/core';
import { BaseRecommender, type ScoringQuery } from './base-recommender.js';
import { createEventLoopYield } from './event-loop-yield.js';
import { meanRating, predictThroughScores, type RatingPair, type RatingPredictor } from './rating-prediction.js';
import { checkVocabulary, weightOfShape, type WeightMap } from './weights-io.js';
import { checkedSettings, countSetting, nonNegativeSetting, seedSetting } from './settings-check.js';

export interface BayesianMfOptions {
  /** Latent factors (each side also carries a bias, sampled jointly with its factors). */
  dimension?: number;
  /** Gibbs sweeps discarded before averaging. */
  burnIn?: number;
  /** Gibbs sweeps averaged into the posterior-mean prediction. */
  samples?: number;
  /** Standard deviation of the initial factors. */
  initialScale?: number;
  /**
   * SVD++-style implicit feedback (Koren 2008) inside the sampler: the user factor becomes
   * p_u + |N(u)|^-1/2 Σ_{j∈N(u)} y_j over the items N(u) the user rated in training, and every y_j
   * is drawn from its Gaussian conditional too.
   */
  implicit?: boolean;
  seed?: number;
  log?: (line: string) => void;
}

const defaults = { dimension: 10, burnIn: 30, samples: 200, initialScale: 0.1, implicit: false, seed: 42 };

/** The settings as given or as saved in `model.json` (`checkedSettings`). */
const settingsSchema = z.object({
  dimension: countSetting(1),
  burnIn: countSetting(0),
  samples: countSetting(1),
  initialScale: nonNegativeSetting,
  implicit: z.boolean(),
  seed: seedSetting,
} satisfies Record<keyof typeof defaults, z.ZodType>);
/** A saved `model.json`'s config: the settings, the training ratings' mean, and the noise level (NaN, saved as null, if never sampled). */
const savedSchema = settingsSchema.extend({ globalMean: z.number(), noiseStd: z.number().nullable().optional() });

/**
 * Bayesian probabilistic matrix factorisation (Salakhutdinov & Mnih 2008) fitted by Gibbs sampling,
 * in plain TypeScript: r ~ N(μ + b_u + b_i + p_u·q_i, 1/α). Each user's [p_u, b_u] (and each item's
 * [q_i, b_i]) is drawn from its Gaussian conditional; the per-dimension prior means and precisions
 * have Normal-Gamma hyperpriors and α a Gamma prior (libFM's MCMC choice: diagonal rather than
 * Wishart, one Gamma per dimension). Nothing is tuned on validation data: the prediction is the
 * average over `samples` draws, which is what keeps this model from overfitting 100K ratings.
 * The posterior-mean rating of every (known user, item) is kept as a dense matrix; a new user
 * (history only) gets the posterior-mean item baseline. It cannot read a history: a known user is scored from
 * that matrix whatever history comes with them (`scoreQuery`).
 */
export class BayesianMfRecommender extends BaseRecommender implements RatingPredictor {
  readonly name = 'bayesian-mf';
  readonly options: typeof defaults;
  private readonly log: (line: string) => void;
  private globalMean = 0;
  /** Row-major users × items posterior-mean predictions. */
  private meanPrediction: Float32Array = new Float32Array(0);
  /** Posterior-mean item baseline μ + b_i (+ the mean user bias), for users given by history only. */
  private itemBaseline: Float32Array = new Float32Array(0);
  /** Posterior mean of the noise standard deviation 1/√α, for the record. */
  noiseStd = Number.NaN;

  constructor(options: BayesianMfOptions = {}) {
    super();
    const { log, ...rest } = options;
    this.options = checkedSettings(this.name, settingsSchema, defaults, rest, 'options');
    this.log = log ?? (() => undefined);
  }

  protected async fitModel(data: TrainingData, options: FitOptions): Promise<void> {
    const { dimension, burnIn, samples, initialScale } = this.options;
    if (!(dimension >= 1 && samples >= 1 && burnIn >= 0)) throw new PersonalabError('invalid_argument', `${this.name}: dimension and samples must be >= 1, burnIn >= 0`);
    const random = createRandom(options.seed ?? this.options.seed);
    const matrix = this.adoptTrainingData(data);
    const users = matrix.userIds.length;
    const items = matrix.itemIds.length;
    const mean = meanRating(data.interactions);
    this.globalMean = mean;
    // Ratings by user (from the matrix) and by item (transposed here), centred on the global mean.
    const byItem: { users: number[]; values: number[] }[] = Array.from({ length: items }, () => ({ users: [], values: [] }));
    let ratings = 0;
    matrix.histories.forEach((history, user) =>
      history.forEach((item, index) => {
        const list = byItem[item] as { users: number[]; values: number[] };
        list.users.push(user);
        list.values.push((matrix.values[user]?.[index] ?? mean) - mean);
        ratings += 1;
      }),
    );
    const byUser = matrix.histories.map((history, user) => ({ items: history, values: (matrix.values[user] ?? []).map((value) => value - mean) }));
    const width = dimension + 1;
    const userState = initialState(users, width, dimension, initialScale, random);
    const itemState = initialState(items, width, dimension, initialScale, random);
    const userPrior = { mean: new Float64Array(width), precision: new Float64Array(width).fill(1) };
    const itemPrior = { mean: new Float64Array(width), precision: new Float64Array(width).fill(1) };
    const workspace = new GaussianWorkspace(width);
    const accumulated = new Float64Array(users * items);
    const baseline = new Float64Array(items);
    // Implicit part: y_j per item, S_u = |N(u)|^-1/2 Σ y_j per user, and the user factors with S_u added.
    const implicit = this.options.implicit ? new ImplicitFeedback(matrix.histories, items, dimension, initialScale, random) : undefined;
    const effectiveUsers = implicit ? new Float64Array(users * width) : userState;
    const userLists = byUser.map((entry) => ({ others: entry.items, values: entry.values }));
    const itemLists = byItem.map((entry) => ({ others: entry.users, values: entry.values }));
    let alpha = 1;
    let noiseSum = 0;
    const yieldTurn = createEventLoopYield();
    for (let sweep = 0; sweep < burnIn + samples; sweep++) {
      await yieldTurn();
      if (options.signal?.aborted) throw new PersonalabError('cancelled', `${this.name}: training cancelled`);
      sampleHyperprior(userState, users, width, userPrior, random);
      sampleSide(userState, itemState, width, dimension, userLists, userPrior, alpha, workspace, random, implicit?.userSums);
      if (implicit) implicit.effectiveUsers(userState, effectiveUsers, width);
      sampleHyperprior(itemState, items, width, itemPrior, random);
      sampleSide(itemState, effectiveUsers, width, dimension, itemLists, itemPrior, alpha, workspace, random);
      if (implicit) {
        implicit.sample(effectiveUsers, itemState, width, byUser, alpha, random);
        implicit.effectiveUsers(userState, effectiveUsers, width);
      }
      // α | residuals ~ Gamma(shape (1 + n)/2, rate (1 + Σe²)/2).
      let squared = 0;
      byUser.forEach((entry, user) => {
        entry.items.forEach((item, index) => {
          const error = (entry.values[index] as number) - predictOne(effectiveUsers, itemState, width, dimension, user, item);
          squared += error * error;
        });
      });
      alpha = sampleGamma(random, (1 + ratings) / 2, (1 + squared) / 2);
      if (sweep < burnIn) continue;
      noiseSum += 1 / Math.sqrt(alpha);
      accumulatePredictions(accumulated, effectiveUsers, itemState, users, items, width, dimension);
      for (let item = 0; item < items; item++) baseline[item] = (baseline[item] as number) + (itemState[item * width + dimension] as number) + (userPrior.mean[dimension] as number);
      if ((sweep - burnIn + 1) % 50 === 0) this.log(`${this.name}: sample ${sweep - burnIn + 1}/${samples}, noise std ${(1 / Math.sqrt(alpha)).toFixed(4)}`);
    }
    this.noiseStd = noiseSum / samples;
    this.meanPrediction = Float32Array.from(accumulated, (value) => mean + value / samples);
    this.itemBaseline = Float32Array.from(baseline, (value) => mean + value / samples);
  }

  /**
   * A known user's posterior-mean predictions, whatever history comes with them (`ScoringQuery.knownUser` too); the
   * item baseline for a history-only user. It cannot read a history: it keeps the averaged predictions of its
   * training users, not the sampled factors a fold-in would need.
   */
  scoreQuery(query: ScoringQuery): Float32Array {
    const items = this.data.itemIds.length;
    const user = query.user ?? query.knownUser;
    if (user === undefined) return Float32Array.from(this.itemBaseline);
    return this.meanPrediction.slice(user * items, (user + 1) * items);
  }

  predict(pairs: readonly RatingPair[], range: readonly [number, number] = [1, 5]): number[] {
    return predictThroughScores(this, pairs, this.globalMean, range);
  }

  protected exportState(): { config: Record<string, unknown>; weights: WeightMap } {
    const users = this.data.userIds.length;
    const items = this.data.itemIds.length;
    return {
      config: { ...this.options, globalMean: this.globalMean, noiseStd: this.noiseStd },
      weights: { meanPrediction: { shape: [users, items], values: this.meanPrediction }, itemBaseline: { shape: [items], values: this.itemBaseline } },
    };
  }

  protected importState(state: { config: Record<string, unknown>; weights: WeightMap }): void {
    checkVocabulary(this.data);
    const users = this.data.userIds.length;
    const items = this.data.itemIds.length;
    const meanPrediction = weightOfShape(state.weights, 'meanPrediction', [users, items]);
    const itemBaseline = weightOfShape(state.weights, 'itemBaseline', [items]);
    const { globalMean, noiseStd, ...settings } = checkedSettings(this.name, savedSchema, defaults, state.config, 'config');
    Object.assign(this.options, settings);
    this.globalMean = globalMean;
    this.noiseStd = noiseStd ?? Number.NaN;
    this.meanPrediction = meanPrediction;
    this.itemBaseline = itemBaseline;
  }

}

/** Rows of [factors..., bias]; factors start small and random, biases at 0. */
function initialState(rows: number, width: number, dimension: number, scale: number, random: Random): Float64Array {
  const state = new Float64Array(rows * width);
  for (let row = 0; row < rows; row++) for (let f = 0; f < dimension; f++) state[row * width + f] = scale * random.normal();
  return state;
}

/** accumulated[u, i] += p_u·q_i + b_u + b_i for every pair (the hot loop of the sampler: kept flat). */
function accumulatePredictions(accumulated: Float64Array, userState: Float64Array, itemState: Float64Array, users: number, items: number, width: number, dimension: number): void {
  for (let user = 0; user < users; user++) {
    const userOffset = user * width;
    const userBias = userState[userOffset + dimension] as number;
    let cell = user * items;
    for (let item = 0; item < items; item++, cell++) {
      const itemOffset = item * width;
      let value = userBias + (itemState[itemOffset + dimension] as number);
      for (let f = 0; f < dimension; f++) value += (userState[userOffset + f] as number) * (itemState[itemOffset + f] as number);
      accumulated[cell] = (accumulated[cell] as number) + value;
    }
  }
}

/** Centred prediction p_u·q_i + b_u + b_i. */
function predictOne(userState: Float64Array, itemState: Float64Array, width: number, dimension: number, user: number, item: number, userOffset = user * width): number {
  const itemOffset = item * width;
  let value = (userState[userOffset + dimension] as number) + (itemState[itemOffset + dimension] as number);
  for (let f = 0; f < dimension; f++) value += (userState[userOffset + f] as number) * (itemState[itemOffset + f] as number);
  return value;
}

/**
 * Normal-Gamma hyperprior per dimension (μ0 = 0, γ = 1, α0 = β0 = 1):
 * λ_f ~ Gamma((1 + n + 1)/2, (1 + Σ(x − x̄)² + n·x̄²/(n + 1))/2), m_f ~ N(Σx/(n + 1), 1/((n + 1)λ_f)).
 */
function sampleHyperprior(state: Float64Array, rows: number, width: number, prior: { mean: Float64Array; precision: Float64Array }, random: Random): void {
  for (let f = 0; f < width; f++) {
    let sum = 0;
    for (let row = 0; row < rows; row++) sum += state[row * width + f] as number;
    const average = sum / Math.max(1, rows);
    let spread = 0;
    for (let row = 0; row < rows; row++) spread += ((state[row * width + f] as number) - average) ** 2;
    const precision = sampleGamma(random, (2 + rows) / 2, (1 + spread + (rows * average * average) / (rows + 1)) / 2);
    prior.precision[f] = precision;
    prior.mean[f] = sum / (rows + 1) + random.normal() / Math.sqrt((rows + 1) * precision);
  }
}

/**
 * Draws every row of one side from its conditional given the other side: the row's [factors, bias]
 * has precision diag(λ) + α Σ z zᵀ and mean A⁻¹(λ∘m + α Σ z t), with z = [other factors, 1] and
 * t = the centred rating minus the other side's bias (and minus `rowShift`_row·z when given).
 */
function sampleSide(
  state: Float64Array,
  other: Float64Array,
  width: number,
  dimension: number,
  lists: readonly { others: readonly number[]; values: readonly number[] }[],
  prior: { mean: Float64Array; precision: Float64Array },
  alpha: number,
  workspace: GaussianWorkspace,
  random: Random,
  rowShift?: Float64Array,
): void {
  const { precision, vector, z } = workspace;
  lists.forEach((list, row) => {
    precision.fill(0);
    for (let f = 0; f < width; f++) {
      precision[f * width + f] = prior.precision[f] as number;
      vector[f] = (prior.precision[f] as number) * (prior.mean[f] as number);
    }
    list.others.forEach((index, position) => {
      const offset = index * width;
      for (let f = 0; f < dimension; f++) z[f] = other[offset + f] as number;
      z[dimension] = 1;
      let target = (list.values[position] as number) - (other[offset + dimension] as number);
      // With implicit feedback the user side's fixed part S_u·q_i leaves the target.
      if (rowShift) for (let f = 0; f < dimension; f++) target -= (rowShift[row * dimension + f] as number) * (z[f] as number);
      for (let a = 0; a < width; a++) {
        const za = alpha * (z[a] as number);
        vector[a] = (vector[a] as number) + za * target;
        for (let b = 0; b <= a; b++) precision[a * width + b] = (precision[a * width + b] as number) + za * (z[b] as number);
      }
    });
    workspace.sample(random);
    const offset = row * width;
    for (let f = 0; f < width; f++) state[offset + f] = workspace.result[f] as number;
  });
}

/**
 * The implicit-feedback block of the sampler. y_j enters every rating (u, i) with j ∈ N(u) through
 * |N(u)|^-1/2 y_j·q_i, so its conditional precision is diag(λ) + α Σ_{u∋j} G_u / |N(u)| with
 * G_u = Σ_{i∈N(u)} q_i q_iᵀ, and its mean uses g_u = Σ_i q_i e_ui; both are per-user caches,
 * and g_u is updated after each y_j draw, so a sweep costs O(ratings × d²).
 */
class ImplicitFeedback {
  readonly factors: Float64Array;
  /** S_u = |N(u)|^-1/2 Σ_{j∈N(u)} y_j, row-major users × d. */
  readonly userSums: Float64Array;
  private readonly raters: number[][];
  private readonly scales: Float64Array;
  private readonly prior: { mean: Float64Array; precision: Float64Array };
  private readonly workspace: GaussianWorkspace;

  constructor(
    private readonly histories: readonly number[][],
    private readonly items: number,
    private readonly dimension: number,
    scale: number,
    random: Random,
  ) {
    this.factors = new Float64Array(items * dimension);
    for (let index = 0; index < this.factors.length; index++) this.factors[index] = scale * random.normal();
    this.raters = Array.from({ length: items }, () => []);
    histories.forEach((history, user) => new Set(history).forEach((item) => (this.raters[item] as number[]).push(user)));
    this.scales = Float64Array.from(histories, (history) => (history.length > 0 ? 1 / Math.sqrt(new Set(history).size) : 0));
    this.userSums = new Float64Array(histories.length * dimension);
    this.prior = { mean: new Float64Array(dimension), precision: new Float64Array(dimension).fill(1) };
    this.workspace = new GaussianWorkspace(dimension);
    this.recomputeSums();
  }

  private recomputeSums(): void {
    const d = this.dimension;
    this.userSums.fill(0);
    this.histories.forEach((history, user) => {
      const scale = this.scales[user] as number;
      for (const item of new Set(history)) for (let f = 0; f < d; f++) this.userSums[user * d + f] = (this.userSums[user * d + f] as number) + scale * (this.factors[item * d + f] as number);
    });
  }

  /** effective[u] = [p_u + S_u, b_u]. */
  effectiveUsers(userState: Float64Array, effective: Float64Array, width: number): void {
    const d = this.dimension;
    for (let user = 0; user < this.histories.length; user++) {
      for (let f = 0; f < d; f++) effective[user * width + f] = (userState[user * width + f] as number) + (this.userSums[user * d + f] as number);
      effective[user * width + d] = userState[user * width + d] as number;
    }
  }

  /** Draws the hyperprior and every y_j given the rest (`effectiveUsers` must be current). */
  sample(effectiveUsers: Float64Array, itemState: Float64Array, width: number, byUser: readonly { items: readonly number[]; values: readonly number[] }[], alpha: number, random: Random): void {
    const d = this.dimension;
    sampleHyperprior(this.factors, this.items, d, this.prior, random);
    const users = this.histories.length;
    const grams = new Float64Array(users * d * d);
    const gradients = new Float64Array(users * d);
    byUser.forEach((entry, user) => {
      const gramOffset = user * d * d;
      entry.items.forEach((item, index) => {
        const error = (entry.values[index] as number) - predictOne(effectiveUsers, itemState, width, d, user, item);
        const itemOffset = item * width;
        for (let a = 0; a < d; a++) {
          const qa = itemState[itemOffset + a] as number;
          gradients[user * d + a] = (gradients[user * d + a] as number) + qa * error;
          for (let b = 0; b <= a; b++) grams[gramOffset + a * d + b] = (grams[gramOffset + a * d + b] as number) + qa * (itemState[itemOffset + b] as number);
        }
      });
      // Mirror the lower triangle so G_u·δ below can read whole rows.
      for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) grams[gramOffset + a * d + b] = grams[gramOffset + b * d + a] as number;
    });
    const { precision, vector, result } = this.workspace;
    const old = new Float64Array(d);
    for (let item = 0; item < this.items; item++) {
      const raters = this.raters[item] as number[];
      const itemOffset = item * d;
      for (let f = 0; f < d; f++) old[f] = this.factors[itemOffset + f] as number;
      precision.fill(0);
      for (let f = 0; f < d; f++) {
        precision[f * d + f] = this.prior.precision[f] as number;
        vector[f] = (this.prior.precision[f] as number) * (this.prior.mean[f] as number);
      }
      for (const user of raters) {
        const scale = this.scales[user] as number;
        const gramOffset = user * d * d;
        for (let a = 0; a < d; a++) {
          // Residuals with y_j's own contribution added back: g_u + scale · G_u y_j.
          let gy = 0;
          for (let b = 0; b < d; b++) gy += (grams[gramOffset + a * d + b] as number) * (old[b] as number);
          vector[a] = (vector[a] as number) + alpha * scale * ((gradients[user * d + a] as number) + scale * gy);
          for (let b = 0; b <= a; b++) precision[a * d + b] = (precision[a * d + b] as number) + alpha * scale * scale * (grams[gramOffset + a * d + b] as number);
        }
      }
      this.workspace.sample(random);
      for (let f = 0; f < d; f++) this.factors[itemOffset + f] = result[f] as number;
      // The residuals of the raters move with y_j: g_u −= scale · G_u (y_new − y_old).
      for (const user of raters) {
        const scale = this.scales[user] as number;
        const gramOffset = user * d * d;
        for (let a = 0; a < d; a++) {
          let change = 0;
          for (let b = 0; b < d; b++) change += (grams[gramOffset + a * d + b] as number) * ((result[b] as number) - (old[b] as number));
          gradients[user * d + a] = (gradients[user * d + a] as number) - scale * change;
        }
      }
    }
    this.recomputeSums();
  }
}

/** Scratch space for drawing x ~ N(A⁻¹b, A⁻¹) from the lower triangle of A and b via Cholesky. */
class GaussianWorkspace {
  readonly precision: Float64Array;
  readonly vector: Float64Array;
  readonly z: Float64Array;
  readonly result: Float64Array;
  private readonly scratch: Float64Array;

  constructor(private readonly width: number) {
    this.precision = new Float64Array(width * width);
    this.vector = new Float64Array(width);
    this.z = new Float64Array(width);
    this.result = new Float64Array(width);
    this.scratch = new Float64Array(width);
  }

  sample(random: Random): void {
    const n = this.width;
    const a = this.precision;
    // In-place Cholesky A = L Lᵀ on the lower triangle.
    for (let j = 0; j < n; j++) {
      let diagonal = a[j * n + j] as number;
      for (let k = 0; k < j; k++) diagonal -= (a[j * n + k] as number) ** 2;
      if (!(diagonal > 0)) throw new PersonalabError('internal', 'bayesian-mf: conditional precision is not positive definite');
      const root = Math.sqrt(diagonal);
      a[j * n + j] = root;
      for (let i = j + 1; i < n; i++) {
        let value = a[i * n + j] as number;
        for (let k = 0; k < j; k++) value -= (a[i * n + k] as number) * (a[j * n + k] as number);
        a[i * n + j] = value / root;
      }
    }
    // Mean: L y = b, then Lᵀ μ = y; the draw adds L⁻ᵀ ε, so solve Lᵀ x = y + ε in one pass.
    const y = this.scratch;
    for (let i = 0; i < n; i++) {
      let value = this.vector[i] as number;
      for (let k = 0; k < i; k++) value -= (a[i * n + k] as number) * (y[k] as number);
      y[i] = value / (a[i * n + i] as number);
    }
    for (let i = 0; i < n; i++) y[i] = (y[i] as number) + random.normal();
    const x = this.result;
    for (let i = n - 1; i >= 0; i--) {
      let value = y[i] as number;
      for (let k = i + 1; k < n; k++) value -= (a[k * n + i] as number) * (x[k] as number);
      x[i] = value / (a[i * n + i] as number);
    }
  }
}

/** Gamma(shape, rate) by Marsaglia & Tsang (2000); shape < 1 through the shape + 1 boost. */
export function sampleGamma(random: Random, shape: number, rate: number): number {
  if (shape < 1) return sampleGamma(random, shape + 1, rate) * random.next() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x = 0;
    let v = 0;
    do {
      x = random.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random.next();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
  }
}
