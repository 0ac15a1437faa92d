import type { DialogueTurn, SimulationGoal } from '@personalab/core';
import { filmMentionsOf } from './film-mentions.js';
import { genreOf } from './profile-text.js';
import { isAcceptance, judgeItem } from './recommendation-feedback.js';
import type { ItemCatalog } from './simulated-user.js';
import { TasteAnswers, type TasteAnswersOptions } from './taste-answer.js';
import { readTasteQuestion } from './taste-question.js';

/** Whether a user looks for a film (targets or hidden ratings to find), as the users who answer questions about their tastes do. */
export const isRecommendationGoal = (goal: SimulationGoal): boolean => (goal.targetItemIds?.length ?? 0) > 0 || (goal.hiddenRatings?.size ?? 0) > 0;

/** The catalogue's genres (its items' tags, lower-cased); none without a catalogue. */
export function catalogGenres(catalog: ItemCatalog | undefined): string[] {
  return [...new Set([...(catalog?.values() ?? [])].flatMap((item) => item.tags.map((tag) => tag.toLowerCase())).filter((tag) => tag !== 'unknown'))];
}

/** The films of the latest assistant turn that offered any: what "did you like the last one I suggested?" asks about. */
export function lastOffered(dialogue: readonly DialogueTurn[]): readonly string[] {
  return dialogue.findLast((turn) => turn.role === 'assistant' && (turn.recommendedItemIds?.length ?? 0) > 0)?.recommendedItemIds ?? [];
}

/** A reply to a question about film tastes; `accepted`: it accepts a film offered before it was asked about (a verdict). */
export interface TasteReply {
  text: string;
  accepted: boolean;
}

/**
 * A user's replies to questions about its film tastes: the question read from the assistant's message
 * (`readTasteQuestion`, with the genres it may name: the catalogue's and the profile's) and answered from the profile and
 * history (`TasteAnswers`). The retrieval simulator says them; the LLM simulator's fallback does too.
 */
export class TasteReplies {
  readonly answers: TasteAnswers;
  private readonly genres: string[];
  private readonly options: TasteAnswersOptions;

  constructor(options: TasteAnswersOptions) {
    this.answers = new TasteAnswers(options);
    this.options = options;
    this.genres = [...new Set([...catalogGenres(options.catalog), ...options.profile.preferences.map((preference) => genreOf(preference.subject))])];
  }

  /**
   * The answer to a message that asks about film tastes, `wantedWords()` long (asked only then); undefined for any other
   * message. `offered`: the films the assistant offered last (`lastOffered`), which "did you like it?" may ask about; of
   * them, a verdict accepts those the hidden goal accepts, as the feedback on the list does.
   */
  reply(message: string, wantedWords: () => number, offered: readonly string[] = []): TasteReply | undefined {
    const question = readTasteQuestion(message, this.genres, this.options.catalog && filmMentionsOf(this.options.catalog), offered);
    if (question === undefined) return undefined;
    const accepted = question.kind === 'verdict' && question.itemIds.some((itemId) => isAcceptance(judgeItem(itemId, this.options.goal, this.options.thresholds)));
    return { text: this.answers.answer(question, wantedWords()), accepted };
  }
}
