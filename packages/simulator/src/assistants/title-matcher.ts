import type { Item } from '@personalab/core';

const normalize = (text: string) =>
  ` ${text
    .toLowerCase()
    .replace(/\(\d{4}\)/g, ' ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()} `;

/** "Shawshank Redemption, The (1994)" → "the shawshank redemption". */
function titleVariants(title: string): string[] {
  const plain = title.replace(/\s*\(\d{4}\)\s*$/, '').trim();
  const variants = [plain];
  const moved = /^(.*), (The|A|An|Les|La|Le|Il|Das|Der|Die|El)$/i.exec(plain);
  if (moved) variants.push(`${moved[2]} ${moved[1]}`, moved[1] ?? '');
  // Drop alternative titles in parentheses: "City of Lost Children, The (Cité des enfants perdus, La)".
  const withoutAka = plain.replace(/\s*\([^)]*\)\s*/g, ' ').trim();
  if (withoutAka !== plain) variants.push(withoutAka);
  return variants.map(normalize).filter((variant) => variant.trim().length >= 3);
}

/**
 * Finds which catalog items a free-text reply mentions, longest titles first so that
 * "Toy Story 2" is not also counted as "Toy Story". Used to read the recommendations of an
 * assistant that only answers in text (an LLM endpoint).
 */
export class TitleMatcher {
  private readonly entries: Array<{ itemId: string; variant: string }>;

  constructor(items: Iterable<Item>) {
    this.entries = [];
    for (const item of items) for (const variant of titleVariants(item.title)) this.entries.push({ itemId: item.id, variant });
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
