import { describe, expect, it } from 'vitest';
import { emptyProfile, type Item, type Profile } from '@personalab/core';
import { tinyItems } from '../test/tiny-catalogue.js';
import { OfflineExplainer, quotableSubject } from './offline-explainer.js';
import { askedGenreCount, EXAMPLE_WEIGHT, exampleFit, leansAsAsked, MIX_WEIGHT, OfflineReranker } from './offline-reranker.js';
import type { AskedFor, Candidate, HistoryEntry, ItemReception, Refinement } from './types.js';

const item = (id: string) => {
  const found = tinyItems.find((entry) => entry.id === id);
  if (!found) throw new Error(id);
  return found;
};
const comedyHistory: HistoryEntry[] = ['m1', 'm2', 'm5'].map((id, index) => ({ item: item(id), rating: 5, timestamp: index }));
// The model prefers horror; the user's history is comedy.
const candidates: Candidate[] = ['m9', 'm10', 'm11', 'm6', 'm3'].map((id, index) => ({ item: item(id), score: 1 - index * 0.1, source: 'model' }));

const starWars: Item = { id: 'sw', title: 'Star Wars (1977)', year: 1977, tags: ['Action', 'Adventure', 'Romance', 'Sci-Fi', 'War'] };
/** A session's request as chat builds it: the asked genres as +0.3 weights, ruled-out ones as -1. */
const asked = (request: Partial<AskedFor>): Refinement => {
  const full: AskedFor = { genres: {}, ruledOut: {}, ...request };
  const tagWeights = { ...Object.fromEntries(Object.keys(full.genres).map((key) => [key, 0.3])), ...Object.fromEntries(Object.keys(full.ruledOut).map((key) => [key, -1])) };
  return { tagWeights, phrase: 'the request', asked: full };
};

const saysLike = (subject: string): Profile => ({
  ...emptyProfile('u'),
  preferences: [{ subject, polarity: 'like', strength: 1, firstSeen: 0, lastUpdated: 0, evidence: [{ messageId: 'msg-1', quote: `I like ${subject}` }], history: [] }],
});

