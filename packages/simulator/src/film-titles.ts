import { distinctSpokenTitles } from '@personalab/datasets';
import type { ItemCatalog } from './simulated-user.js';

/** Each catalogue's spoken titles, built once: every simulated user of a run shares one catalogue. */
const spokenByCatalog = new WeakMap<ItemCatalog, ReadonlyMap<string, string>>();

/**
 * How a simulated user names a catalogue film: as people say it ("The Silence of the Lambs"), with its other title where
 * another film would be said alike without it ("Clean Slate (Coup de Torchon)", `distinctSpokenTitles`); undefined for
 * an id the catalogue lacks.
 */
export function filmTitle(catalog: ItemCatalog | undefined, itemId: string): string | undefined {
  if (catalog === undefined) return undefined;
  let spoken = spokenByCatalog.get(catalog);
  if (spoken === undefined) {
    spoken = distinctSpokenTitles(catalog.values());
    spokenByCatalog.set(catalog, spoken);
  }
  return spoken.get(itemId);
}
