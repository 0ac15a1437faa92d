import { z } from 'zod';
import { PersonalabError, type FitOptions, type TrainingData } from '@personalab/core';
import { BaseRecommender, type ScoringQuery } from './base-recommender.js';
import { clip, meanRating, type RatingPair, type RatingPredictor } from './rating-prediction.js';
import { checkVocabulary, weightOfShape, type WeightMap } from './weights-io.js';
import { checkedSettings, countSetting, nonNegativeSetting } from './settings-check.js';

export interface KnnBaselineOptions {
  /** Neighbours used per prediction: the most similar items among those the user rated. */
  neighbours?: number;
  /** Pearson shrinkage: s·(n − 1)/(n − 1 + shrinkage) for n common raters. */
  shrinkage?: number;
  /** Regularisation of the user and item biases (fitted by alternating least squares). */
  userBiasL2?: number;
  itemBiasL2?: number;
  /** ALS passes for the biases. */
  biasIterations?: number;
}

const defaults: Required<KnnBaselineOptions> = { neighbours: 40, shrinkage: 100, userBiasL2: 15, itemBiasL2: 10, biasIterations: 10 };

/** The settings as given or as saved in `model.json` (`checkedSettings`). */
const settingsSchema = z.object({
  neighbours: countSetting(1),
  shrinkage: nonNegativeSetting,
  userBiasL2: nonNegativeSetting,
  itemBiasL2: nonNegativeSetting,
  biasIterations: countSetting(0),
} satisfies Record<keyof KnnBaselineOptions, z.ZodType>);
/** A saved `model.json`'s config: the settings and the training ratings' mean. */
const savedSchema = settingsSchema.extend({ globalMean: z.number() });

/**
 * Item-item k-NN on baseline residuals (Koren 2008, "KNNBaseline" with the shrunk Pearson-baseline
 * similarity), plain TypeScript: b_ui = μ + b_u + b_i from regularised alternating least squares;
 * s_ij = Pearson correlation of the residuals r − b over the users who rated both, shrunk towards 0
 * for few common raters; r̂_ui = b_ui + Σ_j s_ij (r_uj − b_uj) / Σ_j s_ij over the `neighbours`
 * items j the user rated that are most similar to i (positive similarities only). It cannot read a history (it
 * carries no ratings): a known user is scored from their training ratings whatever history comes with them.
 */
export class KnnBaselineRecommender extends BaseRecommender implements RatingPredictor {
  readonly name = 'knn-baseline';
  readonly options: Required<KnnBaselineOptions>;
  private globalMean = 0;
  private userBias: Float32Array = new Float32Array(0);
  private itemBias: Float32Array = new Float32Array(0);
  /** Row-major items × items shrunk Pearson-baseline similarity (0 on the diagonal). */
  private similarity: Float32Array = new Float32Array(0);
  /** Per user, residuals r − b aligned with the history. */
  private residuals: Float32Array[] = [];

  constructor(options: KnnBaselineOptions = {}) {
    super();
    this.options = checkedSettings(this.name, settingsSchema, defaults, options, 'options');
  }

