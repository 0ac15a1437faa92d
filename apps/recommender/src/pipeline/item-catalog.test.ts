import { describe, expect, it } from 'vitest';
import type { Item } from '@personalab/core';
import { readConstraints } from './constraints.js';
import { ItemCatalog } from './item-catalog.js';

describe('ItemCatalog', () => {
  it('counts "recent" back from the catalogue\'s recent end, which one new film does not move', () => {
    const films: Item[] = Array.from({ length: 200 }, (_, index) => ({ id: `f${index}`, title: `Film ${index}`, tags: ['Drama'], year: 1990 + (index % 9) }));
    const catalog = new ItemCatalog(films);
    expect(catalog.recentEnd()).toBe(1998);
    catalog.upsert([{ id: 'new', title: 'Brand New', tags: ['Drama'], year: 2020 }]);
    expect(catalog.latestYear()).toBe(2020);
    expect(catalog.recentEnd()).toBe(1998);
    const vocabulary = { stems: catalog.tagStems(), latestYear: catalog.latestYear(), recentEnd: catalog.recentEnd() };
    // From the latest year alone, "recent" had meant 2016 on, where only the new film is.
    expect(readConstraints('something recent please', vocabulary).years).toEqual({ from: 1994 });
  });
});
