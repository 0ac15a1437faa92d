import type { ChatMessage, Message, ProfileExtractor, Responder, ResponderAnswer, ResponderQuestion } from '@personalab/core';
import { type MemoryView, UserMemory } from '../memory/user-memory.js';
import { extractPreferenceClaims } from '../memory/preference-claims.js';
import { contentWords } from '../memory/text.js';
import { finalAnswerReply } from '../scoring.js';
import { hasSource, optionLetters } from '../types.js';
import { optionBody } from './longest-option-responder.js';

/** How strongly each kind of evidence counts; exposed so ablations can switch parts off. */
export interface MemoryWeights {
  /** A claim that matches the latest state of a remembered preference. */
  latestClaim: number;
  /** A claim that matches an outdated state (or the wrong order of changes). */
  outdatedClaim: number;
  /** A claim about something the user never mentioned. */
  unmentionedClaim: number;
  /** An activity mentioning a remembered subject, signed by its latest state. */
  subjectMention: number;
  /** Words shared with what the user currently says (facts, reasons), minus outdated ones. */
  support: number;
  /** For reason questions: words shared with the reasons the user gave for their latest changes. */
  reasons: number;
  /** For "new ideas": share of the option's specific words found in one earlier statement (they did it already). */
  repetition: number;
}

export const defaultMemoryWeights: MemoryWeights = { latestClaim: 2, outdatedClaim: 2, unmentionedClaim: 1, subjectMention: 1.5, support: 1, reasons: 3, repetition: 3 };

export interface OptionScore {
  letter: string;
  score: number;
  parts: Record<string, number>;
}

/** Does this question type ask for something the user has not done yet? */
const asksForNovelty = (type: string) => /new_ideas|new_things|not_mentioned/.test(type);
/** Does this question type turn on why the user changed their mind? */
const asksForReasons = (type: string) => /reason|generaliz/.test(type);

/**
 * The offline responder: remembers the user's statements (preferences with their states over time
 * and stated reasons, facts, things they did) and scores each option against that memory,
 * preferring the latest state of a preference, the order of its changes and its reasons, and, for
 * questions asking for new ideas, options that repeat nothing the user already did.
 */
export class MemoryResponder implements Responder {
  readonly name: string;
  private readonly weights: MemoryWeights;
  // One memory per shared context, built on first use and shared by every question on it.
  private readonly memories = new Map<string, Promise<UserMemory>>();
  private readonly anonymous = new WeakMap<readonly ChatMessage[], Promise<UserMemory>>();
  private readonly extractor: ProfileExtractor | undefined;

  private readonly stale: boolean;

  /**
   * `stale: true` is an ablation: every preference is taken as first stated, ignoring later changes
   * (what a memory without time would do). `name` tells ablations apart in reports.
   */
  /**
   * `extractor`: take preference timelines from a profile extractor (e.g. the profile package's
   * `HeuristicProfileExtractor`, message index as time) instead of this package's claim parser.
   */
  constructor(options: { weights?: Partial<MemoryWeights>; stale?: boolean; name?: string; extractor?: ProfileExtractor } = {}) {
    this.weights = { ...defaultMemoryWeights, ...options.weights };
    this.stale = options.stale ?? false;
    this.extractor = options.extractor;
    this.name = options.name ?? (this.stale ? 'memory-stale' : options.extractor ? `memory-profile-${options.extractor.name}` : 'memory');
  }

  private async buildMemory(contextId: string, messages: readonly ChatMessage[]): Promise<UserMemory> {
    if (!this.extractor) return new UserMemory(messages);
    const userMessages: Message[] = [];
    messages.forEach((message, index) => {
      if (message.role === 'user') userMessages.push({ id: `${contextId}:${index}`, role: 'user', content: message.content, timestamp: index, userId: contextId });
    });
    // One profile over the whole context; the view keeps only states stated before the end index.
    const profile = await this.extractor.extract(userMessages, { userId: contextId });
    return new UserMemory(messages, profile.preferences);
  }

  private async view(question: ResponderQuestion): Promise<MemoryView> {
    if (hasSource(question)) {
      let memory = this.memories.get(question.source.contextId);
      if (memory === undefined) {
        memory = this.buildMemory(question.source.contextId, question.source.messages);
        this.memories.set(question.source.contextId, memory);
      }
      return (await memory).view(question.source.endIndex);
    }
    let memory = this.anonymous.get(question.context);
    if (memory === undefined) {
      memory = this.buildMemory(question.id, question.context);
      this.anonymous.set(question.context, memory);
    }
    return (await memory).view(question.context.length);
  }

