import { buildTaste, isNamedDislike, tagStems } from './taste.js';
import type { ExplainInput, Explainer } from './types.js';

const list = (words: readonly string[]) =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] ?? ''}`;

/**
 * Explains a recommendation from evidence alone: the item's attributes that match the profile,
 * the liked history items that share them, and what the user said.
 */
export class OfflineExplainer implements Explainer {
  readonly name = 'offline-evidence';

  async explain(input: ExplainInput): Promise<string> {
    const { item } = input;
    const taste = buildTaste(input.profile, input.history);
    const stems = [...new Set(tagStems(item))];
    // Every stem of a tag names it ("Sci-Fi" stems to "sci" and "fi").
    const tagByStem = new Map(item.tags.flatMap((tag) => tagStems({ ...item, tags: [tag] }).map((stemmed): [string, string] => [stemmed, tag])));
    const liked = stems.filter((stemmed) => (taste.tags.get(stemmed) ?? 0) > 0).sort((a, b) => (taste.tags.get(b) ?? 0) - (taste.tags.get(a) ?? 0));
    const parts: string[] = [];
    // MovieLens titles carry their year already ("Heat (1995)").
    const year = item.year === undefined || /\(\d{4}\)\s*$/.test(item.title) ? '' : ` (${item.year})`;
    // Tags the user asked for this session come first, so "It fits 'sci-fi'" sits beside Sci-Fi (Star Wars lists it fourth).
    const asked = (tag: string) => tagStems({ ...item, tags: [tag] }).some((stemmed) => (input.refinement?.tagWeights[stemmed] ?? 0) > 0);
    const ordered = [...item.tags.filter(asked), ...item.tags.filter((tag) => !asked(tag))];
    const tags = ordered.length > 0 ? `: ${ordered.slice(0, 3).join(' / ')}` : '';
    parts.push(`${item.title}${year}${tags}.`);
    const stated = liked.map((stemmed) => taste.statedByTag.get(stemmed)).filter((value) => value?.polarity === 'like');
    if (stated.length > 0) parts.push(`You said you like ${list([...new Set(stated.map((value) => value?.subject ?? ''))])}.`);
    const supporting = liked.flatMap((stemmed) => taste.likedByTag.get(stemmed) ?? []).filter((other) => other.id !== item.id);
    const unique = [...new Map(supporting.map((other) => [other.id, other])).values()].slice(0, 2);
    if (unique.length > 0) {
      const shared = [...new Set(liked.map((stemmed) => tagByStem.get(stemmed) ?? stemmed))].slice(0, 2);
      parts.push(`It shares ${list(shared)} with ${list(unique.map((other) => other.title))}, which you liked.`);
    }
    if (input.refinement) parts.push(`It fits "${input.refinement.phrase}".`);
    if (input.reason) parts.push(input.reason);
    if (parts.length === 1) {
      // Titles the user only said they dislike seed nothing, so they are no similarity to cite.
      const seeded = input.history.some((entry) => !isNamedDislike(entry));
      const fallback = seeded ? 'People whose ratings resemble yours rated it highly.' : 'It is one of the most liked titles here.';
      parts.push(item.description ? item.description.slice(0, 200) : fallback);
    }
    return parts.join(' ');
  }
}
