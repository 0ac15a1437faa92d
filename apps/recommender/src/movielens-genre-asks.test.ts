import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDataset, howToGet, loadMovieLens100k } from '@personalab/datasets';
import type { RecommenderService } from './service.js';
import { openCatalogueService } from './test/harness.js';

const directory = findDataset('movielens-100k');
if (!directory) console.warn(`MovieLens 100K not found: the recommender's real-catalogue genre request tests are skipped; ${howToGet('movielens-100k')}`);

const trilogy = ['Star Wars (1977)', 'Return of the Jedi (1983)', 'Empire Strikes Back, The (1980)'];

/**
 * A new user's genre request over the real MovieLens catalogue and likes: the films listed are of the genre, not the
 * most liked films that carry its tag (Star Wars is tagged Action, Adventure, Romance, Sci-Fi and War).
 */
describe.skipIf(!directory)('genre requests of new users on the MovieLens catalogue (real data)', () => {
  let service: RecommenderService;
  let users = 0;
  beforeAll(async () => {
    const data = await loadMovieLens100k(directory as string);
    service = await openCatalogueService(data);
  }, 120_000);
  afterAll(() => service?.close());

  const ask = async (message: string) => {
    const userId = `genre-new-${users++}`;
    service.store.createUser({ id: userId });
    const turn = await service.chatRec.chat({ userId, message, k: 5 });
    return turn.recommendations.map((entry) => entry.item);
  };

  it('lists romances and war films for romance and war, not the Star Wars films that carry the tags', async () => {
    for (const message of ['a romance please', 'something romantic for date night', 'a war movie']) {
      const films = await ask(message);
      expect(films, message).toHaveLength(5);
      expect(
        films.filter((item) => trilogy.includes(item.title)).map((item) => item.title),
        message,
      ).toEqual([]);
    }
    // Films a person would call romances (each also tagged so): Casablanca, Sense and Sensibility, When Harry Met Sally...
    const romances = (await ask('a romance please')).map((item) => item.title);
    expect(romances.filter((title) => ['Casablanca (1942)', 'Sense and Sensibility (1995)', 'When Harry Met Sally... (1989)', 'English Patient, The (1996)', 'Jerry Maguire (1996)', 'Titanic (1997)'].includes(title)).length).toBeGreaterThanOrEqual(4);
    const war = (await ask('a war movie')).map((item) => item.title);
    expect(war.filter((title) => ['Boot, Das (1981)', 'Apocalypse Now (1979)', 'Casablanca (1942)', "Schindler's List (1993)", 'Braveheart (1995)', 'Bridge on the River Kwai, The (1957)', 'Lawrence of Arabia (1962)', 'English Patient, The (1996)'].includes(title)).length).toBeGreaterThanOrEqual(4);
  });

  it('keeps Star Wars first where its genre is the one asked for, and leaves The Godfather out of action', async () => {
    for (const message of ['a sci-fi film', 'an action movie', 'an adventure film']) expect((await ask(message))[0]?.title, message).toBe('Star Wars (1977)');
    expect((await ask('an action movie')).map((item) => item.title)).not.toContain('Godfather, The (1972)');
  });
});
