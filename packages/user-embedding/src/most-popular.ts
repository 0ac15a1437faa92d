import type { FitOptions, TrainingData } from '@personalab/core';
import { BaseRecommender, type ScoringQuery } from './base-recommender.js';
import { checkVocabulary, weightOfShape, type WeightMap } from './weights-io.js';

/** Ranks items by how many users interacted with them: the floor every model must beat. */
export class MostPopularRecommender extends BaseRecommender {
  readonly name = 'most-popular';
  private counts: Float32Array = new Float32Array(0);

  protected async fitModel(data: TrainingData, _options: FitOptions): Promise<void> {
    const matrix = this.adoptTrainingData(data);
    const counts = new Float32Array(matrix.itemIds.length);
    for (const history of matrix.histories) for (const item of new Set(history)) counts[item] = (counts[item] as number) + 1;
    this.counts = counts;
  }

  scoreQuery(_query: ScoringQuery): Float32Array {
    return this.counts.slice();
  }

  protected exportState(): { config: Record<string, unknown>; weights: WeightMap } {
    return { config: {}, weights: { counts: { shape: [this.counts.length], values: this.counts } } };
  }

  protected importState(state: { weights: WeightMap }): void {
    checkVocabulary(this.data);
    this.counts = weightOfShape(state.weights, 'counts', [this.data.itemIds.length]);
  }

}