  protected async fitModel(data: TrainingData, options: FitOptions): Promise<void> {
    const matrix = this.adoptTrainingData(data);
    const users = matrix.userIds.length;
    const items = matrix.itemIds.length;
    const mean = meanRating(data.interactions);
    this.globalMean = mean;
    const userBias = new Float64Array(users);
    const itemBias = new Float64Array(items);
    const itemSums = new Float64Array(items);
    const itemCounts = new Float64Array(items);
    for (let iteration = 0; iteration < this.options.biasIterations; iteration++) {
      if (options.signal?.aborted) throw new PersonalabError('cancelled', `${this.name}: training cancelled`);
      matrix.histories.forEach((history, user) => {
        let sum = 0;
        history.forEach((item, index) => (sum += (matrix.values[user]?.[index] as number) - mean - (itemBias[item] as number)));
        userBias[user] = sum / (this.options.userBiasL2 + history.length);
      });
      itemSums.fill(0);
      itemCounts.fill(0);
      matrix.histories.forEach((history, user) =>
        history.forEach((item, index) => {
          itemSums[item] = (itemSums[item] as number) + (matrix.values[user]?.[index] as number) - mean - (userBias[user] as number);
          itemCounts[item] = (itemCounts[item] as number) + 1;
        }),
      );
      for (let item = 0; item < items; item++) itemBias[item] = (itemSums[item] as number) / (this.options.itemBiasL2 + (itemCounts[item] as number));
    }
    this.userBias = Float32Array.from(userBias);
    this.itemBias = Float32Array.from(itemBias);
    this.residuals = matrix.histories.map((history, user) => Float32Array.from(history, (item, index) => (matrix.values[user]?.[index] as number) - mean - (userBias[user] as number) - (itemBias[item] as number)));
    this.similarity = pearsonBaseline(matrix.histories, this.residuals, items, this.options.shrinkage);
  }

  /** Predicted rating of one (known user index, item index) pair, unclipped. */
  private predictIndex(user: number | undefined, item: number, heap: NeighbourHeap): number {
    const baseline = this.globalMean + (this.itemBias[item] as number) + (user === undefined ? 0 : (this.userBias[user] as number));
    if (user === undefined) return baseline;
    const history = this.data.histories[user] ?? [];
    const residuals = this.residuals[user] as Float32Array;
    const items = this.data.itemIds.length;
    heap.clear();
    const row = item * items;
    for (let index = 0; index < history.length; index++) {
      const similarity = this.similarity[row + (history[index] as number)] as number;
      if (similarity > 0) heap.offer(similarity, residuals[index] as number);
    }
    const { weightSum, weightedSum } = heap.sums();
    return weightSum > 0 ? baseline + weightedSum / weightSum : baseline;
  }

  /**
   * A known user's predictions from their training ratings, whatever history comes with them (`ScoringQuery.knownUser`
   * too); the item baseline for a history-only user. It cannot read a history: its neighbours are the user's rated
   * items, and a history carries no ratings.
   */
  scoreQuery(query: ScoringQuery): Float32Array {
    const items = this.data.itemIds.length;
    const heap = new NeighbourHeap(this.options.neighbours);
    const user = query.user ?? query.knownUser;
    return Float32Array.from({ length: items }, (_, item) => this.predictIndex(user, item, heap));
  }

  predict(pairs: readonly RatingPair[], range: readonly [number, number] = [1, 5]): number[] {
    const heap = new NeighbourHeap(this.options.neighbours);
    return pairs.map((pair) => {
      const item = this.data.itemIndex.get(pair.itemId);
      const user = this.data.userIndex.get(pair.userId);
      return clip(item === undefined ? this.globalMean + (user === undefined ? 0 : (this.userBias[user] as number)) : this.predictIndex(user, item, heap), range);
    });
  }

  protected exportState(): { config: Record<string, unknown>; weights: WeightMap } {
    const items = this.data.itemIds.length;
    const residuals = new Float32Array(this.residuals.reduce((sum, list) => sum + list.length, 0));
    let offset = 0;
    for (const list of this.residuals) {
      residuals.set(list, offset);
      offset += list.length;
    }
    return {
      config: { ...this.options, globalMean: this.globalMean },
      weights: {
        userBias: { shape: [this.userBias.length], values: this.userBias },
        itemBias: { shape: [items], values: this.itemBias },
        similarity: { shape: [items, items], values: this.similarity },
        residuals: { shape: [residuals.length], values: residuals },
      },
    };
  }

