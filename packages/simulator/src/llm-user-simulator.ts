import {
  PersonalabError,
  type ChatMessage,
  type ChatModel,
  type DialogueTurn,
  type Profile,
  type SimulationGoal,
  type SimulatorTurn,
  type UserSimulator,
} from '@personalab/core';
import { spokenTitle, TitleMatcher } from '@personalab/datasets';
import { ContradictionChecker } from './contradiction.js';
import { fallbackTurn } from './fallback-turns.js';
import type { ReportedSimulatorTurn, TurnProvenance } from './harness/simulator-report.js';
import { buildUserSystemPrompt, endMarker, groundTruthNote } from './llm-user-prompt.js';
import { dislikedGenres, likedGenres, profileStatements } from './profile-text.js';
import { isAcceptance, judgeItem, recommendationFeedback, type FeedbackThresholds } from './recommendation-feedback.js';
import type { ItemCatalog } from './simulated-user.js';
import { isRecommendationGoal, lastOffered, TasteReplies, type TasteReply } from './taste-replies.js';
import { isQuestion } from './text.js';
import { createRandom, hashString } from '@personalab/core';

/** Phrases by which a simulated user would give itself away. */
const breaksCharacter = /\b(?:as an ai|language model|i am an ai|i'm an ai|simulat(?:ed|ion|ing)|role-?play(?:ing)?|this persona|my persona|hidden note|system prompt)\b/i;

export interface LlmUserSimulatorOptions {
  model: ChatModel;
  catalog?: ItemCatalog;
  temperature?: number;
  maxTokens?: number;
  /** User turns after which the user ends with `turn_limit`. */
  maxTurns?: number;
  /** Regenerations when a reply breaks character or contradicts a fact, before the grounded fallback. */
  maxRepairs?: number;
  thresholds?: FeedbackThresholds;
  seed?: number;
  /**
   * Counters to add to (default: this instance's own). A run makes one simulator per user: pass
   * one object to all of them to report the run's totals, above all `fallbacks`, the turns the
   * model never got right and a grounded reply stood in for.
   */
  stats?: LlmUserSimulatorStats;
}

/** What an `LlmUserSimulator` asked of its model, and how often it had to step in. */
export interface LlmUserSimulatorStats {
  /** Requests for a user turn (regenerations included). */
  calls: number;
  /** Replies that broke character, contradicted a fact or were empty (each asked again while repairs remain). */
  repairs: number;
  /** User turns written by the grounded fallback after every regeneration failed the checks. */
  fallbacks: number;
}

/**
 * A user simulated by a chat model behind any OpenAI-compatible endpoint. The model plays the
 * user from a system prompt built from the hidden profile and goal; each reply is checked, and
 * one that breaks character or contradicts a profile fact is regenerated, then replaced by a
 * grounded reply, so the simulator keeps its promises even when the model does not.
 * Whether the goal is met is decided by the ground truth, not by the model's words.
 */
export class LlmUserSimulator implements UserSimulator {
  readonly name: string;
  private readonly options: LlmUserSimulatorOptions;
  private profile: Profile | undefined;
  private goal: SimulationGoal | undefined;
  private systemPrompt = '';
  private checker = new ContradictionChecker([]);
  /** Finds the hidden targets' titles in a reply (the prompt says never to name them). */
  private targets = new TitleMatcher([]);
  private userTurns = 0;
  /** The fallback's answers to questions about film tastes, from the profile and history (users looking for a film only). */
  private tastes: TasteReplies | undefined;
  /** Hidden notes given before each user turn, by the index of the dialogue turn they follow. */
  private readonly notes = new Map<number, string>();
  /** Upstream calls, repairs and grounded fallbacks, for reports (shared when `options.stats` is given). */
  readonly stats: LlmUserSimulatorStats;
  private random = createRandom(0);

  constructor(options: LlmUserSimulatorOptions) {
    this.options = options;
    this.name = `llm:${options.model.modelId}`;
    this.stats = options.stats ?? { calls: 0, repairs: 0, fallbacks: 0 };
  }

  /** The opening turn; its `provenance` says whether the grounded fallback wrote it (`simulate` stores that). */
  async start(options: { profile: Profile; goal: SimulationGoal }): Promise<ReportedSimulatorTurn> {
    this.profile = options.profile;
    this.goal = options.goal;
    this.systemPrompt = buildUserSystemPrompt({ profile: options.profile, goal: options.goal, catalog: this.options.catalog });
    this.checker = new ContradictionChecker(profileStatements(options.profile));
    const catalog = this.options.catalog;
    this.targets = new TitleMatcher((options.goal.targetItemIds ?? []).flatMap((id) => {
      const title = catalog?.get(id)?.title;
      return title === undefined ? [] : [{ id, title }];
    }));
    this.random = createRandom(hashString(options.profile.userId, this.options.seed ?? 0));
    const thresholds = this.options.thresholds;
    this.tastes = isRecommendationGoal(options.goal) ? new TasteReplies({ profile: options.profile, goal: options.goal, catalog, random: this.random, ...(thresholds ? { thresholds } : {}) }) : undefined;
    this.userTurns = 1;
    this.notes.clear();
    const text = await this.generate([], 'Write your first message to the assistant.');
    return { type: 'message', content: text.content, provenance: text.provenance };
  }

  /** The reaction to the assistant's last turn, with its `provenance` as `start` has it. */
  async respond(options: { dialogue: readonly DialogueTurn[] }): Promise<ReportedSimulatorTurn> {
    const goal = this.goal;
    if (!goal || !this.profile) throw new PersonalabError('invalid_argument', 'respond() called before start()');
    this.userTurns++;
    const last = options.dialogue.at(-1);
    const recommended = last?.role === 'assistant' ? (last.recommendedItemIds ?? []) : [];
    const accepted = recommended.some((itemId) => isAcceptance(judgeItem(itemId, goal, this.options.thresholds)));
    let note: string | undefined;
    if (recommended.length > 0) {
      note = groundTruthNote({ recommendedItemIds: recommended, goal, catalog: this.options.catalog, ...(this.options.thresholds ? { thresholds: this.options.thresholds } : {}) });
      this.notes.set(options.dialogue.length - 1, note);
    }
    const overLimit = this.options.maxTurns !== undefined && this.userTurns > this.options.maxTurns;
    const instruction = accepted
      ? `One of the recommendations meets your goal: accept it, thank the assistant, and end with ${endMarker}.`
      : overLimit
        ? `This is your last message: thank the assistant and end with ${endMarker}.`
        : undefined;
    const reply = await this.generate(options.dialogue, instruction, recommended);
    // The fallback may accept a film offered before, asked what it thought of it (`neutralTurn`).
    const turn: SimulatorTurn = accepted || reply.accepted
      ? { type: 'end', reason: 'goal_met', content: reply.content }
      : overLimit
        ? { type: 'end', reason: 'turn_limit', content: reply.content }
        : reply.ended
          ? { type: 'end', reason: 'patience_exhausted', content: reply.content }
          : { type: 'message', content: reply.content };
    return { ...turn, provenance: reply.provenance };
  }

  /**
   * The hidden targets a reply names that the assistant has not offered (in its list or its words): naming one hands
   * an assistant that echoes titles its success. A one-word title counts only capitalised ("Alien", not "alien movies").
   */
  private namedTargets(content: string, dialogue: readonly DialogueTurn[]): string[] {
    const offered = new Set<string>();
    for (const turn of dialogue) {
      if (turn.role !== 'assistant') continue;
      for (const itemId of turn.recommendedItemIds ?? []) offered.add(itemId);
      for (const itemId of this.targets.match(turn.content)) offered.add(itemId);
    }
    const catalog = this.options.catalog;
    const titleOf = (itemId: string) => spokenTitle(catalog?.get(itemId)?.title ?? itemId);
    // A one-word title as a word of the reply written with a capital ("Alien"), not a common word ("alien movies").
    const capitalised = (variant: string) => content.split(/[^A-Za-z0-9]+/).some((word) => word.toLowerCase() === variant && /^[A-Z0-9]/.test(word));
    return this.targets
      .find(content, (itemId, variant) => !offered.has(itemId) && (variant.includes(' ') || capitalised(variant)))
      .map((mention) => titleOf(mention.itemId));
  }

  /** The conversation from the simulated user's side: the assistant speaks as "user". */
  private messages(dialogue: readonly DialogueTurn[], instruction: string | undefined): ChatMessage[] {
    const messages: ChatMessage[] = [{ role: 'system', content: this.systemPrompt }];
    dialogue.forEach((turn, index) => {
      if (turn.role === 'system') return;
      messages.push({ role: turn.role === 'user' ? 'assistant' : 'user', content: turn.content });
      const note = this.notes.get(index);
      if (note) messages.push({ role: 'system', content: note });
    });
    if (instruction) messages.push({ role: 'system', content: instruction });
    return messages;
  }

  private async generate(dialogue: readonly DialogueTurn[], instruction: string | undefined, recommended: readonly string[] = []): Promise<{ content: string; ended: boolean; accepted: boolean; provenance: TurnProvenance }> {
    const repairs = this.options.maxRepairs ?? 2;
    let guidance = instruction;
    // This turn's account, besides the totals in `stats`.
    const provenance: TurnProvenance = { modelReplies: 0, rejectedReplies: 0, fallback: false };
    for (let attempt = 0; attempt <= repairs; attempt++) {
      this.stats.calls++;
      provenance.modelReplies++;
      const result = await this.options.model.generate({
        messages: this.messages(dialogue, guidance),
        temperature: this.options.temperature ?? 0.8,
        maxTokens: this.options.maxTokens ?? 200,
        ...(this.options.seed === undefined ? {} : { seed: this.options.seed }),
      });
      const ended = result.text.includes(endMarker);
      const content = result.text.replaceAll(endMarker, '').replace(/^\s*(?:user|me)\s*:\s*/i, '').trim();
      const named = content === '' ? [] : this.namedTargets(content, dialogue);
      const problem =
        content === ''
          ? 'Your message was empty. Write a message.'
          : breaksCharacter.test(content)
            ? 'You broke character. Rewrite your message as the person, with no mention of being an AI or a simulation.'
            : this.checker.find(content)
              ? `Your message contradicts a fact about you (${this.checker.find(content)?.fact ?? ''}). Rewrite it consistently with who you are.`
              : named.length > 0
                ? `You named ${named.join(', ')}, which you must let the assistant find. Rewrite your message without naming it: describe what you like instead.`
                : undefined;
      if (problem === undefined) return { content, ended, accepted: false, provenance };
      this.stats.repairs++;
      provenance.rejectedReplies++;
      guidance = [instruction, problem].filter(Boolean).join(' ');
    }
    // The model kept failing the checks: say something grounded rather than something false.
    this.stats.fallbacks++;
    provenance.fallback = true;
    const goal = this.goal as SimulationGoal;
    if (recommended.length > 0) {
      const genres = this.profile ? { likedGenres: likedGenres(this.profile), dislikedGenres: dislikedGenres(this.profile) } : {};
      const feedback = recommendationFeedback({ recommendedItemIds: recommended, goal, catalog: this.options.catalog, random: this.random, ...genres, ...(this.options.thresholds ? { thresholds: this.options.thresholds } : {}) });
      return { content: feedback.text, ended: false, accepted: false, provenance };
    }
    const { text, accepted } = this.neutralTurn(dialogue, goal);
    return { content: text, ended: false, accepted, provenance };
  }

  /**
   * The fallback without recommendations to react to: a user looking for a film opens with its goal, as its prompt has
   * it do, and answers a question about its tastes from its profile and history, as the retrieval simulator does (it had
   * said "Hmm, hard to say." to "What genres do you like?" and "Have you seen Fargo?"); otherwise a turn that asserts
   * nothing, an answer to a question included (it had said "Okay. What else can you tell me?" to "What genres do you
   * like?", and opened a chat persona's talk with its goal, "Get to know the person you are talking to."). Asked what it
   * thought of films offered before, it accepts one it would watch (`accepted`).
   */
  private neutralTurn(dialogue: readonly DialogueTurn[], goal: SimulationGoal): TasteReply {
    if (dialogue.length === 0) return { text: isRecommendationGoal(goal) ? goal.description : fallbackTurn(undefined, this.random), accepted: false };
    const last = [...dialogue].reverse().find((turn) => turn.role === 'assistant')?.content ?? '';
    // As long as the profile writes when it has a style, else one fact (a fallback keeps short).
    const style = this.profile?.style;
    return this.tastes?.reply(last, () => (style && style.messageCount > 0 ? style.meanLength : 0), lastOffered(dialogue)) ?? { text: fallbackTurn(isQuestion(last), this.random), accepted: false };
  }
}
