// The MovieLens world the simulation experiments share (movielens.ts, phrasing.ts): the data, the seeded 80/20 split,
// the catalogue, one simulated user per MovieLens user with a held-out liked item, and each user's training history.
import { PersonalabError } from '@personalab/core';
import { findDataset, howToGet, loadMovieLens100k, stratifiedSplit } from '@personalab/datasets';
import { simulatedUsersFromRatings } from '@personalab/simulator';

export async function movieLensWorld(options: { seed: number; userLimit: number; dataDir: string | undefined }) {
  const directory = findDataset('movielens-100k', { environmentDataDir: options.dataDir });
  if (!directory) throw new PersonalabError('not_found', `MovieLens 100K not found: ${howToGet('movielens-100k')}`);
  const data = await loadMovieLens100k(directory);
  const split = stratifiedSplit(data.ratings, { ratio: 0.8, seed: options.seed });
  const catalog = new Map(data.items.map((item) => [item.id, item]));
  const users = simulatedUsersFromRatings({ items: data.items, train: split.train, test: split.test, users: data.users }).slice(0, options.userLimit);
  const historyByUser = new Map<string, string[]>();
  for (const rating of split.train) historyByUser.set(rating.userId, [...(historyByUser.get(rating.userId) ?? []), rating.itemId]);
  const historyOf = (userId: string) => historyByUser.get(userId) ?? [];
  return { data, split, catalog, users, historyOf };
}
