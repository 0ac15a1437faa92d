import { PersonalabError } from '@personalab/core';
import { selectBackend, type SelectBackendOptions } from './backend.js';
import type { BaseRecommender } from './base-recommender.js';
import { ContextEaseRecommender } from './context-ease.js';
import { EaseRecommender, pageEaseOptions } from './ease.js';
import { LightGcnRecommender } from './lightgcn.js';
import { loadRecommender } from './load-recommender.js';
import { ScoreBlendRecommender } from './score-blend.js';

/**
 * The models the recommender service can serve as its candidate generator (`personalab serve --model`), the
 * default first. The closed forms score in plain TypeScript, λ 300 (chosen on the P1 inner validation split):
 * - `context-ease`: context-EASE's epoch-0 closed form, page-augmented EASE with GF-CF's ideal low-pass blended in
 *   (rank 128, weight 0.25): P1 NDCG@10 0.4889, about 2.5× page-EASE's fitting time (one eigen-decomposition);
 * - `page-ease`: EASE with each rating page as an extra Gram row (P1 NDCG@10 0.4855);
 * - `context-ease+lightgcn`: that closed form plus 3 × LightGCN's z-scores (tfjs, trained for 7 epochs: the weight and
 *   epochs P1 chose on its inner splits), the best P1 ranker (0.4966); LightGCN's training adds about 45 s on
 *   MovieLens 100K.
 */
export const candidateModels = ['context-ease', 'page-ease', 'context-ease+lightgcn'] as const;
export type CandidateModelName = (typeof candidateModels)[number];
export const defaultCandidateModel: CandidateModelName = candidateModels[0];

/** LightGCN's training length and weight in the served blend, as P1 chose them on its inner splits: 7, 7, 8 epochs; weight 3 on two seeds of three (3 / 8 / 3; 3 / 2 / 3 with session 13's grid of 0–4). */
export const servedBlend = { lightgcnEpochs: 7, lightgcnWeight: 3 } as const;

/** A served candidate model (unfitted), by name. */
export function createCandidateModel(name: CandidateModelName): BaseRecommender {
  const closedForm = () => new ContextEaseRecommender({ epochs: 0, easeLambda: pageEaseOptions.lambda });
  switch (name) {
    case 'context-ease':
      return closedForm();
    case 'page-ease':
      return new EaseRecommender(pageEaseOptions);
    case 'context-ease+lightgcn':
      return new ScoreBlendRecommender({ members: [closedForm(), new LightGcnRecommender({ epochs: servedBlend.lightgcnEpochs })], weights: [1, servedBlend.lightgcnWeight], loadMember: loadRecommender });
  }
}

/**
 * The same, ready to fit: context-EASE keeps its (unlearned) combiner in tfjs variables, though its closed form scores
 * in plain TypeScript, and LightGCN trains in tfjs, so the best tfjs backend is selected (and printed) first.
 */
export async function openCandidateModel(name: CandidateModelName, backend: SelectBackendOptions = {}): Promise<BaseRecommender> {
  if (name !== 'page-ease') await selectBackend(backend);
  return createCandidateModel(name);
}

/** Words for logs and result notes. */
export function describeCandidateModel(name: CandidateModelName): string {
  const closedForm = `context-EASE's closed form (EASE with rating pages as extra Gram rows and GF-CF's ideal low-pass, rank 128, weight 0.25; λ ${pageEaseOptions.lambda})`;
  switch (name) {
    case 'context-ease':
      return closedForm;
    case 'page-ease':
      return `EASE with rating pages as extra Gram rows (λ ${pageEaseOptions.lambda}, page weight ${pageEaseOptions.pageWeight})`;
    case 'context-ease+lightgcn':
      return `${closedForm} + ${servedBlend.lightgcnWeight} × LightGCN (tfjs, ${servedBlend.lightgcnEpochs} epochs), per-user z-scores`;
  }
}

/** A string that changes whenever the model's settings do (the main job retrains a saved model whose key differs). */
export function candidateModelKey(name: CandidateModelName): string {
  switch (name) {
    case 'context-ease':
      return `context-ease-λ${pageEaseOptions.lambda}-lowpass`;
    case 'page-ease':
      return `ease-λ${pageEaseOptions.lambda}-pages${pageEaseOptions.pageWeight}`;
    case 'context-ease+lightgcn':
      return `context-ease-λ${pageEaseOptions.lambda}-lowpass+lightgcn-e${servedBlend.lightgcnEpochs}-w${servedBlend.lightgcnWeight}`;
  }
}

/** The name checked: an unknown one is an error naming the allowed values. */
export function candidateModelName(value: string, what = 'model'): CandidateModelName {
  if ((candidateModels as readonly string[]).includes(value)) return value as CandidateModelName;
  throw new PersonalabError('invalid_argument', `${what} must be one of ${candidateModels.join(', ')}, got "${value}"`);
}
