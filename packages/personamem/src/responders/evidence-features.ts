import type { ChatMessage } from '@personalab/core';
import { contentWords, sentences } from '../memory/text.js';
import { optionBody } from './longest-option-responder.js';

/**
 * Question types in six groups. The released, pre-release and generated files name their types differently
 * (`recalling_facts_mentioned_by_the_user`, `recall_user_shared_facts`, …); a group's features share weights.
 */
export const evidenceTypeGroups = ['facts', 'latest', 'reasons', 'recommend', 'generalize', 'novelty'] as const;
export type EvidenceTypeGroup = (typeof evidenceTypeGroups)[number];

/** The group of a question type; an unknown type counts as a fact question (support, as for recall). */
export function evidenceTypeGroup(type: string): EvidenceTypeGroup {
  if (/new_things|new_ideas|not_mentioned/.test(type)) return 'novelty';
  // Before reasons: `generalizing_past_reasons_in_memory_to_new_scenarios` names both.
  if (/generaliz/.test(type)) return 'generalize';
  if (/reason/.test(type)) return 'reasons';
  if (/recommend/.test(type)) return 'recommend';
  if (/latest|evolution|preference/.test(type)) return 'latest';
  return 'facts';
}

/**
 * Option-level priors: read the question and its options only, never the context. A responder with these
 * alone is a (stronger) control, like longest-option.
 */
export const priorFeatureNames = [
  ...evidenceTypeGroups.map((group) => `length:${group}` as const),
  'ignorance',
  'selfExperience',
  'recallsUser',
  'negativeStance',
  'questionOverlap',
] as const;

/** Memory features: each reads the user's messages before the question's end index. */
export const memoryFeatureNames = [...evidenceTypeGroups.map((group) => `support:${group}` as const), 'subjectSupport', 'coverage', 'recency', 'stanceAgreement'] as const;

export const evidenceFeatureNames = [...priorFeatureNames, ...memoryFeatureNames] as const;
export type EvidenceFeatureName = (typeof evidenceFeatureNames)[number];
/** A weight per feature: the responder's utility of an option is the weighted sum of its features. */
export type EvidenceWeights = Record<EvidenceFeatureName, number>;

// Curly apostrophes are common in the real contexts; the cues below are written with straight ones.
const normalise = (text: string) => text.toLowerCase().replace(/[\u2018\u2019]/g, "'");

