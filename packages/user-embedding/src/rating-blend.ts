import { PersonalabError, type FitOptions, type RatingInteraction, type TrainingData } from '@personalab/core';
import { rmse, stratifiedSplit } from '@personalab/datasets';
import { invertSpdInPlace } from './linear-algebra.js';
import { clip, type RatingPair, type RatingPredictor } from './rating-prediction.js';

/** A rating model the blend can train: fit, predict, and optionally free its memory. */
export interface TrainableRatingModel extends RatingPredictor {
  fit(data: TrainingData, options?: FitOptions): Promise<void>;
  dispose?(): void;
}

/** One member of a blend. */
export interface BlendMember {
  name: string;
  /**
   * A fresh model. Called twice: for the inner split (with `validation` given to its `fit`) and
   * for the refit on the whole training part (`innerModel` is the first one, so a member can carry
   * its early-stopped epoch count over to a refit without validation).
   */
  create(innerModel?: TrainableRatingModel): TrainableRatingModel;
}

export interface RatingBlendOptions {
  /** Share of each user's training ratings kept for the members' inner fit (the rest fits the weights). */
  innerRatio?: number;
  /** Ridge on the member weights (not the intercept), relative to the number of validation ratings. */
  ridge?: number;
  /** Refit every member on the whole training part after the weights are fitted (default true). */
  refit?: boolean;
  log?: (line: string) => void;
}

/** What the blend learned on its inner split. */
export interface BlendReport {
  /** Intercept, then one weight per member (in member order). */
  weights: number[];
  members: { name: string; validationRmse: number; weight: number; seconds: number }[];
  /** RMSE of the blend on the inner validation ratings (in-sample for the weights). */
  validationRmse: number;
}

/**
 * A linear blend of rating models (the Netflix Prize recipe at small scale): the training part is
 * split per user (`innerRatio`, default 90/10); every member is fitted on the inner part; the weights
 * w0 + Σ w_m r̂_m are fitted by ridge least squares on the held-out tenth; then each member is refitted
 * on the whole training part and the same weights combine their predictions, clipped to [1, 5].
 * The test part is never seen: `fit` only receives the training part.
 */
export class RatingBlend implements RatingPredictor {
  readonly name = 'blend';
  readonly options: Required<Omit<RatingBlendOptions, 'log'>>;
  private readonly log: (line: string) => void;
  private models: TrainableRatingModel[] = [];
  report: BlendReport | undefined;

  constructor(
    readonly members: readonly BlendMember[],
    options: RatingBlendOptions = {},
  ) {
    if (members.length === 0) throw new PersonalabError('invalid_argument', 'a blend needs at least one member');
    const { log, ...rest } = options;
    this.options = { innerRatio: 0.9, ridge: 1e-3, refit: true, ...rest };
    this.log = log ?? (() => undefined);
  }

  /** The fitted members (refitted on the whole training part unless `refit` is false), in member order. */
  get fittedMembers(): readonly TrainableRatingModel[] {
    return this.models;
  }

  async fit(data: TrainingData, options: FitOptions = {}): Promise<void> {
    const seed = options.seed ?? 42;
    const ratings = data.interactions.filter((interaction): interaction is RatingInteraction => interaction.kind === 'rating');
    const inner = stratifiedSplit(ratings, { ratio: this.options.innerRatio, seed: seed + 2000 });
    if (inner.test.length === 0) throw new PersonalabError('invalid_argument', 'the inner split left no ratings to fit the blend weights on');
    const actual = inner.test.map((rating) => rating.value);
    const innerModels: TrainableRatingModel[] = [];
    const columns: number[][] = [];
    const reports: BlendReport['members'] = [];
    for (const member of this.members) {
      const started = performance.now();
      const model = member.create();
      await model.fit({ ...data, interactions: inner.train }, { ...options, validation: inner.test });
      const predictions = model.predict(inner.test);
      columns.push(predictions);
      innerModels.push(model);
      reports.push({ name: member.name, validationRmse: rmse(predictions, actual), weight: Number.NaN, seconds: (performance.now() - started) / 1000 });
      this.log(`blend member ${member.name}: validation RMSE ${(reports.at(-1)?.validationRmse ?? Number.NaN).toFixed(4)}`);
    }
    const weights = fitBlendWeights(columns, actual, this.options.ridge);
    reports.forEach((report, index) => (report.weight = weights[index + 1] as number));
    this.report = { weights, members: reports, validationRmse: rmse(combine(weights, columns), actual) };
    this.log(`blend weights ${weights.map((weight) => weight.toFixed(3)).join(' ')}: validation RMSE ${this.report.validationRmse.toFixed(4)}`);
    if (!this.options.refit) {
      this.models = innerModels;
      return;
    }
    const refitted: TrainableRatingModel[] = [];
    for (const [index, member] of this.members.entries()) {
      const started = performance.now();
      const innerModel = innerModels[index] as TrainableRatingModel;
      const model = member.create(innerModel);
      innerModel.dispose?.();
      const { validation: _ignored, ...rest } = options;
      await model.fit(data, rest);
      refitted.push(model);
      (reports[index] as BlendReport['members'][number]).seconds += (performance.now() - started) / 1000;
    }
    this.models = refitted;
  }

  predict(pairs: readonly RatingPair[], range: readonly [number, number] = [1, 5]): number[] {
    if (!this.report) throw new PersonalabError('invalid_argument', 'blend: fit it first');
    return combine(
      this.report.weights,
      this.models.map((model) => model.predict(pairs, range)),
    ).map((value) => clip(value, range));
  }

  dispose(): void {
    for (const model of this.models) model.dispose?.();
    this.models = [];
  }
}

/** w0 + Σ w_m column_m, row by row. */
function combine(weights: readonly number[], columns: readonly (readonly number[])[]): number[] {
  const rows = columns[0]?.length ?? 0;
  return Array.from({ length: rows }, (_, row) => columns.reduce((sum, column, index) => sum + (weights[index + 1] as number) * (column[row] as number), weights[0] as number));
}

/**
 * Ridge least squares for [intercept, member weights]: (XᵀX + ridge·n·I′) w = Xᵀy, where I′ leaves
 * the intercept unpenalised and n is the number of rows.
 */
export function fitBlendWeights(columns: readonly (readonly number[])[], actual: readonly number[], ridge = 1e-3): number[] {
  const size = columns.length + 1;
  const rows = actual.length;
  if (columns.some((column) => column.length !== rows)) throw new PersonalabError('invalid_argument', 'every member column needs one prediction per rating');
  const feature = (row: number, index: number) => (index === 0 ? 1 : ((columns[index - 1] as readonly number[])[row] as number));
  const gram = new Float64Array(size * size);
  const right = new Float64Array(size);
  for (let row = 0; row < rows; row++) {
    for (let a = 0; a < size; a++) {
      const fa = feature(row, a);
      right[a] = (right[a] as number) + fa * (actual[row] as number);
      for (let b = 0; b < size; b++) gram[a * size + b] = (gram[a * size + b] as number) + fa * feature(row, b);
    }
  }
  for (let a = 1; a < size; a++) gram[a * size + a] = (gram[a * size + a] as number) + ridge * rows;
  const inverse = invertSpdInPlace(gram, size);
  return Array.from({ length: size }, (_, a) => {
    let value = 0;
    for (let b = 0; b < size; b++) value += (inverse[a * size + b] as number) * (right[b] as number);
    return value;
  });
}
