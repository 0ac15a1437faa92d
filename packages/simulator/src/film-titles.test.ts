import type { Item } from '@personalab/core';
import { describe, expect, it } from 'vitest';
import { filmTitle } from './film-titles.js';

const film = (id: string, title: string): [string, Item] => [id, { id, title, tags: ['Drama'] }];

describe('filmTitle', () => {
  it('names a film by its spoken title, a remake with its year, and nothing for an id the catalogue lacks', () => {
    const catalog = new Map([film('i1', 'Silence of the Lambs, The (1991)'), film('i2', 'Sabrina (1954)'), film('i3', 'Sabrina (1995)')]);
    expect(filmTitle(catalog, 'i1')).toBe('The Silence of the Lambs');
    expect(filmTitle(catalog, 'i2')).toBe('Sabrina (1954)');
    expect(filmTitle(catalog, 'i9')).toBeUndefined();
    expect(filmTitle(undefined, 'i1')).toBeUndefined();
  });

  // The titles were built once per catalogue: a film added after the first feedback was an id the user did not know.
  it('follows a catalogue that changes after its first use', () => {
    const catalog = new Map([film('i1', 'Fargo (1996)'), film('i2', 'Sabrina (1954)')]);
    expect(filmTitle(catalog, 'i2')).toBe('Sabrina');
    catalog.set('i3', { id: 'i3', title: 'Heat (1995)', tags: ['Action'] });
    expect(filmTitle(catalog, 'i3')).toBe('Heat');
    // A remake added later tells the first film apart by its year too.
    catalog.set('i4', { id: 'i4', title: 'Sabrina (1995)', tags: ['Comedy'] });
    expect(filmTitle(catalog, 'i2')).toBe('Sabrina (1954)');
    catalog.set('i1', { id: 'i1', title: 'Fargo (TV version) (1997)', tags: ['Crime'] });
    expect(filmTitle(catalog, 'i1')).toBe('Fargo');
  });
});
