import { distinctSpokenTitles } from '@personalab/datasets';
import type { ItemCatalog } from './simulated-user.js';

/**
 * A catalogue's spoken titles and the titles they were said from: a film added later, or the film asked about retitled, is
 * said anew (another film retitled into a lookalike is not noticed; the simulations' catalogues do not change during a run).
 */
interface SpokenTitles {
  size: number;
  titles: ReadonlyMap<string, string>;
  said: ReadonlyMap<string, string>;
}

/** Each catalogue's spoken titles, built once while it stays the same: every simulated user of a run shares one catalogue. */
const spokenByCatalog = new WeakMap<ItemCatalog, SpokenTitles>();

/**
 * How a simulated user names a catalogue film: as people say it ("The Silence of the Lambs"), told apart by its other
 * title or its year where another film would be said alike without it ("Clean Slate (Coup de Torchon)", "Sabrina
 * (1954)", `distinctSpokenTitles`); undefined for an id the catalogue lacks.
 */
export function filmTitle(catalog: ItemCatalog | undefined, itemId: string): string | undefined {
  if (catalog === undefined) return undefined;
  let spoken = spokenByCatalog.get(catalog);
  // Built once, a film added after the first feedback had been an id the user did not know.
  if (spoken === undefined || spoken.size !== catalog.size || spoken.titles.get(itemId) !== catalog.get(itemId)?.title) {
    spoken = { size: catalog.size, titles: new Map([...catalog.values()].map((item) => [item.id, item.title])), said: distinctSpokenTitles(catalog.values()) };
    spokenByCatalog.set(catalog, spoken);
  }
  return spoken.said.get(itemId);
}
