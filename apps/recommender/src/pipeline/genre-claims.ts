import type { Item } from '@personalab/core';
import { genresOf, singleWordTag } from './constraints.js';
import { stem, tagStems } from './taste.js';

/** Stems that stand for one audience: a film tagged Children is a family film, and the other way round. */
const audience = ['children', stem('family')];
const sameGenre: Record<string, readonly string[]> = Object.fromEntries(audience.map((tag) => [tag, audience]));

/** Every genre stem the offline reader knows, for a check made without the catalogue's own (an explainer used on its own). */
export const knownGenreStems: ReadonlySet<string> = new Set([...singleWordTag, 'sci', 'children']);

/**
 * The genres a text (an LLM's explanation or reason) says an item has that the item's tags do not: genre words
 * read with the offline constraint reader's vocabulary (`genresOf`), so "a true comedy classic" of an Animation
 * film is caught, a genre the catalogue lacks ("a true western classic" where it has no westerns) too. Negated
 * mentions ("no horror here") claim nothing. Returned as tag stems.
 */
export function unsupportedGenres(text: string, item: Item, catalogueStems: ReadonlySet<string> = knownGenreStems): string[] {
  const vocabulary = catalogueStems === knownGenreStems ? knownGenreStems : new Set([...catalogueStems, ...knownGenreStems]);
  const own = new Set(tagStems(item).flatMap((tag) => sameGenre[tag] ?? [tag]));
  const lower = text.toLowerCase().replace(/[’‘]/g, "'");
  return genresOf(lower, { stems: vocabulary })
    .filter((genre) => !genre.avoided && !own.has(genre.stem))
    .map((genre) => genre.stem);
}
