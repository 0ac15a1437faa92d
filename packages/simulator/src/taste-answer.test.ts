import { describe, expect, it } from 'vitest';
import { createRandom, type Item, type SimulationGoal } from '@personalab/core';
import { personaProfile } from './persona-profile.js';
import { spokenGenre, TasteAnswers } from './taste-answer.js';
import type { TasteQuestion } from './taste-question.js';
import { testItems } from './test/fixtures.js';
import { sentences } from './text.js';

/** The test films with their years, as the MovieLens loader gives them. */
const catalog = new Map<string, Item>(testItems.map((item) => [item.id, { ...item, year: Number(/\((\d{4})\)/.exec(item.title)?.[1]) }]));

const profile = personaProfile({
  userId: 'u1',
  statements: ['I am 30 years old.'],
  preferences: [
    { subject: 'horror movies', polarity: 'like', strength: 0.9 },
    { subject: 'comedy movies', polarity: 'like', strength: 0.6 },
    { subject: 'drama movies', polarity: 'dislike', strength: 0.8 },
  ],
});

/**
 * Seen (history): The Haunting 5, Night of the Living Dead 4, Toy Story 1. Held out: Alien 5 (the target), Airplane! 5
 * (liked, unseen), The Shawshank Redemption 2: rated higher or lower than the history's films, never to be named.
 */
const goal: SimulationGoal = {
  description: 'I am looking for a movie to watch tonight.',
  targetItemIds: ['m6'],
  hiddenRatings: new Map([
    ['m1', 5],
    ['m2', 4],
    ['m3', 1],
    ['m6', 5],
    ['m7', 5],
    ['m5', 2],
  ]),
  seenItemIds: new Set(['m1', 'm2', 'm3']),
};

/** The answers of users with seeds 1..n to one question, each user asked once. */
function answers(question: TasteQuestion, options: { wantedWords?: number; users?: number; goal?: SimulationGoal; catalog?: ReadonlyMap<string, Item> } = {}): string[] {
  return Array.from({ length: options.users ?? 20 }, (_, seed) =>
    new TasteAnswers({ profile, goal: options.goal ?? goal, catalog: options.catalog ?? catalog, random: createRandom(seed) }).answer(question, options.wantedWords ?? 12),
  );
}

const heldOut = /Alien|Airplane|Shawshank/;

