import { contentTokens, tokenize } from '../text/tokenize.js';

/** Where a candidate statement came from: a pattern of the statement miner, or a plain first-person clause. */
export type CandidateSource = 'fact' | 'preference' | 'goal' | 'change' | 'clause';

/** The sources the filter judges: facts and plain clauses; stated tastes, changes and goals always pass. */
export const filteredSources: ReadonlySet<CandidateSource> = new Set(['fact', 'clause']);

/** What the partner said just before: a statement that echoes it is a reaction, not a self-disclosure. */
export interface CandidateContext {
  /** Share of the statement's content words that the partner's previous message used (0 to 1). */
  partnerEcho: number;
  /** Whether the partner's previous message asked a question. */
  answersQuestion: boolean;
}

/** A logistic model over sparse binary features: P(persona-like) = sigmoid(bias + sum of weights). */
export interface PersonaFilterModel {
  /** What it was trained on and how, for the record. */
  description: string;
  bias: number;
  weights: Readonly<Record<string, number>>;
  /** Statements scoring below this probability are dropped. */
  threshold: number;
  /** `structural` leaves out the content words (opening words, length, context and flags only). */
  featureSet?: FeatureSet;
}

export type FeatureSet = 'all' | 'structural';

const hedges = new Set(['maybe', 'probably', 'sometimes', 'think', 'guess', 'kinda', 'pretty', 'little', 'bit', 'sure', 'lot']);
const pronouns = new Set(['it', 'that', 'this', 'them', 'those', 'these', 'there', 'he', 'she', 'they', 'him', 'her']);
const numberWords = /\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundred)\b/;

/**
 * Sparse features of a canonical statement for the persona-likeness filter: its opening words
 * (the verb pattern), its content words, its content length, negation, numbers, hedges,
 * unresolved pronouns, and the miner pattern that produced it.
 */
export function personaFeatures(text: string, source: CandidateSource, context?: CandidateContext, featureSet: FeatureSet = 'all'): string[] {
  const words = tokenize(text);
  const content = contentTokens(text);
  const features = [`source:${source}`, `length:${Math.min(content.length, 9)}`];
  features.push(`first2:${words.slice(0, 2).join(' ')}`, `first3:${words.slice(0, 3).join(' ')}`);
  if (featureSet === 'all') for (const token of new Set(content)) features.push(`word:${token}`);
  if (words.some((word) => word === 'not' || word === 'never' || word === 'no')) features.push('negated');
  if (numberWords.test(text)) features.push('number');
  if (words.some((word) => hedges.has(word))) features.push('hedge');
  if (words.slice(2).some((word) => pronouns.has(word))) features.push('pronoun');
  if (/\b(?:was|were|had|did|used to)\b|\b[a-z]+ed\b/.test(text)) features.push('past');
  if (context) {
    features.push(`echo:${context.partnerEcho === 0 ? 'none' : context.partnerEcho < 0.5 ? 'some' : context.partnerEcho < 1 ? 'most' : 'all'}`);
    if (context.answersQuestion) features.push('answer');
  }
  return features;
}

const sigmoid = (value: number) => 1 / (1 + Math.exp(-value));

/** Probability that a statement is persona-like under the model. */
export function personaScore(model: PersonaFilterModel, text: string, source: CandidateSource, context?: CandidateContext): number {
  let sum = model.bias;
  for (const feature of personaFeatures(text, source, context, model.featureSet)) sum += model.weights[feature] ?? 0;
  return sigmoid(sum);
}

export interface PersonaFilterExample {
  text: string;
  source: CandidateSource;
  context?: CandidateContext;
  /** Whether the statement matches a gold persona sentence of its speaker. */
  label: boolean;
}

export interface TrainPersonaFilterOptions {
  /** Features seen in fewer examples are not given a weight (default 3). */
  minCount?: number;
  /** L2 penalty per example (default 1e-3). */
  l2?: number;
  /** Full-batch gradient steps (default 300). */
  epochs?: number;
  learningRate?: number;
  threshold?: number;
  featureSet?: FeatureSet;
  description?: string;
}

/**
 * Fits the persona filter by full-batch gradient descent on the logistic loss with an L2 penalty
 * (deterministic: no sampling). Features rarer than `minCount` are dropped, so the model does not
 * memorise one speaker's words.
 */
export function trainPersonaFilter(examples: readonly PersonaFilterExample[], options: TrainPersonaFilterOptions = {}): PersonaFilterModel {
  const minCount = options.minCount ?? 3;
  const l2 = options.l2 ?? 1e-3;
  const epochs = options.epochs ?? 300;
  const learningRate = options.learningRate ?? 0.5;
  const counts = new Map<string, number>();
  const featureLists = examples.map((example) => personaFeatures(example.text, example.source, example.context, options.featureSet));
  for (const features of featureLists) for (const feature of features) counts.set(feature, (counts.get(feature) ?? 0) + 1);
  const vocabulary = [...counts].filter(([, count]) => count >= minCount).map(([feature]) => feature).sort();
  const index = new Map(vocabulary.map((feature, position) => [feature, position]));
  const rows = featureLists.map((features) => features.map((feature) => index.get(feature)).filter((position): position is number => position !== undefined));
  const weights = new Float64Array(vocabulary.length);
  let bias = 0;
  const n = examples.length;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const gradient = new Float64Array(vocabulary.length);
    let biasGradient = 0;
    rows.forEach((row, position) => {
      let sum = bias;
      for (const feature of row) sum += weights[feature] as number;
      const error = sigmoid(sum) - (examples[position]?.label ? 1 : 0);
      biasGradient += error;
      for (const feature of row) gradient[feature] = (gradient[feature] as number) + error;
    });
    bias -= (learningRate * biasGradient) / n;
    for (let feature = 0; feature < weights.length; feature++) weights[feature] = (weights[feature] as number) - learningRate * ((gradient[feature] as number) / n + l2 * (weights[feature] as number));
  }
  const rounded: Record<string, number> = {};
  vocabulary.forEach((feature, position) => {
    const weight = Math.round((weights[position] as number) * 1e4) / 1e4;
    if (weight !== 0) rounded[feature] = weight;
  });
  return { description: options.description ?? `logistic, ${n} examples`, bias: Math.round(bias * 1e4) / 1e4, weights: rounded, threshold: options.threshold ?? 0.5, ...(options.featureSet ? { featureSet: options.featureSet } : {}) };
}
