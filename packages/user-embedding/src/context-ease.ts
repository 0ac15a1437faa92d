import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { createRandom, formatZodError, PersonalabError, type FitOptions, type Interaction, type TrainingData } from '@personalab/core';
import type { ScoringQuery } from './base-recommender.js';
import { addPageRows, eventsByUser, gramMatrix, solveEase } from './ease.js';
import type { InteractionMatrix } from './interaction-matrix.js';
import { fitLowPass, type LowPassFilter, lowPassScores } from './low-pass.js';
import { addRowsFloat32, addRowsFloat64 } from './row-sums.js';
import { TfRecommender } from './tf-recommender.js';
import { heldOutByUser, rankedNdcg, validationNdcg } from './validation.js';
import { topK } from './top-k.js';
import { runTrainingLoop, type TrainingSummary } from './training-loop.js';
import { checkVocabulary, weightsOfShapes, type WeightMap } from './weights-io.js';
import { checkedSettings, patienceSetting } from './settings-check.js';
import { zScoreInPlace } from './z-score.js';

export interface ContextEaseOptions {
  /** EASE's L2 weight λ for the item-item component. */
  easeLambda?: number;
  /**
   * Candidates for λ, chosen by the epoch-0 model's (page-augmented EASE's) NDCG@10: on `FitOptions.validation`
   * when given (as `EaseRecommender` chooses), otherwise on the inner holdout before the combiner is trained;
   * empty: `easeLambda`. The page rows add to the Gram matrix's diagonal, so plain EASE's λ is not the augmented one's.
   */
  easeLambdas?: readonly number[];
  /**
   * Weight α of the page rows added to EASE's Gram matrix: XᵀX + α·SᵀS, where each row of S is one page,
   * the items one user rated in the same second (0 = plain EASE).
   */
  pageWeight?: number;
  /** Two ratings of one user this close in time (seconds) count as one rating session ("page" component). */
  sessionSeconds?: number;
  /** Share of each user's items held out to train the combiner (inputs are the rest). */
  holdout?: number;
  /** Share of users whose held-out items decide early stopping instead of training the combiner. */
  stoppingUsers?: number;
  /**
   * Share of users kept out of both training and early stopping: on them the learned model must beat its
   * epoch-0 form (the page-augmented EASE) by `gateZ` standard errors of the paired per-user NDCG@10
   * difference, or epoch 0 is kept. The best epoch is picked on a noisy holdout and its gain can be luck.
   */
  gateUsers?: number;
  /** Paired z threshold of the gate (0: no gate, keep the best epoch). */
  gateZ?: number;
  /**
   * Standardise each item-item component's scores per user (over the catalogue) before the combiner, so that
   * its weights compare rankings rather than scales that grow with history length.
   */
  normalisePerUser?: boolean;
  /** Hidden units of the combiner's MLP (0: linear combiner only). */
  hidden?: number;
  /** Give the combiner log popularity and log history length (a softmax loss leans on popularity). */
  contextFeatures?: boolean;
  /**
   * Time-period popularity input: ratings are binned into periods of this many days, and a known user's score
   * for an item gets log(1 + the item's ratings in the period of the user's median rating time) (0 = off;
   * users given by history only get 0).
   */
  timeBinDays?: number;
  /**
   * GF-CF's ideal low-pass filter (Shen et al. 2021) blended into the EASE input (part of the epoch-0 closed form
   * that λ selection and the gate compare against): per user, z(EASE scores) + `weight` · z(low-pass scores), z the
   * z-score over the catalogue, low-pass scores (x·D_I^-1/2)·V_k·V_kᵀ·D_I^1/2 with V_k the top-`rank` right singular
   * vectors of R̃ = D_U^-1/2·R·D_I^-1/2, R the binary user-item matrix, with one more row per page (items a user rated
   * in the same second, at least 2) when `withPages`. Weight 0 or rank 0: off, the model without it. The rank is
   * capped at R̃'s numerical rank (eigenvalues > 1e-8·θ₁) and at most `maxEigenBlock` (512) is accepted. The
   * eigensolver's seed is `seed` (the option, not `FitOptions.seed`); a fit that stops unconverged warns (console.warn).
   */
  lowPass?: Partial<ContextEaseLowPass>;
  /** Rank of a learned low-rank item-item residual x·U·Vᵀ added to the score (0 = none). */
  residualRank?: number;
  /** L2 weight on the residual factors. */
  residualL2?: number;
  /** Adam learning rate of the residual factors (the combiner uses `learningRate`): the residual overfits fast. */
  residualLearningRate?: number;
  epochs?: number;
  /** Users per step. */
  batchSize?: number;
  learningRate?: number;
  patience?: number;
  /**
   * Seed when `FitOptions.seed` is not given, and always the seed of the low-pass eigensolver's random start block:
   * `FitOptions.seed` seeds the inner split and the combiner only. The filter is the span of the top eigenvectors, so
   * the eigen seed only moves it within the solver's tolerance; the P1 results (split seeds 42, 7, 1) were all computed
   * with eigen seed 42, and passing the fit seed would change seeds 7 and 1 in the last digits.
   */
  seed?: number;
}

/** The low-pass settings of `ContextEaseOptions.lowPass`. */
export interface ContextEaseLowPass {
  rank: number;
  weight: number;
  withPages: boolean;
}

