import { type ChatMessage, type Responder, type ResponderAnswer, type ResponderQuestion, PersonalabError } from '@personalab/core';
import { finalAnswerReply } from '../scoring.js';
import { type OptionLetter, hasSource, optionLetters } from '../types.js';
import { utilities } from './conditional-logit.js';
import { type EvidenceFeatureName, type EvidenceWeights, EvidenceContextIndex, evidenceFeatureNames, evidenceFeatures, priorFeatureNames } from './evidence-features.js';
import { defaultEvidenceWeights, defaultOptionPriorWeights } from './evidence-weights.js';

export interface EvidenceResponderOptions {
  /** Weights by feature name; a feature left out weighs 0. Default: `defaultEvidenceWeights` (fitted on the 270 real dev questions). */
  weights?: Partial<EvidenceWeights>;
  /** Name in reports. Default `evidence`. */
  name?: string;
}

/** One option's utility with the features behind it (for inspection and tests). */
export interface EvidenceOptionScore {
  letter: string;
  score: number;
  features: Record<EvidenceFeatureName, number>;
}

/**
 * An offline responder that reads the user's messages: each option's utility is a fitted linear score over
 * option-level priors (length, phrasing cues) and memory features (IDF-weighted support of the option's
 * distinctive words in what the user said before the question, its recency, the agreement of its stance with
 * the user's latest stance on the question's subject), and the option with the highest utility is the answer
 * (the mode of a conditional logit over the four options). See `evidence-features.ts` and `evidence-fitting.ts`.
 */
export class EvidenceResponder implements Responder {
  readonly name: string;
  readonly weights: EvidenceWeights;
  // One index per shared context, built on first use and shared by every question on it.
  private readonly indexes = new Map<string, EvidenceContextIndex>();
  private readonly anonymous = new WeakMap<readonly ChatMessage[], EvidenceContextIndex>();

  constructor(options: EvidenceResponderOptions = {}) {
    const weights = options.weights ?? defaultEvidenceWeights;
    this.weights = Object.fromEntries(evidenceFeatureNames.map((name) => [name, weights[name] ?? 0])) as EvidenceWeights;
    this.name = options.name ?? 'evidence';
  }

  /** The question's feature matrix (a row per option, columns in `evidenceFeatureNames` order). */
  optionFeatures(question: ResponderQuestion): number[][] {
    if (hasSource(question)) {
      let index = this.indexes.get(question.source.contextId);
      if (index === undefined) {
        index = new EvidenceContextIndex(question.source.messages);
        this.indexes.set(question.source.contextId, index);
      }
      return evidenceFeatures(question, index, question.source.endIndex);
    }
    let index = this.anonymous.get(question.context);
    if (index === undefined) {
      index = new EvidenceContextIndex(question.context);
      this.anonymous.set(question.context, index);
    }
    return evidenceFeatures(question, index, question.context.length);
  }

  scoreOptions(question: ResponderQuestion): EvidenceOptionScore[] {
    return scoredOptions(this.optionFeatures(question), this.weights);
  }

  async answer(question: ResponderQuestion): Promise<ResponderAnswer> {
    return bestOptionReply(this.scoreOptions(question), 'Evidence utilities');
  }
}

/** Each option's utility under `weights`, with its features by name. */
function scoredOptions(features: readonly (readonly number[])[], weights: EvidenceWeights): EvidenceOptionScore[] {
  const scores = utilities(
    features,
    evidenceFeatureNames.map((name) => weights[name]),
  );
  return features.map((row, option) => ({
    letter: optionLetters[option] ?? 'a',
    score: scores[option] ?? 0,
    features: Object.fromEntries(evidenceFeatureNames.map((name, column) => [name, row[column] ?? 0])) as Record<EvidenceFeatureName, number>,
  }));
}

/** The letter of highest utility (the first one wins ties, as the longest-option control's). */
function bestLetter(scores: readonly EvidenceOptionScore[]): OptionLetter {
  let best = scores[0];
  for (const entry of scores) if (best === undefined || entry.score > best.score) best = entry;
  return (best?.letter ?? 'a') as OptionLetter;
}

/** The reply naming the option of highest utility, utilities as its reasoning. */
function bestOptionReply(scores: readonly EvidenceOptionScore[], label: string): ResponderAnswer {
  return { reply: finalAnswerReply(bestLetter(scores), `${label}: ${scores.map((entry) => `${entry.letter}: ${entry.score.toFixed(2)}`).join(', ')}.`) };
}

const priorNames = new Set<EvidenceFeatureName>(priorFeatureNames);
// Nothing the user said: every memory feature is 0 over it.
const noContext = new EvidenceContextIndex([]);

/**
 * A control that reads no context, like longest-option but fitted: the evidence responder's option-level priors alone
 * (option length by question type, whether the option recalls the user, claims ignorance of them, tells the
 * assistant's own experiences or takes a negative stance, and its overlap with the question), weights
 * `defaultOptionPriorWeights` fitted on the 270 pre-release dev questions. It answers a questions file without
 * contexts; a score near it says how far the options' phrasing alone carries on that benchmark. Memory weights given
 * to it are refused.
 */
export class OptionPriorsResponder implements Responder {
  readonly name: string;
  readonly weights: EvidenceWeights;

  constructor(options: EvidenceResponderOptions = {}) {
    const weights = options.weights ?? defaultOptionPriorWeights;
    const memory = evidenceFeatureNames.filter((name) => !priorNames.has(name) && (weights[name] ?? 0) !== 0);
    if (memory.length > 0) throw new PersonalabError('invalid_argument', `option-priors reads no context: memory weights must be 0, got ${memory.join(', ')}`);
    this.weights = Object.fromEntries(evidenceFeatureNames.map((name) => [name, weights[name] ?? 0])) as EvidenceWeights;
    this.name = options.name ?? 'option-priors';
  }

  /** Every option's utility (the same features as the evidence responder's, over no context). */
  scoreOptions(question: Pick<ResponderQuestion, 'type' | 'question' | 'options'>): EvidenceOptionScore[] {
    return scoredOptions(evidenceFeatures(question, noContext, 0), this.weights);
  }

  /** The option it answers (for reports that split questions by whether the control gets them right). */
  choose(question: Pick<ResponderQuestion, 'type' | 'question' | 'options'>): OptionLetter {
    return bestLetter(this.scoreOptions(question));
  }

  async answer(question: ResponderQuestion): Promise<ResponderAnswer> {
    return bestOptionReply(this.scoreOptions(question), 'Option-prior utilities (no context read)');
  }
}