  /** Every option's score with its parts (for inspection and tests). */
  async scoreOptions(question: ResponderQuestion): Promise<OptionScore[]> {
    const view = await this.view(question);
    const weights = this.weights;
    const bodies = question.options.map(optionBody);
    const optionWords = bodies.map((body) => new Set(contentWords(body)));
    // Words in most options are the template, not the answer.
    const counts = new Map<string, number>();
    for (const words of optionWords) for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
    const threshold = Math.max(2, Math.ceil(question.options.length * 0.75));
    const timelines = view.timelines();
    const subjectWords = new Set(timelines.flatMap((timeline) => timeline.words));
    const segments = view.segments();
    // Words the user repeats in many messages (boilerplate requests) say little about them: weight by rarity.
    const frequency = new Map<string, number>();
    for (const { segment } of segments) for (const word of segment.words) frequency.set(word, (frequency.get(word) ?? 0) + 1);
    const rarity = (word: string) => 1 / Math.max(1, frequency.get(word) ?? 1);
    const currentWords = new Set(segments.filter((entry) => !entry.outdated).flatMap((entry) => [...entry.segment.words]));
    const outdatedWords = new Set(segments.filter((entry) => entry.outdated).flatMap((entry) => [...entry.segment.words]));
    const reasonWords = view.reasons().map((reason) => new Set(contentWords(reason)));

    return bodies.map((body, optionIndex) => {
      const parts: Record<string, number> = { claims: 0, mentions: 0, support: 0, reasons: 0, repetition: 0 };
      const claimed = new Set<unknown>();
      const claims = extractPreferenceClaims(body);
      for (const claim of claims) {
        const timeline = view.memory.findTimeline(claim.subjectWords);
        const history = timeline ? view.history(timeline) : [];
        if (!timeline || history.length === 0) {
          parts.claims = (parts.claims ?? 0) - weights.unmentionedClaim;
          continue;
        }
        claimed.add(timeline);
        const latest = this.stale ? history[0] : history[history.length - 1];
        if (claim.past) {
          // A recollection is right when it names an earlier state, not the current one.
          const earlier = history.slice(0, -1);
          parts.claims = (parts.claims ?? 0) + (earlier.includes(claim.polarity) ? weights.latestClaim / 2 : -weights.outdatedClaim / 2);
        } else {
          parts.claims = (parts.claims ?? 0) + (claim.polarity === latest ? weights.latestClaim : -weights.outdatedClaim);
        }
      }
      const distinct = [...(optionWords[optionIndex] ?? [])].filter((word) => (counts.get(word) ?? 0) < threshold);
      const distinctSet = new Set(distinct);
      for (const timeline of timelines) {
        if (claimed.has(timeline)) continue;
        const shared = timeline.words.filter((word) => distinctSet.has(word)).length;
        if (shared === 0) continue;
        const polarity = this.stale ? view.history(timeline)[0] : view.latest(timeline)?.polarity;
        if (polarity !== undefined) parts.mentions = (parts.mentions ?? 0) + (weights.subjectMention * polarity * shared) / timeline.words.length;
      }
      const plain = distinct.filter((word) => !subjectWords.has(word));
      if (asksForNovelty(question.type)) {
        // Something the user already did is not a new idea, however well it fits.
        let repeated = 0;
        for (const { segment } of segments) {
          const shared = plain.filter((word) => segment.words.has(word)).length;
          repeated = Math.max(repeated, shared / Math.max(1, plain.length));
        }
        parts.repetition = -weights.repetition * repeated;
      } else if (plain.length > 0) {
        let support = 0;
        for (const word of plain) {
          if (currentWords.has(word)) support += rarity(word);
          else if (outdatedWords.has(word)) support -= rarity(word);
        }
        parts.support = (weights.support * support) / Math.sqrt(plain.length);
      }
      if (asksForReasons(question.type) && reasonWords.length > 0) {
        let best = 0;
        for (const words of reasonWords) best = Math.max(best, plain.filter((word) => words.has(word)).length / Math.max(1, words.size));
        parts.reasons = weights.reasons * best;
      }
      const score = Object.values(parts).reduce((sum, value) => sum + value, 0);
      return { letter: optionLetters[optionIndex] ?? 'a', score, parts };
    });
  }

  async answer(question: ResponderQuestion): Promise<ResponderAnswer> {
    const scores = await this.scoreOptions(question);
    let best = scores[0];
    for (const entry of scores) if (best === undefined || entry.score > best.score) best = entry;
    const letter = (best?.letter ?? 'a') as (typeof optionLetters)[number];
    const explanation = scores.map((entry) => `${entry.letter}: ${entry.score.toFixed(2)}`).join(', ');
    return { reply: finalAnswerReply(letter, `Scores against the memory of this user: ${explanation}.`) };
  }
}
