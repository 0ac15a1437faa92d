import { describe, expect, it } from 'vitest';
import { tinyItems } from '../test/tiny-catalogue.js';
import {
  constraintFilter,
  describeConstraints,
  eraYears,
  hasConstraints,
  mergeConstraints,
  noConstraints,
  readConstraints,
  recentEndOf,
  sessionConstraintsSchema,
  WANTED_WEIGHT,
  withOfflineFloor,
  type SessionConstraints,
} from './constraints.js';
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

  it('reads the years a clause asks for beside a standing taste in the same sentence', () => {
    // Before: "I love sci-fi" kept the whole sentence out, and "anything from the 2010s?" set no years.
    expect(read('I love sci-fi, anything from the 2010s?')).toMatchObject({ wanted: {}, years: { from: 2010, to: 2019 } });
    expect(read('I really like westerns, something from the 60s please').years).toEqual({ from: 1960, to: 1969 });
    // A taste with years in it is still the profile's; a clause of life is still no request.
    expect(read('I love movies from the 90s').years).toBeUndefined();
    expect(read('I love hiking, I went to Spain in 2019').years).toBeUndefined();
    expect(read('I love the 80s, what a decade').years).toBeUndefined();
  });

  it('reads "older" asked on its own or after "but" as old films, and leaves older people alone', () => {
    // Before: "something like the Godfather but older" and "older please" set no years.
    for (const message of ['something like the Godfather but older', 'older please', 'ok, older then', 'something like Fargo, but older']) {
      expect(read(message).years, message).toEqual({ to: 1973 });
    }
    for (const message of ['my brother is older.', "I'm older now", 'I have an older brother']) expect(read(message).years, message).toBeUndefined();
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

  it('reads children mentioned in a request as the audience, not children mentioned in a life event', () => {
    // Otherwise a request (years, genres, asking words), or a message that opens with who watches.
    expect(read('with my 6 year old, something from the 90s')).toMatchObject({ years: { from: 1990, to: 1999 }, audience: 'children' });
    expect(read('with my 6 year old').audience).toBe('children');
    expect(read('With the kids.').audience).toBe('children');
    expect(read('comedies from the 90s with my 6 year old')).toMatchObject({ wanted: { comed: 0.3 }, years: { from: 1990, to: 1999 }, audience: 'children' });
    expect(read('with my kids, a comedy please').audience).toBe('children');
    expect(read('anything good with my 6 year old?').audience).toBe('children');
    expect(read('a movie to watch with my 6 year old').audience).toBe('children');
    // Life told, no request: no audience.
    expect(read('I went to Spain with my 6 year old').audience).toBeUndefined();
    expect(read('I went to Spain with my 6 year old in 1998').audience).toBeUndefined();
    expect(read('my 6 year old is sick').audience).toBeUndefined();
    expect(read('With my family, we always go camping.').audience).toBeUndefined();
    expect(read('I love spending time with my kids.').audience).toBeUndefined();
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
    // A "Family" film is for children too: its tag is keyed "famil", which the literal 'family' had never matched.
    expect(ids({ tags: {}, audience: 'children' })).toEqual(expect.arrayContaining(['Toon Heroes', 'Sunny Side Up']));
    expect(ids({ tags: { horror: -1, thriller: -1, crime: -1, war: -1, action: -1, drama: -1, comed: -1 }, years: { to: 1996 } })).toEqual(['Toon Heroes', 'Ocean Deep']);
    // An item without a year cannot show it fits a span of years.
    const accept = constraintFilter({ tags: {}, years: { from: 1990 } }, stems);
    expect(accept?.({ id: 'n', title: 'No Year', tags: ['Comedy'] })).toBe(false);
    expect(describeConstraints({ tags: { comed: 0.3, children: 0.3, horror: -1 }, years: { from: 1990, to: 1999 }, audience: 'children' })).toBe('comedy, 1990 to 1999, for children, no horror');
  });

  it('reads a genre in a clause shaped as a request ("a comedy from the 80s", "thrillers from the 90s") beside other constraints', () => {
    const wanted = (message: string) => read(message).wanted;
    expect(read('a comedy from the 80s')).toMatchObject({ wanted: { comed: 0.3 }, years: { from: 1980, to: 1989 } });
    expect(read('a thriller from the 90s')).toMatchObject({ wanted: { thriller: 0.3 }, years: { from: 1990, to: 1999 } });
    expect(read('thrillers from the 90s')).toMatchObject({ wanted: { thriller: 0.3 }, years: { from: 1990, to: 1999 } });
    expect(read('western from the 60s')).toMatchObject({ wanted: { western: 0.3 }, years: { from: 1960, to: 1969 } });
    expect(read('an 80s comedy')).toMatchObject({ wanted: { comed: 0.3 }, years: { from: 1980, to: 1989 } });
    expect(read('some sci-fi from the early 70s')).toMatchObject({ wanted: { sci: 0.3 }, years: { from: 1970, to: 1974 } });
    expect(read('no horror, no war, a comedy')).toMatchObject({ wanted: { comed: 0.3 }, avoided: { horror: -1, war: -1 } });
    expect(read('a comedy, no horror')).toMatchObject({ wanted: { comed: 0.3 }, avoided: { horror: -1 } });
    expect(read('a comedy from the 80s, no romance')).toMatchObject({ wanted: { comed: 0.3 }, avoided: { romance: -1 }, years: { from: 1980, to: 1989 } });
    expect(read('a romantic comedy from the 90s, nothing scary')).toMatchObject({ wanted: { romance: 0.3, comed: 0.3 }, avoided: { horror: -1 } });
    // Talk about genres is still not a request: adjectives, and genre words with a verb.
    expect(wanted('Comedy is my favourite genre, what about you')).toEqual({});
    expect(wanted("It's a mystery to me how he did it")).toEqual({});
    expect(wanted("I'm looking for someone who is kind, funny, and smart.")).toEqual({});
    expect(wanted('I read a romance novel from the 90s last week')).toEqual({});
  });

  it('reads spans of years in any order and decades with an open end', () => {
    expect(read('movies from 1990 to 1995').years).toEqual({ from: 1990, to: 1995 });
    expect(read('a film from 1980-1985').years).toEqual({ from: 1980, to: 1985 });
    expect(read('anything 1990–95 please').years).toEqual({ from: 1990, to: 1995 });
    expect(read('from 1995 to 1990').years).toEqual({ from: 1990, to: 1995 });
    expect(read('1975 through 1979 maybe').years).toEqual({ from: 1975, to: 1979 });
    expect(read('90s or newer').years).toEqual({ from: 1990 });
    expect(read('from the 80s on please').years).toEqual({ from: 1980 });
    expect(read('since the 70s').years).toEqual({ from: 1970 });
    expect(read('something after the 80s').years).toEqual({ from: 1990 });
    expect(read('a movie before the 90s').years).toEqual({ to: 1989 });
    expect(read('80s or older').years).toEqual({ to: 1989 });
    expect(read('up to the 80s').years).toEqual({ to: 1989 });
    expect(read('1960 or earlier').years).toEqual({ to: 1960 });
    expect(read('movies from the 80s to the 90s').years).toEqual({ from: 1980, to: 1999 });
    // A decade the catalogue may not have is read as said (the reply then says nothing fits), not dropped.
    expect(read('something from the 1890s').years).toEqual({ from: 1890, to: 1899 });
    expect(read('a film from 1895').years).toEqual({ from: 1895, to: 1895 });
  });

  it('measures "recent" from the catalogue\'s recent end and keeps "classic" old', () => {
    // One 2020 item added to a 1990s catalogue does not move its recent end.
    const years = [...Array.from({ length: 300 }, (_, index) => 1960 + (index % 39)), 2020];
    expect(recentEndOf(years)).toBe(1998);
    expect(recentEndOf([])).toBeUndefined();
    const withOutlier = { stems: movieLensStems, latestYear: 2020, recentEnd: recentEndOf(years) };
    expect(readConstraints('something recent please', withOutlier).years).toEqual({ from: 1994 });
    expect(readConstraints('a classic film noir', withOutlier).years).toEqual({ to: 1973 });
    // Without a recent end, "classic" still stays before 1980 however new the latest item.
    expect(readConstraints('a classic film noir', { stems: movieLensStems, latestYear: 2020 })).toMatchObject({ wanted: { noir: 0.3 }, years: { to: 1979 } });
    expect(eraYears({ latestYear: 1960 })).toEqual({ recentFrom: 1956, classicTo: 1935 });
    expect(eraYears({})).toEqual({ recentFrom: undefined, classicTo: 1979 });
    for (const ask of ['an old classic please', 'an old classic instead', 'a classic please', 'some classics', 'classic westerns']) expect(read(ask).years, ask).toEqual({ to: 1973 });
    for (const talk of ["That's a classic!", 'Titanic is a classic movie, you should see it', 'So, what is your favorite kind of vintage car?', 'I play some more modern bluegrass music.']) {
      expect(read(talk).years, talk).toBeUndefined();
    }
  });

  it('rules out what "X-free", "no X", "without X", "nothing X", "not X", "anything but X" and a stated dislike in a request name', () => {
    expect(read('I hate horror movies. Recommend something scary-free from the 90s')).toMatchObject({ wanted: {}, avoided: { horror: -1 }, years: { from: 1990, to: 1999 } });
    expect(read('Recommend something scary-free')).toMatchObject({ wanted: {}, avoided: { horror: -1 } });
    expect(read('a horror-free movie please')).toMatchObject({ wanted: {}, avoided: { horror: -1 } });
    expect(read('something romance free')).toMatchObject({ wanted: {}, avoided: { romance: -1 } });
    expect(read('anything but horror')).toMatchObject({ wanted: {}, avoided: { horror: -1 } });
    expect(read('show me anything but westerns please')).toMatchObject({ wanted: {}, avoided: { western: -1 } });
    // Review of the fifth QA pass: "anything other than horror" had asked for horror (five horror films listed).
    expect(read('anything other than horror')).toMatchObject({ wanted: {}, avoided: { horror: -1 } });
    expect(read('movies other than westerns please')).toMatchObject({ wanted: {}, avoided: { western: -1 } });
    expect(read('something apart from romance')).toMatchObject({ wanted: {}, avoided: { romance: -1 } });
    // "More comedies like the one we watched last time" asks for comedies: "last time" had made it a viewing told of.
    expect(read('more comedies like the one I liked last time')).toMatchObject({ wanted: { comed: 0.3 } });
    expect(read('more comedies like the one we watched')).toMatchObject({ wanted: { comed: 0.3 } });
    expect(read('nothing but comedies')).toMatchObject({ wanted: { comed: 0.3 }, avoided: {} });
    expect(read('without romance please')).toMatchObject({ wanted: {}, avoided: { romance: -1 } });
    expect(read('not horror')).toMatchObject({ wanted: {}, avoided: { horror: -1 } });
    expect(read("I can't stand horror, suggest a movie")).toMatchObject({ wanted: {}, avoided: { horror: -1 } });
    expect(read("I don't like romance. Recommend a movie for tonight")).toMatchObject({ wanted: {}, avoided: { romance: -1 } });
    expect(read("I'm not a fan of war films, what should I watch?")).toMatchObject({ wanted: {}, avoided: { war: -1 } });
    // A dislike without a request stays the profile's.
    expect(read("I can't stand horror").avoided).toEqual({});
    expect(read('I hate westerns. What do you do for fun?').avoided).toEqual({});
    // Ruled out for the session, and it stays out when the next turn asks for something else.
    expect(after("I can't stand horror, suggest a movie", 'a thriller from the 90s')).toEqual({ tags: { horror: -1, thriller: 0.3 }, years: { from: 1990, to: 1999 } });
  });
  it('ends a negation\'s reach at a wish, "and more", praise or having seen: the genre asked for is not ruled out', () => {
    expect(read('less action and more comedy please')).toMatchObject({ wanted: { comed: 0.3 }, avoided: { action: -1 } });
    expect(read('fewer thrillers and more westerns')).toMatchObject({ wanted: { western: 0.3 }, avoided: { thriller: -1 } });
    for (const ask of ['No I want a comedy', 'No we want a comedy tonight', 'No I would like a comedy', "no, I'd love a comedy", 'Nothing beats a good comedy, suggest one', 'I have not seen a good comedy in years. Recommend one?']) {
      expect(read(ask), ask).toMatchObject({ wanted: { comed: 0.3 }, avoided: {} });
    }
    expect(read('Nothing compares to a good western, recommend one')).toMatchObject({ wanted: { western: 0.3 }, avoided: {} });
    expect(read("I've never seen a good western, suggest one")).toMatchObject({ wanted: { western: 0.3 }, avoided: {} });
    expect(read('no thriller, I would like a comedy')).toMatchObject({ wanted: { comed: 0.3 }, avoided: { thriller: -1 } });
    expect(read('nothing like a good horror movie').avoided).toEqual({});
    expect(read('I have not found a decent thriller lately, any ideas?').avoided).toEqual({});
    // Negations still rule out what they reach.
    expect(read("no way I'm watching horror tonight").avoided).toEqual({ horror: -1 });
    expect(read("I don't want anything too scary or violent, maybe a comedy")).toMatchObject({ wanted: { comed: 0.3 }, avoided: { horror: -1 } });
    expect(read('no westerns or war films tonight').avoided).toEqual({ western: -1, war: -1 });
  });

  it('reads years only about films: not life events, ages, or decades of other things', () => {
    for (const talk of [
      'I just got back from a trip to Spain in 2019, it was amazing',
      'I went to Rome in 1998',
      "I've been married since 1985",
      'We moved here in 1995',
      'I graduated in 2001 and now work in a bank',
      'My daughter was born in 1998, she loves movies',
      'I was born in the 80s',
      'I grew up in the 80s',
      "I've been watching horror movies since the 80s",
      'I saw Titanic in 1998, recommend something like it',
      "They're a rock band from the late 70s.",
      'I collect vintage 50s decorations.',
      "It's a classic American novel about the Roaring Twenties.",
      "I'm really proud of my latest film.",
      'It would be so cool to see the latest fashion trends.',
      "Sure, here's our latest single: https://www.youtube.com/watch?v=9611h15891M",
      "I'm more of a classic movie person.",
      'I have a whole collection of vintage film posters.',
      "It's so classic.",
      "It's nice and warm all year round.",
      "It's a great game for people of all ages.",
    ]) {
      expect(read(talk).years, talk).toBeUndefined();
    }
    // "In my 40s" is an age, never a decade.
    for (const age of ["I'm in my 40s, recommend a movie", 'we are in our 30s', 'my parents are in their 60s', "I'm in my early twenties and I love hiking", 'a woman in her late 50s']) {
      expect(read(age).years, age).toBeUndefined();
    }
    // Beside a life event or an age, years asked for films still count.
    expect(read('we met in 2005, suggest a romantic movie for our anniversary')).toMatchObject({ wanted: { romance: 0.3 } });
    expect(read('we met in 2005, suggest a romantic movie for our anniversary').years).toBeUndefined();
    expect(read('I was born in 1985, show me a movie from the 90s').years).toEqual({ from: 1990, to: 1999 });
    expect(read("we're in our 40s, something from the 80s please").years).toEqual({ from: 1980, to: 1989 });
    expect(read('something from 1998, the year we got married').years).toEqual({ from: 1998, to: 1998 });
    expect(read("I'm in the mood for a comedy from the 70s.").years).toEqual({ from: 1970, to: 1979 });
    expect(read('From the 70s please.').years).toEqual({ from: 1970, to: 1979 });
    expect(read('90s movies').years).toEqual({ from: 1990, to: 1999 });
    expect(read('the latest movies please').years).toEqual({ from: 1994 });
    expect(read('a newer comedy').years).toEqual({ from: 1994 });
    // A year said in chit-chat does not stay with the session.
    expect(after('a comedy from the 90s', 'I went to Rome in 1998, it was lovely').years).toEqual({ from: 1990, to: 1999 });
  });

  it('rules out a genre the session asks for when the user changes their mind, and reads "no way", "gone off", "tired of", "over" as negations', () => {
    expect(after('a horror movie please', "hmm actually I can't stand horror").tags).toEqual({ horror: -1 });
    expect(after('a western please', "actually I've gone off westerns, I can't stand them now").tags).toEqual({ western: -1 });
    expect(after('a comedy please', "I'm so tired of comedies").tags).toEqual({ comed: -1 });
    expect(after('a thriller please', "I'm over thrillers").tags).toEqual({ thriller: -1 });
    expect(after('a western please', 'westerns are boring').tags).toEqual({ western: -1 });
    expect(after('a horror movie please', 'I love horror but not tonight').tags).toEqual({ horror: -1 });
    for (const turnedDown of ['a western? no way. something else', 'westerns? nah, something else', 'a western, no thanks. anything else?']) {
      expect(read(turnedDown), turnedDown).toMatchObject({ wanted: {}, avoided: { western: -1 } });
    }
    expect(read('Horror? No, I want a comedy')).toMatchObject({ wanted: { comed: 0.3 }, avoided: { horror: -1 } });
    // A dislike said in passing does not rule out a genre the session does not ask for, nor does chit-chat.
    expect(after('a comedy please', "I can't stand horror").tags).toEqual({ comed: 0.3 });
    expect(after("I'm tired of westerns", 'a comedy').tags).toEqual({ comed: 0.3 });
    expect(read("I've gone off westerns lately")).toMatchObject({ wanted: {}, avoided: {}, disliked: { western: -1 } });
    expect(read('Do you like horror movies? No, I don\'t.').avoided).toEqual({});
    expect(read("I'm done with my homework so a comedy please")).toMatchObject({ wanted: { comed: 0.3 }, avoided: {} });
    expect(read("I'm over the moon about this comedy").avoided).toEqual({});
  });

  it('reads a genre turned down for tonight, a genre one does not mind, and a dislike of "them" beside a request', () => {
    expect(read('I love horror but not tonight, something else')).toMatchObject({ wanted: {}, avoided: { horror: -1 } });
    expect(read('I love westerns but not today, anything else?')).toMatchObject({ wanted: {}, avoided: { western: -1 } });
    expect(read("I don't mind horror, suggest one")).toMatchObject({ wanted: { horror: 0.3 }, avoided: {} });
    expect(read("I don't mind a western, suggest a movie")).toMatchObject({ wanted: { western: 0.3 }, avoided: {} });
    expect(read("I wouldn't mind a comedy").wanted).toEqual({ comed: 0.3 });
    expect(read("I don't mind horror").wanted).toEqual({});
    expect(read('my husband wants a western but I find them boring, suggest something')).toMatchObject({ wanted: {}, avoided: { western: -1 } });
    expect(read('my wife loves musicals but I find them tedious, recommend something')).toMatchObject({ wanted: {}, avoided: { musical: -1 } });
    expect(read('westerns are boring, suggest a movie')).toMatchObject({ wanted: {}, avoided: { western: -1 } });
    expect(read('I find musicals tedious, what should I watch?')).toMatchObject({ wanted: {}, avoided: { musical: -1 } });
  });

  it('reads "older" and "newer" against the years the session already asked for', () => {
    // Before: "older ones" after the 90s gave "up to 1973" (old classics), and "newer than that" changed nothing.
    expect(after('a comedy from the 90s', 'older ones')).toEqual({ tags: { comed: 0.3 }, years: { to: 1989 } });
    expect(after('a comedy from the 90s', 'older ones', 'newer than that').years).toEqual({ from: 1990 });
    // Before: "something newer" after the 80s gave "from 1994 on" (recent films), skipping the early 90s.
    expect(after('a sci-fi movie from the 80s', 'something newer').years).toEqual({ from: 1990 });
    expect(after('a western from the 70s', 'older than that please').years).toEqual({ to: 1969 });
    expect(after('a comedy from the 60s', 'something more recent').years).toEqual({ from: 1970 });
    // Only an end: ten years before it; only a start: ten years after it, no later than the recent era.
    expect(after('before 1990', 'older').years).toEqual({ to: 1979 });
    expect(after('since 1980', 'newer ones').years).toEqual({ from: 1990 });
    expect(after('something recent', 'newer').years).toEqual({ from: 1994 });
    // Without years asked before, the eras hold; a decade named with the comparative is the decade.
    expect(after('a comedy', 'older ones').years).toEqual({ to: 1973 });
    expect(after('a comedy', 'something newer').years).toEqual({ from: 1994 });
    expect(after('a comedy from the 90s', 'older ones, like 60s or 70s').years).toEqual({ from: 1960, to: 1979 });
    expect(after('a comedy from the 90s', '80s or older').years).toEqual({ to: 1989 });
    // With an LLM reading the message too, "older ones" stays relative to the session's years.
    const llm = { reset: false, wanted: {}, avoided: {}, adds: false, years: { to: 1979 } };
    expect(mergeConstraints(after('a comedy from the 90s'), withOfflineFloor(read('older ones'), llm)).years).toEqual({ to: 1989 });
    // Absolute eras stay absolute.
    expect(after('a comedy from the 90s', 'an old classic').years).toEqual({ to: 1973 });
    expect(after('a comedy from the 60s', 'something recent').years).toEqual({ from: 1994 });
  });

  it('reads "older than that" with no years asked against the median year of the list shown', () => {
    const shownYears = [1977, 1994, 1995, 1996, 1997];
    const next = (previous: SessionConstraints, message: string) => mergeConstraints(previous, read(message), { shownYears });
    // Before: up to 1973 (old classics) and from 1994 (recent films), whatever the list showed.
    expect(next(after('a comedy'), 'older than that')).toEqual({ tags: { comed: 0.3 }, years: { to: 1994 } });
    expect(next(noConstraints(), 'anything older?').years).toEqual({ to: 1994 });
    expect(next(noConstraints(), 'newer than those').years).toEqual({ from: 1996 });
    expect(next(noConstraints(), 'something newer').years).toEqual({ from: 1996 });
    // An even count: the lower of the two middle years; a list without years leaves the eras.
    expect(mergeConstraints(noConstraints(), read('older ones'), { shownYears: [1990, 1996] }).years).toEqual({ to: 1989 });
    expect(mergeConstraints(noConstraints(), read('older ones'), { shownYears: [] }).years).toEqual({ to: 1973 });
    // Years the session asked for come first; absolute eras and stated years stay as said.
    expect(next(after('a comedy from the 80s'), 'older than that').years).toEqual({ to: 1979 });
    expect(next(noConstraints(), 'an old classic').years).toEqual({ to: 1973 });
    expect(next(noConstraints(), 'something recent').years).toEqual({ from: 1994 });
    expect(next(noConstraints(), 'older, like the 60s').years).toEqual({ from: 1960, to: 1969 });
  });

  it('reads "anything older?" as older films', () => {
    // Before: "anything older?" set no years.
    for (const message of ['anything older?', 'anything a bit older?', 'got anything older']) expect(read(message), message).toMatchObject({ years: { to: 1973 }, yearsRelative: 'older' });
    expect(read('do you have anything older than 5 years old in the fridge').years).toBeUndefined();
  });

  it('keeps the session\'s mood until a genre is asked for or the user starts over, and stores it as JSON', () => {
    const mood = { names: ['date night'], tagWeights: { romance: 0.6, comed: 0.2 }, phrase: 'something for date night' };
    const withMood: SessionConstraints = { tags: {}, mood };
    // A mood is no constraint: nothing filters, nothing is described.
    expect(hasConstraints(withMood)).toBe(false);
    expect(constraintFilter(withMood, movieLensStems)).toBeUndefined();
    expect(describeConstraints(withMood)).toBe('');
    expect(mergeConstraints(withMood, read('anything older?')).mood).toEqual(mood);
    expect(mergeConstraints(withMood, read('more like the second one')).mood).toEqual(mood);
    expect(mergeConstraints(withMood, read('no musicals please'))).toEqual({ tags: { musical: -1 }, mood });
    expect(mergeConstraints(withMood, read('a horror movie please')).mood).toBeUndefined();
    expect(mergeConstraints(withMood, read('start over')).mood).toBeUndefined();
    // The store keeps constraints as JSON read back through the schema (which had dropped unknown keys).
    const stored = { tags: { comed: 0.3 }, years: { to: 1994 }, mood };
    expect(sessionConstraintsSchema.parse(JSON.parse(JSON.stringify(stored)))).toEqual(stored);
    expect(sessionConstraintsSchema.parse({ tags: {} })).toEqual({ tags: {} });
  });

  it('reads a correction of the years ("I meant the 1990s", "no wait, 1985")', () => {
    // Before: both kept the earlier years (no word about films in them).
    expect(after('a crime film from the 80s', 'I meant the 1990s')).toEqual({ tags: { crime: 0.3 }, years: { from: 1990, to: 1999 } });
    expect(after('something from 1995', 'no wait, 1985').years).toEqual({ from: 1985, to: 1985 });
    expect(after('a horror movie from the 90s', 'make it the 80s').years).toEqual({ from: 1980, to: 1989 });
    expect(read('actually, the early 70s').years).toEqual({ from: 1970, to: 1974 });
    expect(read('I meant 1985').years).toEqual({ from: 1985, to: 1985 });
    // Not a correction: a year told of, and "meant to".
    expect(read('actually 1985 was a great year for me').years).toBeUndefined();
    expect(read('I meant to call you in 1995').years).toBeUndefined();
  });

  it('reads "early", "mid" and "late" for each decade named', () => {
    // Before: "the late 80s or early 90s" gave 1980 to 1984 (the first "early" applied to the whole span).
    expect(read('a romantic comedy from the late 80s or early 90s')).toMatchObject({ wanted: { romance: 0.3, comed: 0.3 }, years: { from: 1985, to: 1994 } });
    expect(read('a mid-90s action flick')).toMatchObject({ wanted: { action: 0.3 }, years: { from: 1993, to: 1997 } });
    expect(read("an early '90s movie").years).toEqual({ from: 1990, to: 1994 });
    expect(read('something from the end of the 70s').years).toEqual({ from: 1975, to: 1979 });
  });

  it('reads misspelled genre and decade words, in any case', () => {
    // Before: each set nothing ("a romantic comdy" only romance).
    expect(read('somthing scarry').wanted).toEqual({ horror: 0.3 });
    expect(read('a romantic comdy').wanted).toEqual({ romance: 0.3, comed: 0.3 });
    expect(read('recomend a thriler').wanted).toEqual({ thriller: 0.3 });
    expect(read('a documentry please').wanted).toEqual({ documentar: 0.3 });
    expect(read('westrens please').wanted).toEqual({ western: 0.3 });
    expect(read('sci fi from the eightees')).toMatchObject({ wanted: { sci: 0.3 }, years: { from: 1980, to: 1989 } });
    expect(read('ROMANTIC COMEDIES FROM THE NINTIES')).toMatchObject({ wanted: { romance: 0.3, comed: 0.3 }, years: { from: 1990, to: 1999 } });
    expect(read('a mistery from the 40s')).toMatchObject({ wanted: { myster: 0.3 }, years: { from: 1940, to: 1949 } });
    // Real words a letter away are not genres.
    for (const talk of ['I was thrilled with the auction, any plans?', 'a faction of the party wants something else', 'mastery takes years, anything is possible']) {
      expect(read(talk).wanted, talk).toEqual({});
    }
  });

  it('reads a family comedy as one for children, a family drama as none (third QA pass)', () => {
    // "A family comedy" had asked for comedies of any audience (The Full Monty).
    expect(read('a family comedy')).toMatchObject({ wanted: { comed: 0.3 }, audience: 'children' });
    expect(read('any family flicks?').audience).toBe('children');
    expect(read('a family drama please').audience).toBeUndefined();
  });

  it('reads an old black and white film, a mood noun with years, "for the family" and "nothing with singing"', () => {
    // Before: each set nothing.
    expect(read('an old black and white mystery')).toMatchObject({ wanted: { myster: 0.3 }, years: { to: 1973 } });
    expect(read('a nail-biter from the 90s').years).toEqual({ from: 1990, to: 1999 });
    expect(read('a christmas movie for the family').audience).toBe('children');
    expect(read('something wholesome for the whole family').audience).toBe('children');
    expect(read('I cook for my family every day').audience).toBeUndefined();
    expect(read('nothing with singing please').avoided).toEqual({ musical: -1 });
    expect(read('a comedy without singing').avoided).toEqual({ musical: -1 });
    for (const talk of ['I love singing', 'do you like singing?', 'I do some singing in a choir']) expect([read(talk).wanted, read(talk).avoided], talk).toEqual([{}, {}]);
  });

  it('sets nothing for small talk about genres, moods, occasions and years', () => {
    // Before: "horror movies scare my wife" asked for horror, "we watched a funny movie yesterday" for comedy.
    for (const talk of [
      'horror movies scare my wife',
      'horror scares me',
      'westerns remind me of my dad',
      'comedies always cheer me up',
      'thrillers keep me up at night',
      'we watched a funny movie yesterday',
      'I watched a western with my dad once',
      'I grew up in the 80s',
      'my brother is a huge sci-fi nerd',
      'we had a romantic dinner yesterday',
      'I had a scary dream last night',
      'date night went well last week, thanks',
      'I went to a halloween party in 1999',
      'my dad was in the war',
      "my husband loves westerns but I can't stand them",
      'we went on a date night to the cinema last friday',
      'the 90s were a great decade for music',
      'my daughter is 7 and loves animals',
    ]) {
      const update = read(talk);
      expect([update.wanted, update.avoided, update.years, update.audience, update.reset], talk).toEqual([{}, {}, undefined, undefined, false]);
    }
    // What a genre does, then a request: the request is read, and "one" points back at the genre.
    expect(read('horror movies scare my wife, so a comedy please').wanted).toEqual({ comed: 0.3 });
    expect(read('comedies make me laugh, recommend one').wanted).toEqual({ comed: 0.3 });
    expect(read('I saw a great horror movie yesterday, recommend more like it').wanted).toEqual({ horror: 0.3 });
  });

  it('takes back part of a request ("forget the comedies") without ruling it out, and keeps the rest', () => {
    // Before: "forget the comedies" asked for comedies (a message of three words), and the session kept them.
    expect(read('forget the comedies')).toMatchObject({ reset: false, wanted: {}, avoided: {}, dropped: ['comed'] });
    expect(after('any comedies from the 80s?', 'forget the comedies')).toEqual({ tags: {}, years: { from: 1980, to: 1989 } });
    expect(after('a romantic comedy', 'drop the romance')).toEqual({ tags: { comed: 0.3 } });
    expect(after('a comedy, no horror', 'never mind the comedy')).toEqual({ tags: { horror: -1 } });
    expect(after('animated films for the kids', 'forget the animation')).toEqual({ tags: {}, audience: 'children' });
    expect(after('a western please', "it doesn't have to be a western")).toEqual({ tags: {} });
    // Years and who watches can be taken back the same way.
    expect(after('thrillers from the 90s', 'forget the 90s')).toEqual({ tags: { thriller: 0.3 } });
    expect(after('something for the kids from the 90s', 'never mind the kids')).toEqual({ tags: {}, years: { from: 1990, to: 1999 } });
    // The children's films asked for with the kids go with them ("a family movie … with my kids" had kept Children's).
    expect(after('a family movie for tonight with my kids', 'never mind the kids')).toEqual({ tags: {} });
    // A new genre in the same message is asked for; "never mind" alone still starts over.
    expect(after('a comedy please', 'forget the comedies, any thrillers?')).toEqual({ tags: { thriller: 0.3 } });
    expect(read('never mind').reset).toBe(true);
    expect(read('never mind the comedies').reset).toBe(false);
    // Not a request taken back: "I always forget how good westerns are", "I forget the title of that comedy".
    expect(read('I always forget how good westerns are').dropped).toBeUndefined();
    expect(read('I forget the title of that comedy').dropped).toBeUndefined();
    // The LLM reader's reading keeps what the offline reader took back.
    expect(withOfflineFloor(read('forget the comedies'), { reset: false, wanted: {}, avoided: {}, adds: false }).dropped).toEqual(['comed']);
  });
});

