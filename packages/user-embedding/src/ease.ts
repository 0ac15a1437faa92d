import { z } from 'zod';
import type { FitOptions, Interaction, TrainingData } from '@personalab/core';
import { BaseRecommender, type ScoringQuery } from './base-recommender.js';
import type { InteractionMatrix } from './interaction-matrix.js';
import { invertSpdInPlace } from './linear-algebra.js';
import { addRowsFloat32 } from './row-sums.js';
import { heldOutByUser, validationNdcg } from './validation.js';
import { checkVocabulary, weightOfShape, type WeightMap } from './weights-io.js';
import { checkedSettings, nonNegativeSetting, positiveSetting } from './settings-check.js';

export interface EaseOptions {
  /** L2 weight λ. With `lambdas` and validation data, the best of those is chosen instead. */
  lambda?: number;
  /** Candidates tried on `FitOptions.validation` (NDCG@10). */
  lambdas?: readonly number[];
  /**
   * Weight α of "page" rows added to the Gram matrix, XᵀX + α·SᵀS, where each row of S holds the items one
   * user rated in the same second (MovieLens users rate a page of films at a time). 0 (default): plain
   * EASE. `pageEaseOptions` is the tuned setting.
   */
  pageWeight?: number;
  log?: (line: string) => void;
}

/**
 * Page-augmented EASE: each rating page as an extra Gram row, λ 300 (chosen on the P1 inner validation split).
 * Context-EASE's closed form before its low-pass blend, at EASE's cost (P1 NDCG@10 0.4855 against plain EASE's 0.4784;
 * context-EASE with the low-pass 0.4889, the served default): the service's other candidate model (`candidate-models.ts`).
 */
export const pageEaseOptions = { lambda: 300, pageWeight: 1 } as const satisfies EaseOptions;

/** The settings as given or as saved in `model.json` (`checkedSettings`); `log` is not a setting. */
const settingsSchema = z.object({
  lambda: positiveSetting,
  lambdas: z.array(positiveSetting),
  pageWeight: nonNegativeSetting,
} satisfies Record<keyof Omit<EaseOptions, 'log'>, z.ZodType>);
/** What a save holds (λ, the chosen one, and the page weight); saves from before page rows had no `pageWeight`: 0. */
const savedSchema = settingsSchema.pick({ lambda: true, pageWeight: true });
const defaults = { lambda: 500, lambdas: [] as readonly number[], pageWeight: 0 };

/**
 * EASE (Steck 2019): B = argmin ‖X − XB‖² + λ‖B‖², diag(B) = 0, in closed form
 * B = I − P·diag(1/diag(P)) with P = (XᵀX + λI)⁻¹, and scores x_u·B. Plain TypeScript.
 */
export class EaseRecommender extends BaseRecommender {
  readonly name = 'ease';
  lambda: number;
  pageWeight: number;
  private readonly lambdas: readonly number[];
  private readonly log: (line: string) => void;
  private weights: Float32Array = new Float32Array(0);
  /** λ → validation NDCG@10 of the last selection. */
  selection: { lambda: number; ndcg: number }[] = [];

  constructor(options: EaseOptions = {}) {
    super();
    const settings = checkedSettings(this.name, settingsSchema, defaults, options, 'options');
    this.lambda = settings.lambda;
    this.pageWeight = settings.pageWeight;
    this.lambdas = settings.lambdas;
    this.log = options.log ?? (() => undefined);
  }

  protected async fitModel(data: TrainingData, options: FitOptions): Promise<void> {
    const matrix = this.adoptTrainingData(data);
    const gram = gramMatrix(matrix);
    if (this.pageWeight > 0) addPageRows(gram, matrix.itemIds.length, eventsByUser(matrix, data.interactions), this.pageWeight);
    if (options.validation && this.lambdas.length > 0) {
      const heldOut = heldOutByUser(matrix, options.validation);
      let best = { lambda: this.lambda, ndcg: -1 };
      this.selection = [];
      for (const lambda of this.lambdas) {
        this.weights = solveEase(gram, matrix.itemIds.length, lambda);
        const ndcg = validationNdcg(matrix, heldOut, (queries) => this.scoreQueries(queries));
        this.selection.push({ lambda, ndcg });
        this.log(`ease λ=${lambda}: validation NDCG@10 ${ndcg.toFixed(4)}`);
        if (ndcg > best.ndcg) best = { lambda, ndcg };
      }
      this.lambda = best.lambda;
    }
    this.weights = solveEase(gram, matrix.itemIds.length, this.lambda);
  }

