import type { Assistant, DialogueTurn, Recommender } from '@personalab/core';
import { normalizeTitleText, spokenTitle, titleWithoutArticle } from '@personalab/datasets';
import { filmMentionsOf } from '../film-mentions.js';
import type { ItemCatalog } from '../simulated-user.js';
import { singular, words } from '../text.js';
import type { TitleMatcher } from './title-matcher.js';

export interface RecommenderAssistantOptions {
  recommender: Recommender;
  catalog: ItemCatalog;
  /** Items per reply. */
  k?: number;
  /** Whether the recommender knows the user ids (trained on them); otherwise it gets a history. */
  knownUsers?: boolean;
  /** Items the user is known to have seen (their training history), never recommended again. */
  historyOf?: (userId: string) => readonly string[];
  /** Reads items the user names; items they say they loved join their history. */
  titles?: TitleMatcher;
  /** Prefer items with the tags (genres) the user mentions. */
  useMentionedTags?: boolean;
  name?: string;
}

const positive = /\b(?:loved|love|liked|enjoyed|great|favorite|favourite|amazing)\b/i;
const negative = /\b(?:no|not|never|did not|didn't|don't|hate|hated|disliked)\b/i;

/**
 * An in-process recommender as a conversational assistant: each reply recommends `k` new items
 * (never one it already recommended or the user has seen), preferring genres the user mentioned
 * and folding titles the user says they loved into the history.
 */
export class RecommenderAssistant implements Assistant {
  readonly name: string;
  private readonly options: RecommenderAssistantOptions;
  private readonly tagsByWord: ReadonlyMap<string, string>;

  constructor(options: RecommenderAssistantOptions) {
    this.options = options;
    this.name = options.name ?? `recommender:${options.recommender.name}`;
    const tags = new Map<string, string>();
    for (const item of options.catalog.values()) {
      for (const tag of item.tags) {
        const key = singular(tag.toLowerCase().replace(/[^a-z]/g, ''));
        if (key.length > 2) tags.set(key, tag);
      }
    }
    // Common spellings of genres that are not a single word of the tag itself.
    for (const [alias, key] of [['comedie', 'comedy'], ['scifi', 'scifi'], ['sci', 'scifi'], ['romantic', 'romance'], ['animated', 'animation'], ['kid', 'childrens'], ['scary', 'horror']] as const) {
      const tag = tags.get(key);
      if (tag) tags.set(alias, tag);
    }
    this.tagsByWord = tags;
  }

  async reply(options: { userId: string; dialogue: readonly DialogueTurn[] }): Promise<{ content: string; recommendedItemIds: readonly string[] }> {
    const k = this.options.k ?? 5;
    const exclude = new Set<string>(this.options.historyOf?.(options.userId) ?? []);
    for (const turn of options.dialogue) for (const itemId of turn.recommendedItemIds ?? []) exclude.add(itemId);
    const history = [...(this.options.historyOf?.(options.userId) ?? [])];
    const mentionedTags = new Set<string>();
    for (const turn of options.dialogue) {
      if (turn.role !== 'user') continue;
      for (const sentence of turn.content.split(/(?<=[.!?])\s+/)) {
        if (this.options.useMentionedTags !== false && !negative.test(sentence)) {
          for (const word of this.wordsBesideTitles(sentence)) {
            const tag = this.tagsByWord.get(singular(word.replace(/[^a-z]/g, '')));
            if (tag) mentionedTags.add(tag);
          }
        }
        if (this.options.titles && positive.test(sentence) && !negative.test(sentence)) {
          for (const itemId of this.options.titles.match(sentence)) {
            history.push(itemId);
            exclude.add(itemId);
          }
        }
      }
    }
    const pool = await this.options.recommender.recommend({
      ...(this.options.knownUsers !== false ? { userId: options.userId } : { history }),
      k: mentionedTags.size > 0 ? k * 10 : k,
      exclude,
    });
    // A stable partition: items with a mentioned tag first, each part in model order.
    const ranked = mentionedTags.size > 0
      ? [...pool.filter((entry) => this.hasTag(entry.itemId, mentionedTags)), ...pool.filter((entry) => !this.hasTag(entry.itemId, mentionedTags))]
      : pool;
    const chosen = ranked.slice(0, k).map((entry) => entry.itemId);
    const names = chosen.map((itemId) => this.options.catalog.get(itemId)?.title ?? itemId);
    const content = names.length === 0 ? 'Sorry, I have nothing new to suggest.' : `You might enjoy: ${names.join('; ')}.`;
    return { content, recommendedItemIds: chosen };
  }

  /**
   * The words of a sentence but those of the catalogue titles of two words or more it names ("I loved Star Wars" had
   * asked for war films); a one-word title ("War, The", its article aside) may be the genre's own word and is kept.
   */
  private wordsBesideTitles(sentence: string): string[] {
    const titleWords = new Set(
      filmMentionsOf(this.options.catalog)
        .titles(sentence)
        .flatMap(({ itemId }) => {
          const title = this.options.catalog.get(itemId)?.title ?? '';
          // Counted without its article: "War, The" is one word, which may be the genre's ("War movies are my thing").
          return words(normalizeTitleText(titleWithoutArticle(title))).length > 1 ? words(normalizeTitleText(spokenTitle(title))) : [];
        }),
    );
    return words(sentence).filter((word) => !titleWords.has(word));
  }

  private hasTag(itemId: string, tags: ReadonlySet<string>): boolean {
    return this.options.catalog.get(itemId)?.tags.some((tag) => tags.has(tag)) ?? false;
  }
}