describe('readConstraints: second multi-turn QA pass', () => {
  it('reads "top 5 westerns from the 60s" and "actually make it a drama"', () => {
    // Before: neither set anything ("top 5" and "make it" were no request words).
    expect(read('top 5 westerns from the 60s')).toMatchObject({ wanted: { western: 0.3 }, years: { from: 1960, to: 1969 } });
    expect(read('actually make it a drama').wanted).toEqual({ drama: 0.3 });
    expect(after('a comedy from the 80s', 'actually make it a drama')).toEqual({ tags: { drama: 0.3 }, years: { from: 1980, to: 1989 } });
  });
});

describe('mergeConstraints: fourth multi-turn QA pass (comparative requests)', () => {
  it('compares "older" and "newer" with the decades of the films named as examples', () => {
    // Before: "like Men in Black (1997) but older" was an old classic (up to 1973) whatever the film.
    expect(mergeConstraints(noConstraints(), read('like Men in Black but older'), { exampleYears: [1997] }).years).toEqual({ to: 1989 });
    expect(mergeConstraints(noConstraints(), read('like Casablanca but newer'), { exampleYears: [1942] }).years).toEqual({ from: 1950 });
    // The session's own years come first; then the examples; then the list shown.
    const nineties = after('a comedy from the 90s');
    expect(mergeConstraints(nineties, read('like Men in Black but older'), { exampleYears: [1997] }).years).toEqual({ to: 1989 });
    expect(mergeConstraints(noConstraints(), read('older than that'), { exampleYears: [1975], shownYears: [1995, 1996, 1997] }).years).toEqual({ to: 1969 });
    expect(mergeConstraints(noConstraints(), read('older than that'), { shownYears: [1995, 1996, 1997] }).years).toEqual({ to: 1995 });
    // A decade the catalogue does not see the end of ends at the film: newer than GoodFellas (1990) is from 1991 (from 2000, nothing).
    expect(mergeConstraints(noConstraints(), read('similar to GoodFellas but newer'), { exampleYears: [1990], latestYear: 1998 }).years).toEqual({ from: 1991 });
    expect(mergeConstraints(noConstraints(), read('similar to GoodFellas but older'), { exampleYears: [1990], latestYear: 1998 }).years).toEqual({ to: 1989 });
    // Years written out are not compared with anything.
    expect(mergeConstraints(noConstraints(), read('like The Godfather but in the 80s'), { exampleYears: [1972] }).years).toEqual({ from: 1980, to: 1989 });
  });
});