const share = z.number().min(0).max(1);
const count = z.number().int().nonnegative();
const positive = z.number().positive();
const lowPassSchema = z.object({ rank: count, weight: z.number().nonnegative(), withPages: z.boolean() } satisfies Record<keyof ContextEaseLowPass, z.ZodType>);
/** Every setting's type and range: `ContextEaseOptions` checked when built or loaded (`checkedSettings`), and as JSON gives them. */
const settingsShape = {
  easeLambda: positive,
  easeLambdas: z.array(positive),
  pageWeight: z.number().nonnegative(),
  sessionSeconds: z.number().nonnegative(),
  holdout: share,
  stoppingUsers: share,
  gateUsers: share,
  gateZ: z.number().nonnegative(),
  normalisePerUser: z.boolean(),
  hidden: count,
  contextFeatures: z.boolean(),
  timeBinDays: z.number().nonnegative(),
  lowPass: lowPassSchema,
  residualRank: count,
  residualL2: z.number().nonnegative(),
  residualLearningRate: positive,
  epochs: count,
  batchSize: z.number().int().positive(),
  learningRate: positive,
  patience: patienceSetting(1),
  seed: z.number().int().min(0).max(2 ** 32 - 1),
} satisfies Record<keyof ContextEaseOptions, z.ZodType>;
/** `ContextEaseOptions` as JSON may give them (a benchmark's `--variants`): every key known, every value of its type. */
const contextEaseOptionsSchema = z
  .object({ ...settingsShape, lowPass: lowPassSchema.partial().strict() })
  .partial()
  .strict();
/** `gateZ` may be infinite (never keep the learned epoch), which JSON saves as null. */
const infiniteGate = z.literal(Number.POSITIVE_INFINITY);
const settingsSchema = z.object({ ...settingsShape, gateZ: z.union([settingsShape.gateZ, infiniteGate]) });

/**
 * Checks options given as JSON (unknown keys, wrong types and out-of-range values refused, naming `where` and the key)
 * before any fit: a misspelt option would otherwise fit the default model, a string λ fail deep in the solver.
 */
export function parseContextEaseOptions(value: unknown, where: string): ContextEaseOptions {
  const parsed = contextEaseOptionsSchema.safeParse(value);
  if (!parsed.success) throw new PersonalabError('invalid_argument', `${where}: ${formatZodError(parsed.error)}`);
  // From JSON no key is present with the value undefined, which is all that zod's optional adds to the type.
  return parsed.data as ContextEaseOptions;
}

/** The options with every default filled in. */
export type ContextEaseSettings = Omit<Required<ContextEaseOptions>, 'lowPass'> & { lowPass: ContextEaseLowPass };

/** The numpy prototype's setting (experiments/movielens/numpy-check/graph_filters.py, P1 +1.3 % NDCG@10 there). */
const defaultLowPass: ContextEaseLowPass = { rank: 128, weight: 0.25, withPages: true };

const defaults: ContextEaseSettings = {
  easeLambda: 500,
  easeLambdas: [],
  pageWeight: 1,
  sessionSeconds: 60,
  holdout: 0.2,
  stoppingUsers: 0.3,
  gateUsers: 0.2,
  gateZ: 2,
  normalisePerUser: false,
  hidden: 0,
  contextFeatures: false,
  timeBinDays: 0,
  lowPass: defaultLowPass,
  residualRank: 32,
  residualL2: 1e-3,
  residualLearningRate: 0.003,
  epochs: 40,
  batchSize: 64,
  learningRate: 0.003,
  patience: 3,
  seed: 42,
};

/** Per (user, item) inputs of the combiner, in this order. */
export const contextEaseFeatures = ['ease', 'adjacent', 'session', 'logPopularity', 'logHistoryLength', 'timePopularity'] as const;
const featureCount = contextEaseFeatures.length;

/** A saved config: the settings, and the combiner's input standardisation. */
const savedSchema = z.object({
  ...settingsSchema.shape,
  gateZ: z.union([settingsShape.gateZ, z.null().transform(() => Number.POSITIVE_INFINITY)]),
  featureMean: z.array(z.number()).length(featureCount),
  featureStd: z.array(z.number()).length(featureCount),
});

/** The closed-form parts, all computed from one set of training interactions. */
interface Components {
  /** EASE item-item weights (from the page-augmented Gram matrix), n×n. */
  ease: Float32Array;
  /** Symmetric-normalised counts of items rated next to each other in users' time-ordered histories, n×n. */
  adjacent: Float32Array;
  /** Symmetric-normalised counts of items rated by one user within `sessionSeconds` of each other, n×n. */
  session: Float32Array;
  /** log(1 + training count) per item. */
  logPopularity: Float32Array;
  /** Per time period (row) and item: log(1 + ratings in that period); empty when `timeBinDays` is 0. */
  periodPopularity: Float32Array;
  /** Per known user: the period of their median rating time (−1: none). */
  userPeriod: Float32Array;
  /** The ideal low-pass filter blended into the EASE input; undefined when off. */
  lowPass: LowPassFilter | undefined;
}

/**
 * EASE with rating-session context, combined by a small learned tfjs scorer. MovieLens users rate in short
 * bursts, a page of films at a time (half of consecutive ratings share their timestamp), and a random split
 * leaves that order in the training part. Three closed-form item-item components are computed from the
 * training interactions: EASE's weights, items rated next to each other, and items rated within one session
 * (`sessionSeconds`). A user's score for an item is f(z), z = (history·EASE, history·adjacent,
 * history·session, log popularity, log history length), standardised, with f = linear + one-hidden-layer MLP,
 * learned with a multinomial (full softmax) loss over the catalogue: each user's items are split
 * `1 − holdout` / `holdout` (seeded), the components are computed from the input part only, the combiner
 * learns to rank the held-out part (input items masked out of the softmax), Adam, early stopping on NDCG@10
 * of held-out users. The components are then recomputed from all training interactions. With `lowPass` (default on),
 * the EASE input is z(EASE) + w·z(GF-CF ideal low-pass) per user, so epoch 0, and what the gate compares against,
 * is that blend.
 */
