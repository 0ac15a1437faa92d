import { describe, expect, it } from 'vitest';
import { createManualClock, createSequentialIds, type Interaction, type Item } from '@personalab/core';
import { RecommenderStore } from '../store/store.js';
import { readConstraints } from './constraints.js';
import { ItemCatalog, titleKey, typicalityMinLikes } from './item-catalog.js';

/**
 * A store where one film everybody knows carries a genre by the way: 30 sci-fi fans like 60 sci-fi films and Space
 * Epic (Sci-Fi, Romance); 30 romance fans like 60 romances, and 10 of them Space Epic too. A few films are liked by few.
 */
function genreWorld(options: { documentaries?: number } = {}): { store: RecommenderStore; catalog: ItemCatalog; reads: () => number } {
  const store = new RecommenderStore({ path: ':memory:', clock: createManualClock(1000), ids: createSequentialIds('id') });
  const items: Item[] = [
    { id: 'epic', title: 'Space Epic', tags: ['Sci-Fi', 'Romance'] },
    { id: 'rare', title: 'Rare Space Romance', tags: ['Sci-Fi', 'Romance'] },
    ...Array.from({ length: 60 }, (_, index): Item => ({ id: `sf${index}`, title: `Sci-Fi ${index}`, tags: ['Sci-Fi'] })),
    ...Array.from({ length: 60 }, (_, index): Item => ({ id: `love${index}`, title: `Love ${index}`, tags: ['Drama', 'Romance'] })),
    // Films nobody likes, so that sci-fi, romance and drama are each a quarter of the catalogue or less (telling genres).
    ...Array.from({ length: options.documentaries ?? 150 }, (_, index): Item => ({ id: `doc${index}`, title: `Document ${index}`, tags: ['Documentary'] })),
  ];
  const fans = (kind: string) => Array.from({ length: 30 }, (_, index) => `${kind}-fan${index}`);
  const interactions: Interaction[] = [];
  const like = (userId: string, itemId: string) => interactions.push({ kind: 'rating', userId, itemId, value: 5, timestamp: 1 });
  for (const user of fans('sf')) for (const item of ['epic', ...items.filter((entry) => entry.id.startsWith('sf')).map((entry) => entry.id)]) like(user, item);
  for (const [index, user] of fans('love').entries()) {
    for (const item of items.filter((entry) => entry.id.startsWith('love'))) like(user, item.id);
    if (index < 10) like(user, 'epic');
    if (index < 5) like(user, 'rare');
  }
  store.importDataset({ users: [...fans('sf'), ...fans('love')].map((id) => ({ id })), items, interactions });
  const catalog = new ItemCatalog(store.listItems());
  catalog.setPopularity(store.likeCounts());
  catalog.trackPopularity({ changes: () => store.takeLikeChanges(), counts: (ids) => store.likeCountsOf(ids), all: () => store.likeCounts() });
  let reads = 0;
  catalog.trackAudiences({
    likedPairs: () => {
      reads++;
      return store.likedPairs();
    },
  });
  return { store, catalog, reads: () => reads };
}

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

  it("reads how typical of each of its genres a film is from its audience's nearest films, only when first asked", () => {
    const { store, catalog, reads } = genreWorld();
    expect(reads()).toBe(0);
    // Space Epic's nearest films are the sci-fi films its 30 sci-fi fans like (its 10 romance fans are a third of the
    // romances' audiences): sci-fi is its genre, romance one it carries by the way.
    expect(catalog.genreTypicality('epic', 'sci')).toBe(1);
    expect(catalog.genreTypicality('epic', 'romance')).toBeLessThan(0.1);
    expect(reads()).toBe(1);
    // One genre (sci-fi films), a genre the film lacks, a film liked fewer than typicalityMinLikes times, an unknown film: 1.
    expect(catalog.genreTypicality('sf3', 'sci')).toBe(1);
    expect(catalog.genreTypicality('epic', 'western')).toBe(1);
    expect(catalog.popularity('rare').likes).toBeLessThan(typicalityMinLikes);
    expect(catalog.genreTypicality('rare', 'romance')).toBe(1);
    expect(catalog.genreTypicality('nope', 'romance')).toBe(1);
    // A romance with a drama tag: its nearest films are romances and dramas alike (Space Epic makes romance a little commoner).
    expect(catalog.genreTypicality('love7', 'romance')).toBeGreaterThan(0.95);
    expect(catalog.genreTypicality('love7', 'drama')).toBe(1);
    expect(reads()).toBe(1);
    // Without an audience source (or a catalogue too small to have neighbours): 1, as before.
    expect(new ItemCatalog(store.listItems()).genreTypicality('epic', 'romance')).toBe(1);
    store.close();
  });

  it('keeps a broad genre (over a quarter of the catalogue) typical of every film that has it', () => {
    // Without the unliked documentaries sci-fi and romance are each half the catalogue: a film carries them beside others
    // (as MovieLens films carry drama or comedy) and is none the less of them.
    const { store, catalog } = genreWorld({ documentaries: 0 });
    expect(catalog.tellingGenres().has('romance')).toBe(false);
    expect(catalog.genreTypicality('epic', 'romance')).toBe(1);
    expect(catalog.genreTypicality('epic', 'sci')).toBe(1);
    store.close();
    // The same audiences in the catalogue with them: romance is telling, and Space Epic is no romance.
    const telling = genreWorld();
    expect(telling.catalog.tellingGenres().has('romance')).toBe(true);
    expect(telling.catalog.genreTypicality('epic', 'romance')).toBeLessThan(0.1);
    telling.store.close();
  });

  it('reads the audiences again once likes changed by 5 % of those read, not for a few', () => {
    const { store, catalog, reads } = genreWorld();
    expect(catalog.genreTypicality('epic', 'romance')).toBeLessThan(0.1);
    // 20 more romance fans like Space Epic: 20 likes changed, under 5 % of the 3,645 read.
    for (let index = 10; index < 30; index++) store.addEvents(`love-fan${index}`, [{ kind: 'rating', itemId: 'epic', value: 5 }]);
    expect(catalog.genreTypicality('epic', 'romance')).toBeLessThan(0.1);
    expect(reads()).toBe(1);
    // The sci-fi fans turn on their films (1,800 likes gone): Space Epic's audience is the romance fans now.
    for (const user of Array.from({ length: 30 }, (_, index) => `sf-fan${index}`)) {
      store.addEvents(user, Array.from({ length: 60 }, (_, index) => ({ kind: 'rating' as const, itemId: `sf${index}`, value: 1 })));
    }
    expect(catalog.genreTypicality('epic', 'romance')).toBe(1);
    expect(catalog.genreTypicality('epic', 'sci')).toBeLessThan(0.1);
    expect(reads()).toBe(2);
    // New items are typical of their genres until liked enough; known films keep theirs.
    catalog.upsert([{ id: 'new', title: 'New Space Romance', tags: ['Sci-Fi', 'Romance'] }]);
    expect(catalog.genreTypicality('new', 'romance')).toBe(1);
    expect(catalog.genreTypicality('epic', 'sci')).toBeLessThan(0.1);
    expect(reads()).toBe(2);
    store.close();
  });
});