describe('readConstraints: a request framed as a wish or a question (review of the sixth QA pass)', () => {
  it('reads the genre and years of "I want a comedy from the 90s", "can I get …", "I need …", "I\'m after …"', () => {
    // Before: "a comedy from the 90s" set the years, "I want a comedy from the 90s" none; "can I get", "I need" and
    // "I am after" lost the genre too.
    for (const [message, wanted, years] of [
      ['I want a comedy from the 90s', { comed: 0.3 }, { from: 1990, to: 1999 }],
      ['we want a comedy from the 90s', { comed: 0.3 }, { from: 1990, to: 1999 }],
      ['I want a 90s comedy', { comed: 0.3 }, { from: 1990, to: 1999 }],
      ["I'd like a thriller from the 80s", { thriller: 0.3 }, { from: 1980, to: 1989 }],
      ['I would like a thriller from the 80s please', { thriller: 0.3 }, { from: 1980, to: 1989 }],
      ['can I get a comedy from the 90s', { comed: 0.3 }, { from: 1990, to: 1999 }],
      ['could we have a musical from the 50s?', { musical: 0.3 }, { from: 1950, to: 1959 }],
      ['I need a western from the 60s', { western: 0.3 }, { from: 1960, to: 1969 }],
      ['I am after a western from the 60s', { western: 0.3 }, { from: 1960, to: 1969 }],
      ['looking for a western from the 60s', { western: 0.3 }, { from: 1960, to: 1969 }],
      ['do you have a comedy from the 90s?', { comed: 0.3 }, { from: 1990, to: 1999 }],
      ['got any comedies from the 90s?', { comed: 0.3 }, { from: 1990, to: 1999 }],
      ['ok so I really want some sci-fi from the late 70s', { sci: 0.3 }, { from: 1975, to: 1979 }],
      ['give me a 70s horror film', { horror: 0.3 }, { from: 1970, to: 1979 }],
    ] as const) {
      expect(read(message), message).toMatchObject({ wanted, years });
    }
    // The framing makes no request of what is not one: wishes about life keep their years out.
    for (const talk of ['I want a new car from 2019', 'I need a break from the 90s music my brother plays', 'can I get a refund for my 2019 ticket']) {
      const update = read(talk);
      expect([update.wanted, update.years], talk).toEqual([{}, undefined]);
    }
  });
});

