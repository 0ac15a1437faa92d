import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDataset, howToGet, loadMovieLens100k } from '@personalab/datasets';
import type { RecommenderService } from './service.js';
import { chatVisits, openCatalogueServiceWithModel } from './test/harness.js';

const directory = findDataset('movielens-100k');
if (!directory) console.warn(`MovieLens 100K not found: the recommender's real-catalogue conversation tests are skipped; ${howToGet('movielens-100k')}`);

/**
 * Misreadings the review of the ninth QA pass found over the real MovieLens catalogue, in messages that touch the pass's
 * new readers from another side: "cheer me up" negated, and a correction cue ("sorry", "I mean") that corrects nothing.
 */
describe.skipIf(!directory)('Chat-Rec on the MovieLens catalogue: review of the ninth QA pass', () => {
  let service: RecommenderService;
  let users = 0;
  beforeAll(async () => {
    service = await openCatalogueServiceWithModel(await loadMovieLens100k(directory as string));
  }, 120_000);
  afterAll(() => service?.close());

  /** A new user's first message. */
  const firstTurn = (message: string) => chatVisits(service, `review9-${users++}`).say(message);

  it('leans no lighter for "cheer me up" negated ("don\'t try to cheer me up, I want a sad drama" had listed light films)', async () => {
    const turn = await firstTurn("don't try to cheer me up, I want a sad drama");
    expect(turn.reply).toMatch(/^Here is what I would suggest \(drama\):/);
    expect(turn.items).toHaveLength(5);
    for (const item of turn.items) expect(item.tags, item.title).toContain('Drama');
  });

  it('keeps a genre that an apology after it does not correct ("a horror film, sorry if that is weird, with some romance")', async () => {
    const turn = await firstTurn('a horror film, sorry if that is weird, with some romance');
    expect(turn.reply).toContain('(horror and romance)');
    expect(turn.items.filter((item) => item.tags.includes('Horror')).length).toBeGreaterThan(0);
  });
});