describe('OfflineReranker', () => {
  it('keeps the model order when the profile weight is zero', async () => {
    const ranked = await new OfflineReranker({ profileWeight: 0 }).rerank({ profile: emptyProfile('u'), history: comedyHistory, candidates, k: 3 });
    expect(ranked.map((entry) => entry.item.id)).toEqual(['m9', 'm10', 'm11']);
  });

  it('lifts items that fit the rated history and stated likes', async () => {
    const ranked = await new OfflineReranker({ profileWeight: 0.6 }).rerank({ profile: saysLike('comedies'), history: comedyHistory, candidates, k: 2 });
    expect(ranked.map((entry) => entry.item.id).sort()).toEqual(['m3', 'm6']);
    expect(ranked[0]?.profileFit).toBeGreaterThan(0);
  });

  it('keeps a stated genre taste in the list after a film is named, and counts a stated dislike against its genre', async () => {
    // "I love sci-fi movies", then "I loved Laugh Riot": the model's picks are the film's comedies and a horror film; two sci-fi films trail.
    const named: HistoryEntry[] = [{ item: item('m1'), rating: 5, timestamp: 1, source: 'chat' }];
    const pool: Candidate[] = ['m2', 'm5', 'm6', 'm9', 'm3', 'm20', 'm21'].map((id, index) => ({ item: item(id), score: 1 - index * 0.15, source: 'model' }));
    const sciFi = (ranked: { item: Item }[]) => ranked.filter((entry) => entry.item.tags.includes('Sci-Fi')).length;
    // Before (weight 0): inside the normalised fit the named film's genre (a one-film history: share 1) outweighed the statement.
    const before = await new OfflineReranker({ statedGenreWeight: 0 }).rerank({ profile: saysLike('sci-fi movies'), history: named, candidates: pool, k: 5 });
    expect(sciFi(before)).toBe(0);
    const after = await new OfflineReranker().rerank({ profile: saysLike('sci-fi movies'), history: named, candidates: pool, k: 5 });
    expect(sciFi(after)).toBe(2);
    // The named film still counts: its comedies keep the other places, in the model's order.
    expect(after.filter((entry) => !entry.item.tags.includes('Sci-Fi')).map((entry) => entry.item.id)).toEqual(['m2', 'm5', 'm6']);
    expect(after.find((entry) => entry.item.id === 'm20')?.profileFit).toBeGreaterThan(before.find((entry) => entry.item.id === 'm20')?.profileFit ?? 0);
    // Without a stated genre nothing changes.
    const plain = await new OfflineReranker().rerank({ profile: emptyProfile('u'), history: named, candidates: pool, k: 5 });
    expect(plain.map((entry) => entry.item.id)).toEqual((await new OfflineReranker({ statedGenreWeight: 0 }).rerank({ profile: emptyProfile('u'), history: named, candidates: pool, k: 5 })).map((entry) => entry.item.id));
    // A stated dislike ("not a fan of comedies", too mild to keep them out) counts against the genre.
    const mild: Profile = { ...saysLike('comedies'), preferences: [{ ...(saysLike('comedies').preferences[0] as Profile['preferences'][number]), polarity: 'dislike', strength: 0.5 }] };
    const disliked = await new OfflineReranker().rerank({ profile: mild, history: [], candidates: pool, k: 7 });
    const unweighted = await new OfflineReranker({ statedGenreWeight: 0 }).rerank({ profile: mild, history: [], candidates: pool, k: 7 });
    const scoreOf = (ranked: { item: Item; score: number }[], id: string) => ranked.find((entry) => entry.item.id === id)?.score ?? Number.NaN;
    // 0.6 × -0.5 per stated genre the item has (nothing rated: the full weight): Silly Summer (Comedy, Romance) has one.
    expect(scoreOf(disliked, 'm2') - scoreOf(unweighted, 'm2')).toBeCloseTo(-0.3);
    expect(scoreOf(disliked, 'm9')).toBe(scoreOf(unweighted, 'm9'));
    expect(unweighted[0]?.item.id).toBe('m2');
    expect(disliked[0]?.item.id).toBe('m9');
  });

  it("scales the stated-genre weight by c / (c + n), n the films the user liked, when c is finite: a long rating history is then barely moved", async () => {
    const pool: Candidate[] = ['m2', 'm5', 'm6', 'm9', 'm3', 'm20', 'm21'].map((id, index) => ({ item: item(id), score: 1 - index * 0.15, source: 'model' }));
    const scoreOf = (ranked: { item: Item; score: number }[], id: string) => ranked.find((entry) => entry.item.id === id)?.score ?? Number.NaN;
    const lift = async (history: HistoryEntry[], options: { statedHalfAt?: number } = {}) => {
      const stated = await new OfflineReranker(options).rerank({ profile: saysLike('sci-fi movies'), history, candidates: pool, k: 7 });
      const unweighted = await new OfflineReranker({ statedGenreWeight: 0 }).rerank({ profile: saysLike('sci-fi movies'), history, candidates: pool, k: 7 });
      return scoreOf(stated, 'm20') - scoreOf(unweighted, 'm20');
    };
    // Weight 0.6, c = 20. Nothing rated: the full 0.6; one named film: 0.6 × 20/21; 80 liked films (a MovieLens
    // returning user): 0.6 × 20/100; a film rated 2 or disliked in chat is no evidence.
    const c20 = { statedHalfAt: 20 };
    expect(await lift([], c20)).toBeCloseTo(0.6);
    expect(await lift(comedyHistory.slice(0, 1), c20)).toBeCloseTo(0.6 * (20 / 21));
    const long: HistoryEntry[] = Array.from({ length: 80 }, (_, index) => ({ item: item(`m${(index % 8) + 1}`), rating: 4, timestamp: index }));
    expect(await lift(long, c20)).toBeCloseTo(0.12);
    expect(await lift([...comedyHistory.slice(0, 1), { item: item('m9'), rating: 2, timestamp: 9 }, { item: item('m10'), rating: 1, timestamp: 10, source: 'chat' }], c20)).toBeCloseTo(0.6 * (20 / 21));
    expect(await lift(long, { statedHalfAt: 5 })).toBeCloseTo(0.6 * (5 / 85));
    // Infinity, the default (chosen on validation), keeps the full weight whatever the history.
    expect(await lift(long, { statedHalfAt: Number.POSITIVE_INFINITY })).toBeCloseTo(0.6);
    expect(await lift(long)).toBeCloseTo(0.6);
    expect(() => new OfflineReranker({ statedHalfAt: -2 })).toThrow(/statedHalfAt must be a number of films/);
  });

  it('divides a liked genre\'s stated weight among the genres the user says they like; a stated dislike keeps its whole weight', async () => {
    const pool: Candidate[] = ['m2', 'm5', 'm6', 'm9', 'm3', 'm20', 'm21'].map((id, index) => ({ item: item(id), score: 1 - index * 0.15, source: 'model' }));
    const scoreOf = (ranked: { item: Item; score: number }[], id: string) => ranked.find((entry) => entry.item.id === id)?.score ?? Number.NaN;
    const says = (...subjects: [string, 'like' | 'dislike'][]): Profile => ({
      ...emptyProfile('u'),
      preferences: subjects.map(([subject, polarity], index) => ({ subject, polarity, strength: 1, firstSeen: index, lastUpdated: index, evidence: [{ messageId: `msg-${index}`, quote: subject }], history: [] })),
    });
    const lift = async (profile: Profile, id: string, history: HistoryEntry[] = []) => {
      const stated = await new OfflineReranker().rerank({ profile, history, candidates: pool, k: 7 });
      const unweighted = await new OfflineReranker({ statedGenreWeight: 0 }).rerank({ profile, history, candidates: pool, k: 7 });
      return scoreOf(stated, id) - scoreOf(unweighted, id);
    };
    // "I love sci-fi movies": the whole 0.6 on a sci-fi film (nothing rated). "I usually like sci-fi, horror and romance
    // movies": a third of it each (it had been the whole 0.6 per genre, so the broad list reordered most of the list).
    expect(await lift(says(['sci-fi movies', 'like']), 'm20')).toBeCloseTo(0.6);
    expect(await lift(says(['sci-fi movies', 'like'], ['horror movies', 'like'], ['romance movies', 'like']), 'm20')).toBeCloseTo(0.2);
    // A dislike beside them is neither divided nor counted among the liked genres.
    expect(await lift(says(['sci-fi movies', 'like'], ['comedies', 'dislike']), 'm20')).toBeCloseTo(0.6);
    expect(await lift(says(['sci-fi movies', 'like'], ['horror movies', 'like'], ['comedies', 'dislike']), 'm2')).toBeCloseTo(-0.6);
    // A film the user named is a rating, not a genre taste: "I loved Space Wars" (a Sci-Fi, War film here) had counted as
    // a stated liking for War films, and as a second liked genre halving sci-fi's weight.
    const spaceWars: Item = { id: 'sw1', title: 'Space Wars (1980)', year: 1980, tags: ['Sci-Fi', 'War'] };
    const named: HistoryEntry[] = [{ item: spaceWars, rating: 5, timestamp: 1, source: 'chat' }];
    expect(await lift(says(['sci-fi movies', 'like'], ['space wars', 'like']), 'm20', named)).toBeCloseTo(0.6);
  });

  it('applies a refinement on top of the blend', async () => {
    const refinement = { tagWeights: { horror: -1, thriller: -1 }, phrase: 'something lighter' };
    const ranked = await new OfflineReranker({ profileWeight: 0 }).rerank({ profile: emptyProfile('u'), history: [], candidates, k: 2, refinement });
    expect(ranked.every((entry) => !entry.item.tags.includes('Horror'))).toBe(true);
  });

  it('puts the genres the session asked for first: all of them, then some, then none', async () => {
    // The model prefers horror and war; the session asks for comedy and romance.
    const pool: Candidate[] = ['m9', 'm10', 'm15', 'm16', 'm1', 'm2', 'm6', 'm23', 'm5'].map((id, index) => ({ item: item(id), score: 1 - index * 0.1, source: 'model' }));
    const refinement = asked({ genres: { comed: 'Comedy', romance: 'Romance' } });
    const unasked = await new OfflineReranker().rerank({ profile: emptyProfile('u'), history: [], candidates: pool, k: 6 });
    expect(unasked[0]?.item.id).toBe('m9');
    const asked2 = await new OfflineReranker().rerank({ profile: emptyProfile('u'), history: [], candidates: pool, k: 6, refinement });
    const matched = asked2.map((entry) => ['Comedy', 'Romance'].filter((tag) => entry.item.tags.includes(tag)).length);
    expect(matched).toEqual([2, 2, 1, 1, 1, 0]);
    // Within a group the blend still orders: Silly Summer (model score 0.5) before Wedding Mix-Up (0.2).
    expect(asked2.slice(0, 2).map((entry) => entry.item.id)).toEqual(['m2', 'm5']);
    // A user who loves horror still gets the comedy asked for first.
    const horrorFan: HistoryEntry[] = ['m9', 'm10', 'm11', 'm12'].map((id, index) => ({ item: item(id), rating: 5, timestamp: index }));
    const forFan = await new OfflineReranker({ profileWeight: 0.6 }).rerank({ profile: saysLike('horror'), history: horrorFan, candidates: pool, k: 3, refinement: asked({ genres: { comed: 'Comedy' } }) });
    for (const entry of forFan) expect(entry.item.tags).toContain('Comedy');
  });

  it('returns nothing for no candidates', async () => {
    expect(await new OfflineReranker().rerank({ profile: emptyProfile('u'), history: [], candidates: [], k: 5 })).toEqual([]);
  });
});

