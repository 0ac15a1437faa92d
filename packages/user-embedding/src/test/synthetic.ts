import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { generateSyntheticWorld, stratifiedSplit } from '@personalab/datasets';
import type { Interaction, Item, RatingInteraction, TrainingData, User } from '@personalab/core';
import type { Recommender } from '@personalab/core';
import { ndcgAtK } from '@personalab/datasets';
import { selectBackend } from '../backend.js';
import { MostPopularRecommender } from '../most-popular.js';

export interface SmallWorld {
  items: Item[];
  users: User[];
  train: RatingInteraction[];
  test: RatingInteraction[];
  /** Training items per user (excluded from rankings). */
  seen: Map<string, string[]>;
  /** Held-out relevant items per user. */
  relevant: Map<string, Set<string>>;
}

/**
 * A small synthetic world with a strong personal signal: only 5-star ratings count as interactions
 * (they depend on the user's hidden factors and genre tastes), split per user 75/25.
 */
export function smallWorld(seed = 3, options: { users?: number; items?: number; ratingsPerUser?: number } = {}): SmallWorld {
  const world = generateSyntheticWorld({ seed, users: options.users ?? 120, items: options.items ?? 120, ratingsPerUser: options.ratingsPerUser ?? 50, noise: 0.2, tasteWeight: 2.5 });
  const liked = world.ratings.filter((rating) => rating.value >= 5);
  const { train, test } = stratifiedSplit(liked, { ratio: 0.75, seed });
  return { items: world.items, users: world.users, train, test, seen: groupItems(train), relevant: new Map([...groupItems(test)].map(([user, items]) => [user, new Set(items)])) };
}

export function groupItems(interactions: readonly Interaction[]): Map<string, string[]> {
  const byUser = new Map<string, string[]>();
  for (const interaction of interactions) {
    let list = byUser.get(interaction.userId);
    if (!list) byUser.set(interaction.userId, (list = []));
    list.push(interaction.itemId);
  }
  return byUser;
}

/** Mean NDCG@k of a recommender over the world's test users, training items excluded. */
export async function meanNdcg(model: Recommender, world: SmallWorld, k = 10): Promise<number> {
  let total = 0;
  for (const [userId, relevant] of world.relevant) {
    const ranked = await model.recommend({ userId, k, exclude: world.seen.get(userId) ?? [] });
    total += ndcgAtK(
      ranked.map((entry) => entry.itemId),
      relevant,
      k,
    );
  }
  return total / Math.max(1, world.relevant.size);
}

/**
 * The setup the tfjs model tests share: the cpu backend (the deterministic reference: wasm reorders
 * float sums across threads and SIMD lanes), `smallWorld(5)` at 100 users × 100 items, most-popular's
 * NDCG@10 there as the bar to clear, and a temporary directory removed after the file's tests.
 * Call at the top level of a test file: it registers `beforeAll` / `afterAll`.
 */
export function useCpuTestWorld(directoryPrefix: string): {
  world: SmallWorld;
  data: TrainingData;
  directory: string;
  /** Most-popular's mean NDCG@10 (available once the file's `beforeAll` has run). */
  popularNdcg: () => number;
} {
  const world = smallWorld(5, { users: 100, items: 100, ratingsPerUser: 45 });
  const directory = mkdtempSync(join(tmpdir(), directoryPrefix));
  const data: TrainingData = { interactions: world.train, items: world.items, users: world.users };
  let popularNdcg = 0;
  beforeAll(async () => {
    await selectBackend({ preferred: 'cpu', log: () => undefined });
    const popular = new MostPopularRecommender();
    await popular.fit(data);
    popularNdcg = await meanNdcg(popular, world);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  return { world, data, directory, popularNdcg: () => popularNdcg };
}