describe('session constraints: watching with someone (seventh QA pass)', () => {
  it("asks for both people's genres when the message asks for something for both (each one's taste had been dropped but the user's own, or all)", () => {
    expect(read('my wife loves romance and I like action, something for both of us')).toMatchObject({ wanted: { romance: 0.3, action: 0.3 }, together: true });
    expect(read("something we'll both enjoy: I'm into sci-fi, she's into thrillers")).toMatchObject({ wanted: { sci: 0.3, thriller: 0.3 }, together: true });
    expect(read('my girlfriend likes musicals and I like westerns, what can we watch together?').wanted).toEqual({ musical: 0.3, western: 0.3 });
    expect(read('movie night with my dad: he likes westerns, I like comedies').wanted).toEqual({ western: 0.3, comed: 0.3 });
  });

  it('rules out what someone watching cannot stand, and says it was contested', () => {
    expect(read("I love horror but my partner hates it, what's a compromise?")).toMatchObject({ wanted: {}, avoided: { horror: -1 }, contested: ['horror'], together: true });
    expect(read("we want to watch something together, I like comedies but she can't stand romance")).toMatchObject({ wanted: { comed: 0.3 }, avoided: { romance: -1 } });
  });

  it('leaves tastes told without watching together as they were', () => {
    // A dislike told without a request: the profile's to keep (two likings told side by side ask for both: tenth QA pass).
    expect(read('I love horror but my partner hates it').avoided).toEqual({});
    expect(read('my husband wants a western but I find them boring, suggest something')).toMatchObject({ wanted: {}, avoided: { western: -1 } });
    expect(read('I put together a list of horror movies I like').together).toBeUndefined();
  });

  it("rules out what someone else cannot stand in a message that asks for a film, and never asks for it (the pass's review)", () => {
    // No cue of watching together, but a request: they will be watching (the list had only happened to hold no horror).
    expect(read('my wife hates horror, anything for tonight?')).toMatchObject({ wanted: {}, avoided: { horror: -1 } });
    expect(read("my husband can't stand westerns, suggest a movie")).toMatchObject({ wanted: {}, avoided: { western: -1 } });
    // Told in passing, it is their taste: nothing ruled out, and not a request for the genre (it had listed horror films).
    expect(read('my mom hates horror movies lol')).toMatchObject({ wanted: {}, avoided: {} });
    expect(read("my dad doesn't like westerns")).toMatchObject({ wanted: {}, avoided: {} });
  });
});