export class ContextEaseRecommender extends TfRecommender {
  readonly name = 'context-ease';
  readonly options: ContextEaseSettings;
  summary: TrainingSummary | undefined;
  /** Wall seconds of the last fit: to the end of the best epoch (closed forms on the input part included), and in all (refit included). */
  timings: { secondsToBest: number; totalSeconds: number } | undefined;
  /** λ → holdout NDCG@10 of the epoch-0 model, when `easeLambdas` was given. */
  lambdaSelection: { lambda: number; ndcg: number }[] = [];
  /** The gate of the last fit: gate users' NDCG@10 of epoch 0 and of the best epoch, the paired z, and which was kept. */
  gate: { users: number; baseNdcg: number; learnedNdcg: number; z: number; kept: 'learned' | 'epoch 0' } | undefined;
  private components: Components | undefined;
  /** Feature means and standard deviations (standardisation of z), from the data the components came from. */
  private featureMean = new Float32Array(featureCount);
  private featureStd = new Float32Array(featureCount).fill(1);
  /** `usesClosedForm`'s answer for the current variables (undefined: not read since they last changed). */
  private closedForm: boolean | undefined;

  constructor(options: ContextEaseOptions = {}) {
    super();
    const lowPass = { ...defaultLowPass, ...Object.fromEntries(Object.entries(options.lowPass ?? {}).filter(([, value]) => value !== undefined)) };
    this.options = checkedSettings(this.name, settingsSchema, defaults, { ...options, lowPass }, 'options');
  }

