import { dirname, join } from 'node:path';
import { PersonalabError } from '@personalab/core';
import type { BaseRecommender } from './base-recommender.js';
import { readModelKind } from './base-recommender.js';
import { AutoRecRecommender } from './autorec.js';
import { BayesianMfRecommender } from './bayesian-mf.js';
import { BiasedMfRecommender } from './biased-mf.js';
import { BprRecommender } from './bpr-mf.js';
import { ContextEaseRecommender } from './context-ease.js';
import { EaseRecommender } from './ease.js';
import { ItemKnnRecommender } from './item-knn.js';
import { KnnBaselineRecommender } from './knn-baseline.js';
import { LightGcnRecommender } from './lightgcn.js';
import { MostPopularRecommender } from './most-popular.js';
import { ScoreBlendRecommender } from './score-blend.js';
import { SequentialTwoTowerRecommender } from './sequential-two-tower.js';

/** Every model of this package by its `name`. */
export const recommenderFactories: Record<string, () => BaseRecommender> = {
  'most-popular': () => new MostPopularRecommender(),
  'item-knn': () => new ItemKnnRecommender(),
  ease: () => new EaseRecommender(),
  'bpr-mf': () => new BprRecommender(),
  'biased-mf': () => new BiasedMfRecommender(),
  'bayesian-mf': () => new BayesianMfRecommender(),
  'knn-baseline': () => new KnnBaselineRecommender(),
  autorec: () => new AutoRecRecommender(),
  'sequential-two-tower': () => new SequentialTwoTowerRecommender(),
  'context-ease': () => new ContextEaseRecommender(),
  lightgcn: () => new LightGcnRecommender(),
  'score-blend': () => new ScoreBlendRecommender({ loadMember: loadRecommender }),
};

/**
 * Loads any model saved by `save(directory)`, whatever its kind. tfjs models need a backend:
 * call `selectBackend()` first.
 */
export async function loadRecommender(directory: string): Promise<BaseRecommender> {
  const kind = await readModelKind(directory);
  if (kind === 'checkpoint') {
    // `train` writes the two-tower's resumable state to <out>/checkpoints/last; the model it saved is <out> itself.
    throw new PersonalabError('invalid_argument', `${directory} holds a training checkpoint (what train --resume continues from), not a saved model (personalab train saves the model two folders up, in ${dirname(dirname(directory))})`, {
      details: { file: join(directory, 'model.json') },
    });
  }
  const factory = recommenderFactories[kind];
  if (!factory) throw new PersonalabError('invalid_data', `${directory}/model.json: unknown model kind ${kind}`);
  const model = factory();
  await model.load(directory);
  return model;
}
