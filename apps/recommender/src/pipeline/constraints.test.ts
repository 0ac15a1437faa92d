import { describe, expect, it } from 'vitest';
import { tinyItems } from '../test/tiny-catalogue.js';
import { constraintFilter, describeConstraints, mergeConstraints, noConstraints, readConstraints, type SessionConstraints } from './constraints.js';
import { collectTagStems } from './taste.js';

// MovieLens's genres, as the catalogue's tag stems.
const movieLensStems = collectTagStems([
  { id: 'x', title: 'x', tags: ['Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy', 'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western'] },
]);
const vocabulary = { stems: movieLensStems, latestYear: 1998 };
const read = (message: string) => readConstraints(message, vocabulary);
const after = (...messages: string[]): SessionConstraints => messages.reduce((state, message) => mergeConstraints(state, read(message)), noConstraints());

describe('session constraints', () => {
  it('reads genres asked for and ruled out, in everyday words', () => {
    expect(read("I'm in the mood for a romantic comedy").wanted).toEqual({ romance: 0.3, comed: 0.3 });
    expect(read('any good sci-fi or mysteries?').wanted).toEqual({ sci: 0.3, myster: 0.3 });
    const update = read('a thriller tonight, but nothing scary and no war films');
    expect(update.wanted).toEqual({ thriller: 0.3 });
    expect(update.avoided).toEqual({ horror: -1, war: -1 });
    expect(read('not in the mood for a western tonight').avoided).toEqual({ western: -1 });
    expect(read("I'm not sure, a western maybe").wanted).toEqual({ western: 0.3 });
    // "Film" alone is not Film-Noir, "Star Wars" is not the war genre.
    expect(read('show me a film like Star Wars').wanted).toEqual({});
    expect(read('some film noir please').wanted).toEqual({ noir: 0.3 });
  });

  it('reads genre words as a request only when the clause asks, names films, or rules out', () => {
    for (const talk of ['I was in a war.', 'I do family law.', "It's a great mystery, you should read it.", "I've never been on an adventure.", 'Do you have any kids?']) {
      const update = read(talk);
      expect([update.wanted, update.avoided], talk).toEqual([{}, {}]);
    }
    expect(read('comedies please').wanted).toEqual({ comed: 0.3 });
    expect(read('horror').wanted).toEqual({ horror: 0.3 });
    expect(read('I love books. No horror though.').avoided).toEqual({ horror: -1 });
    // Talk about starting again or forgetting is not a reset.
    for (const talk of ["I'll start again soon.", "I'm sure I'll never forget it.", "I like making pasta from scratch."]) expect(read(talk).reset, talk).toBe(false);
    for (const ask of ["let's start over", 'forget that', 'never mind, surprise me']) expect(read(ask).reset, ask).toBe(true);
  });

  it('leaves standing tastes to the profile and reads requests', () => {
    expect(read('I usually like dramas and westerns.').wanted).toEqual({});
    expect(read('I like all kinds of movies, but I especially like romantic comedies.').wanted).toEqual({});
    expect(read('I hate horror').avoided).toEqual({});
    expect(read('I love dramas. Tonight I want a comedy').wanted).toEqual({ comed: 0.3 });
  });

  it('reads release years: decades, spans, single years, recent and old', () => {
    expect(read('something from the 90s please').years).toEqual({ from: 1990, to: 1999 });
    expect(read("an '80s movie").years).toEqual({ from: 1980, to: 1989 });
    expect(read('anything from the 1970s?').years).toEqual({ from: 1970, to: 1979 });
    expect(read('late eighties maybe').years).toEqual({ from: 1985, to: 1989 });
    expect(read('older ones, like 60s or 70s').years).toEqual({ from: 1960, to: 1979 });
    expect(read('early 90s').years).toEqual({ from: 1990, to: 1994 });
    expect(read('made between 1985 and 1980').years).toEqual({ from: 1980, to: 1985 });
    expect(read('released before 1960').years).toEqual({ to: 1959 });
    expect(read('after 1995').years).toEqual({ from: 1996 });
    expect(read('from 1995 on please').years).toEqual({ from: 1995 });
    expect(read('since 1990').years).toEqual({ from: 1990 });
    expect(read('1990 or later').years).toEqual({ from: 1990 });
    expect(read('from 1994').years).toEqual({ from: 1994, to: 1994 });
    expect(read('something more recent').years).toEqual({ from: 1994 });
    expect(read('an old classic').years).toEqual({ to: 1973 });
    expect(read('any decade is fine, any year').years).toBeNull();
    // "my 6 year old" is an age, not an era.
    expect(read("I'm watching with my 6 year old").years).toBeUndefined();
    // Praise and cars are not eras.
    expect(read("Me too! It's a classic for a reason.").years).toBeUndefined();
    expect(read('I restore classic cars.').years).toBeUndefined();
    expect(read('I was born in 1965.').years).toBeUndefined();
    expect(read('anything made in 1965?').years).toEqual({ from: 1965, to: 1965 });
  });

  it('reads who is watching', () => {
    expect(read("I'm watching with my 6 year old").audience).toBe('children');
    expect(read('something for the kids').audience).toBe('children');
    expect(read('a family movie night').audience).toBe('children');
    expect(read('something my whole family can watch').audience).toBe('children');
    expect(read('my kids want to watch something').audience).toBe('children');
    // Children mentioned, not watching: no audience.
    expect(read('my kids loved Toy Story').audience).toBeUndefined();
    expect(read('I like to read and spend time with my family.').audience).toBeUndefined();
    expect(read('I love working with kids.').audience).toBeUndefined();
    expect(read('the kids are asleep now, just adults').audience).toBeNull();
    expect(read("It's always good to have friends, even when you're grown up.").audience).toBeUndefined();
    expect(read("I'm 16 year old").audience).toBeUndefined();
  });

  it('keeps constraints across turns: new genres replace, "also" adds, ruled-out genres stay out, "start over" resets', () => {
    expect(after('a romantic comedy', 'from the 90s please')).toEqual({ tags: { romance: 0.3, comed: 0.3 }, years: { from: 1990, to: 1999 } });
    expect(after('a romantic comedy', 'how about a thriller instead').tags).toEqual({ thriller: 0.3 });
    expect(after('a comedy', 'maybe some animation too').tags).toEqual({ comed: 0.3, animation: 0.3 });
    expect(after('no horror', 'a thriller').tags).toEqual({ horror: -1, thriller: 0.3 });
    expect(after('no horror please', 'actually a horror film').tags).toEqual({ horror: 0.3 });
    expect(after('comedies from the 80s', 'any year is fine').years).toBeUndefined();
    expect(after('comedies from the 80s for the kids', "let's start over")).toEqual({ tags: {} });
  });

  it('filters items by years, audience and genres ruled out; genres asked for only describe', () => {
    const stems = collectTagStems(tinyItems);
    const ids = (constraints: SessionConstraints) => {
      const accept = constraintFilter(constraints, stems);
      return accept === undefined ? undefined : tinyItems.filter(accept).map((item) => item.title);
    };
    expect(ids({ tags: { comed: 0.3 } })).toBeUndefined();
    expect(ids({ tags: {}, years: { from: 1998 } })).toEqual(['Office Pranks', 'Final Battle', 'Robot Dawn', 'Sunny Side Up']);
    expect(ids({ tags: { comed: -1 }, audience: 'children' })).toEqual(['Toon Heroes']);
    expect(ids({ tags: { horror: -1, thriller: -1, crime: -1, war: -1, action: -1, drama: -1, comed: -1 }, years: { to: 1996 } })).toEqual(['Toon Heroes', 'Ocean Deep']);
    // An item without a year cannot show it fits a span of years.
    const accept = constraintFilter({ tags: {}, years: { from: 1990 } }, stems);
    expect(accept?.({ id: 'n', title: 'No Year', tags: ['Comedy'] })).toBe(false);
    expect(describeConstraints({ tags: { comed: 0.3, children: 0.3, horror: -1 }, years: { from: 1990, to: 1999 }, audience: 'children' })).toBe('comedy, 1990 to 1999, for children, no horror');
  });
});