describe('TasteAnswers', () => {
  it('says the genres its profile likes, and no other', () => {
    const said = answers({ kind: 'genres' });
    for (const text of said) {
      const [liked = '', next = ''] = sentences(text);
      expect(liked, text).toMatch(/horror movies|comedies/i);
      // Alien, the hidden target, is also sci-fi: a genre the profile does not hold is never said.
      expect(liked, text).not.toMatch(/sci-fi|dramas|animated|action/i);
      // A second fact: a film it loved, or the genre it dislikes said as disliked.
      expect(next, text).toMatch(/^(?:|.*(?:The Haunting|Night of the Living Dead).*|Dramas are not my thing\.|I do not like dramas\.|I am not a fan of dramas\.)$/);
      expect(text, text).not.toMatch(heldOut);
    }
  });

  it('names only films of its history that it rated highly, never a hidden target or another held-out film', () => {
    const said = [...answers({ kind: 'favorite' }), ...answers({ kind: 'favorite', genre: 'horror' }), ...answers({ kind: 'genre', genre: 'horror' }, { wantedWords: 40 })];
    for (const text of said) {
      expect(text, text).not.toMatch(heldOut);
      expect(text, text).not.toMatch(/Toy Story/);
    }
    expect(said.filter((text) => /The Haunting|Night of the Living Dead/.test(text)).length).toBeGreaterThanOrEqual(40);
  });

  // MovieLens lists "Chasing Amy (1997)" under two ids: the one seen shares its title with one a user may hold out.
  it('never names a film of its history whose title a held-out film shares', () => {
    const twins = new Map(catalog);
    twins.set('m9', { id: 'm9', title: 'The Haunting (1963)', tags: ['Horror'], year: 1963 });
    const withTwin: SimulationGoal = { ...goal, targetItemIds: ['m6', 'm9'], hiddenRatings: new Map([...(goal.hiddenRatings ?? []), ['m9', 5]]) };
    const said = answers({ kind: 'favorite' }, { goal: withTwin, catalog: twins, wantedWords: 40 });
    expect(said.filter((text) => /The Haunting/.test(text))).toEqual([]);
    expect(said.every((text) => /Night of the Living Dead/.test(text))).toBe(true);
  });

  // Asked "Have you seen Chasing Amy?" of a title whose other id is the hidden target, it had said "Yes, I loved it.".
  it('does not say it saw a film whose title a held-out film shares', () => {
    const twins = new Map(catalog);
    twins.set('m9', { id: 'm9', title: 'The Haunting (1963)', tags: ['Horror'], year: 1963 });
    const withTwin: SimulationGoal = { ...goal, targetItemIds: ['m6', 'm9'], hiddenRatings: new Map([...(goal.hiddenRatings ?? []), ['m9', 5]]) };
    for (const text of answers({ kind: 'seen', itemIds: ['m1', 'm9'] }, { goal: withTwin, catalog: twins, users: 5 })) expect(text).toMatch(/^No, I have not seen/);
    for (const text of answers({ kind: 'seenList', films: [['m1', 'm9'], ['m2']] }, { goal: withTwin, catalog: twins, users: 5 })) expect(text).toMatch(/I have not seen The Haunting/);
  });

  // "Clean Slate (Coup de Torchon) (1981)" said "Clean Slate" names "Clean Slate (1994)" to the assistant.
  it('names a film by its other title too when another film is said alike without it', () => {
    const alike = new Map(catalog);
    alike.set('m1', { id: 'm1', title: 'Clean Slate (Coup de Torchon) (1981)', tags: ['Horror'], year: 1981 });
    alike.set('m9', { id: 'm9', title: 'Clean Slate (1994)', tags: ['Comedy'], year: 1994 });
    const said = [...answers({ kind: 'favorite' }, { catalog: alike, wantedWords: 40 }), ...answers({ kind: 'seenList', films: [['m1'], ['m2']] }, { catalog: alike, users: 5 })];
    const naming = said.filter((text) => /Clean Slate/.test(text));
    expect(naming.length).toBeGreaterThan(5);
    for (const text of naming) expect(text).toMatch(/Clean Slate \(Coup de Torchon\)/);
  });

  // MovieLens holds remakes under one name ("Sabrina (1954)", "Sabrina (1995)"): said without its year, the seen one
  // names the held-out one (33 such pairs among the MovieLens users, 14 of them a hidden target).
  it('never names a film of its history said as a held-out film is, a remake of another year', () => {
    const remakes = new Map(catalog);
    remakes.set('m9', { id: 'm9', title: 'Haunting, The (1999)', tags: ['Horror'], year: 1999 });
    const withRemake: SimulationGoal = { ...goal, targetItemIds: ['m6', 'm9'], hiddenRatings: new Map([...(goal.hiddenRatings ?? []), ['m9', 5]]) };
    const said = answers({ kind: 'favorite' }, { goal: withRemake, catalog: remakes, wantedWords: 40 });
    expect(said.filter((text) => /The Haunting/.test(text))).toEqual([]);
    expect(said.every((text) => /Night of the Living Dead/.test(text))).toBe(true);
  });

  it('names another film when asked again', () => {
    const tastes = new TasteAnswers({ profile, goal, catalog, random: createRandom(3) });
    const first = tastes.answer({ kind: 'favorite' }, 4);
    const second = tastes.answer({ kind: 'favorite' }, 4);
    expect([first, second].map((text) => /The Haunting/.test(text)).sort()).toEqual([false, true]);
    expect(second).toMatch(/The Haunting|Night of the Living Dead/);
  });

  it('says what it does not like: a disliked genre, or a film of its history it rated low', () => {
    for (const text of answers({ kind: 'dislikes' }, { wantedWords: 40 })) {
      expect(text, text).toMatch(/dramas/i);
      expect(text, text).not.toMatch(/The Haunting|horror movies are not|comedies are not/i);
    }
    // Without a disliked genre it names Toy Story (rated 1, seen), the held-out Shawshank (rated 2) never, even in a
    // short answer: "Nothing in particular." alone had answered "Any movies you hated?" from a history of films rated 1.
    const noDislikes = personaProfile({ userId: 'u2', statements: [], preferences: [{ subject: 'horror movies', polarity: 'like' }] });
    for (const wantedWords of [1, 40]) {
      const said = Array.from({ length: 10 }, (_, seed) => new TasteAnswers({ profile: noDislikes, goal, catalog, random: createRandom(seed) }).answer({ kind: 'dislikes' }, wantedWords));
      for (const text of said) expect(text, text).toMatch(/^(?:Not a whole genre|No genre in particular)\b.*\bToy Story\b/);
    }
    // With no film it rated low either, it says so.
    const noLowRatings: SimulationGoal = { ...goal, seenItemIds: new Set(['m1', 'm2']) };
    const open = new TasteAnswers({ profile: noDislikes, goal: noLowRatings, catalog, random: createRandom(1) }).answer({ kind: 'dislikes' }, 1);
    expect(open).toMatch(/^(?:Not really|Nothing in particular)\b/);
  });

  it('answers a choice between two genres by which the profile likes more, or neither', () => {
    const first = (text: string) => sentences(text)[0] ?? '';
    for (const text of answers({ kind: 'choice', genres: ['comedy', 'horror'] })) expect(first(text), text).toMatch(/horror movies/i);
    for (const text of answers({ kind: 'choice', genres: ['drama', 'comedy'] })) expect(first(text), text).toMatch(/comedies/i);
    const neither = /^(?:Neither|Not really either)\b/;
    for (const text of answers({ kind: 'choice', genres: ['action', 'western'] })) expect(first(text), text).toMatch(neither);
    // Neither, and the one it dislikes said so.
    for (const text of answers({ kind: 'choice', genres: ['drama', 'action'] }, { wantedWords: 40 })) {
      expect(first(text), text).toMatch(neither);
      expect(sentences(text)[1], text).toMatch(/dramas/i);
    }
  });

  it('says whether it likes one genre: yes, no, now and then, or rarely', () => {
    for (const text of answers({ kind: 'genre', genre: 'horror' })) expect(text, text).toMatch(/^(?:Yes|I do|Oh yes)\b/);
    for (const text of answers({ kind: 'genre', genre: 'drama' })) expect(text, text).toMatch(/^(?:Not really|No)\b/);
    // Action, neither liked nor disliked: now and then, as Heat (seen here, rated 4) shows.
    const withHeat: SimulationGoal = { ...goal, hiddenRatings: new Map([...(goal.hiddenRatings ?? []), ['m8', 4]]), seenItemIds: new Set(['m1', 'm2', 'm3', 'm8']) };
    for (const text of answers({ kind: 'genre', genre: 'action' }, { goal: withHeat })) expect(text, text).toMatch(/^(?:Sometimes|Now and then|They are okay)\b/);
    // No action film seen, no sci-fi one either (Alien is held out), an animated one rated 1: rarely, not "now and then"
    // ("Do you like scary movies?" had got "Now and then." from a user who had rated no horror film).
    for (const genre of ['action', 'sci-fi', 'animation']) {
      for (const text of answers({ kind: 'genre', genre })) expect(text, text).toMatch(/^(?:Not really, I rarely watch them|Not much, to be honest)\b/);
    }
  });

  it('answers "your favourite <genre> movie?" from a history holding none it liked: rarely, not "now and then"', () => {
    for (const text of answers({ kind: 'favorite', genre: 'action' }, { wantedWords: 40 })) {
      expect(text, text).toMatch(/^(?:Not really, I rarely watch them|Not much, to be honest)\b/);
      expect(text, text).not.toMatch(heldOut);
    }
  });

  it('says old films or new by how it rated the films of each era it saw', () => {
    const era = (oldRating: number, newRating: number) => {
      const films: Item[] = [1950, 1955, 1960, 1995, 1996, 1997, 1998].map((year, index) => ({ id: `e${index}`, title: `Film ${index} (${year})`, tags: ['Drama'], year }));
      const ratings = new Map(films.map((film) => [film.id, (film.year ?? 0) < 1970 ? oldRating : newRating]));
      const history: SimulationGoal = { description: 'film', targetItemIds: ['e6'], hiddenRatings: ratings, seenItemIds: new Set(films.slice(0, 6).map((film) => film.id)) };
      return answers({ kind: 'era', eras: ['classic', 'recent'] }, { goal: history, catalog: new Map(films.map((film) => [film.id, film])), users: 10 });
    };
    for (const text of era(5, 2)) expect(text, text).toMatch(/^(?:I love the older classics|Older films|Classics)/);
    for (const text of era(2, 5)) expect(text, text).toMatch(/^(?:Newer ones|Something recent|I mostly go for newer)/);
    for (const text of era(4, 4)) expect(text, text).toMatch(/^(?:Both|I do not mind|Either)/);
    // The film it names to show its era is one of that era it saw, never the held-out 1998 film.
    for (const text of era(2, 5)) expect(text, text).not.toMatch(/Film [0126]/);
  });

  // "Do you like 70s films?" and "80s or recent?" had been answered "Something recent, usually." or "Classics, usually.".
  it('says whether it likes a decade, or which of several eras, by how it rated the films of each it saw', () => {
    // Three 70s films, three 90s films and a held-out 70s one (the target, rated 5).
    const films: Item[] = [1971, 1974, 1978, 1995, 1996, 1997, 1975].map((year, index) => ({ id: `d${index}`, title: `Film ${index} (${year})`, tags: ['Drama'], year }));
    const decadeGoal = (seventies: number, nineties: number): SimulationGoal => ({
      description: 'film',
      targetItemIds: ['d6'],
      hiddenRatings: new Map(films.map((film, index) => [film.id, index === 6 ? 5 : (film.year ?? 0) < 1980 ? seventies : nineties])),
      seenItemIds: new Set(films.slice(0, 6).map((film) => film.id)),
    });
    const decades = new Map(films.map((film) => [film.id, film]));
    const ask = (question: TasteQuestion, seventies: number, nineties: number) => answers(question, { goal: decadeGoal(seventies, nineties), catalog: decades, users: 10, wantedWords: 40 });
    for (const text of ask({ kind: 'era', eras: [1970] }, 5, 2)) expect(text, text).toMatch(/^(?:Yes, I love 70s films|I do, I really like 70s films|Oh yes, 70s films are great)\. .*Film [012]\b/);
    for (const text of ask({ kind: 'era', eras: [1970] }, 2, 5)) expect(text, text).toMatch(/^(?:Not really, 70s films are not my thing|Not much, I like other films more)\.$/);
    for (const text of ask({ kind: 'era', eras: [1970] }, 4, 4)) expect(text, text).toMatch(/^(?:Some of them|Some, yes)\b/);
    // Two 80s films at most: too few to judge.
    for (const text of ask({ kind: 'era', eras: [1980] }, 5, 5)) expect(text, text).toMatch(/^I (?:have not seen|do not watch) many 80s films\.$/);
    for (const text of ask({ kind: 'era', eras: [1970, 'recent'] }, 5, 2)) expect(text, text).toMatch(/^(?:70s films, mostly|I would say 70s films|Mostly 70s films)\./);
    for (const text of ask({ kind: 'era', eras: [1970, 'recent'] }, 2, 5)) expect(text, text).toMatch(/^(?:Newer ones|Something recent|I mostly go for newer)/);
    // The held-out 70s film is never named.
    for (const text of [...ask({ kind: 'era', eras: [1970] }, 5, 2), ...ask({ kind: 'era', eras: [1970, 'recent'] }, 5, 2)]) expect(text, text).not.toMatch(/Film 6/);
  });

  it('answers a choice among three genres by the one it likes most, or none', () => {
    const first = (text: string) => sentences(text)[0] ?? '';
    // Horror (liked most) named last had been left out: only comedy and drama were compared.
    for (const text of answers({ kind: 'choice', genres: ['comedy', 'drama', 'horror'] })) expect(first(text), text).toMatch(/horror movies/i);
    for (const text of answers({ kind: 'choice', genres: ['comedy', 'horror', 'action'] })) expect(first(text), text).toMatch(/^(?:Horror movies|I would go with horror movies|Probably horror movies)\b/i);
    for (const text of answers({ kind: 'choice', genres: ['action', 'western', 'drama'] }, { wantedWords: 40 })) {
      expect(first(text), text).toMatch(/^(?:None of those|Not really any of those)\b/);
      expect(sentences(text)[1], text).toMatch(/dramas/i);
    }
  });

  it('says whether it has seen a film from its history only: how it liked it, else not seen, a held-out film included', () => {
    const seen = (itemIds: string[]) => answers({ kind: 'seen', itemIds }, { users: 10 });
    for (const text of seen(['m1'])) expect(text, text).toMatch(/^(?:Yes, I loved it|I have, and I really enjoyed it|Yes, it was great)\.$/);
    for (const text of seen(['m3'])) expect(text, text).toMatch(/^(?:Yes, and I did not like it|I have, it was not for me)\.$/);
    // Alien is the hidden target, Airplane! and Shawshank held out, Heat never rated: not seen, all alike.
    for (const itemId of ['m6', 'm7', 'm5', 'm8']) for (const text of seen([itemId])) expect(text, text).toMatch(/^No, I have not seen (?:it|that one)\.$/);
    // A title listed twice, one of them seen: said seen.
    for (const text of seen(['m6', 'm1'])) expect(text, text).toMatch(/^(?:Yes|I have)\b/);
  });

  it('answers for each film of a list from its history, a held-out film as one not seen', () => {
    const list = (...films: string[][]) => answers({ kind: 'seenList', films }, { users: 10 });
    for (const text of list(['m1'], ['m6'])) {
      expect(text, text).toMatch(/^(?:I loved The Haunting|I have seen The Haunting, it was great)\. I have not seen Alien\.$/);
    }
    for (const text of list(['m3'], ['m1'], ['m5'], ['m7'])) {
      // In the order asked, the films not seen said together.
      expect(text, text).toMatch(/^(?:I did not like Toy Story|Toy Story was not for me)\. (?:I loved The Haunting|I have seen The Haunting, it was great)\. I have not seen The Shawshank Redemption or Airplane!$/);
    }
    for (const text of list(['m6'], ['m7'])) expect(text, text).toMatch(/^No, (?:I have not seen either of them|neither of them)\.$/);
    for (const text of list(['m6'], ['m7'], ['m8'])) expect(text, text).toMatch(/^No, (?:I have not seen any of them|none of them)\.$/);
  });

  // With `hint: 'target'` a user said it was in the mood for a genre its profile is neutral on, then "Not really, I rarely watch them.".
  it('agrees with a genre it said it is in the mood for', () => {
    for (let seed = 0; seed < 10; seed++) {
      const tastes = new TasteAnswers({ profile, goal, catalog, random: createRandom(seed) });
      expect(tastes.answer({ kind: 'genre', genre: 'action' }, 12)).toMatch(/^(?:Not really|Not much)\b/);
      tastes.inTheMoodFor('action');
      expect(tastes.answer({ kind: 'genre', genre: 'action' }, 12)).toMatch(/^(?:Tonight, yes:|Right now, yes,) I am in the mood for action movies\.$/);
    }
  });

  // In the mood for sci-fi, it had then picked "Horror movies, definitely." of horror or sci-fi, and said "I mostly watch
  // horror movies." when asked what it was in the mood for.
  it('picks the genre it is in the mood for, and names it when asked its mood', () => {
    for (let seed = 0; seed < 10; seed++) {
      const tastes = new TasteAnswers({ profile, goal, catalog, random: createRandom(seed) });
      expect(tastes.answer({ kind: 'choice', genres: ['horror', 'sci-fi'] }, 12)).toMatch(/^(?:Horror movies|I would go with horror movies|Probably horror movies)\b/);
      expect(tastes.answer({ kind: 'genres', mood: true }, 12)).not.toMatch(/sci-fi/);
      tastes.inTheMoodFor('sci-fi');
      const picked = tastes.answer({ kind: 'choice', genres: ['horror', 'sci-fi', 'comedy'] }, 12);
      expect(picked, picked).toMatch(/^(?:Sci-fi movies|I would go with sci-fi movies|Probably sci-fi movies)\b/);
      const mood = tastes.answer({ kind: 'genres', mood: true }, 12);
      expect(mood, mood).toMatch(/\bsci-fi movies\b/);
      expect(mood, mood).not.toMatch(heldOut);
      // Asked what it likes in general, it still says its profile's genres.
      expect(tastes.answer({ kind: 'genres' }, 12)).toMatch(/horror movies|comedies/i);
    }
  });

  it('says one fact in a short answer, a second only when the wanted length leaves room', () => {
    const short = answers({ kind: 'favorite' }, { wantedWords: 1 });
    expect(short.every((text) => sentences(text).length === 1)).toBe(true);
    const long = answers({ kind: 'favorite' }, { wantedWords: 30 });
    expect(long.every((text) => sentences(text).length === 2)).toBe(true);
  });

  it('varies its wording between users', () => {
    const shapes = new Set(answers({ kind: 'genres' }, { wantedWords: 1 }).map((text) => text.replace(/horror movies|comedies/gi, 'X')));
    expect(shapes.size).toBeGreaterThanOrEqual(3);
  });

  it('says genres as people do', () => {
    expect(['comedy', 'drama', 'documentary', 'sci-fi', 'animation', 'film-noir', 'horror'].map(spokenGenre)).toEqual(['comedies', 'dramas', 'documentaries', 'sci-fi movies', 'animated movies', 'film noir movies', 'horror movies']);
  });
});
