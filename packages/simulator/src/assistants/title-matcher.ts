import type { Item } from '@personalab/core';
import { normalizeTitleText, titleVariants } from '@personalab/datasets';

const normalize = (text: string) => ` ${normalizeTitleText(text)} `;

/**
 * Finds which catalog items a free-text reply mentions, longest titles first so that
 * "Toy Story 2" is not also counted as "Toy Story". Used to read the recommendations of an
 * assistant that only answers in text (an LLM endpoint).
 */
export class TitleMatcher {
  private readonly entries: Array<{ itemId: string; variant: string }>;

  constructor(items: Iterable<Item>) {
    this.entries = [];
    for (const item of items) for (const variant of titleVariants(item.title)) this.entries.push({ itemId: item.id, variant: ` ${variant} ` });
    this.entries.sort((left, right) => right.variant.length - left.variant.length);
  }

  /** Item ids mentioned in the text, in order of first mention. */
  match(text: string): string[] {
    let haystack = normalize(text);
    const found: Array<{ itemId: string; position: number }> = [];
    const seen = new Set<string>();
    for (const { itemId, variant } of this.entries) {
      if (seen.has(itemId)) continue;
      const position = haystack.indexOf(variant);
      if (position < 0) continue;
      seen.add(itemId);
      found.push({ itemId, position });
      // Blank the match out so that shorter titles inside it do not match again.
      haystack = haystack.slice(0, position) + ' '.repeat(variant.length) + haystack.slice(position + variant.length);
    }
    return found.sort((left, right) => left.position - right.position).map((entry) => entry.itemId);
  }
}
