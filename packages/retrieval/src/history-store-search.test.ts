import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRandom, type Embedder, type Message } from '@personalab/core';
import { HistoryStore, searchEf } from './history-store.js';
import { HnswIndex } from './hnsw-index.js';
import { normalizeInPlace } from './vectors.js';

// Random 32-d vectors (intrinsic dimension 32, hard for a graph) on a deliberately thin graph (m 8, efConstruction 24):
// here a search breadth of 64 finds about 0.89 of the true top 10, so the breadth the store picks shows in the recall.
const dimension = 32;
const count = 3000;
const users = 30;
const minute = 60_000;
const random = createRandom(5);
const vectors = new Map<string, Float32Array>();
const draw = (text: string) => {
  const vector = Float32Array.from({ length: dimension }, () => random.normal());
  normalizeInPlace(vector);
  vectors.set(text, vector);
  return vector;
};
for (let position = 0; position < count; position++) draw(`text ${position}`);
const queries = Array.from({ length: 60 }, (_, position) => `query ${position}`);
for (const query of queries) draw(query);
const embedder: Embedder = { id: 'random-32', dimension, embed: async (texts) => texts.map((text) => vectors.get(text)!) };
const messages: (Message & { userId: string })[] = Array.from({ length: count }, (_, position) => ({
  id: `m${position}`,
  userId: `u${position % users}`,
  role: position % 2 === 0 ? 'user' : 'assistant',
  content: `text ${position}`,
  timestamp: position * minute,
}));

/** The true top k by cosine among the messages that pass `keep`. */
function exactTop(query: string, k: number, keep: (message: Message) => boolean): { id: string; score: number }[] {
  const target = vectors.get(query)!;
  return messages
    .filter(keep)
    .map((message) => {
      const vector = vectors.get(message.content)!;
      let score = 0;
      for (let index = 0; index < dimension; index++) score += vector[index]! * target[index]!;
      return { id: message.id, score };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

describe('HistoryStore search across users', () => {
  const directory = mkdtempSync(join(tmpdir(), 'personalab-history-search-'));
  let store: HistoryStore;
  beforeAll(async () => {
    store = await HistoryStore.open({ directory, embedder, hnsw: { m: 8, efConstruction: 24 } });
    for (let user = 0; user < users; user++) await store.add(`u${user}`, messages.filter((message) => message.userId === `u${user}`));
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('finds at least 0.95 of the true top 10 at its default breadth', async () => {
    expect(searchEf(store.size)).toBe(128);
    let found = 0;
    for (const query of queries) {
      const truth = exactTop(query, 10, () => true);
      const hits = await store.search({ query, k: 10 });
      // Ties count as found (a hit scoring at least the true 10th).
      found += hits.filter((hit) => hit.similarity >= truth[9]!.score - 1e-6).length;
    }
    expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(0.95);
  });

  it('grows the default breadth with the store, within bounds', () => {
    expect([searchEf(0), searchEf(19_200), searchEf(50_000), searchEf(69_000), searchEf(10_000_000)]).toEqual([128, 128, 334, 460, 2048]);
  });

  it('scores the few messages since a recent time exactly, listed by SQLite, without walking the graph', async () => {
    const walks = vi.spyOn(HnswIndex.prototype, 'search');
    const since = (count - 40) * minute;
    for (const query of queries.slice(0, 20)) {
      const hits = await store.search({ query, k: 5, since });
      expect(hits.map((hit) => hit.message.id)).toEqual(exactTop(query, 5, (message) => message.timestamp >= since).map((entry) => entry.id));
      const said = await store.search({ query, k: 5, since, role: 'user' });
      expect(said.map((hit) => hit.message.id)).toEqual(exactTop(query, 5, (message) => message.timestamp >= since && message.role === 'user').map((entry) => entry.id));
    }
    // Before, each of these walked the whole graph, calling the time filter in JavaScript at every node.
    expect(walks).not.toHaveBeenCalled();
    expect(await store.search({ query: queries[0]!, k: 5, since: count * minute })).toEqual([]);
  });

  it('walks the graph under the time filter when most messages are recent enough', async () => {
    const walks = vi.spyOn(HnswIndex.prototype, 'search');
    const since = 100 * minute;
    const hits = await store.search({ query: queries[0]!, k: 10, since });
    expect(walks).toHaveBeenCalledTimes(1);
    expect(hits).toHaveLength(10);
    expect(hits.every((hit) => hit.message.timestamp >= since)).toBe(true);
  });
});
