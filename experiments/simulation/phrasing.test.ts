import { describe, expect, it } from 'vitest';
import type { Assistant, DialogueTurn } from '@personalab/core';
import { likingSentences, personaProfile, spokenGenre, type SimulatedUser } from '@personalab/simulator';
import { bootstrapMean, firstLists, phrasingHeadline, wordingRows, type FirstList } from './phrasing-robustness.js';
import { canonicalWording, genresInWords, phrasingWordings } from './phrasing-wordings.js';

const goal = 'I am looking for a movie to watch tonight.';
/** MovieLens genres as the simulator says them ("dramas", "sci-fi movies", "animated movies"). */
const spokenGenres = ['action', 'adventure', 'animation', 'childrens', 'comedy', 'crime', 'documentary', 'drama', 'fantasy', 'film-noir', 'horror', 'musical', 'mystery', 'romance', 'sci-fi', 'thriller', 'war', 'western'].map(spokenGenre);
const occurrences = (text: string, phrase: string) => text.split(phrase).length - 1;

/** A small world: users who like one to three genres, each with one hidden target m1..m12. */
const likedGenres = [['drama'], ['comedy', 'war'], ['sci-fi', 'animation', 'thriller'], ['drama', 'comedy'], ['horror'], ['western', 'crime'], ['film-noir', 'mystery'], ['childrens', 'fantasy', 'musical'], ['action', 'adventure'], ['documentary'], ['romance', 'drama'], ['war']];
const users: SimulatedUser[] = likedGenres.map((genres, index) => ({
  id: `u${index + 1}`,
  profile: personaProfile({ userId: `u${index + 1}`, statements: [], preferences: genres.map((genre, rank) => ({ subject: `${genre} movies`, polarity: 'like' as const, strength: 0.9 - rank * 0.1 })) }),
  goal: { description: goal, targetItemIds: [`m${index + 1}`] },
}));

const lastUserMessage = (dialogue: readonly DialogueTurn[]) => dialogue.filter((turn) => turn.role === 'user').at(-1)?.content ?? '';

/** Lists that depend on the user only: the even users get their target first. */
const textBlind: Assistant = {
  name: 'text-blind',
  reply: async ({ userId }) => ({ content: '', recommendedItemIds: Number(userId.slice(1)) % 2 === 0 ? [`m${userId.slice(1)}`, 'm90', 'm91'] : ['m90', 'm91', 'm92'] }),
};

/** As `textBlind`, but it searches the word "generally" as a title word and lists a film called so instead. */
const fillerSearcher: Assistant = {
  name: 'filler-searcher',
  reply: async (options) => {
    const reply = await textBlind.reply(options);
    return /\bgenerally\b/i.test(lastUserMessage(options.dialogue)) ? { content: '', recommendedItemIds: ['m-generally-speaking', ...(reply.recommendedItemIds ?? []).filter((itemId) => itemId.startsWith('m9'))] } : reply;
  },
};

async function rowsOf(assistant: Assistant) {
  const lists: FirstList[][] = [];
  for (const wording of phrasingWordings) lists.push(await firstLists({ assistant, users, wording, k: 5, concurrency: 2 }));
  return wordingRows(phrasingWordings, lists, { seed: 7, resamples: 200 });
}