/** The option says it knows nothing of the user (the generic distractor of recall questions). */
const ignoranceCue = /\b(unaware|not aware|no idea|(don't|do not|didn't) (know|recall|remember)|(haven't|have not|never) (mentioned|told|shared|said)|not sure (if|whether) you|without knowing)\b/;
/** The assistant speaking of its own experiences ("has been a transformative experience for me"), once requests ("let me know") are removed. */
const selfCue = /\b(my|myself|mine|for me|to me|with me|i've (taken|found|been|started|tried|joined|had)|i have (taken|found|been|started|tried|joined|had))\b/;
const requestPhrases = /\b(let|tell|show|allow|give|help|remind|like|want|need) me\b/g;
/** The option recalls something the user said ("I remember you mentioned", "given your love of"). */
const recallCue =
  /\b(you (mentioned|said|shared|told|noted|described|expressed|talked|spoke|brought up)|you've (mentioned|said|shared|told|expressed|talked)|i (remember|recall)|remember (how|when|that)|your (love|interest|passion|enjoyment|appreciation|preference|affinity|fondness|dedication|concerns?|inclination)|given your|since you|based on your)\b/;
/**
 * A negative or disinterested stance: negation, avoidance, discomfort. "not only" / "not just" are not a
 * stance; the list was drawn from the user's messages and options of context c26f05 only.
 */
const negativeCue =
  /\b(not|never|no longer|avoid\w*|disinterest\w*|uninterest\w*|dislik\w*|steer(ed)? clear|uncomfortable|overwhelm\w*|frustrat\w*|disappoint\w*|struggl\w*|stressful|restrictive|lost (interest|motivation)|unproductive|less (comfortable|interested|enjoyable)|too (rigid|distracting|demanding)|rather than)\b|n't\b/;
const notAStance = /\bnot (only|just|merely)\b/g;

/** Does the text take a negative or disinterested stance? */
export function negativeStance(text: string): boolean {
  return negativeCue.test(normalise(text).replace(notAStance, ''));
}

function zScores(values: readonly number[]): number[] {
  const mean = values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  const deviation = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, values.length));
  return values.map((value) => (deviation < 1e-9 ? 0 : (value - mean) / deviation));
}

/**
 * The part of a user's message that says where they stand now: its first two sentences (the rest elaborates), and of
 * those the clause after the last "but" ("I tried volunteering abroad, but I realized it didn't align with my goals";
 * "I used to love jazz, but now I dislike it").
 */
export function statedStance(message: string): string {
  const opening = sentences(message.replace(/^\s*(user|patient|client)\s*:\s*/i, '')).slice(0, 2).join(' ');
  const parts = opening.split(/\bbut\b/i);
  return parts[parts.length - 1] ?? opening;
}

interface UserStatement {
  /** Position in the shared context. */
  index: number;
  words: Set<string>;
  /** The stance of its opening (the first two sentences state what the message is about). */
  negative: boolean;
}

/** A shared context's user messages, tokenised once; document frequencies are computed per end index. */
export class EvidenceContextIndex {
  private readonly statements: UserStatement[] = [];
  private readonly frequencies = new Map<number, { count: number; frequency: Map<string, number> }>();

  constructor(messages: readonly ChatMessage[]) {
    messages.forEach((message, index) => {
      if (message.role !== 'user') return;
      this.statements.push({ index, words: new Set(contentWords(message.content)), negative: negativeStance(statedStance(message.content)) });
    });
  }

  /** The user's messages before `endIndex` (exclusive, as the official slice). */
  before(endIndex: number): UserStatement[] {
    return this.statements.filter((statement) => statement.index < endIndex);
  }

  /** Inverse document frequency over the user's messages before `endIndex`. */
  idf(endIndex: number): (word: string) => number {
    let cached = this.frequencies.get(endIndex);
    if (cached === undefined) {
      const visible = this.before(endIndex);
      const frequency = new Map<string, number>();
      for (const statement of visible) for (const word of statement.words) frequency.set(word, (frequency.get(word) ?? 0) + 1);
      cached = { count: visible.length, frequency };
      this.frequencies.set(endIndex, cached);
    }
    const { count, frequency } = cached;
    return (word) => Math.log((count + 1) / ((frequency.get(word) ?? 0) + 0.5));
  }

  /** How many of the user's messages before `endIndex` contain the word. */
  documentFrequency(endIndex: number, word: string): number {
    this.idf(endIndex);
    return this.frequencies.get(endIndex)?.frequency.get(word) ?? 0;
  }
}

/** A question as the features need it. */
export interface EvidenceQuestion {
  type: string;
  question: string;
  options: readonly string[];
}

/**
 * The feature matrix of a question: one row per option, one column per `evidenceFeatureNames` entry.
 * Continuous features are z-scores within the question (a conditional logit compares options of one question
 * only, so what matters is how an option stands against the others); cues are 0/1; type-specific features are
 * 0 outside their group.
 */
export function evidenceFeatures(question: EvidenceQuestion, index: EvidenceContextIndex, endIndex: number): number[][] {
  const group = evidenceTypeGroup(question.type);
  const bodies = question.options.map(optionBody);
  const texts = bodies.map(normalise);
  const optionWords = bodies.map((body) => new Set(contentWords(body)));
  // Words in two or more options are the template or the shared subject; the rest tell the options apart.
  const counts = new Map<string, number>();
  for (const words of optionWords) for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
  const distinct = optionWords.map((words) => [...words].filter((word) => (counts.get(word) ?? 0) < 2));

  const statements = index.before(endIndex);
  const idf = index.idf(endIndex);
  const questionWords = new Set(contentWords(question.question));

  // Support: the IDF weight of an option's distinctive words in the one user message that holds most of it.
  const support: number[] = [];
  const supportPosition: number[] = [];
  const coverage: number[] = [];
  for (const words of distinct) {
    let best = 0;
    let bestIndex = -1;
    for (const statement of statements) {
      let weight = 0;
      for (const word of words) if (statement.words.has(word)) weight += idf(word);
      if (weight > best) {
        best = weight;
        bestIndex = statement.index;
      }
    }
    support.push(words.length === 0 ? 0 : best / Math.sqrt(words.length));
    supportPosition.push(bestIndex < 0 || endIndex <= 0 ? 0 : bestIndex / endIndex);
    coverage.push(words.length === 0 ? 0 : words.filter((word) => index.documentFrequency(endIndex, word) > 0).length / words.length);
  }
  const meanPosition = supportPosition.reduce((sum, value) => sum + value, 0) / Math.max(1, supportPosition.length);

  // The messages about the question's subject: those that share most of the question's words.
  const subjectScores = statements.map((statement) => [...questionWords].reduce((sum, word) => sum + (statement.words.has(word) ? idf(word) : 0), 0));
  const topSubject = Math.max(0, ...subjectScores);
  // The user's latest stance on what an option speaks of (its words that are not in every option, so not the template):
  // the stance of the latest of the messages that share most of them.
  const latestStance = optionWords.map((words) => {
    const subject = [...words].filter((word) => (counts.get(word) ?? 0) < bodies.length);
    const scores = statements.map((statement) => subject.reduce((sum, word) => sum + (statement.words.has(word) ? idf(word) : 0), 0));
    const top = Math.max(0, ...scores);
    let latest: UserStatement | undefined;
    statements.forEach((statement, position) => {
      if (top > 0 && (scores[position] ?? 0) >= 0.75 * top) latest = statement;
    });
    return latest?.negative;
  });

  // Support within what the user said about the question's subject: a distractor on another of the user's interests is
  // supported somewhere in the history, but not where the user talks about this subject.
  const subjectStatements = statements.filter((_, position) => topSubject > 0 && (subjectScores[position] ?? 0) >= 0.5 * topSubject);
  const subjectSupport = zScores(
    distinct.map((words) => {
      if (words.length === 0) return 0;
      let best = 0;
      for (const statement of subjectStatements) best = Math.max(best, words.reduce((sum, word) => sum + (statement.words.has(word) ? idf(word) : 0), 0));
      return best / Math.sqrt(words.length);
    }),
  );

  const lengths = zScores(bodies.map((body) => body.length));
  // All of the option's words: the subject of a question is usually shared by several options, and the one that drops it is off topic.
  const overlap = zScores(optionWords.map((words) => [...words].filter((word) => questionWords.has(word)).length));
  const supportScores = zScores(support);
  const coverageScores = zScores(coverage);

  return bodies.map((_, option) => {
    const text = texts[option] ?? '';
    const optionNegative = negativeStance(text);
    const values: Record<EvidenceFeatureName, number> = {
      'length:facts': 0,
      'length:latest': 0,
      'length:reasons': 0,
      'length:recommend': 0,
      'length:generalize': 0,
      'length:novelty': 0,
      ignorance: ignoranceCue.test(text) ? 1 : 0,
      selfExperience: selfCue.test(text.replace(requestPhrases, '')) ? 1 : 0,
      recallsUser: recallCue.test(text) ? 1 : 0,
      negativeStance: optionNegative ? 1 : 0,
      questionOverlap: overlap[option] ?? 0,
      'support:facts': 0,
      'support:latest': 0,
      'support:reasons': 0,
      'support:recommend': 0,
      'support:generalize': 0,
      'support:novelty': 0,
      subjectSupport: subjectSupport[option] ?? 0,
      coverage: coverageScores[option] ?? 0,
      recency: (supportPosition[option] ?? 0) - meanPosition,
      stanceAgreement: latestStance[option] === undefined ? 0 : optionNegative === latestStance[option] ? 1 : -1,
    };
    values[`length:${group}`] = lengths[option] ?? 0;
    values[`support:${group}`] = supportScores[option] ?? 0;
    return evidenceFeatureNames.map((name) => values[name]);
  });
}