  protected async fitModel(data: TrainingData, options: FitOptions): Promise<void> {
    const settings = this.options;
    const seed = options.seed ?? settings.seed;
    const started = performance.now();
    // The low-pass filter of all training interactions, once computed: it depends on neither λ nor the combiner.
    let fullFilter: { filter: LowPassFilter | undefined } | undefined;
    if (options.validation && settings.easeLambdas.length > 1) {
      this.lambdaSelection = [];
      const matrix = this.adoptTrainingData(data);
      const validationUsers = heldOutByUser(matrix, options.validation);
      this.setVariables(this.initialVariables(matrix.itemIds.length, seed));
      // The low-pass filter does not depend on λ: one eigen-decomposition serves every candidate.
      const filter = lowPassFor(matrix, data.interactions, settings, 'all training interactions');
      fullFilter = { filter };
      for (const lambda of settings.easeLambdas) {
        // The epoch-0 combiner scores by the augmented EASE alone (with the low-pass blended in, when on).
        this.useClosedForms(matrix, data.interactions, { ...settings, easeLambda: lambda }, filter);
        this.lambdaSelection.push({ lambda, ndcg: validationNdcg(matrix, validationUsers, (queries) => this.scoreQueries(queries)) });
      }
      settings.easeLambda = this.lambdaSelection.reduce((a, b) => (b.ndcg > a.ndcg ? b : a)).lambda;
      if (settings.epochs === 0) {
        this.useClosedForms(matrix, data.interactions, settings, filter);
        this.finishWithoutTraining(started);
        return;
      }
    }
    const candidates = settings.easeLambdas.length > 0 && !options.validation ? settings.easeLambdas : [settings.easeLambda];
    if (settings.epochs === 0 && candidates.length === 1) {
      // Nothing to choose or train on the inner split: the epoch-0 model (the combiner passes the blended EASE score
      // through) on all training interactions, as with validation above. No summary: no holdout was scored.
      this.lambdaSelection = [];
      settings.easeLambda = candidates[0] as number;
      const matrix = this.adoptTrainingData(data);
      this.setVariables(this.initialVariables(matrix.itemIds.length, seed));
      this.useClosedForms(matrix, data.interactions, settings, lowPassFor(matrix, data.interactions, settings, 'all training interactions'));
      this.finishWithoutTraining(started);
      return;
    }
    const random = createRandom(seed);
    // Inner split of the training interactions: per user, `holdout` of their (distinct) items are targets.
    const byUser = new Map<string, Interaction[]>();
    for (const interaction of data.interactions) {
      let list = byUser.get(interaction.userId);
      if (!list) byUser.set(interaction.userId, (list = []));
      list.push(interaction);
    }
    const inputs: Interaction[] = [];
    const targets: Interaction[] = [];
    for (const list of byUser.values()) {
      const shuffled = random.shuffle([...list]);
      const held = list.length >= 4 ? Math.round(settings.holdout * list.length) : 0;
      shuffled.forEach((interaction, index) => (index < held ? targets : inputs).push(interaction));
    }
    const inner = this.adoptTrainingData({ ...data, interactions: inputs });
    const n = inner.itemIds.length;
    const heldOut = inner.histories.map(() => new Set<number>());
    for (const interaction of targets) {
      const user = inner.userIndex.get(interaction.userId);
      const item = inner.itemIndex.get(interaction.itemId);
      if (user !== undefined && item !== undefined && !new Set(inner.histories[user]).has(item)) heldOut[user]?.add(item);
    }
    const withTargets = inner.histories.map((_, user) => user).filter((user) => (heldOut[user]?.size ?? 0) > 0);
    random.shuffle(withTargets);
    const stopping = withTargets.slice(0, Math.max(1, Math.round(settings.stoppingUsers * withTargets.length)));
    const gateCount = settings.gateZ > 0 ? Math.round(settings.gateUsers * withTargets.length) : 0;
    const gateSet = withTargets.slice(stopping.length, stopping.length + gateCount);
    const training = withTargets.slice(stopping.length + gateCount);
    this.setVariables(this.initialVariables(n, seed));
    const innerQueries = inner.histories.map((history, user) => ({ user, history }));
    let features: Float32Array;
    this.lambdaSelection = [];
    let bestLambda: { lambda: number; ndcg: number; components: Components | undefined } = { lambda: settings.easeLambda, ndcg: Number.NEGATIVE_INFINITY, components: undefined };
    // Needed even for epochs 0 when there are several λ candidates: the epoch-0 model they are compared by includes the blend.
    const innerFilter = lowPassFor(inner, inputs, settings, 'inner split');
    for (const lambda of candidates) {
      // The variables hold the epoch-0 combiner (EASE's score only), so this ranks by the augmented EASE (+ low-pass).
      this.components = computeComponents(inner, inputs, { ...settings, easeLambda: lambda }, innerFilter);
      features = this.featureRows(innerQueries, true);
      const ndcg = candidates.length > 1 ? mean(this.heldOutNdcgs(withTargets, features, heldOut, inner, n)) : 0;
      this.lambdaSelection.push({ lambda, ndcg });
      if (ndcg > bestLambda.ndcg) bestLambda = { lambda, ndcg, components: this.components };
    }
    if (candidates.length === 1) this.lambdaSelection = [];
    this.options.easeLambda = bestLambda.lambda;
    this.components = bestLambda.components;
    features = this.featureRows(innerQueries, true);
    const optimizers = { combiner: tf.train.adam(settings.learningRate), residual: tf.train.adam(settings.residualLearningRate) };
    const stepsPerEpoch = Math.max(1, Math.ceil(training.length / settings.batchSize));
    const beforeLoop = (performance.now() - started) / 1000;
    const initial = this.snapshot();
    let order: number[] = [];
    let best: WeightMap | undefined;
    try {
      this.summary = await runTrainingLoop({
        ...this.loopSettings(settings, options),
        stepsPerEpoch,
        examplesPerStep: settings.batchSize,
        validateBeforeTraining: true,
        step: (epoch, step) => {
          if (step === 0) order = createRandom(seed * 7919 + epoch + 1).shuffle([...training]);
          const users = order.slice(step * settings.batchSize, (step + 1) * settings.batchSize);
          return users.length === 0 ? 0 : this.trainStep(optimizers, users, features, heldOut, inner, n);
        },
        validate: () => mean(this.heldOutNdcgs(stopping, features, heldOut, inner, n)),
        onImprovement: () => {
          best = this.snapshot();
        },
      });
    } finally {
      optimizers.combiner.dispose();
      optimizers.residual.dispose();
    }
    if (best) this.restore(best);
    this.gate = undefined;
    if (gateSet.length > 1 && (this.summary?.bestEpoch ?? 0) > 0) {
      // Paired per-user comparison on users that neither trained the combiner nor picked the epoch.
      const learned = this.heldOutNdcgs(gateSet, features, heldOut, inner, n);
      const chosen = this.snapshot();
      this.restore(initial);
      const base = this.heldOutNdcgs(gateSet, features, heldOut, inner, n);
      const differences = learned.map((value, index) => value - (base[index] as number));
      const average = mean(differences);
      const spread = Math.sqrt(differences.reduce((sum, value) => sum + (value - average) ** 2, 0) / (differences.length - 1) / differences.length);
      const z = spread > 0 ? average / spread : 0;
      const kept = z >= settings.gateZ ? 'learned' : 'epoch 0';
      if (kept === 'learned') this.restore(chosen);
      this.gate = { users: gateSet.length, baseNdcg: mean(base), learnedNdcg: mean(learned), z, kept };
    }
    // The combiner is learned; the closed-form parts now use every training interaction.
    const matrix = this.adoptTrainingData(data);
    this.useClosedForms(matrix, data.interactions, settings, fullFilter ? fullFilter.filter : lowPassFor(matrix, data.interactions, settings, 'all training interactions'));
    this.timings = { secondsToBest: beforeLoop + (this.summary?.secondsToBest ?? 0), totalSeconds: (performance.now() - started) / 1000 };
  }

  /** The closed-form parts of `interactions` (at `settings`' λ), with the feature standardisation taken from them. */
  private useClosedForms(matrix: InteractionMatrix, interactions: readonly Interaction[], settings: ContextEaseSettings, filter: LowPassFilter | undefined): void {
    this.components = computeComponents(matrix, interactions, settings, filter);
    this.featureRows(matrix.histories.map((history, user) => ({ user, history })), true);
  }

  /** Ends a fit whose model is the epoch-0 form: no combiner was trained and no holdout scored. */
  private finishWithoutTraining(started: number): void {
    this.summary = undefined;
    this.gate = undefined;
    const seconds = (performance.now() - started) / 1000;
    this.timings = { secondsToBest: seconds, totalSeconds: seconds };
  }

  /** The epoch-0 model: the combiner passes the (augmented) EASE score through, the residual is zero. */
  private initialVariables(n: number, seed: number): Record<string, tf.Tensor> {
    const settings = this.options;
    return {
      linear: tf.tensor2d([[1], [0], [0], [0], [0], [0]]),
      hiddenKernel: tf.randomNormal([featureCount, Math.max(1, settings.hidden)], 0, 0.1, 'float32', seed),
      hiddenBias: tf.zeros([Math.max(1, settings.hidden)]),
      outputKernel: tf.randomNormal([Math.max(1, settings.hidden), 1], 0, 0.1, 'float32', seed + 1),
      residualIn: tf.randomNormal([n, Math.max(1, settings.residualRank)], 0, 0.01, 'float32', seed + 2),
      residualOut: tf.zeros([n, Math.max(1, settings.residualRank)]),
    };
  }

