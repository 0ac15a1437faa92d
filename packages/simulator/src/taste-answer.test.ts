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
      return answers({ kind: 'era' }, { goal: history, catalog: new Map(films.map((film) => [film.id, film])), users: 10 });
    };
    for (const text of era(5, 2)) expect(text, text).toMatch(/^(?:I love the older classics|Older films|Classics)/);
    for (const text of era(2, 5)) expect(text, text).toMatch(/^(?:Newer ones|Something recent|I mostly go for newer)/);
    for (const text of era(4, 4)) expect(text, text).toMatch(/^(?:Both|I do not mind|Either)/);
    // The film it names to show its era is one of that era it saw, never the held-out 1998 film.
    for (const text of era(2, 5)) expect(text, text).not.toMatch(/Film [0126]/);
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
