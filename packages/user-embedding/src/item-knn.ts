import { z } from 'zod';
import type { FitOptions, TrainingData } from '@personalab/core';
import { BaseRecommender, type ScoringQuery } from './base-recommender.js';
import { gramMatrix } from './ease.js';
import { addRowsFloat32 } from './row-sums.js';
import { heldOutByUser, validationNdcg } from './validation.js';
import { checkVocabulary, weightOfShape, type WeightMap } from './weights-io.js';
import { checkedSettings, countSetting } from './settings-check.js';

export interface ItemKnnOptions {
  /** Neighbours kept per item. With `neighbourCounts` and validation data, the best is chosen. */
  neighbours?: number;
  neighbourCounts?: readonly number[];
  log?: (line: string) => void;
}

/** The settings as given or as saved in `model.json` (`checkedSettings`); `log` is not a setting. */
const settingsSchema = z.object({
  neighbours: countSetting(1),
  neighbourCounts: z.array(countSetting(1)),
} satisfies Record<keyof Omit<ItemKnnOptions, 'log'>, z.ZodType>);
/** What a save holds: the neighbour count chosen. */
const savedSchema = settingsSchema.pick({ neighbours: true });
const defaults = { neighbours: 100, neighbourCounts: [] as readonly number[] };

/**
 * Item-based k-nearest neighbours: cosine similarity between binary item columns, each item
 * keeps its top-k neighbours, and a user scores item j by summing j's similarity to their items.
 */
export class ItemKnnRecommender extends BaseRecommender {
  readonly name = 'item-knn';
  neighbours: number;
  private readonly neighbourCounts: readonly number[];
  private readonly log: (line: string) => void;
  /** Row-major n×n: similarity[i][j] kept when i is among j's top neighbours, else 0. */
  private similarity: Float32Array = new Float32Array(0);

  constructor(options: ItemKnnOptions = {}) {
    super();
    const settings = checkedSettings(this.name, settingsSchema, defaults, options, 'options');
    this.neighbours = settings.neighbours;
    this.neighbourCounts = settings.neighbourCounts;
    this.log = options.log ?? (() => undefined);
  }

  protected async fitModel(data: TrainingData, options: FitOptions): Promise<void> {
    const matrix = this.adoptTrainingData(data);
    const n = matrix.itemIds.length;
    const gram = gramMatrix(matrix);
    const cosine = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const denominator = Math.sqrt((gram[i * n + i] as number) * (gram[j * n + j] as number));
        cosine[i * n + j] = i === j || denominator === 0 ? 0 : (gram[i * n + j] as number) / denominator;
      }
    }
    if (options.validation && this.neighbourCounts.length > 0) {
      const heldOut = heldOutByUser(matrix, options.validation);
      let best = { neighbours: this.neighbours, ndcg: -1 };
      for (const neighbours of this.neighbourCounts) {
        this.similarity = pruneNeighbours(cosine, n, neighbours);
        const ndcg = validationNdcg(matrix, heldOut, (queries) => this.scoreQueries(queries));
        this.log(`item-knn k=${neighbours}: validation NDCG@10 ${ndcg.toFixed(4)}`);
        if (ndcg > best.ndcg) best = { neighbours, ndcg };
      }
      this.neighbours = best.neighbours;
    }
    this.similarity = pruneNeighbours(cosine, n, this.neighbours);
  }

  scoreQuery(query: ScoringQuery): Float32Array {
    const n = this.data.itemIds.length;
    const scores = new Float32Array(n);
    addRowsFloat32(scores, this.similarity, [...new Set(query.history)], n);
    return scores;
  }

  protected exportState(): { config: Record<string, unknown>; weights: WeightMap } {
    const n = this.data.itemIds.length;
    return { config: { neighbours: this.neighbours }, weights: { similarity: { shape: [n, n], values: this.similarity } } };
  }

  protected importState(state: { config: Record<string, unknown>; weights: WeightMap }): void {
    checkVocabulary(this.data);
    const n = this.data.itemIds.length;
    // Every check before anything is replaced: a failed load leaves the model as it was.
    const { neighbours } = checkedSettings(this.name, savedSchema, {}, state.config, 'config');
    const similarity = weightOfShape(state.weights, 'similarity', [n, n]);
    this.neighbours = neighbours;
    this.similarity = similarity;
  }

}

/** Keeps, for each target item j (column), its `k` most similar items i. */
function pruneNeighbours(cosine: Float32Array, n: number, k: number): Float32Array {
  const pruned = new Float32Array(n * n);
  const column = new Float32Array(n);
  const order = Array.from({ length: n }, (_, index) => index);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) column[i] = cosine[i * n + j] as number;
    order.sort((a, b) => (column[b] as number) - (column[a] as number));
    for (let rank = 0; rank < Math.min(k, n); rank++) {
      const i = order[rank] as number;
      if ((column[i] as number) > 0) pruned[i * n + j] = column[i] as number;
    }
  }
  return pruned;
}