  /** Buffers for `easeFeature`, reused across queries of one call. */
  private easeScratch(n: number): EaseScratch {
    const lowPass = this.options.lowPass.weight !== 0 && this.components?.lowPass !== undefined;
    return { feature: new Float32Array(n), easeRow: new Float64Array(lowPass ? n : 0), lowPassRow: new Float64Array(lowPass ? n : 0) };
  }

  /**
   * The EASE feature (index 0) of one history before standardisation, into `scratch.feature` (float32, as the
   * combiner's input stores it): the sum of the items' EASE rows, or with the low-pass z(EASE) + w·z(low-pass).
   */
  private easeFeature(items: readonly number[], scratch: EaseScratch): void {
    const components = this.components as Components;
    const ease = components.ease;
    const n = scratch.feature.length;
    const lowPass = this.options.lowPass.weight !== 0 ? components.lowPass : undefined;
    const { feature, easeRow, lowPassRow } = scratch;
    if (!lowPass) {
      feature.fill(0);
      addRowsFloat32(feature, ease, items, n);
      return;
    }
    // As the numpy prototype: z(EASE) + w·z(low-pass), z over the whole catalogue (population std + 1e-9).
    easeRow.fill(0);
    addRowsFloat64(easeRow, ease, items, n);
    lowPassScores(lowPass, items, lowPassRow);
    zScoreInPlace(easeRow);
    zScoreInPlace(lowPassRow);
    const weight = this.options.lowPass.weight;
    for (let j = 0; j < n; j++) feature[j] = (easeRow[j] as number) + weight * (lowPassRow[j] as number);
  }

  /**
   * Whether the combiner is its epoch-0 form (linear weights (1, 0, …), no hidden layer, zero residual), so a score
   * is the standardised EASE feature alone. That is the model the gate keeps unless learning clearly helped, and
   * `epochs: 0`'s. Read from the variables, and remembered until they change (`setVariables`, `restore`, a training
   * step): reading the residual back costs about as much as scoring.
   */
  usesClosedForm(): boolean {
    if (!this.components || this.options.hidden > 0) return false;
    if (this.closedForm === undefined) {
      const linear = this.variable('linear').dataSync();
      this.closedForm =
        linear[0] === 1 && linear.every((value, index) => index === 0 || value === 0) && (this.options.residualRank === 0 || this.variable('residualOut').dataSync().every((value) => value === 0));
    }
    return this.closedForm;
  }

  protected override setVariables(values: Record<string, tf.Tensor>): void {
    this.closedForm = undefined;
    super.setVariables(values);
  }

  override restore(weights: WeightMap): void {
    this.closedForm = undefined;
    super.restore(weights);
  }

  /** Features of a batch of users: Float32Array [users, n, featureCount]; `updateStatistics` re-standardises. */
  private featureRows(queries: readonly ScoringQuery[], updateStatistics = false): Float32Array {
    const components = this.components;
    if (!components) throw new Error(`${this.name}: fit or load the model first`);
    const n = components.logPopularity.length;
    const raw = new Float32Array(queries.length * n * featureCount);
    const scratch = this.easeScratch(n);
    queries.forEach((query, row) => {
      const items = [...new Set(query.history)];
      const base = row * n * featureCount;
      const logLength = Math.log(1 + items.length);
      // The user's rating period is theirs whatever history they come with (`knownUser`); the history gives the rest.
      const user = query.user ?? query.knownUser;
      const period = user === undefined ? -1 : (components.userPeriod[user] ?? -1);
      if (period >= 0) {
        for (let j = 0; j < n; j++) raw[base + j * featureCount + 5] = components.periodPopularity[period * n + j] as number;
      }
      if (this.options.contextFeatures) {
        for (let j = 0; j < n; j++) {
          raw[base + j * featureCount + 3] = components.logPopularity[j] as number;
          raw[base + j * featureCount + 4] = logLength;
        }
      }
      for (const item of items) {
        const offset = item * n;
        for (let j = 0; j < n; j++) {
          const at = base + j * featureCount;
          raw[at + 1] = (raw[at + 1] as number) + (components.adjacent[offset + j] as number);
          raw[at + 2] = (raw[at + 2] as number) + (components.session[offset + j] as number);
        }
      }
      this.easeFeature(items, scratch);
      for (let j = 0; j < n; j++) raw[base + j * featureCount] = scratch.feature[j] as number;
    });
    if (this.options.normalisePerUser) {
      // Per user and item-item component: z-score over the catalogue.
      for (let row = 0; row < queries.length; row++) {
        for (let feature = 0; feature < 3; feature++) standardiseStrided(raw, row * n * featureCount + feature, featureCount, n);
      }
    }
    if (updateStatistics) {
      const sum = new Float64Array(featureCount);
      const squares = new Float64Array(featureCount);
      for (let index = 0; index < raw.length; index++) {
        const value = raw[index] as number;
        sum[index % featureCount] = (sum[index % featureCount] as number) + value;
        squares[index % featureCount] = (squares[index % featureCount] as number) + value * value;
      }
      // No rows (a fit without users): mean 0 instead of 0 / 0, which had made every score NaN and recommend return nothing.
      const count = Math.max(1, raw.length / featureCount);
      for (let feature = 0; feature < featureCount; feature++) {
        const mean = (sum[feature] as number) / count;
        this.featureMean[feature] = mean;
        this.featureStd[feature] = Math.sqrt(Math.max(1e-12, (squares[feature] as number) / count - mean * mean));
      }
    }
    for (let index = 0; index < raw.length; index++) {
      const feature = index % featureCount;
      raw[index] = ((raw[index] as number) - (this.featureMean[feature] as number)) / (this.featureStd[feature] as number);
    }
    return raw;
  }

