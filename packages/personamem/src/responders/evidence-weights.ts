import type { EvidenceWeights } from './evidence-features.js';

/** Where `defaultEvidenceWeights` come from, for reports and `--help`. */
export const defaultEvidenceWeightsSource =
  'conditional logit (L2 1) fitted on all 270 pre-release PersonaMem dev questions (questions_128k.csv, both 128k contexts); the out-of-sample estimate is the cross-fitted one in experiments/personamem/results/summary.md';

/**
 * The evidence responder's default weights: `fitEvidenceWeights(evidenceExamples(all 270 dev questions))`, rounded to
 * 4 decimals. experiments/personamem/run.ts refits them and reports any drift (a feature change must refit them).
 * Scores on the dev questions with these weights are in-sample; the cross-fitted ones are the estimate.
 */
export const defaultEvidenceWeights: EvidenceWeights = {
  'length:facts': 0.7448,
  'length:latest': 0.2978,
  'length:reasons': 1.3893,
  'length:recommend': 1.193,
  'length:generalize': 2.3181,
  'length:novelty': -2.3989,
  ignorance: -0.2722,
  selfExperience: -1.0907,
  recallsUser: 2.5035,
  negativeStance: -1.1705,
  questionOverlap: 0.1957,
  'support:facts': 1.2718,
  'support:latest': -0.6035,
  'support:reasons': 1.0856,
  'support:recommend': 0.183,
  'support:generalize': -0.5169,
  'support:novelty': 0.3296,
  subjectSupport: 0.4459,
  coverage: 0.0474,
  recency: -1.2481,
  stanceAgreement: 0.1248,
};

/**
 * The option-priors control's weights: `fitEvidenceWeights(evidenceExamples(all 270 dev questions), { features: 'priors' })`,
 * rounded to 4 decimals (memory features 0). They read the question and its options only, so the control answers
 * questions files without contexts (the 589 released 32k questions: out of sample there, a different question set of the
 * final release). experiments/personamem/run.ts refits them and reports any drift.
 */
export const defaultOptionPriorWeights: Partial<EvidenceWeights> = {
  'length:facts': 1.3739,
  'length:latest': 0.3092,
  'length:reasons': 2.126,
  'length:recommend': 1.2736,
  'length:generalize': 2.0181,
  'length:novelty': -2.413,
  ignorance: -0.6326,
  selfExperience: -0.3617,
  recallsUser: 2.2065,
  negativeStance: -1.3693,
  questionOverlap: 0.2793,
};