describe('session constraints: eighth QA pass', () => {
  it('reads genres joined by "or" as alternatives, not as films that are both', () => {
    for (const [message, wanted] of [
      ['anything scary or funny?', { horror: 0.3, comed: 0.3 }],
      ['horror or comedy', { horror: 0.3, comed: 0.3 }],
      ['a western or a war film', { western: 0.3, war: 0.3 }],
      ["I'm in the mood for a comedy or maybe a romance", { comed: 0.3, romance: 0.3 }],
      ['got any thrillers or mysteries?', { thriller: 0.3, myster: 0.3 }],
    ] as const) {
      expect(read(message), message).toMatchObject({ wanted, either: true });
    }
    // "And", a compound genre, or "or" before what is ruled out: the genres asked for are all wanted together, as before.
    for (const message of ['a romantic comedy please', 'horror and comedy', 'a comedy, no horror or gore', 'comedies or anything, but no horror']) {
      expect(read(message).either, message).toBeUndefined();
    }
  });

  it('keeps alternatives across the turns that ask for no new genre, and says them with "or"', () => {
    const either = after('anything scary or funny?', 'from the 80s please');
    expect(either).toMatchObject({ tags: { horror: 0.3, comed: 0.3 }, years: { from: 1980, to: 1989 }, either: true });
    expect(describeConstraints(either)).toBe('horror or comedy, 1980 to 1989');
    // A new request without "or" asks for its genres together again; "also" adds to the alternatives.
    expect(after('horror or comedy', 'a romantic comedy').either).toBeUndefined();
    expect(after('horror or comedy', 'also a romance').either).toBe(true);
    expect(sessionConstraintsSchema.parse(JSON.parse(JSON.stringify(either)))).toEqual(either);
  });

  it('reads a single year asked in a question or before a film word ("what do you have from 1995?", "a 1995 film")', () => {
    for (const [message, year] of [
      ['what do you have from 1995?', 1995],
      ["what's there from 1994?", 1994],
      ['what have you got from 1982', 1982],
      ['a 1995 film', 1995],
      ['any 1997 thrillers?', 1997],
      // The forms that worked before still do.
      ['from 1995', 1995],
      ['released in 1995', 1995],
      ['anything good from 1994?', 1994],
    ] as const) {
      expect(read(message).years, message).toEqual({ from: year, to: year });
    }
    expect(read('from the 90s').years).toEqual({ from: 1990, to: 1999 });
    // A film seen, a life event or a question about nothing are no request for the year's films.
    for (const talk of ['I watched a 1995 film yesterday', 'I was born in 1995, anything good?', 'my 1995 car broke down', 'what do you have?']) {
      expect(read(talk).years, talk).toBeUndefined();
    }
  });

  it("asks for a companion's or a child's taste told alone, as the session's (\"my kids love cartoons\" had asked for nothing)", () => {
    expect(read('my kids love cartoons').wanted).toEqual({ animation: 0.3 });
    expect(read('my wife loves comedies').wanted).toEqual({ comed: 0.3 });
    // Beside the user's own dislike, or watching alone, it is told, not asked.
    for (const talk of ["my husband loves westerns but I can't stand them", 'my brother likes action, something for me tonight']) {
      expect(read(talk).wanted.action ?? read(talk).wanted.western, talk).toBeUndefined();
    }
  });

  it("asks for the children's taste and the user's together when both are told side by side", () => {
    expect(read('my kids love cartoons and I like comedies')).toMatchObject({ wanted: { animation: 0.3, comed: 0.3 }, together: true, audience: 'children' });
    expect(read('our 6 year old loves musicals, I like westerns')).toMatchObject({ wanted: { musical: 0.3, western: 0.3 }, together: true });
    expect(read('I like comedies but my daughter is obsessed with cartoons')).toMatchObject({ wanted: { comed: 0.3, animation: 0.3 }, together: true });
    // A taste that is no genre, or a child's dislike, asks for nothing.
    for (const talk of ['my kids love cartoons and I like cooking', 'my kids hate horror and I like comedies']) {
      expect([read(talk).wanted, read(talk).together], talk).toEqual([{}, undefined]);
    }
  });
});

