import { type ChatMessage, type Responder, type ResponderAnswer, type ResponderQuestion, PersonalabError } from '@personalab/core';
import type { BenchmarkQuestion } from '../types.js';
import { optionLetters } from '../types.js';
import { type ChoiceExample, fitConditionalLogit } from './conditional-logit.js';
import { type EvidenceFeatureName, type EvidenceWeights, EvidenceContextIndex, evidenceFeatureNames, evidenceFeatures, priorFeatureNames } from './evidence-features.js';
import { EvidenceResponder } from './evidence-responder.js';

/** A question's features with its gold option, for fitting. */
export interface EvidenceExample extends ChoiceExample {
  questionId: string;
  /** The question's text: copies of one question share it. */
  question: string;
  contextId: string;
  type: string;
}

/** Which features a fit may use: `priors` (the question and options only) or `all` (priors and memory). */
export type EvidenceFeatureSet = 'all' | 'priors';

/** The penalty used for every shipped and reported fit; fixed before any cross-fitted score was seen. */
export const evidenceL2 = 1;

/** Feature matrices of questions over their shared contexts (one index per context, as the responder builds them). */
export function evidenceExamples(questions: readonly BenchmarkQuestion[], contexts: ReadonlyMap<string, readonly ChatMessage[]>): EvidenceExample[] {
  const indexes = new Map<string, EvidenceContextIndex>();
  return questions.map((question) => {
    let index = indexes.get(question.sharedContextId);
    if (index === undefined) {
      index = new EvidenceContextIndex(contexts.get(question.sharedContextId) ?? []);
      indexes.set(question.sharedContextId, index);
    }
    return {
      questionId: question.id,
      question: question.question,
      contextId: question.sharedContextId,
      type: question.type,
      features: evidenceFeatures(question, index, question.endIndex),
      correct: optionLetters.indexOf(question.correct),
    };
  });
}

/**
 * Fits the responder's weights on labelled examples: a conditional logit with an L2 penalty (`evidenceL2`
 * unless given). With `features: 'priors'` the memory features are held at 0, so the fit is a control that
 * never reads the context. Deterministic: the same examples give the same weights.
 */
export function fitEvidenceWeights(examples: readonly ChoiceExample[], options: { features?: EvidenceFeatureSet; l2?: number } = {}): EvidenceWeights {
  const allowed = new Set<EvidenceFeatureName>(options.features === 'priors' ? priorFeatureNames : evidenceFeatureNames);
  const keep = evidenceFeatureNames.map((name) => allowed.has(name));
  const masked = examples.map((example) => ({ correct: example.correct, features: example.features.map((row) => row.map((value, column) => (keep[column] ? value : 0))) }));
  const fit = fitConditionalLogit(masked, { l2: options.l2 ?? evidenceL2 });
  // A masked feature's weight is exactly 0 (its gradient is the penalty alone).
  return Object.fromEntries(evidenceFeatureNames.map((name, column) => [name, keep[column] ? (fit.weights[column] ?? 0) : 0])) as EvidenceWeights;
}

/** One fold of a cross-fit: weights fitted without the held-out questions, to score them. */
export interface EvidenceFold {
  /** What was held out: a shared context id, or `questions i/k`. */
  heldOut: string;
  /** Ids of the held-out questions (scored by this fold's weights). */
  heldOutQuestions: string[];
  trainQuestions: number;
  weights: EvidenceWeights;
}

/**
 * Cross-fitting: examples are split into folds by `foldOf`, and each fold's questions get weights fitted on every
 * other fold's. Folds are taken in sorted order of their keys, so the result does not depend on example order.
 */
export function crossFit(examples: readonly EvidenceExample[], options: { foldOf: (example: EvidenceExample) => string; features?: EvidenceFeatureSet; l2?: number }): EvidenceFold[] {
  const keys = [...new Set(examples.map(options.foldOf))].sort();
  return keys.map((heldOut) => {
    const train = examples.filter((example) => options.foldOf(example) !== heldOut);
    return {
      heldOut,
      heldOutQuestions: examples.filter((example) => options.foldOf(example) === heldOut).map((example) => example.questionId),
      trainQuestions: train.length,
      weights: fitEvidenceWeights(train, options),
    };
  });
}

/** Cross-fitting by shared context: a question is scored by weights fitted on the other contexts' questions. */
export function crossFitByContext(examples: readonly EvidenceExample[], options: { features?: EvidenceFeatureSet; l2?: number } = {}): EvidenceFold[] {
  return crossFit(examples, { ...options, foldOf: (example) => example.contextId });
}

/**
 * Cross-fitting by question text, `folds` folds: every copy of a question (the same text on another shared context, or
 * under another type) is in one fold, so no fold is scored by weights fitted on its own questions. Distinct texts are
 * dealt to folds round-robin in order of first appearance.
 */
export function crossFitByQuestion(examples: readonly EvidenceExample[], options: { folds?: number; features?: EvidenceFeatureSet; l2?: number } = {}): EvidenceFold[] {
  const count = options.folds ?? 5;
  const order = new Map<string, number>();
  for (const example of examples) if (!order.has(example.question)) order.set(example.question, order.size);
  return crossFit(examples, { ...options, foldOf: (example) => `questions ${((order.get(example.question) ?? 0) % count) + 1}/${count}` });
}

/**
 * Answers each question with the fold that held it out, so every answer is out of sample. A question no fold held
 * out is an error (it would otherwise be scored by weights that saw it, or by none).
 */
export class CrossFittedEvidenceResponder implements Responder {
  readonly name: string;
  private readonly responders = new Map<string, EvidenceResponder>();

  constructor(folds: readonly EvidenceFold[], options: { name?: string } = {}) {
    this.name = options.name ?? 'evidence-cross-fitted';
    for (const fold of folds) {
      const responder = new EvidenceResponder({ weights: fold.weights, name: this.name });
      for (const questionId of fold.heldOutQuestions) this.responders.set(questionId, responder);
    }
  }

  async answer(question: ResponderQuestion): Promise<ResponderAnswer> {
    const responder = this.responders.get(question.id);
    if (responder === undefined) throw new PersonalabError('invalid_argument', `${this.name}: no fold held out question ${question.id}`);
    return responder.answer(question);
  }
}
