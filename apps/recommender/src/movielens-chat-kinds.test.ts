import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from '@personalab/core';
import { findDataset, howToGet, loadMovieLens100k } from '@personalab/datasets';
import type { RecommenderService } from './service.js';
import { chatVisits, openCatalogueServiceWithModel } from './test/harness.js';

const directory = findDataset('movielens-100k');
if (!directory) console.warn(`MovieLens 100K not found: the recommender's real-catalogue conversation tests are skipped; ${howToGet('movielens-100k')}`);

/**
 * Kinds of turns the seventh chat QA pass read over the real MovieLens catalogue, as a person would: two tastes at once
 * (watching with someone), questions about a film rather than requests, and choices between films. New users and
 * MovieLens users 1, 13 and 200, ranked by a model (EASE over the most rated films and every western, as
 * `movielens-chat.test.ts` fits it).
 */
describe.skipIf(!directory)('Chat-Rec on the MovieLens catalogue: two tastes, questions about a film, choices (seventh QA pass)', () => {
  let service: RecommenderService;
  let items: Item[] = [];
  let ratings: readonly { userId: string; itemId: string; value: number }[] = [];
  beforeAll(async () => {
    const data = await loadMovieLens100k(directory as string);
    items = data.items;
    ratings = data.ratings;
    service = await openCatalogueServiceWithModel(data);
  }, 120_000);
  afterAll(() => service?.close());

  /** A conversation of one user (a new one unless a MovieLens id is given): each message in the same session. */
  const conversation = (userId: string, existing = false) => chatVisits(service, userId, { existing }).say;
  const film = (title: string) => items.find((item) => item.title === title) as Item;
  const has = (item: Item, ...tags: string[]) => tags.every((tag) => item.tags.includes(tag));
  /** How many ratings a film has in MovieLens 100K, and their mean. */
  const stats = (item: Item) => {
    const of = ratings.filter((rating) => rating.itemId === item.id);
    return { count: of.length, mean: of.reduce((sum, rating) => sum + rating.value, 0) / of.length };
  };
  const ratingOf = (userId: string, item: Item) => ratings.find((rating) => rating.userId === userId && rating.itemId === item.id)?.value;

  it("lists films for both people's tastes (the other person's had been dropped: 'Noted: you like action' over Raiders of the Lost Ark)", async () => {
    const say = conversation('kinds-both-1');
    const both = await say('my wife loves romance and I like action, something for both of us');
    expect(both.reply).toContain('Something for you both (romance and action):');
    for (const item of both.items) expect(has(item, 'Romance', 'Action'), item.title).toBe(true);
    const recent = await say('something more recent');
    expect(recent.items.filter((item) => has(item, 'Romance', 'Action')).length).toBeGreaterThanOrEqual(4);
    const thrillers = await conversation('kinds-both-2')("something we'll both enjoy: I'm into sci-fi, she's into thrillers");
    for (const item of thrillers.items) expect(has(item, 'Sci-Fi', 'Thriller'), item.title).toBe(true);
    // User 1 and their dad: comedy westerns (the list had had no western at all).
    const westerns = await conversation('1', true)('movie night with my dad: he likes westerns, I like comedies');
    expect(westerns.items.filter((item) => has(item, 'Comedy', 'Western')).length).toBeGreaterThanOrEqual(4);
  });

  it('offers some of each when no film has both tastes, and no horror to a partner who hates it (five horror films had answered)', async () => {
    const mixed = await conversation('13', true)('my girlfriend likes musicals and I like westerns, what can we watch together?');
    expect(mixed.reply).toContain('I have no film with both, so here are some of each.');
    expect(mixed.items.some((item) => item.tags.includes('Musical'))).toBe(true);
    expect(mixed.items.some((item) => item.tags.includes('Western'))).toBe(true);
    const compromise = await conversation('kinds-both-3')("I love horror but my partner hates it, what's a compromise?");
    expect(compromise.reply).toContain('Something for you both (thriller, no horror):');
    for (const item of compromise.items) expect(item.tags, item.title).not.toContain('Horror');
    expect(compromise.items.filter((item) => item.tags.includes('Thriller')).length).toBeGreaterThanOrEqual(4);
  });

  it('answers questions about a film from what the catalogue knows, and says plainly what it cannot (a list had answered each)', async () => {
    const say = conversation('kinds-question-1');
    const fargo = film('Fargo (1996)');
    const plot = await say('what is Fargo about?');
    expect(plot.items).toEqual([]);
    expect(plot.reply).toMatch(/^I cannot tell you what Fargo \(1996\) is about: I know only the titles, years, genres and ratings of films, not their stories\./);
    expect(plot.reply).toContain('It is listed as Crime, Drama and Thriller, made in 1996.');
    expect(plot.reply).toContain(`${stats(fargo).count} people here rated it, ${stats(fargo).mean.toFixed(1)} of 5 on average.`);
    expect(plot.reply).toMatch(/Films like it here: [^.]+\(\d{4}\)/);
    // "Anything like it?" goes on with Fargo.
    const like = await say('anything like it?');
    expect(like.items.filter((item) => item.tags.some((tag) => ['Crime', 'Thriller'].includes(tag))).length).toBeGreaterThanOrEqual(4);
    const cases: [string, RegExp][] = [
      ['is Alien scary?', /^Alien \(1979\) is listed as Horror, so expect it to be scary/],
      ['how old is Casablanca?', /^Casablanca \(1942\) was made in 1942, \d+ years ago\./],
      ['is Toy Story ok for a 6 year old?', /^Toy Story \(1995\) is listed as a children's film \(Animation, Children's and Comedy\)\. I do not know its age rating/],
      ['who is in Star Wars?', /^I cannot tell you who is in Star Wars \(1977\) or who made it: .*not their cast or crew\./],
      ['what genre is Titanic?', /^Titanic \(1997\) is listed as Action, Drama and Romance/],
      ['is Fargo a comedy?', /^No: Fargo \(1996\) is not listed as Comedy/],
    ];
    for (const [message, answer] of cases) {
      const turn = await conversation(`kinds-${message}`)(message);
      expect(turn.items, message).toEqual([]);
      expect(turn.reply, message).toMatch(answer);
    }
  });

  it('tells more about a film of the list, and answers a returning user with their own rating', async () => {
    const say = conversation('kinds-question-2');
    const thrillers = await say('recommend a thriller');
    const third = thrillers.items[2] as Item;
    const more = await say('tell me more about the third one');
    expect(more.reply).toMatch(new RegExp(`^About ${third.title.replace(/[()]/g, '\\$&')}\\? `));
    expect(more.reply).toContain(`${stats(third).count} people here rated it`);
    expect(more.reply).toMatch(/Films like it here: /);
    expect(more.reply).toContain('not their stories or cast.');
    const pulp = film('Pulp Fiction (1994)');
    const good = await conversation('1', true)('is Pulp Fiction any good?');
    expect(good.reply).toMatch(/^Pulp Fiction \(1994\): People here like it a lot\./);
    expect(good.reply).toContain(`You rated it ${ratingOf('1', pulp)} of 5 yourself.`);
  });

  it('picks between two films or among the list, with how people here rate each (a list had answered every choice)', async () => {
    const alien = film('Alien (1979)');
    const aliens = film('Aliens (1986)');
    const better = await conversation('kinds-choice-1')('which is better, Alien or Aliens?');
    expect(better.items).toEqual([]);
    const best = stats(alien).mean > stats(aliens).mean ? alien : aliens;
    expect(better.reply).toContain(`I would pick ${best.title}`);
    expect(better.reply).toContain(`from ${stats(alien).count} ratings`);
    expect(better.reply).toContain(`from ${stats(aliens).count} ratings`);
    const tonight = await conversation('kinds-choice-2')('Heat or Casino for tonight?');
    expect(tonight.reply).toMatch(/I would pick (Heat|Casino) \(1995\)/);
    for (const item of [film('Heat (1995)'), film('Casino (1995)')]) expect(tonight.reply).toContain(`${item.title} ${stats(item).mean.toFixed(2)} of 5 from ${stats(item).count} ratings`);
    const say = conversation('kinds-choice-3');
    const comedies = await say('recommend a comedy');
    const pick = await say('should I watch the first or the second one?');
    expect(pick.items).toEqual([]);
    const [first, second] = comedies.items.map((item) => item.title.replace(/^(.*), The (\(\d{4}\))$/, 'The $1 $2'));
    expect(pick.reply).toMatch(new RegExp(`I would pick (${[first, second].map((title) => (title ?? '').replace(/[()]/g, '\\$&')).join('|')})\\.`));
    // The list is as it was: "the first one" is still its first film.
    expect((await say('why the first one?')).reply).toContain(comedies.items[0]?.title ?? 'missing');
  });

  it('after a list, compares the films a message names before "which should I watch?", and lists for genres or films like others (the list shown had been compared)', async () => {
    const say = conversation('kinds-choice-4');
    const crime = await say('a crime film please');
    const named = await say('Casino or Heat, which should I watch?');
    expect(named.reply).toMatch(/I would pick (Heat|Casino) \(1995\)/);
    for (const item of crime.items.filter((listed) => !['Heat (1995)', 'Casino (1995)'].includes(listed.title))) expect(named.reply).not.toContain(item.title);
    const genres = await say('comedy or drama, which should I watch?');
    expect(genres.reply).not.toContain('I would pick');
    expect(genres.items.length).toBe(5);
    const like = await conversation('kinds-choice-5')('what are some films like Toy Story or Aladdin?');
    expect(like.items.length).toBe(5);
    expect(like.items.filter((item) => item.tags.includes('Animation')).length).toBeGreaterThanOrEqual(3);
  });

  it("goes by a returning user's own ratings, or by what it expects of them", async () => {
    const toyStory = film('Toy Story (1995)');
    const aladdin = film('Aladdin (1992)');
    const rated = await conversation('1', true)('Toy Story or Aladdin?');
    expect(rated.reply).toContain(`You have rated both (Toy Story (1995) ${ratingOf('1', toyStory)} and Aladdin (1992) ${ratingOf('1', aladdin)} of 5)`);
    const expected = await conversation('200', true)("I can't decide between The Godfather and Goodfellas");
    expect(expected.reply).toMatch(/^I would pick (The Godfather \(1972\)|GoodFellas \(1990\))\./);
    expect(expected.reply).toMatch(/From your ratings I expect .* of 5 from you\./);
  });
});