describe('ItemCatalog.companionGenre (seventh QA pass)', () => {
  it('names the genre the catalogue most often gives films of a genre besides it', () => {
    const catalog = new ItemCatalog([
      { id: '1', title: 'A', tags: ['Horror', 'Thriller'] },
      { id: '2', title: 'B', tags: ['Horror', 'Thriller', 'Comedy'] },
      { id: '3', title: 'C', tags: ['Horror', 'Comedy'] },
      { id: '4', title: 'D', tags: ['Horror', 'Thriller'] },
      { id: '5', title: 'E', tags: ['Comedy', 'Romance'] },
      { id: '6', title: 'F', tags: ['Western'] },
    ]);
    expect(catalog.companionGenre('horror')).toBe('thriller');
    // Ties go by name, so the answer does not hang on the catalogue's order.
    expect(catalog.companionGenre('romance')).toBe('comed');
    expect(catalog.companionGenre('western')).toBeUndefined();
  });
});

describe('ItemCatalog.titleFragments (eighth QA pass)', () => {
  it('holds the words of titles with other words besides articles, as a message is split, and follows the catalogue', () => {
    const catalog = new ItemCatalog([
      { id: '1', title: 'Serial Mom (1994)', tags: ['Comedy'] },
      { id: '2', title: 'Heat (1995)', tags: ['Action'] },
      { id: '3', title: 'Godfather, The (1972)', tags: ['Crime'] },
      { id: '4', title: "Schindler's List (1993)", tags: ['Drama'] },
    ]);
    expect([...catalog.titleFragments()].sort()).toEqual(['list', 'mom', "schindler's", 'serial']);
    catalog.upsert([{ id: '5', title: 'Heat Wave (1990)', tags: ['Drama'] }]);
    expect(catalog.titleFragments().has('heat')).toBe(true);
  });
});

describe('ItemCatalog.wholeTitles (review of the eighth QA pass)', () => {
  it('holds the words that are a title by themselves, articles aside, and follows the catalogue', () => {
    const catalog = new ItemCatalog([
      { id: '1', title: 'Friday (1995)', tags: ['Comedy'] },
      { id: '2', title: 'His Girl Friday (1940)', tags: ['Comedy'] },
      { id: '3', title: 'Rock, The (1996)', tags: ['Action'] },
    ]);
    expect([...catalog.wholeTitles()].sort()).toEqual(['friday', 'rock']);
    expect(catalog.titleFragments().has('friday')).toBe(true);
    catalog.upsert([{ id: '4', title: 'Manhattan (1979)', tags: ['Comedy'] }]);
    expect(catalog.wholeTitles().has('manhattan')).toBe(true);
  });
});