describe('OfflineExplainer', () => {
  it('cites the shared attributes, the supporting history items and what the user said', async () => {
    const text = await new OfflineExplainer().explain({ profile: saysLike('comedies'), history: comedyHistory, item: item('m6') });
    expect(text).toContain('Office Pranks');
    expect(text).toContain('You said you like comedies');
    expect(text).toMatch(/shares Comedy with (Laugh Riot|Silly Summer|Wedding Mix-Up)/);
  });

  it('quotes what the user said as a subject, not a run-on message', async () => {
    const explain = (subject: string) => new OfflineExplainer().explain({ profile: saysLike(subject), history: comedyHistory, item: item('m6') });
    // "I loved comedies I loved comedies …" had been quoted whole: "You said you like comedies i loved comedies i loved …".
    const runOn = await explain('comedies i loved comedies i loved comedies i loved comedies i loved');
    expect(runOn).toContain('You said you like comedies.');
    expect(runOn).not.toContain('i loved');
    expect(await explain('comedies that i can watch with my kids on a rainy')).toContain('You said you like comedies.');
    // Still over six words once cut: left out rather than quoted.
    expect(await explain('comedies about people who go on long road trips across the country')).not.toContain('You said');
    expect(quotableSubject('alien i loved alien i loved alien i loved')).toBe('alien');
    expect(quotableSubject('horror movies')).toBe('horror movies');
    expect(quotableSubject('i loved')).toBeUndefined();
  });

  it('names a tag of several stems once ("Sci-Fi", not "Sci-Fi and fi")', async () => {
    const scifi = { id: 's1', title: 'Star Voyage', tags: ['Sci-Fi', 'Adventure'] };
    const seen = { id: 's2', title: 'Robot Planet', tags: ['Sci-Fi'] };
    const text = await new OfflineExplainer().explain({ profile: emptyProfile('u'), history: [{ item: seen, rating: 5, timestamp: 1 }], item: scifi });
    expect(text).toContain('It shares Sci-Fi with Robot Planet');
  });

  it('lists the tags the user asked for first, so what it fits is in sight', async () => {
    const text = await new OfflineExplainer().explain({ profile: emptyProfile('u'), history: [], item: starWars, refinement: asked({ genres: { sci: 'Sci-Fi' }, ruledOut: { horror: 'Horror' } }) });
    expect(text).toBe('Star Wars (1977): Sci-Fi / Action / Adventure. It is what you asked for: Sci-Fi, not Horror.');
  });

  it('says only what is true of the item against the request, and plainly what it misses', async () => {
    const explain = (item: Item, refinement: Refinement) => new OfflineExplainer().explain({ profile: emptyProfile('u'), history: [], item, refinement });
    // Star Wars is from 1977: it does not fit "1990 to 1999".
    const nineties = await explain(starWars, asked({ years: { from: 1990, to: 1999 } }));
    expect(nineties).not.toMatch(/fits|is what you asked/);
    expect(nineties).toContain('It is offered although it misses what you asked for: it is made in 1977, not 1990 to 1999.');
    // Aliens is from the 80s but not horror.
    const aliens = { id: 'al', title: 'Aliens (1986)', year: 1986, tags: ['Action', 'Sci-Fi', 'Thriller', 'War'] };
    expect(await explain(aliens, asked({ genres: { horror: 'Horror' }, years: { from: 1980, to: 1989 } }))).toContain('It is made in 1986 as you asked, but not Horror.');
    // Braveheart and Pulp Fiction are no comedies.
    const braveheart = { id: 'bh', title: 'Braveheart (1995)', year: 1995, tags: ['Action', 'Drama', 'War'] };
    expect(await explain(braveheart, asked({ genres: { comed: 'Comedy', romance: 'Romance' } }))).toContain('It is offered although it misses what you asked for: it is not Comedy or Romance.');
    const groundhog = { id: 'gd', title: 'Groundhog Day (1993)', year: 1993, tags: ['Comedy', 'Romance'] };
    expect(await explain(groundhog, asked({ genres: { comed: 'Comedy', romance: 'Romance' }, years: { from: 1990 } }))).toContain('It is what you asked for: Comedy and Romance, made in 1993.');
    const clueless = { id: 'cl', title: 'Clueless (1995)', year: 1995, tags: ['Comedy', 'Romance'] };
    expect(await explain(clueless, asked({ genres: { comed: 'Comedy', war: 'War' }, years: { to: 1990 } }))).toContain('It is Comedy as you asked, but not War and made in 1995, not up to 1990.');
    // Audience and ruled-out genres, met and missed.
    const cartoon = item('m4');
    expect(await explain(cartoon, asked({ audience: 'children', ruledOut: { horror: 'Horror' } }))).toContain('It is what you asked for: for children, not Horror.');
    expect(await explain(cartoon, asked({ genres: { children: 'Children', animation: 'Animation' }, audience: 'children' }))).toContain('It is what you asked for: Animation, for children.');
    expect(await explain(item('m9'), asked({ audience: 'children', ruledOut: { horror: 'Horror' } }))).toContain('it is not made for children and Horror, which you ruled out.');
  });

  it('takes one of the genres asked as alternatives for what was asked, and orders the alternatives alike (eighth QA pass)', async () => {
    const explain = (entry: Item, refinement: Refinement) => new OfflineExplainer().explain({ profile: emptyProfile('u'), history: [], item: entry, refinement });
    const clueless = { id: 'cl', title: 'Clueless (1995)', year: 1995, tags: ['Comedy', 'Romance'] };
    const braveheart = { id: 'bh', title: 'Braveheart (1995)', year: 1995, tags: ['Action', 'Drama', 'War'] };
    // "Horror or comedy": a comedy is what was asked (it had been "It is Comedy as you asked, but not Horror").
    const either = asked({ genres: { horror: 'Horror', comed: 'Comedy' }, either: true });
    expect(await explain(clueless, either)).toContain('It is what you asked for: Comedy.');
    expect(await explain(braveheart, either)).toContain('It is offered although it misses what you asked for: it is not Horror or Comedy.');
    // In the ranking's order of what was asked, a film with both has no more of it than a film with one.
    const both = { id: 'yf', title: 'Young Frankenstein (1974)', year: 1974, tags: ['Comedy', 'Horror'] };
    expect([askedGenreCount(both, either), askedGenreCount(clueless, either), askedGenreCount(braveheart, either)]).toEqual([2, 2, 0]);
  });

  it('says what a mood moves only where the item carries those genres', async () => {
    const lighter = { tagWeights: { comed: 0.6, animation: 0.4, horror: -1, drama: -0.3 }, phrase: 'something lighter' };
    const explain = (id: string, refinement: Refinement) => new OfflineExplainer().explain({ profile: emptyProfile('u'), history: [], item: item(id), refinement });
    expect(await explain('m1', lighter)).toContain('It suits "something lighter": Comedy.');
    expect(await explain('m9', lighter)).toContain('It is Horror, which "something lighter" steers away from.');
    expect(await explain('m19', { tagWeights: { comed: 0.6 }, phrase: 'something funny' })).toContain('Its genres do not match "something funny".');
    // "No horror" alone is met by an item without horror: no claim either way.
    expect(await explain('m1', { tagWeights: { horror: -1 }, phrase: 'no horror' })).not.toMatch(/fits|suits|match/);
  });

  it('cites a liked item only for a genre it shares ("K-Drama" is not "Drama")', async () => {
    const kdrama = { id: 'k1', title: 'Seoul Nights', tags: ['K-Drama', 'Romance'] };
    const history: HistoryEntry[] = [
      { item: { id: 'ep', title: 'English Patient, The (1996)', tags: ['Drama'] }, rating: 5, timestamp: 1 },
      { item: { id: 'rm', title: 'Love Song', tags: ['Romance'] }, rating: 5, timestamp: 2 },
    ];
    const text = await new OfflineExplainer().explain({ profile: emptyProfile('u'), history, item: kdrama });
    expect(text).not.toContain('English Patient');
    expect(text).toContain('It shares Romance with Love Song, which you liked.');
    // Each cited item with the genre it shares.
    const both = { id: 'k2', title: 'Drama of Love', tags: ['Drama', 'Romance'] };
    expect(await new OfflineExplainer().explain({ profile: emptyProfile('u'), history, item: both })).toMatch(/It shares (Drama with English Patient, The \(1996\) and Romance with Love Song|Romance with Love Song and Drama with English Patient, The \(1996\)), which you liked\./);
  });

  it('cites no similar raters when the only ratings are dislikes said in chat', async () => {
    const plain = { id: 'p', title: 'Plain Drama', tags: ['Drama'] };
    const explain = (source: 'chat' | undefined) => new OfflineExplainer().explain({ profile: emptyProfile('u'), history: [{ item: item('m9'), rating: 1, timestamp: 1, source }], item: plain });
    expect(await explain('chat')).toBe('Plain Drama: Drama.');
    // A rating given (even a low one) is an interaction the model reads.
    expect(await explain(undefined)).toBe('Plain Drama: Drama. People whose ratings resemble yours rated it highly.');
  });

  it('says what is true of how an item was received, never "most liked" unless it is', async () => {
    const plain = { id: 'p', title: 'Mortal Kombat: Annihilation (1997)', year: 1997, tags: ['Action', 'Adventure'] };
    const explain = (reception: ItemReception | undefined, offered?: boolean) =>
      new OfflineExplainer().explain({ profile: emptyProfile('u'), history: [], item: plain, reception, offered });
    // It had said "It is one of the most liked titles here." of any film, for a user with nothing to cite.
    const panned = await explain({ likes: 3, rank: 900, ratings: { count: 43, mean: 1.953 } }, false);
    expect(panned).toBe('Mortal Kombat: Annihilation (1997): Action / Adventure. 43 people here rated it, 2.0 of 5 on average.');
    expect(await explain({ likes: 508, rank: 4 })).toBe('Mortal Kombat: Annihilation (1997): Action / Adventure. 508 people here liked it. It is among the 10 most liked titles here.');
    expect(await explain({ likes: 1, rank: 75, ratings: { count: 1, mean: 4 } })).toContain('1 person here rated it, 4.0 of 5 on average. It is among the 100 most liked titles here.');
    expect(await explain({ likes: 0, ratings: { count: 0, mean: undefined } })).toContain('Nobody here has rated it yet.');
    expect(await explain(undefined)).toBe('Mortal Kombat: Annihilation (1997): Action / Adventure.');
    // A film not offered is not said to be liked by people like the user.
    const rated = { item: item('m1'), rating: 5, timestamp: 1 };
    const asked = await new OfflineExplainer().explain({ profile: emptyProfile('u'), history: [rated], item: plain, offered: false, reception: { likes: 3, rank: 900 } });
    expect(asked).not.toMatch(/resemble|most liked/);
  });

  it('says an item not offered is not what was asked for, and only an offered one is "offered although"', async () => {
    const heat = { id: 'h', title: 'Heat (1995)', year: 1995, tags: ['Action', 'Crime', 'Thriller'] };
    const refinement: Refinement = { tagWeights: { comed: 0.3 }, phrase: 'comedy, 1980 to 1989', asked: { genres: { comed: 'Comedy' }, ruledOut: {}, years: { from: 1980, to: 1989 } } };
    const explain = (offered: boolean | undefined) => new OfflineExplainer().explain({ profile: emptyProfile('u'), history: [], item: heat, refinement, offered });
    expect(await explain(false)).toContain('It is not what you asked for: it is not Comedy and made in 1995, not 1980 to 1989.');
    expect(await explain(false)).not.toContain('offered');
    expect(await explain(true)).toContain('It is offered although it misses what you asked for: it is not Comedy and made in 1995, not 1980 to 1989.');
    expect(await explain(undefined)).toContain('It is offered although');
  });
});