describe('session constraints: review of the eighth QA pass', () => {
  it('reads no year in a count of films ("I own 2000 movies" had asked for films from 2000: nothing fit)', () => {
    for (const talk of ['I own 2000 movies, what should I watch next?', 'we have 1800 films at home, recommend a comedy', "I've got over 1900 movies, surprise me", 'you have about 1900 films, right?']) {
      expect(read(talk).years, talk).toBeUndefined();
    }
    expect(read('we have 1800 films at home, recommend a comedy').wanted).toEqual({ comed: 0.3 });
    // A year before the films asked for is still read.
    for (const message of ['a 1995 film', 'any 1997 thrillers?', 'got any 1990 comedies?', 'do you have 1996 movies?', 'have you got 1996 films?']) expect(read(message).years, message).toBeDefined();
  });

  it('reads no year in "the 1995 film Heat": one film named by its year, not a request for the films of that year', () => {
    for (const talk of ['I loved the 1995 film Heat, anything similar?', 'is the 1995 movie Sabrina any good?', 'something like that 1995 film with the bank robbery']) {
      expect(read(talk).years, talk).toBeUndefined();
    }
    expect(read('a 1995 film like Heat').years).toEqual({ from: 1995, to: 1995 });
    expect(read('show me the 1995 comedies').years).toEqual({ from: 1995, to: 1995 });
  });

  it('reads genres as alternatives only when "or" joins every genre asked for', () => {
    // "A crime or mystery thriller" is a thriller of either kind, "a romantic comedy or a thriller" a romantic comedy or a
    // thriller: read as three alternatives, they had listed The Godfather (no thriller) and Toy Story (no romance).
    for (const message of ['a crime or mystery thriller', 'a romantic comedy or a thriller', 'a scary sci-fi or a funny western']) {
      expect(read(message).either, message).toBeUndefined();
    }
    expect(read('a crime or mystery thriller').wanted).toEqual({ crime: 0.3, myster: 0.3, thriller: 0.3 });
    for (const message of ['horror or comedy', 'anything scary or funny?', 'a western, a war film or a thriller', 'action or adventure from the 80s']) {
      expect(read(message).either, message).toBe(true);
    }
  });
});

