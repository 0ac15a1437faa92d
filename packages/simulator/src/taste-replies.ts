import type { DialogueTurn } from '@personalab/core';
import { filmMentionsOf } from './film-mentions.js';
import { genreOf } from './profile-text.js';
import type { ItemCatalog } from './simulated-user.js';
import { TasteAnswers, type TasteAnswersOptions } from './taste-answer.js';
import { readTasteQuestion } from './taste-question.js';

/** The catalogue's genres (its items' tags, lower-cased); none without a catalogue. */
export function catalogGenres(catalog: ItemCatalog | undefined): string[] {
  return [...new Set([...(catalog?.values() ?? [])].flatMap((item) => item.tags.map((tag) => tag.toLowerCase())).filter((tag) => tag !== 'unknown'))];
}

/** The films of the latest assistant turn that offered any: what "did you like the last one I suggested?" asks about. */
export function lastOffered(dialogue: readonly DialogueTurn[]): readonly string[] {
  return dialogue.findLast((turn) => turn.role === 'assistant' && (turn.recommendedItemIds?.length ?? 0) > 0)?.recommendedItemIds ?? [];
}

/**
 * A user's replies to questions about its film tastes: the question read from the assistant's message
 * (`readTasteQuestion`, with the genres it may name: the catalogue's and the profile's) and answered from the profile and
 * history (`TasteAnswers`). The retrieval simulator says them; the LLM simulator's fallback does too.
 */
export class TasteReplies {
  readonly answers: TasteAnswers;
  private readonly genres: string[];
  private readonly catalog: ItemCatalog | undefined;

  constructor(options: TasteAnswersOptions) {
    this.answers = new TasteAnswers(options);
    this.catalog = options.catalog;
    this.genres = [...new Set([...catalogGenres(options.catalog), ...options.profile.preferences.map((preference) => genreOf(preference.subject))])];
  }

  /**
   * The answer to a message that asks about film tastes, `wantedWords()` long (asked only then); undefined for any other
   * message. `offered`: the films the assistant offered last (`lastOffered`), which "did you like it?" may ask about.
   */
  reply(message: string, wantedWords: () => number, offered: readonly string[] = []): string | undefined {
    const question = readTasteQuestion(message, this.genres, this.catalog && filmMentionsOf(this.catalog), offered);
    return question && this.answers.answer(question, wantedWords());
  }
}