  /** Scores [users, n] from standardised features [users, n, featureCount] and multi-hot inputs [users, n] (tensors the caller owns). */
  private combine(features: tf.Tensor3D, inputs: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const [users, n] = [features.shape[0], features.shape[1]];
      const flat = tf.reshape(features, [users * n, featureCount]) as tf.Tensor2D;
      let score: tf.Tensor = tf.matMul(flat, this.variable('linear'));
      if (this.options.hidden > 0) {
        const hidden = tf.relu(tf.add(tf.matMul(flat, this.variable('hiddenKernel')), this.variable('hiddenBias')));
        score = tf.add(score, tf.matMul(hidden, this.variable('outputKernel')));
      }
      let result = tf.reshape(score, [users, n]) as tf.Tensor2D;
      if (this.options.residualRank > 0) {
        // Inputs scaled by 1/sqrt(|history|) so the residual does not grow with history length.
        const scaled = tf.div(inputs, tf.sqrt(tf.maximum(tf.sum(inputs, 1, true), 1)));
        result = tf.add(result, tf.matMul(tf.matMul(scaled, this.variable('residualIn')), this.variable('residualOut'), false, true));
      }
      return result;
    });
  }

  private multiHot(histories: readonly (readonly number[])[], n: number): tf.Tensor2D {
    const values = new Float32Array(histories.length * n);
    histories.forEach((history, row) => {
      for (const item of history) values[row * n + item] = 1;
    });
    return tf.tensor2d(values, [histories.length, n]);
  }

  private batchFeatures(users: readonly number[], features: Float32Array, n: number): tf.Tensor3D {
    const rowSize = n * featureCount;
    const values = new Float32Array(users.length * rowSize);
    users.forEach((user, row) => values.set(features.subarray(user * rowSize, (user + 1) * rowSize), row * rowSize));
    return tf.tensor3d(values, [users.length, n, featureCount]);
  }

  private trainStep(optimizers: { combiner: tf.Optimizer; residual: tf.Optimizer }, users: readonly number[], features: Float32Array, heldOut: Set<number>[], matrix: InteractionMatrix, n: number): number {
    const input = this.batchFeatures(users, features, n);
    const inputs = this.multiHot(users.map((user) => matrix.histories[user] ?? []), n);
    const targets = new Float32Array(users.length * n);
    const mask = new Float32Array(users.length * n);
    users.forEach((user, row) => {
      const held = heldOut[user] as Set<number>;
      for (const item of held) targets[row * n + item] = 1 / held.size;
      for (const item of matrix.histories[user] ?? []) mask[row * n + item] = -1e4;
    });
    const targetTensor = tf.tensor2d(targets, [users.length, n]);
    const maskTensor = tf.tensor2d(mask, [users.length, n]);
    const { value: loss, grads } = tf.variableGrads(() => {
      const logits = tf.add(this.combine(input, inputs), maskTensor);
      // Multinomial likelihood of the held-out items; input items are masked out of the softmax.
      const likelihood = tf.neg(tf.mean(tf.sum(tf.mul(targetTensor, tf.logSoftmax(logits)), 1)));
      if (this.options.residualRank === 0) return likelihood as tf.Scalar;
      const penalty = tf.mul(this.options.residualL2, tf.add(tf.sum(tf.square(this.variable('residualIn'))), tf.sum(tf.square(this.variable('residualOut')))));
      return tf.add(likelihood, penalty) as tf.Scalar;
    });
    // One gradient, two step sizes: the residual factors move slower than the combiner's few weights.
    const residualNames = new Set([this.variable('residualIn').name, this.variable('residualOut').name]);
    const pick = (residual: boolean) => Object.fromEntries(Object.entries(grads).filter(([name]) => residualNames.has(name) === residual));
    this.closedForm = undefined;
    optimizers.combiner.applyGradients(pick(false));
    if (this.options.residualRank > 0) optimizers.residual.applyGradients(pick(true));
    const value = loss.dataSync()[0] ?? Number.NaN;
    tf.dispose([loss, ...Object.values(grads), input, inputs, targetTensor, maskTensor]);
    return value;
  }

  /** NDCG@10 of each user's held-out items, in the order of `users`. */
  private heldOutNdcgs(users: readonly number[], features: Float32Array, heldOut: Set<number>[], matrix: InteractionMatrix, n: number): number[] {
    const perUser: number[] = [];
    for (let start = 0; start < users.length; start += 256) {
      const chunk = users.slice(start, start + 256);
      const input = this.batchFeatures(chunk, features, n);
      const inputs = this.multiHot(chunk.map((user) => matrix.histories[user] ?? []), n);
      const scores = this.combine(input, inputs);
      const values = scores.dataSync() as Float32Array;
      tf.dispose([input, inputs, scores]);
      chunk.forEach((user, row) => {
        const relevant = heldOut[user] as Set<number>;
        perUser.push(rankedNdcg(topK(values.subarray(row * n, (row + 1) * n), 10, new Set(matrix.histories[user])), relevant, 10));
      });
    }
    return perUser;
  }

  /**
   * Scores of each query's catalogue. The epoch-0 closed form (`usesClosedForm`) is scored in plain TypeScript, the
   * EASE feature alone (bit-identical to the combiner's output, which passes it through, and no tfjs call: about
   * as fast as EASE); a learned combiner goes through tfjs.
   */
  override scoreQueries(queries: readonly ScoringQuery[]): Float32Array[] {
    return this.usesClosedForm() ? this.scoreClosedForm(queries) : this.scoreWithCombiner(queries);
  }

  private scoreClosedForm(queries: readonly ScoringQuery[]): Float32Array[] {
    const n = this.data.itemIds.length;
    const scratch = this.easeScratch(n);
    const average = this.featureMean[0] as number;
    const deviation = this.featureStd[0] as number;
    return queries.map((query) => {
      this.easeFeature([...new Set(query.history)], scratch);
      const scores = Float32Array.from(scratch.feature);
      if (this.options.normalisePerUser) standardiseStrided(scores, 0, 1, n);
      for (let j = 0; j < n; j++) scores[j] = ((scores[j] as number) - average) / deviation;
      return scores;
    });
  }

  /** The tfjs path, whatever the combiner holds (public for the test that compares both paths). */
  scoreWithCombiner(queries: readonly ScoringQuery[]): Float32Array[] {
    const n = this.data.itemIds.length;
    const results: Float32Array[] = [];
    for (let start = 0; start < queries.length; start += 128) {
      const chunk = queries.slice(start, start + 128);
      const input = tf.tensor3d(this.featureRows(chunk), [chunk.length, n, featureCount]);
      const inputs = this.multiHot(chunk.map((query) => query.history), n);
      const scores = this.combine(input, inputs);
      const values = scores.dataSync() as Float32Array;
      tf.dispose([input, inputs, scores]);
      chunk.forEach((_, row) => results.push(values.slice(row * n, (row + 1) * n)));
    }
    return results;
  }

  scoreQuery(query: ScoringQuery): Float32Array {
    return this.scoreQueries([query])[0] as Float32Array;
  }

  protected exportState(): { config: Record<string, unknown>; weights: WeightMap } {
    const components = this.components;
    if (!components) throw new Error(`${this.name}: fit or load the model first`);
    const n = components.logPopularity.length;
    return {
      config: { ...this.options, featureMean: Array.from(this.featureMean), featureStd: Array.from(this.featureStd) },
      weights: {
        ...this.snapshot(),
        easeWeights: { shape: [n, n], values: components.ease },
        adjacent: { shape: [n, n], values: components.adjacent },
        session: { shape: [n, n], values: components.session },
        logPopularity: { shape: [n], values: components.logPopularity },
        periodPopularity: { shape: [components.periodPopularity.length / n, n], values: components.periodPopularity },
        userPeriod: { shape: [components.userPeriod.length], values: components.userPeriod },
        ...(components.lowPass
          ? {
              lowPassBasis: { shape: [components.lowPass.basis.length / n, n], values: components.lowPass.basis },
              lowPassDegree: { shape: [n], values: components.lowPass.itemDegree },
            }
          : {}),
      },
    };
  }

  protected importState(state: { config: Record<string, unknown>; weights: WeightMap }): void {
    // Models saved before the low-pass option had none: weight 0, the model without it.
    const { featureMean, featureStd, ...options } = checkedSettings(this.name, savedSchema, { ...defaults, lowPass: { ...defaultLowPass, weight: 0 } }, state.config, 'config');
    // Every weight is checked against the vocabulary and config before anything is replaced (a failed load leaves the model as it was).
    checkVocabulary(this.data);
    const n = this.data.itemIds.length;
    const hidden = Math.max(1, options.hidden);
    const rank = Math.max(1, options.residualRank);
    const periods = (state.weights.periodPopularity?.values.length ?? 0) / Math.max(1, n);
    const basisRows = (state.weights.lowPassBasis?.values.length ?? 0) / Math.max(1, n);
    const components = weightsOfShapes(state.weights, {
      easeWeights: [n, n],
      adjacent: [n, n],
      session: [n, n],
      logPopularity: [n],
      periodPopularity: [periods, n],
      userPeriod: [this.data.userIds.length],
      ...(state.weights.lowPassBasis ? { lowPassBasis: [basisRows, n], lowPassDegree: [n] } : {}),
    });
    const variables = weightsOfShapes(state.weights, {
      linear: [featureCount, 1],
      hiddenKernel: [featureCount, hidden],
      hiddenBias: [hidden],
      outputKernel: [hidden, 1],
      residualIn: [n, rank],
      residualOut: [n, rank],
    });
    Object.assign(this.options, options);
    this.featureMean = Float32Array.from(featureMean);
    this.featureStd = Float32Array.from(featureStd);
    const component = (name: string) => (components[name] as { values: Float32Array }).values;
    this.components = {
      ease: component('easeWeights'),
      adjacent: component('adjacent'),
      session: component('session'),
      logPopularity: component('logPopularity'),
      periodPopularity: component('periodPopularity'),
      userPeriod: component('userPeriod'),
      lowPass: components.lowPassBasis ? { basis: component('lowPassBasis'), itemDegree: component('lowPassDegree') } : undefined,
    };
    this.variablesFromWeights(variables);
  }
}