describe('session constraints: ninth QA pass', () => {
  it('reads a genre asked for a number of people ("a comedy for 4 people" had asked for nothing)', () => {
    for (const message of ['a comedy for 4 people', 'a comedy for four people', 'a thriller for the three of us', 'comedy for 10 people please', 'a western with 3 friends']) {
      expect(Object.keys(read(message).wanted), message).toHaveLength(1);
    }
    // The count is no part of what is asked: no year, no children.
    expect(read('a comedy for 4 people')).toEqual({ reset: false, wanted: { comed: 0.3 }, avoided: {}, adds: false });
  });

  it('takes back the genres a message corrects ("horror, or rather a comedy" had asked for either)', () => {
    for (const [message, wanted] of [
      ['horror, or rather a comedy', { comed: 0.3 }],
      ['a thriller, or actually a western', { western: 0.3 }],
      ['a thriller... no wait, a western', { western: 0.3 }],
      ['horror? actually a comedy', { comed: 0.3 }],
      ['a western, make that a war film', { war: 0.3 }],
    ] as const) {
      const update = read(message);
      expect(update.wanted, message).toEqual(wanted);
      expect(update.either, message).toBeUndefined();
    }
    // Added to, or corrected to the same genre, or offered as alternatives: as before.
    expect(read('a comedy, actually also a romance').wanted).toEqual({ comed: 0.3, romance: 0.3 });
    expect(read('a thriller, actually any thriller').wanted).toEqual({ thriller: 0.3 });
    expect(read('horror or comedy')).toMatchObject({ wanted: { horror: 0.3, comed: 0.3 }, either: true });
    expect(read("I'd rather a comedy than horror").wanted.comed).toBe(0.3);
  });

  it('takes back no genre for a cue whose clause names none (review: "a horror film, sorry if that is weird, with some romance" had dropped horror)', () => {
    for (const [message, wanted] of [
      ['a horror film, sorry if that is weird, with some romance', { horror: 0.3, romance: 0.3 }],
      ['a horror film, sorry if that is weird with some romance', { horror: 0.3, romance: 0.3 }],
      ['a western. I mean it, a good one, with some action', { western: 0.3, action: 0.3 }],
    ] as const) expect(read(message).wanted, message).toEqual(wanted);
    // A correction whose genre follows within its clause still takes the first back.
    expect(read('a thriller... sorry, a western').wanted).toEqual({ western: 0.3 });
    expect(read('horror, or rather maybe a good comedy').wanted).toEqual({ comed: 0.3 });
  });
});

describe('session constraints: tenth QA pass', () => {
  it("asks for another adult's taste and the user's together when both are told side by side (the user's alone had been kept)", () => {
    expect(read('my husband is into war movies and I like dramas')).toMatchObject({ wanted: { war: 0.3, drama: 0.3 }, together: true });
    expect(read('my wife loves romance and I like action')).toMatchObject({ wanted: { romance: 0.3, action: 0.3 }, together: true });
    expect(read("she's into thrillers and I prefer westerns")).toMatchObject({ wanted: { thriller: 0.3, western: 0.3 }, together: true });
    expect(read('my wife loves romance and I like action').audience).toBeUndefined();
    // One taste told alone, or another's dislike beside the user's liking, is no joint request.
    for (const talk of ['my husband is into war movies', 'I like dramas and my husband likes cooking', "my husband loves westerns but I can't stand them"]) {
      expect(read(talk).together, talk).toBeUndefined();
    }
  });

  it('reads a genre after "I meant" as the request now ("no wait, I meant a comedy" had asked for nothing)', () => {
    for (const message of ['no wait, I meant a comedy', 'sorry, I meant a comedy', 'I meant a comedy', 'I mean a comedy']) expect(read(message).wanted, message).toEqual({ comed: 0.3 });
    expect(after('recommend a drama', 'no wait, I meant a comedy').tags).toEqual({ comed: 0.3 });
    // Not a request: what a film meant to someone.
    expect(read('I meant to watch a comedy yesterday but fell asleep').wanted).toEqual({});
  });

  it('reads "from that year" as the one year the message names ("summer 1995 was great, films from that year?" had read none)', () => {
    for (const message of ['summer 1995 was great, films from that year?', 'I was born in 1980, anything from that year?', 'we married in 1994, any comedies from the same year?']) {
      const year = Number(/\d{4}/.exec(message)?.[0]);
      expect(read(message).years, message).toEqual({ from: year, to: year });
    }
    // Two years, or none: nothing to point back at.
    expect(read('I was born in 1980 and married in 1994, anything from that year?').years).toBeUndefined();
    expect(read('anything from that year?').years).toBeUndefined();
  });
});

describe('session constraints: tenth QA pass, reviewed', () => {
  it("asks for both only beside the taste of someone who watches with the user (a boss's, a coworker's or a cat's had asked for both)", () => {
    for (const talk of ['my boss likes war movies and I like dramas', 'my coworker loves horror and I like comedies', 'my cat likes horror and I like comedies']) {
      expect(read(talk).together, talk).toBeUndefined();
    }
    for (const talk of ['my brother likes action and I like comedy', 'my best friend loves horror and I like comedies', 'my girlfriend loves romance and I like action']) {
      expect(read(talk).together, talk).toBe(true);
    }
  });

  it('asks for the user\'s taste alone when the message says the user watches alone ("…, for me tonight" had asked for both)', () => {
    for (const talk of [
      'my brother likes action but I prefer comedy, for me tonight',
      "my husband is into war movies and I like dramas, but I'm watching alone tonight",
      "my husband likes war films and I like dramas, I'm on my own tonight",
      'my kids love cartoons and I like comedies, just something for me',
    ]) {
      expect(read(talk).together, talk).toBeUndefined();
    }
    // "Not for me" is a dislike, not watching alone; "for me and my wife" is both.
    expect(read('my wife loves romance and I like action, horror is not for me').together).toBe(true);
    expect(read('my wife loves romance and I like action, something for me and her').together).toBe(true);
  });

  it('reads no year from "nothing from that year" (it had asked for films of that very year)', () => {
    for (const message of ['1995 was a terrible year for me, nothing from that year please, a comedy', 'I was born in 1980, no films from that year please', "I broke up in 1994, I don't want anything from that year"]) {
      expect(read(message).years, message).toBeUndefined();
    }
    expect(read('I was born in 1980, anything from that year?').years).toEqual({ from: 1980, to: 1980 });
  });
});

describe('session constraints: eleventh QA pass', () => {
  it('reads "what should we watch" as a question, not a standing taste ("…with the kids?" had asked for both tastes: one told)', () => {
    expect(read('what should we watch with the kids?')).toMatchObject({ audience: 'children' });
    for (const talk of ['what should we watch with the kids?', 'what can we watch tonight?', 'what shall we watch with my kids?']) expect(read(talk).together, talk).toBeUndefined();
    // Both tastes told beside a watch together, as before.
    expect(read('we usually watch comedies but my wife loves romance, something for both of us')).toMatchObject({ wanted: { comed: 0.3, romance: 0.3 }, together: true });
  });

  it("drops the companion's genres when the user then watches alone (\"I'm on my own tonight\" had kept war and drama)", () => {
    expect(after('my husband is into war movies and I like dramas', "I'm on my own tonight").tags).toEqual({ drama: 0.3 });
    expect(after('my wife loves romance and I like action', 'just me tonight, actually').tags).toEqual({ action: 0.3 });
    // A genre both like stays; without a companion's taste, watching alone drops nothing.
    expect(after('my husband loves dramas and I like dramas too', "I'm on my own tonight").tags).toEqual({ drama: 0.3 });
    expect(after('recommend a war film', "I'm on my own tonight").tags).toEqual({ war: 0.3 });
    // A new request forgets whose the old genres were.
    expect(after('my husband is into war movies and I like dramas', 'a comedy', "I'm on my own tonight").tags).toEqual({ comed: 0.3 });
  });

  it('keeps a companion\'s genre the user then ruled out when watching alone (the review: "no war films" then "on my own" had dropped the "no war")', () => {
    expect(after('my husband is into war movies and I like dramas', 'actually no war films', "I'm on my own tonight").tags).toEqual({ war: -1, drama: 0.3 });
  });

  it('reads "anything for a family?" as films for children ("we had visitors, anything for a family?" had asked for nothing)', () => {
    for (const message of ['we had visitors, anything for a family?', 'something for a family tonight']) expect(read(message).audience, message).toBe('children');
    expect(read('we are saving for a family holiday').audience).toBeUndefined();
  });
});