describe('OfflineReranker: fourth multi-turn QA pass (comparative requests)', () => {
  const film = (id: string, tags: string[]): Item => ({ id, title: id, tags });
  const starWarsTags = ['action', 'adventure', 'romance', 'sci', 'war'];
  const toyStoryTags = ['animation', 'children', 'comed'];

  it('lifts a film by how alike it is, not by how many genres it has', () => {
    const titanic = { genres: [['action', 'drama', 'romance']] };
    // Before: 0.4 per shared genre gave the six-genre Empire Strikes Back 1.2 for "if I liked Titanic", as much as Man in the Iron Mask.
    const empire = exampleFit(film('empire', ['Action', 'Adventure', 'Drama', 'Romance', 'Sci-Fi', 'War']), titanic);
    const mask = exampleFit(film('mask', ['Action', 'Drama', 'Romance']), titanic);
    expect(mask).toBeCloseTo(EXAMPLE_WEIGHT);
    expect(empire).toBeCloseTo(EXAMPLE_WEIGHT / 2);
  });

  it('lifts a film with something of each example of a mix above one with all of one example', () => {
    const mix = { genres: [starWarsTags, toyStoryTags] };
    const jedi = exampleFit(film('jedi', ['Action', 'Adventure', 'Romance', 'Sci-Fi', 'War']), mix);
    const menInBlack = exampleFit(film('mib', ['Action', 'Adventure', 'Comedy', 'Sci-Fi']), mix);
    expect(menInBlack - jedi).toBeGreaterThan(MIX_WEIGHT / 2);
  });

  it('puts the films a change to the examples leans to first, after the genres asked for', async () => {
    const refinement: Refinement = { tagWeights: {}, phrase: 'like Dark Alley but funnier', examples: { genres: [['crime', 'thriller']], lean: ['comed'] } };
    // The model prefers the thrillers; the change asks for comedy.
    const ids = ['m13', 'm14', 'm1', 'm6'];
    const ranked = await new OfflineReranker().rerank({ profile: emptyProfile('u'), history: [], candidates: ids.map((id, index) => ({ item: item(id), score: 1 - index * 0.2, source: 'model' })), k: 4, refinement });
    expect(ranked.slice(0, 2).map((entry) => entry.item.id).sort()).toEqual(['m1', 'm6']);
    expect(leansAsAsked(item('m1'), refinement)).toBe(true);
    expect(leansAsAsked(item('m13'), refinement)).toBe(false);
  });
});
