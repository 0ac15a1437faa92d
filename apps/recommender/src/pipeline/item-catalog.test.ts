import { describe, expect, it } from 'vitest';
import type { Item } from '@personalab/core';
import { readConstraints } from './constraints.js';
import { ItemCatalog, titleKey } from './item-catalog.js';

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

  it('keeps popularity current from the changed items: a few recounted one by one, many in one whole recount', () => {
    const films: Item[] = Array.from({ length: 40 }, (_, index) => ({ id: `f${index}`, title: `Film ${index}`, tags: ['Drama'] }));
    const catalog = new ItemCatalog(films);
    const likes = new Map<string, number>([['f0', 3]]);
    catalog.setPopularity(likes);
    let pending: string[] = [];
    const calls = { counts: 0, all: 0 };
    catalog.trackPopularity({
      changes: () => pending.splice(0),
      counts: (ids) => {
        calls.counts++;
        return new Map(ids.map((id) => [id, likes.get(id) ?? 0]));
      },
      all: () => {
        calls.all++;
        return new Map(likes);
      },
    });
    likes.set('f1', 5);
    pending = ['f1'];
    expect(catalog.popular().slice(0, 2)).toEqual(['f1', 'f0']);
    expect(calls).toEqual({ counts: 1, all: 0 });
    for (let index = 2; index < 40; index++) likes.set(`f${index}`, index === 30 ? 9 : 1);
    pending = films.slice(2).map((film) => film.id);
    expect(catalog.popularity('f30')).toEqual({ likes: 9, rank: 1 });
    expect(calls).toEqual({ counts: 1, all: 1 });
    // Nothing changed since: nothing recounted.
    catalog.popular();
    expect(calls).toEqual({ counts: 1, all: 1 });
  });

  it('names each constraint stem as the catalogue spells the genre', () => {
    const catalog = new ItemCatalog([
      { id: 'a', title: 'A', tags: ['Comedy', 'Sci-Fi'] },
      { id: 'b', title: 'B', tags: ['Film-Noir', "Children's", 'Horror'] },
    ]);
    expect(Object.fromEntries(catalog.genreNames())).toEqual({ comed: 'Comedy', sci: 'Sci-Fi', noir: 'Film-Noir', children: "Children's", horror: 'Horror' });
    // Each name maps back to its stem, as `genre=` reads it.
    for (const [stem, name] of catalog.genreNames()) expect(catalog.genreStems().get(name.toLowerCase())).toBe(stem);
    catalog.upsert([{ id: 'c', title: 'C', tags: ['Western'] }]);
    expect(catalog.genreNames().get('western')).toBe('Western');
    // A genre the catalogue has is itself, beside one an everyday word for it names ("anime" had meant Animation).
    catalog.upsert([{ id: 'd', title: 'D', tags: ['Animation'] }, { id: 'e', title: 'E', tags: ['Anime'] }]);
    expect(catalog.genreStems().get('anime')).toBe('anime');
    expect(catalog.genreStems().get('animation')).toBe('animation');
    expect(catalog.genreNames().get('anime')).toBe('Anime');
  });

  it('keys a film by its folded title and year, and knows its likes and rank among the most liked', () => {
    expect(titleKey({ id: '1477', title: 'Nightwatch (1997)', tags: [], year: 1997 })).toBe(titleKey({ id: '1625', title: 'NIGHTWATCH  (1997)', tags: [], year: 1997 }));
    expect(titleKey({ id: 'a', title: 'Léon', tags: [], year: 1994 })).toBe(titleKey({ id: 'b', title: 'Leon', tags: [], year: 1994 }));
    expect(titleKey({ id: 'a', title: 'Heat', tags: [], year: 1995 })).not.toBe(titleKey({ id: 'b', title: 'Heat', tags: [], year: 1986 }));
    const catalog = new ItemCatalog([{ id: 'a', title: 'A', tags: [] }, { id: 'b', title: 'B', tags: [] }, { id: 'c', title: 'C', tags: [] }]);
    catalog.setPopularity(new Map([['a', 3], ['b', 9]]));
    expect(catalog.popular()).toEqual(['b', 'a']);
    expect(catalog.popularity('b')).toEqual({ likes: 9, rank: 1 });
    expect(catalog.popularity('a')).toEqual({ likes: 3, rank: 2 });
    expect(catalog.popularity('c')).toEqual({ likes: 0, rank: undefined });
  });
});
