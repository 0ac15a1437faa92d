import type { Interaction, Recommender, RecommendOptions, ScoredItem } from '@personalab/core';
import { PersonalabError } from '@personalab/core';
import type { ItemCatalog } from '../simulated-user.js';
import { RecommenderAssistant } from './recommender-assistant.js';

/** Interaction counts per item: the non-personalised ranking of the most-popular baseline. */
class PopularityRanking implements Recommender {
  readonly name = 'most-popular';
  private ranking: ScoredItem[] = [];

  constructor(interactions: readonly Interaction[]) {
    const counts = new Map<string, number>();
    for (const interaction of interactions) counts.set(interaction.itemId, (counts.get(interaction.itemId) ?? 0) + 1);
    // Ties broken by id so the baseline is deterministic.
    this.ranking = [...counts].map(([itemId, count]) => ({ itemId, score: count })).sort((left, right) => right.score - left.score || left.itemId.localeCompare(right.itemId));
  }

  async fit(): Promise<void> {}

  async recommend(options: RecommendOptions): Promise<ScoredItem[]> {
    const exclude = options.exclude instanceof Set ? options.exclude : new Set(options.exclude ?? []);
    const result: ScoredItem[] = [];
    for (const entry of this.ranking) {
      if (result.length >= options.k) break;
      if (!exclude.has(entry.itemId)) result.push(entry);
    }
    return result;
  }

  async score(options: { itemIds: readonly string[] }): Promise<number[]> {
    const byId = new Map(this.ranking.map((entry) => [entry.itemId, entry.score]));
    return options.itemIds.map((itemId) => byId.get(itemId) ?? 0);
  }

  async save(): Promise<void> {
    throw new PersonalabError('unsupported', 'the popularity baseline has nothing to save');
  }

  async load(): Promise<void> {
    throw new PersonalabError('unsupported', 'the popularity baseline has nothing to load');
  }
}

/**
 * The most-popular baseline as an assistant: the most interacted-with items the user has not
 * seen and was not offered yet, with the same conversational layer as the other assistants.
 */
export function createMostPopularAssistant(options: {
  interactions: readonly Interaction[];
  catalog: ItemCatalog;
  k?: number;
  historyOf?: (userId: string) => readonly string[];
  useMentionedTags?: boolean;
}): RecommenderAssistant {
  return new RecommenderAssistant({
    recommender: new PopularityRanking(options.interactions),
    catalog: options.catalog,
    knownUsers: true,
    name: 'most-popular',
    ...(options.k === undefined ? {} : { k: options.k }),
    ...(options.historyOf ? { historyOf: options.historyOf } : {}),
    ...(options.useMentionedTags === undefined ? {} : { useMentionedTags: options.useMentionedTags }),
  });
}
