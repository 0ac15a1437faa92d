import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDataset, howToGet, loadMovieLens100k } from '@personalab/datasets';
import { HeuristicProfileExtractor } from '@personalab/profile';
import { HnswIndex } from '@personalab/retrieval';
import { openRecommenderService, type RecommenderService } from './service.js';

const directory = findDataset('movielens-100k');
if (!directory) console.warn(`MovieLens 100K not found: the recommender's real-catalogue conversation tests are skipped; ${howToGet('movielens-100k')}`);

/**
 * Conversations of a new user with the pipeline over the real MovieLens catalogue and ratings
 * (popularity and text candidates: a new user has no ratings for a model to read), checking what a
 * person would: the films offered fit what they asked for, turn after turn.
 */
describe.skipIf(!directory)('Chat-Rec on the MovieLens catalogue (real data)', () => {
  let service: RecommenderService;
  beforeAll(async () => {
    const data = await loadMovieLens100k(directory as string);
    service = await openRecommenderService({
      stateDir: ':memory:',
      createIndex: (dimension) => new HnswIndex({ dimension, initialCapacity: 2048 }),
      profileExtractor: new HeuristicProfileExtractor(),
      initialData: { users: data.users, items: data.items, interactions: data.ratings },
    });
  }, 120_000);
  afterAll(() => service?.close());

  const conversation = (userId: string) => {
    service.store.createUser({ id: userId });
    let sessionId: string | undefined;
    return async (message: string) => {
      const turn = await service.chatRec.chat({ userId, message, k: 5, ...(sessionId ? { sessionId } : {}) });
      sessionId = turn.sessionId;
      return turn.recommendations.map((entry) => entry.item);
    };
  };

  it('narrows one request over the turns: genre, then decade, then who is watching, then a fresh start', async () => {
    const say = conversation('chat-new-1');
    const romcom = await say("I'm in the mood for a romantic comedy");
    expect(romcom).toHaveLength(5);
    expect(romcom.filter((item) => item.tags.includes('Comedy') && item.tags.includes('Romance')).length).toBeGreaterThanOrEqual(3);
    const nineties = await say('from the 90s please');
    expect(nineties).toHaveLength(5);
    for (const item of nineties) expect(item.year).toBeGreaterThanOrEqual(1990);
    expect(nineties.filter((item) => item.tags.includes('Comedy') || item.tags.includes('Romance')).length).toBeGreaterThanOrEqual(3);
    const kids = await say("actually I'm watching with my 6 year old");
    expect(kids).toHaveLength(5);
    for (const item of kids) {
      expect(item.tags).toContain("Children's");
      expect(item.year).toBeGreaterThanOrEqual(1990);
    }
    const horror = await say("let's start over. Any horror films from the 80s?");
    expect(horror).toHaveLength(5);
    for (const item of horror) expect(item.year === undefined ? 0 : Math.floor(item.year / 10) * 10).toBe(1980);
    expect(horror.filter((item) => item.tags.includes('Horror')).length).toBeGreaterThanOrEqual(3);
  });

  it('offers nothing like a title the user hated, and reads an everyday request without genre words', async () => {
    const say = conversation('chat-new-2');
    const afterHate = await say('I hated Sleepless in Seattle');
    expect(afterHate.map((item) => item.title)).not.toContain('Sleepless in Seattle (1993)');
    // The text index is not asked for "sleepless seattle": no title sharing those words.
    for (const item of afterHate) expect(item.title.toLowerCase()).not.toMatch(/sleepless|seattle/);
    const scifi = await say("something with spaceships and aliens, but nothing too scary");
    for (const item of scifi) expect(item.tags).not.toContain('Horror');
  });
});