describe('session constraints: thirteenth chat QA pass', () => {
  it('reads two films asked for with an article each as either genre ("a comedy and a horror film" had asked for horror comedies)', () => {
    expect(read('a comedy and a horror film please')).toMatchObject({ wanted: { comed: 0.3, horror: 0.3 }, either: true });
    expect(read('a sci-fi film and a comedy')).toMatchObject({ either: true });
    // A blend stays one film of both genres.
    for (const blend of ['a romantic comedy', 'a comedy-drama', 'comedy and romance', 'a comedy and romance film']) expect(read(blend).either, blend).toBeUndefined();
  });

  it('reads "for a family of four" said alone as films for children (the general list had answered)', () => {
    for (const message of ['for a family of four', 'for a family', 'with a family of five, from the 90s']) expect(read(message).audience, message).toBe('children');
    expect(read('I cooked for a family of four').audience).toBeUndefined();
  });
});

describe("session constraints: the thirteenth pass's review", () => {
  it('reads one film of both genres said outright as a blend ("a film that\'s both a comedy and a horror" had asked for either)', () => {
    for (const message of ["a film that's both a comedy and a horror", 'a comedy and a horror in one', 'I want a comedy and a horror at the same time']) expect(read(message).either, message).toBeUndefined();
    expect(read('a comedy and a horror film for both of us')).toMatchObject({ either: true });
  });

  it('reads "a comedy and maybe a horror" as either genre (films of both had answered)', () => {
    expect(read('a comedy and maybe a horror')).toMatchObject({ wanted: { comed: 0.3, horror: 0.3 }, either: true });
  });

  it('reads "we\'re a family of four" in a request as films for children (the general list had answered)', () => {
    expect(read("we're a family of four, anything for tonight?").audience).toBe('children');
    expect(read('I cooked for a family of four').audience).toBeUndefined();
    expect(read('I grew up in a family of four').audience).toBeUndefined();
  });
});

describe('readConstraints: the sixteenth pass', () => {
  it('reads "with a family friend" as an adult ("with a family friend tonight" had asked for children\'s films)', () => {
    for (const message of ['with a family friend tonight', 'watching with a family friend, any ideas?', 'movie night with our family friends']) expect(read(message).audience, message).toBeUndefined();
    expect(read('with a family tonight, any ideas?').audience).toBe('children');
    expect(read('watching with my family tonight').audience).toBe('children');
  });

  it('drops the children when the user then watches alone ("actually, alone tonight" had kept the children\'s films)', () => {
    expect(after("I'm watching with my kids", 'actually, alone tonight').audience).toBeUndefined();
    expect(after("I'm watching with my kids", "I'm on my own tonight").audience).toBeUndefined();
    // Small talk that says "for me" or "alone" of life keeps them ("He's always there for me" had been read as watching alone).
    for (const talk of ["He's always there for me.", 'That sounds perfect for me!', "I'm happy being single and alone.", 'I love Christmas movies like Home Alone.']) expect(after("I'm watching with my kids", talk).audience, talk).toBe('children');
    // Back with the kids, asked for again; children and the user's own film together stay for children.
    expect(after("I'm watching with my kids", 'alone tonight', 'my kids are back, what can we watch?').audience).toBe('children');
    expect(read('something for the kids and for me').audience).toBe('children');
  });

  it('reads a child\'s age said as "my son is 5" in a request as films for children (the general list had answered)', () => {
    for (const message of ['my son is 5, something for him', "my daughter's 8, any ideas?", 'our boy is seven, what can we watch?']) expect(read(message).audience, message).toBe('children');
    for (const message of ['my son is 25, something for him', 'My son is 5 and loves dinosaurs.', 'my son is 5 years older than my daughter, any ideas?']) expect(read(message).audience, message).toBeUndefined();
  });
});

describe("readConstraints: the sixteenth pass's review", () => {
  it('keeps the children when the user is not alone ("I\'m not alone tonight" had dropped them as watching alone)', () => {
    for (const message of ["I'm not alone tonight", "I won't be alone tonight, what can we watch?", "I won't be watching alone tonight"]) {
      expect(read(message).alone, message).toBeUndefined();
      expect(after("I'm watching with my kids", message).audience, message).toBe('children');
    }
    expect(after("I'm watching with my kids", 'actually, alone tonight').audience).toBeUndefined();
  });

  it('reads no child\'s age in "my son is one of…" nor "my daughter is 2 hours away" (both had asked for children\'s films)', () => {
    for (const message of ['my son is one of my best friends, what should we watch tonight?', 'my daughter is 2 hours away, what can we watch tonight?', 'my son is ten minutes late, so a film tonight?'])
      expect(read(message).audience, message).toBeUndefined();
    expect(read('my son is 2, something for him tonight').audience).toBe('children');
  });
});

describe('readConstraints: the twentieth pass', () => {
  it('asks for a genre liked in other words beside a request for a film (the taste had been lost, the list the general one)', () => {
    for (const message of [
      "I'm partial to dramas. Looking for a film.",
      "can't get enough of dramas! any suggestions?",
      'I have a soft spot for dramas. Any suggestions?',
      'I usually go for dramas. I am looking for a movie to watch tonight.',
      'I normally watch dramas. I am looking for a movie to watch tonight.',
      'Hello. I tend to enjoy dramas. What would you suggest?',
      'Hi! I guess I kind of like dramas. Looking for something to watch tonight.',
      'mainly dramas for me. what should I watch tonight',
      'dramas all the way. What do you recommend?',
      "dramas are kind of my thing. What's good?",
      'Especially dramas. Looking for a movie tonight.',
      'drama fan here, what should I watch tonight?',
      "dramas are what I'm after. Any picks?",
      "I'd say I'm mostly into dramas. Any ideas?",
      'I lov dramas, sugest a movie',
    ]) {
      expect(read(message).wanted, message).toEqual({ drama: WANTED_WEIGHT });
      expect(read(message).avoided, message).toEqual({});
    }
  });

  it('reads "no kids" as adults watching, and "not for kids" as no request for children\'s films', () => {
    for (const message of ['a relaxing evening alone, no kids', 'something light, not for kids', 'a comedy, no children please', 'without the kids tonight'])
      expect(read(message).audience, message).toBeNull();
    expect(after('something for the kids', 'actually no kids').audience).toBeUndefined();
    // Life told: no change to who watches.
    expect(read('I have no kids').audience).toBeUndefined();
  });

  it('leaves such a liking told without a request, and the standing taste said plainly, to the profile', () => {
    for (const message of ["I'm partial to dramas.", 'I usually go for dramas.', 'I usually like dramas. I am looking for a movie to watch tonight.'])
      expect(read(message).wanted, message).toEqual({});
  });
});