describe('phrasing wordings', () => {
  it('opens with the canonical wording the simulator used to say, and holds its other liking sentences and greetings', () => {
    expect(phrasingWordings).toHaveLength(16);
    expect(phrasingWordings[0]).toBe(canonicalWording);
    expect(canonicalWording.say(goal, 'dramas and comedies')).toBe('I am looking for a movie to watch tonight. I usually like dramas and comedies.');
    const texts = phrasingWordings.map((wording) => wording.say(goal, 'dramas'));
    for (const template of likingSentences) expect(texts).toContain(`${goal} ${template.replace('{genres}', 'dramas')}`);
    for (const greeting of ['Hi! ', 'Hello. ', 'Hi there. ']) expect(texts).toContain(`${greeting}${goal} I usually like dramas.`);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('says each liked genre exactly once, and no other genre, in every wording', () => {
    for (const user of users) {
      const liked = user.profile.preferences.map((preference) => spokenGenre(preference.subject.replace(/ movies$/, '')));
      for (const wording of phrasingWordings) {
        const text = wording.say(goal, genresInWords(user.profile.preferences.map((preference) => preference.subject))).toLowerCase();
        expect(text).toContain('movie to watch tonight');
        for (const genre of spokenGenres) expect([wording.name, genre, occurrences(text, genre)]).toEqual([wording.name, genre, liked.includes(genre) ? 1 : 0]);
      }
    }
  });

  it('refuses a user who likes no genre', () => {
    expect(() => genresInWords([])).toThrow(/at least one liked genre/);
  });
});

describe('phrasing robustness', () => {
  it('finds no changed list and no recall difference for an assistant that ignores the text', async () => {
    const rows = await rowsOf(textBlind);
    for (const row of rows) {
      expect([row.wording, row.changedShare, row.recallDifference]).toEqual([row.wording, 0, { mean: 0, low: 0, high: 0 }]);
      expect(row.recall).toBeCloseTo(0.5);
      expect(row.hitRate).toBeCloseTo(0.5);
    }
    expect(phrasingHeadline(rows)).toEqual({ worstWording: rows[1]?.wording, worstRelativeRecall: 1, meanChangedShare: 0 });
  });

  it('shows the wording whose filler word an assistant searches as changed, with the recall it loses', async () => {
    const rows = await rowsOf(fillerSearcher);
    const filler = rows.find((row) => row.wording === 'I generally like X');
    expect(filler).toMatchObject({ changedShare: 1, recall: 0, hitRate: 0 });
    expect(filler?.recallDifference.mean).toBeCloseTo(-0.5);
    expect(filler?.recallDifference.high).toBeLessThan(0);
    expect(rows.filter((row) => row.changedShare > 0).map((row) => row.wording)).toEqual(['I generally like X']);
    expect(phrasingHeadline(rows)).toEqual({ worstWording: 'I generally like X', worstRelativeRecall: 0, meanChangedShare: 1 / 15 });
  });

  it('refuses lists that are not over the canonical wording\'s users in its order', () => {
    const list = (userId: string): FirstList => ({ userId, message: '', itemIds: [], recall: 0, hit: false, error: false });
    expect(() => wordingRows(phrasingWordings.slice(0, 2), [[list('u1'), list('u2')], [list('u2'), list('u1')]], { seed: 1 })).toThrow(/not over the canonical wording's users/);
    expect(() => wordingRows(phrasingWordings.slice(0, 2), [[list('u1')]], { seed: 1 })).toThrow(/2 wordings but lists for 1/);
  });
});

describe('bootstrapMean', () => {
  const values = Array.from({ length: 200 }, (_, index) => ((index * 37) % 11) / 10 - 0.3);

  it('brackets the mean, and gives the same interval for the same seed', () => {
    const interval = bootstrapMean(values, { seed: 3 });
    expect(interval.mean).toBeCloseTo(values.reduce((sum, value) => sum + value, 0) / values.length, 12);
    expect(interval.low).toBeLessThan(interval.mean);
    expect(interval.high).toBeGreaterThan(interval.mean);
    expect(bootstrapMean(values, { seed: 3 })).toEqual(interval);
    expect(bootstrapMean(values, { seed: 4 })).not.toEqual(interval);
  });

  it('narrows with the level, and refuses no values or a level outside (0, 1)', () => {
    const wide = bootstrapMean(values, { seed: 3, level: 0.99 });
    const narrow = bootstrapMean(values, { seed: 3, level: 0.5 });
    expect(wide.high - wide.low).toBeGreaterThan(narrow.high - narrow.low);
    expect(() => bootstrapMean([], { seed: 1 })).toThrow(/at least one value/);
    expect(() => bootstrapMean(values, { seed: 1, level: 1 })).toThrow(/level must be between 0 and 1/);
  });
});
