import { createRandom, type Item, type RatingInteraction, type TrainingData, type User } from '@personalab/core';

export interface ClusteredWorld {
  data: TrainingData & { interactions: RatingInteraction[]; items: Item[]; users: User[] };
  /** Item ids per cluster. */
  clusters: string[][];
  /** Each user's cluster. */
  clusterOf: Map<string, number>;
  /** Training item ids per user, oldest first. */
  seen: Map<string, string[]>;
}

/**
 * A small world of `clusters` groups of items: each user of cluster c rates `liked` items of c 4 or 5 and `disliked`
 * items of cluster c + 1 1 or 2, and never meets the others, so the ranking models (every interaction a positive) and
 * the rating models (the values) both learn the clusters. Deterministic for a seed; users carry demographics.
 */
export function clusteredWorld(options: { seed?: number; clusters?: number; itemsPerCluster?: number; usersPerCluster?: number; liked?: number; disliked?: number } = {}): ClusteredWorld {
  const { seed = 11, clusters: clusterCount = 4, itemsPerCluster = 12, usersPerCluster = 15, liked = 7, disliked = 2 } = options;
  const random = createRandom(seed);
  const clusters = Array.from({ length: clusterCount }, (_, cluster) => Array.from({ length: itemsPerCluster }, (_, index) => `c${cluster}-${index}`));
  const items: Item[] = clusters.flatMap((ids, cluster) => ids.map((id, index) => ({ id, title: `Film ${id}`, tags: [`genre-${cluster}`], year: 1990 + ((cluster * 7 + index) % 10) })));
  const users: User[] = [];
  const interactions: RatingInteraction[] = [];
  const clusterOf = new Map<string, number>();
  const seen = new Map<string, string[]>();
  for (let cluster = 0; cluster < clusterCount; cluster++) {
    for (let index = 0; index < usersPerCluster; index++) {
      const userId = `u${cluster}-${index}`;
      users.push({ id: userId, age: 20 + ((index * 7) % 40), gender: index % 2 === 0 ? 'F' : 'M', occupation: ['student', 'writer', 'other'][index % 3] as string });
      clusterOf.set(userId, cluster);
      const rated = random.shuffle([...(clusters[cluster] as string[])]).slice(0, liked).map((itemId) => ({ itemId, value: 4 + random.int(2) }));
      const next = clusters[(cluster + 1) % clusterCount] as string[];
      rated.push(...random.shuffle([...next]).slice(0, disliked).map((itemId) => ({ itemId, value: 1 + random.int(2) })));
      const ordered = random.shuffle(rated);
      ordered.forEach((entry, position) => interactions.push({ kind: 'rating', userId, itemId: entry.itemId, value: entry.value, timestamp: 1_000_000 + position * 60_000 }));
      seen.set(
        userId,
        ordered.map((entry) => entry.itemId),
      );
    }
  }
  return { data: { interactions, items, users }, clusters, clusterOf, seen };
}