/**
 * The ideal low-pass filter on the training interactions (R = the users' item sets, plus one row per page of at least
 * 2 items when `withPages`, as the numpy prototype); undefined when the option is off.
 */
function lowPassFor(matrix: InteractionMatrix, interactions: readonly Interaction[], settings: ContextEaseSettings, what: string): LowPassFilter | undefined {
  const { rank, weight, withPages } = settings.lowPass;
  if (rank <= 0 || weight === 0) return undefined;
  const rows: number[][] = matrix.histories.map((history) => [...new Set(history)]);
  if (withPages) {
    for (const list of eventsByUser(matrix, interactions).values()) {
      for (let start = 0; start < list.length; ) {
        let end = start;
        while (end < list.length && (list[end] as { time: number }).time === (list[start] as { time: number }).time) end++;
        const page = [...new Set(list.slice(start, end).map((event) => event.item))];
        if (page.length > 1) rows.push(page);
        start = end;
      }
    }
  }
  // The option's seed, not the fit's: see `ContextEaseOptions.seed`.
  const { basis, itemDegree, rounds, residual, converged } = fitLowPass(rows, matrix.itemIds.length, rank, { seed: settings.seed });
  if (!converged) console.warn(`context-ease: the low-pass eigenvectors (${what}, rank ${rank}) stopped unconverged after ${rounds} rounds: relative residual ${residual.toExponential(2)}`);
  return { basis, itemDegree };
}