  protected importState(state: { config: Record<string, unknown>; weights: WeightMap }): void {
    checkVocabulary(this.data);
    // Every check before anything is replaced: a failed load leaves the model as it was.
    const { globalMean, ...settings } = checkedSettings(this.name, savedSchema, defaults, state.config, 'config');
    const users = this.data.userIds.length;
    const items = this.data.itemIds.length;
    const historyEntries = this.data.histories.reduce((sum, history) => sum + history.length, 0);
    const userBias = weightOfShape(state.weights, 'userBias', [users]);
    const itemBias = weightOfShape(state.weights, 'itemBias', [items]);
    const similarity = weightOfShape(state.weights, 'similarity', [items, items]);
    const residuals = weightOfShape(state.weights, 'residuals', [historyEntries]);
    Object.assign(this.options, settings);
    this.globalMean = globalMean;
    this.userBias = userBias;
    this.itemBias = itemBias;
    this.similarity = similarity;
    let offset = 0;
    this.residuals = this.data.histories.map((history) => residuals.slice(offset, (offset += history.length)));
  }

}

/** Shrunk Pearson correlation of baseline residuals over common raters, dense and symmetric. */
function pearsonBaseline(histories: readonly number[][], residuals: readonly Float32Array[], items: number, shrinkage: number): Float32Array {
  const products = new Float64Array(items * items);
  const squaresLeft = new Float64Array(items * items);
  const counts = new Uint32Array(items * items);
  histories.forEach((history, user) => {
    const values = residuals[user] as Float32Array;
    for (let a = 0; a < history.length; a++) {
      const i = history[a] as number;
      const zi = values[a] as number;
      const row = i * items;
      for (let b = 0; b < history.length; b++) {
        const j = history[b] as number;
        if (j === i) continue;
        const zj = values[b] as number;
        // Row i, column j holds Σ z_i z_j and Σ z_i² over users who rated both; Σ z_j² is at (j, i).
        products[row + j] = (products[row + j] as number) + zi * zj;
        squaresLeft[row + j] = (squaresLeft[row + j] as number) + zi * zi;
        counts[row + j] = (counts[row + j] as number) + 1;
      }
    }
  });
  const similarity = new Float32Array(items * items);
  for (let i = 0; i < items; i++) {
    for (let j = i + 1; j < items; j++) {
      const n = counts[i * items + j] as number;
      if (n < 2) continue;
      const denominator = Math.sqrt((squaresLeft[i * items + j] as number) * (squaresLeft[j * items + i] as number));
      if (denominator === 0) continue;
      const value = (((products[i * items + j] as number) / denominator) * (n - 1)) / (n - 1 + shrinkage);
      similarity[i * items + j] = value;
      similarity[j * items + i] = value;
    }
  }
  return similarity;
}

/** The k largest similarities offered so far (a min-heap), with their residuals. */
class NeighbourHeap {
  private readonly keys: Float64Array;
  private readonly values: Float64Array;
  private size = 0;

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new PersonalabError('invalid_argument', `neighbours must be >= 1, got ${capacity}`);
    this.keys = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  offer(key: number, value: number): void {
    if (this.size < this.capacity) {
      let index = this.size++;
      while (index > 0) {
        const parent = (index - 1) >> 1;
        if ((this.keys[parent] as number) <= key) break;
        this.keys[index] = this.keys[parent] as number;
        this.values[index] = this.values[parent] as number;
        index = parent;
      }
      this.keys[index] = key;
      this.values[index] = value;
      return;
    }
    if (key <= (this.keys[0] as number)) return;
    // Replace the root and sift down.
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && (this.keys[right] as number) < (this.keys[left] as number) ? right : left;
      if ((this.keys[child] as number) >= key) break;
      this.keys[index] = this.keys[child] as number;
      this.values[index] = this.values[child] as number;
      index = child;
    }
    this.keys[index] = key;
    this.values[index] = value;
  }

  sums(): { weightSum: number; weightedSum: number } {
    let weightSum = 0;
    let weightedSum = 0;
    for (let index = 0; index < this.size; index++) {
      weightSum += this.keys[index] as number;
      weightedSum += (this.keys[index] as number) * (this.values[index] as number);
    }
    return { weightSum, weightedSum };
  }
}