  scoreQuery(query: ScoringQuery): Float32Array {
    const n = this.data.itemIds.length;
    const scores = new Float32Array(n);
    addRowsFloat32(scores, this.weights, [...new Set(query.history)], n);
    return scores;
  }

  /** The item-item weight matrix B (row-major, n×n). */
  get itemWeights(): Float32Array {
    return this.weights;
  }

  protected exportState(): { config: Record<string, unknown>; weights: WeightMap } {
    const n = this.data.itemIds.length;
    return { config: { lambda: this.lambda, pageWeight: this.pageWeight }, weights: { B: { shape: [n, n], values: this.weights } } };
  }

  protected importState(state: { config: Record<string, unknown>; weights: WeightMap }): void {
    checkVocabulary(this.data);
    const n = this.data.itemIds.length;
    // Every check before anything is replaced: a failed load leaves the model as it was.
    const settings = checkedSettings(this.name, savedSchema, { lambda: undefined, pageWeight: 0 }, state.config, 'config');
    const weights = weightOfShape(state.weights, 'B', [n, n]);
    this.lambda = settings.lambda;
    this.pageWeight = settings.pageWeight;
    this.weights = weights;
  }

}

/** XᵀX of the binary user-item matrix (repeat interactions count once). */
export function gramMatrix(matrix: InteractionMatrix): Float64Array {
  const n = matrix.itemIds.length;
  const gram = new Float64Array(n * n);
  for (const history of matrix.histories) {
    const items = [...new Set(history)];
    for (const i of items) {
      const row = i * n;
      for (const j of items) gram[row + j] = (gram[row + j] as number) + 1;
    }
  }
  return gram;
}

/** Each user's interactions as (item index, time) in time order; users and items outside the matrix are skipped. */
export function eventsByUser(matrix: InteractionMatrix, interactions: readonly Interaction[]): Map<number, { item: number; time: number }[]> {
  const events = new Map<number, { item: number; time: number }[]>();
  for (const interaction of interactions) {
    const user = matrix.userIndex.get(interaction.userId);
    const item = matrix.itemIndex.get(interaction.itemId);
    if (user === undefined || item === undefined) continue;
    let list = events.get(user);
    if (!list) events.set(user, (list = []));
    list.push({ item, time: interaction.timestamp });
  }
  for (const list of events.values()) list.sort((a, b) => a.time - b.time);
  return events;
}

/** Adds `weight`·SᵀS to the Gram matrix in place, one row of S per page: the distinct items a user rated in the same second (diagonal included). */
export function addPageRows(gram: Float64Array, n: number, events: ReadonlyMap<number, readonly { item: number; time: number }[]>, weight: number): void {
  for (const list of events.values()) {
    for (let start = 0; start < list.length; ) {
      let end = start;
      while (end < list.length && (list[end] as { time: number }).time === (list[start] as { time: number }).time) end++;
      const page = [...new Set(list.slice(start, end).map((event) => event.item))];
      for (const a of page) for (const b of page) gram[a * n + b] = (gram[a * n + b] as number) + weight;
      start = end;
    }
  }
}

/** EASE's closed form for one λ: B = I − P·diag(1/diag(P)), P = (G + λI)⁻¹, diag(B) = 0. */
export function solveEase(gram: Float64Array, n: number, lambda: number): Float32Array {
  const inverse = Float64Array.from(gram);
  for (let i = 0; i < n; i++) inverse[i * n + i] = (inverse[i * n + i] as number) + lambda;
  invertSpdInPlace(inverse, n);
  const weights = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) weights[i * n + j] = i === j ? 0 : -(inverse[i * n + j] as number) / (inverse[j * n + j] as number);
  }
  return weights;
}
