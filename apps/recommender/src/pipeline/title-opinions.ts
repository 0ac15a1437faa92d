import type { Item } from '@personalab/core';
import { normalizeTitleText, TitleMatcher } from '@personalab/datasets';

/** A catalogue title the user mentioned with an opinion of it. */
export interface TitleOpinion {
  item: Item;
  polarity: 'like' | 'dislike';
  /** The rating the statement stands for: 5 loved, 4 liked, 2 disliked, 1 hated. */
  rating: number;
  /** The clause it was read from. */
  clause: string;
}

const normalize = (text: string) => ` ${normalizeTitleText(text)} `;

const strongLike = /\b(?:love|loved|loving|adore|adored|favou?rite|best|amazing|awesome|brilliant|masterpiece|fantastic)\b/;
const like = /\b(?:like|liked|enjoy|enjoyed|great|good|fun|into|fan of)\b/;
const strongDislike = /\b(?:hate|hated|can ?t stand|cannot stand|couldn ?t stand|awful|terrible|worst|horrible)\b/;
const dislike = /\b(?:dislike|disliked|boring|bored|not (?:a )?fan|not into|overrated|meh)\b/;
const negation = /\b(?:not|never|don ?t|didn ?t|doesn ?t|wasn ?t|isn ?t|no)\s+(?:\w+\s+)?(?:really\s+)?(?:like|liked|love|loved|enjoy|enjoyed|into|a fan)\b/;
/** Wanting to watch a title ("I'd like to see Fargo") is not an opinion of it. */
const wishToWatch = /\b(?:would|d|want|wanna|plan|going|hope|hoping)\s+(?:like\s+)?to\s+(?:see|watch|rewatch|check out)\b/;
/** Asking for items like a title ("something like Alien") names it as a seed, a liking in effect. */
const byExample = /\b(?:(?:something|anything|stuff|movies?|films?|ones?|more|others?)(?:\s+\w+)?\s+(?:like|such as)|similar to|in the vein of|along the lines of)\s*$/;

/**
 * Reads which catalogue titles a chat message names with an opinion ("I loved Alien", "Twister
 * was boring", "something like Fargo"). Titles of two or more words match in any case; a one-word
 * title only when quoted or written capitalised (not as the message's first word), so that "heat",
 * "speed" or "go" in ordinary words are not read as films. A title in a clause without an opinion
 * ("have you seen Alien?") is not read. Longer titles win over titles inside them.
 */
export class TitleOpinionReader {
  private readonly items = new Map<string, Item>();
  private readonly matcher: TitleMatcher;

  constructor(items: Iterable<Item>) {
    for (const item of items) this.items.set(item.id, item);
    this.matcher = new TitleMatcher(this.items.values());
  }

  read(message: string): TitleOpinion[] {
    const opinions: TitleOpinion[] = [];
    const seen = new Set<string>();
    // Clauses: sentences, then "but" and semicolons, so "I loved Alien but hated Twister" reads both.
    for (const [clauseIndex, clause] of message.split(/(?<=[.!?;])\s+|\s+but\s+|;/i).entries()) {
      if (clause.trim().endsWith('?')) continue;
      const accept = (itemId: string, variant: string) => !seen.has(itemId) && (variant.includes(' ') || this.writtenAsTitle(clause, variant, clauseIndex === 0));
      const found = this.matcher.find(clause, accept);
      if (found.length === 0) continue;
      const lower = normalize(clause);
      for (const { itemId, position } of found) {
        const item = this.items.get(itemId);
        const opinion = item && this.opinionOf(lower, position);
        if (!item || !opinion) continue;
        seen.add(itemId);
        opinions.push({ item, ...opinion, clause: clause.trim() });
      }
    }
    return opinions;
  }

  /** A one-word title: quoted, or capitalised anywhere but as the message's first word. */
  private writtenAsTitle(clause: string, variant: string, opensMessage: boolean): boolean {
    const pattern = new RegExp(`(^|[^A-Za-z0-9])(["'“‘]?)(${variant})(?![A-Za-z0-9])`, 'gi');
    for (const match of clause.matchAll(pattern)) {
      if (match[2] !== '') return true;
      const word = match[3] ?? '';
      if (word.charAt(0) !== word.charAt(0).toUpperCase()) continue;
      if (!(opensMessage && clause.slice(0, match.index + (match[1]?.length ?? 0)).trim() === '')) return true;
    }
    return false;
  }

  private opinionOf(clause: string, start: number): Omit<TitleOpinion, 'item' | 'clause'> | undefined {
    if (byExample.test(clause.slice(0, start).trimEnd())) return { polarity: 'like', rating: 4 };
    if (wishToWatch.test(clause)) return undefined;
    if (negation.test(clause) || strongDislike.test(clause)) return { polarity: 'dislike', rating: strongDislike.test(clause) ? 1 : 2 };
    if (dislike.test(clause)) return { polarity: 'dislike', rating: 2 };
    if (strongLike.test(clause)) return { polarity: 'like', rating: 5 };
    if (like.test(clause)) return { polarity: 'like', rating: 4 };
    return undefined;
  }
}
