import { PersonalabError } from '@personalab/core';
import { selectBackend, type SelectBackendOptions } from './backend.js';
import { ContextEaseRecommender } from './context-ease.js';
import { EaseRecommender, pageEaseOptions } from './ease.js';

/**
 * The models the recommender service can serve as its candidate generator (`personalab serve --model`), the
 * default first. Both are closed forms scored in plain TypeScript, λ 300 (chosen on the P1 inner validation split):
 * - `context-ease`: context-EASE's epoch-0 closed form, page-augmented EASE with GF-CF's ideal low-pass blended in
 *   (rank 128, weight 0.25): the best P1 ranker (NDCG@10 0.4889), about 2.5× page-EASE's fitting time (one
 *   eigen-decomposition);
 * - `page-ease`: EASE with each rating page as an extra Gram row (P1 NDCG@10 0.4855).
 */
export const candidateModels = ['context-ease', 'page-ease'] as const;
export type CandidateModelName = (typeof candidateModels)[number];
export const defaultCandidateModel: CandidateModelName = candidateModels[0];

/** A served candidate model (unfitted), by name. */
export function createCandidateModel(name: CandidateModelName): ContextEaseRecommender | EaseRecommender {
  return name === 'context-ease' ? new ContextEaseRecommender({ epochs: 0, easeLambda: pageEaseOptions.lambda }) : new EaseRecommender(pageEaseOptions);
}

/**
 * The same, ready to fit: context-EASE keeps its (unlearned) combiner in tfjs variables, though its closed form scores
 * in plain TypeScript, so the best tfjs backend is selected (and printed) first.
 */
export async function openCandidateModel(name: CandidateModelName, backend: SelectBackendOptions = {}): Promise<ContextEaseRecommender | EaseRecommender> {
  if (name === 'context-ease') await selectBackend(backend);
  return createCandidateModel(name);
}

/** Words for logs and result notes. */
export function describeCandidateModel(name: CandidateModelName): string {
  return name === 'context-ease'
    ? `context-EASE's closed form (EASE with rating pages as extra Gram rows and GF-CF's ideal low-pass, rank 128, weight 0.25; λ ${pageEaseOptions.lambda})`
    : `EASE with rating pages as extra Gram rows (λ ${pageEaseOptions.lambda}, page weight ${pageEaseOptions.pageWeight})`;
}

/** A string that changes whenever the model's settings do (the main job retrains a saved model whose key differs). */
export function candidateModelKey(name: CandidateModelName): string {
  return name === 'context-ease' ? `context-ease-λ${pageEaseOptions.lambda}-lowpass` : `ease-λ${pageEaseOptions.lambda}-pages${pageEaseOptions.pageWeight}`;
}

/** The name checked: an unknown one is an error naming the allowed values. */
export function candidateModelName(value: string, what = 'model'): CandidateModelName {
  if ((candidateModels as readonly string[]).includes(value)) return value as CandidateModelName;
  throw new PersonalabError('invalid_argument', `${what} must be one of ${candidateModels.join(', ')}, got "${value}"`);
}