interface EaseScratch {
  feature: Float32Array;
  easeRow: Float64Array;
  lowPassRow: Float64Array;
}

/** Per-user standardisation of one feature: `count` values from `start`, `stride` apart, z-scored in place (population std; constant: 0). */
function standardiseStrided(values: Float32Array, start: number, stride: number, count: number): void {
  let sum = 0;
  let squares = 0;
  for (let j = 0; j < count; j++) {
    const value = values[start + j * stride] as number;
    sum += value;
    squares += value * value;
  }
  const average = sum / count;
  const deviation = Math.sqrt(Math.max(0, squares / count - average * average));
  const scale = deviation > 1e-12 ? 1 / deviation : 0;
  for (let j = 0; j < count; j++) {
    const at = start + j * stride;
    values[at] = ((values[at] as number) - average) * scale;
  }
}

function computeComponents(matrix: InteractionMatrix, interactions: readonly Interaction[], settings: ContextEaseSettings, lowPass: LowPassFilter | undefined): Components {
  const n = matrix.itemIds.length;
  const gram = gramMatrix(matrix);
  const adjacentCounts = new Float64Array(n * n);
  for (const history of matrix.histories) {
    for (let index = 1; index < history.length; index++) {
      const a = history[index - 1] as number;
      const b = history[index] as number;
      if (a === b) continue;
      adjacentCounts[a * n + b] = (adjacentCounts[a * n + b] as number) + 1;
      adjacentCounts[b * n + a] = (adjacentCounts[b * n + a] as number) + 1;
    }
  }
  // Session pairs: per user, ratings sorted by time, every pair within `sessionSeconds`.
  const sessionCounts = new Float64Array(n * n);
  const events = eventsByUser(matrix, interactions);
  // Page rows of the Gram matrix: items rated in the same second, diagonal included.
  if (settings.pageWeight > 0) addPageRows(gram, n, events, settings.pageWeight);
  const windowMs = settings.sessionSeconds * 1000;
  for (const list of events.values()) {
    for (let first = 0; first < list.length; first++) {
      const a = list[first] as { item: number; time: number };
      for (let second = first + 1; second < list.length; second++) {
        const b = list[second] as { item: number; time: number };
        if (b.time - a.time > windowMs) break;
        if (a.item === b.item) continue;
        sessionCounts[a.item * n + b.item] = (sessionCounts[a.item * n + b.item] as number) + 1;
        sessionCounts[b.item * n + a.item] = (sessionCounts[b.item * n + a.item] as number) + 1;
      }
    }
  }
  const ease = solveEase(gram, n, settings.easeLambda);
  const { periodPopularity, userPeriod } = periodComponents(matrix, events, settings.timeBinDays);
  const popularity = new Float32Array(n);
  for (const history of matrix.histories) for (const item of new Set(history)) popularity[item] = (popularity[item] as number) + 1;
  return {
    ease,
    adjacent: symmetricNormalise(adjacentCounts, n),
    session: symmetricNormalise(sessionCounts, n),
    logPopularity: popularity.map((count) => Math.log(1 + count)),
    periodPopularity,
    userPeriod,
    lowPass,
  };
}

/** Item popularity per time period and each user's period (of their median rating time); empty when `days` is 0. */
export function periodComponents(matrix: InteractionMatrix, events: Map<number, { item: number; time: number }[]>, days: number): { periodPopularity: Float32Array; userPeriod: Float32Array } {
  const n = matrix.itemIds.length;
  const userPeriod = new Float32Array(matrix.userIds.length).fill(-1);
  if (days <= 0 || events.size === 0) return { periodPopularity: new Float32Array(0), userPeriod };
  let first = Number.POSITIVE_INFINITY;
  for (const list of events.values()) for (const event of list) first = Math.min(first, event.time);
  const width = days * 86_400_000;
  const periodOf = (time: number) => Math.floor((time - first) / width);
  let periods = 1;
  for (const list of events.values()) for (const event of list) periods = Math.max(periods, periodOf(event.time) + 1);
  const counts = new Float32Array(periods * n);
  for (const [user, list] of events) {
    for (const event of list) {
      const at = periodOf(event.time) * n + event.item;
      counts[at] = (counts[at] as number) + 1;
    }
    // `list` is sorted by time (computeComponents sorts it first).
    userPeriod[user] = periodOf((list[Math.floor(list.length / 2)] as { time: number }).time);
  }
  return { periodPopularity: counts.map((count) => Math.log(1 + count)), userPeriod };
}

/** C[i,j] / sqrt((1 + Σ C[i,·])(1 + Σ C[j,·])): co-counts discounted by how often either item co-occurs at all. */
function symmetricNormalise(counts: Float64Array, n: number): Float32Array {
  const degree = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += counts[i * n + j] as number;
    degree[i] = Math.sqrt(1 + sum);
  }
  const normalised = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) normalised[i * n + j] = (counts[i * n + j] as number) / ((degree[i] as number) * (degree[j] as number));
  return normalised;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}
