import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createManualClock, createRandom, createSequentialIds, type Random } from '@personalab/core';
import { tinyItems, tinyWorld } from '../test/tiny-catalogue.js';
import { RecommenderStore, type ChatRating, type EventInput } from './store.js';

const root = mkdtempSync(join(tmpdir(), 'personalab-rating-totals-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** SQLite's own mean of the current ratings, as the store had read it on every call. */
const sqliteMean = (database: Database.Database) => (database.prepare('SELECT AVG(value) FROM ratings').pluck().get() as number | null) ?? undefined;

/**
 * The mean of the current ratings from their exact sum, rounded once (`Number(bigint)` rounds to nearest): every value
 * here is from 1 to 5, a multiple of 2^-52, so value · 2^60 is an integer.
 */
function exactMean(database: Database.Database): number | undefined {
  const values = database.prepare('SELECT value FROM ratings').pluck().all() as number[];
  if (values.length === 0) return undefined;
  let scaled = 0n;
  for (const value of values) scaled += BigInt(value * 2 ** 60);
  return Number(scaled) / 2 ** 60 / values.length;
}

/**
 * The store's mean is the exact sum rounded once, over the count: equal to `exactMean` to the bit. SQLite's AVG sums
 * with Kahan-Babuska-Neumaier compensation, not always rounded once: with fractions such as 3.7 it may differ in the last
 * bits (a few 1e-16 relative), so it is held to 1e-12; with whole and half stars both sums are exact and equal.
 */
function expectMeanOf(store: RecommenderStore, where: string): void {
  const mean = store.ratingStats('m1').globalMean;
  expect(mean, where).toBe(exactMean(store.database));
  const sqlite = sqliteMean(store.database);
  if (sqlite === undefined || mean === undefined) expect(mean, where).toBe(sqlite);
  else expect(Math.abs(mean - sqlite), where).toBeLessThanOrEqual(1e-12 * sqlite);
}

const message = (id: string, role: 'user' | 'assistant', userId: string) => ({ id, role, content: 'I loved Laugh Riot', timestamp: 1, userId });

function openStore(path: string, clock = createManualClock(1_000_000), prefix = 'id'): RecommenderStore {
  const store = new RecommenderStore({ path, clock, ids: createSequentialIds(prefix) });
  store.upsertItems(tinyItems);
  return store;
}

describe('RecommenderStore rating totals (the global mean without reading the whole view)', () => {
  it('follows new ratings, re-ratings, late ratings, implicit events, rolled-back writes and an import, exactly as AVG over the view', () => {
    const clock = createManualClock(1_000_000);
    const store = openStore(':memory:', clock);
    expect(store.ratingStats('m1').globalMean).toBeUndefined();
    for (const id of ['alice', 'bob']) store.createUser({ id });
    store.addEvents('alice', [{ kind: 'rating', itemId: 'm1', value: 5 }, { kind: 'rating', itemId: 'm2', value: 2 }]);
    expect(store.ratingStats('m1').globalMean).toBe(3.5);
    // A newer rating replaces alice's 5; one dated earlier than her current one does not count; the same tick wins.
    clock.advance(10);
    store.addEvents('alice', [{ kind: 'rating', itemId: 'm1', value: 1 }, { kind: 'rating', itemId: 'm2', value: 4, timestamp: 5 }]);
    expect(store.ratingStats('m1').globalMean).toBe(1.5);
    store.addEvents('alice', [{ kind: 'rating', itemId: 'm1', value: 3.5 }]);
    expect(store.ratingStats('m1').globalMean).toBe(2.75);
    store.addEvents('bob', [{ kind: 'event', itemId: 'm3', event: 'like' }, { kind: 'rating', itemId: 'm3', value: 4.5, timestamp: 1 }]);
    expectMeanOf(store, 'implicit event and a backfilled first rating');
    // A batch that fails after its ratings, and a chat turn whose last step fails: neither counts.
    expect(() => store.addEvents('bob', [{ kind: 'rating', itemId: 'm4', value: 1 }, { kind: 'rating', itemId: 'm1', value: 1 }, { kind: 'rating', itemId: 'nope', value: 1 }])).toThrowError(/events\[2\]\.itemId/);
    expectMeanOf(store, 'rolled-back batch');
    const session = store.newSession('bob');
    const ratings: ChatRating[] = [{ itemId: 'm5', value: 1, timestamp: clock.now(), source: 'chat' }];
    expect(() =>
      store.addChatTurn({ session, newSession: true, userMessage: message('u1', 'user', 'bob'), reply: message('a1', 'assistant', 'bob'), lastRecommended: [], ratings, inTransaction: () => {
        throw new Error('the answer could not be stored');
      } }),
    ).toThrowError(/could not be stored/);
    expectMeanOf(store, 'rolled-back chat turn');
    // An import into a store that has ratings (some rows already there are ignored).
    store.importDataset(tinyWorld());
    store.importDataset(tinyWorld());
    expectMeanOf(store, 'import');
    store.close();
  });

  it.each([
    ['known', false],
    ['to be read (after an import)', true],
  ])('does not keep a rolled-back write that was read inside its transaction (totals %s)', (_, imported) => {
    const store = openStore(':memory:');
    store.createUser({ id: 'alice' });
    store.addEvents('alice', [{ kind: 'rating', itemId: 'm1', value: 5 }, { kind: 'rating', itemId: 'm2', value: 4 }]);
    if (imported) store.importDataset({ users: [], items: [], interactions: [] });
    else expect(store.ratingStats('m1').globalMean).toBe(4.5);
    const session = store.newSession('alice');
    const seen: (number | undefined)[] = [];
    expect(() =>
      store.addChatTurn({
        session,
        newSession: true,
        userMessage: message('u1', 'user', 'alice'),
        reply: message('a1', 'assistant', 'alice'),
        lastRecommended: [],
        ratings: [{ itemId: 'm3', value: 1, timestamp: 1_000_000, source: 'chat' }, { itemId: 'm1', value: 2, timestamp: 1_000_000, source: 'chat' }],
        inTransaction: () => {
          // Inside the turn the mean has its ratings (as a read of the view would), and a savepoint that rolls back does not.
          seen.push(store.ratingStats('m1').globalMean);
          expect(() => store.addEvents('alice', [{ kind: 'rating', itemId: 'm4', value: 1 }, { kind: 'rating', itemId: 'gone', value: 1 }])).toThrow();
          seen.push(store.ratingStats('m1').globalMean, sqliteMean(store.database));
          throw new Error('the answer could not be stored');
        },
      }),
    ).toThrow();
    expect(seen).toEqual([7 / 3, 7 / 3, 7 / 3]);
    // The mean read inside the failed turn had been kept: 2.33 until the next rating, for a turn that never happened.
    expect(store.ratingStats('m1').globalMean).toBe(4.5);
    store.close();
  });

  it('keeps a turn\'s ratings when a savepoint inside it rolls back and the turn commits', () => {
    const store = openStore(':memory:');
    store.createUser({ id: 'alice' });
    expect(store.ratingStats('m1').globalMean).toBeUndefined();
    const session = store.newSession('alice');
    store.addChatTurn({
      session,
      newSession: true,
      userMessage: message('u1', 'user', 'alice'),
      reply: message('a1', 'assistant', 'alice'),
      lastRecommended: [],
      ratings: [{ itemId: 'm1', value: 5, timestamp: 1_000_000, source: 'chat' }],
      inTransaction: () => {
        store.addEvents('alice', [{ kind: 'rating', itemId: 'm2', value: 4 }]);
        expect(() => store.addEvents('alice', [{ kind: 'rating', itemId: 'm3', value: 1 }, { kind: 'rating', itemId: 'gone', value: 1 }])).toThrow();
      },
    });
    expect(store.ratingStats('m1').globalMean).toBe(4.5);
    expectMeanOf(store, 'savepoint rolled back inside a committed turn');
    store.close();
  });

  it('reads the whole ratings view once, not after every write', () => {
    const store = openStore(':memory:');
    store.importDataset(tinyWorld());
    // Every statement that reads the whole view (no WHERE): the mean's own read, and the AVG it had run after each write.
    const prototype = Object.getPrototypeOf(store.database.prepare('SELECT 1')) as Database.Statement;
    const get = vi.spyOn(prototype, 'get');
    const all = vi.spyOn(prototype, 'all');
    const wholeViewReads = () => [...get.mock.contexts, ...all.mock.contexts].filter((statement) => /FROM ratings\s*$/.test((statement as Database.Statement).source)).length;
    try {
      store.ratingStats('m1');
      expect(wholeViewReads()).toBe(1);
      for (let round = 0; round < 10; round++) {
        store.addEvents('u1', [{ kind: 'rating', itemId: tinyItems[round]!.id, value: 1 + (round % 5) }]);
        store.ratingStats(tinyItems[round]!.id);
      }
      expect(wholeViewReads()).toBe(1);
    } finally {
      get.mockRestore();
      all.mockRestore();
    }
    expectMeanOf(store, 'after the writes');
    store.close();
  });

  it('reads the totals again after another connection (another process) commits ratings', () => {
    const path = join(root, 'two-connections.db');
    const first = openStore(path, createManualClock(1_000_000), 'a');
    const second = openStore(path, createManualClock(1_000_000), 'b');
    first.createUser({ id: 'alice' });
    first.addEvents('alice', [{ kind: 'rating', itemId: 'm1', value: 5 }]);
    expect(first.ratingStats('m1').globalMean).toBe(5);
    expect(second.ratingStats('m1').globalMean).toBe(5);
    second.addEvents('alice', [{ kind: 'rating', itemId: 'm2', value: 2 }, { kind: 'rating', itemId: 'm1', value: 3, timestamp: 1_000_001 }]);
    expect(first.ratingStats('m1').globalMean).toBe(2.5);
    first.addEvents('alice', [{ kind: 'rating', itemId: 'm3', value: 4 }]);
    expect(second.ratingStats('m1').globalMean).toBe(3);
    expect(first.ratingStats('m1').globalMean).toBe(3);
    first.close();
    second.close();
  });

  it('matches the view after a seeded random run of writes, re-ratings, rollbacks and another connection\'s writes', () => {
    for (const seed of [1, 2, 3]) {
      const random = createRandom(seed);
      const clock = createManualClock(1_000_000);
      const path = join(root, `random-${seed}.db`);
      const store = openStore(path, clock, 'a');
      const other = openStore(path, clock, 'b');
      const users = ['u1', 'u2', 'u3', 'u4'];
      for (const id of users) store.createUser({ id });
      const value = () => [1 + random.int(5), 1 + random.int(9) / 2, 1 + random.int(4001) / 1000][random.int(3)] as number;
      // Now, the same tick, or earlier (a late rating that may not replace the current one).
      const timestamp = () => [undefined, clock.now(), clock.now() - random.int(2000)][random.int(3)];
      const rating = (): Extract<EventInput, { kind: 'rating' }> => ({ kind: 'rating', itemId: random.pick(tinyItems.slice(0, 8)).id, value: value(), timestamp: timestamp() });
      const ratings = (random: Random) => Array.from({ length: 1 + random.int(3) }, rating);
      const failing = () => {
        throw new Error('failed after its writes');
      };
      let turn = 0;
      for (let step = 0; step < 150; step++) {
        const user = random.pick(users);
        const operation = random.int(9);
        const where = `seed ${seed}, step ${step}, operation ${operation}`;
        if (operation === 0) store.addEvents(user, ratings(random));
        else if (operation === 1) store.addEvents(user, [{ kind: 'event', itemId: random.pick(tinyItems).id, event: 'like' }, ...ratings(random)]);
        else if (operation === 2) expect(() => store.addEvents(user, [...ratings(random), { kind: 'rating', itemId: 'unknown', value: 3 }]), where).toThrow();
        else if (operation === 3) other.addEvents(user, ratings(random));
        else if (operation === 4) clock.advance(random.int(3) * 1000);
        else if (operation === 5) {
          // A taken id: the batch fails on its last entry, after its ratings.
          store.addEvents(user, [{ ...rating(), id: `taken-${step}` }]);
          expect(() => store.addEvents(user, [...ratings(random), { ...rating(), id: `taken-${step}` }]), where).toThrowError(/already exists/);
        } else {
          // A chat turn with its ratings; its last step writes more (a savepoint, one of them rolled back), then commits or fails.
          turn++;
          const session = store.newSession(user);
          const fails = operation === 6;
          const chatRatings: ChatRating[] = ratings(random).map((entry) => ({ itemId: entry.itemId, value: entry.value, timestamp: entry.timestamp ?? clock.now(), source: 'chat' }));
          const run = () =>
            store.addChatTurn({
              session,
              newSession: true,
              userMessage: message(`u${turn}`, 'user', user),
              reply: message(`r${turn}`, 'assistant', user),
              lastRecommended: [],
              ratings: chatRatings,
              inTransaction: () => {
                if (operation === 8) store.addEvents(user, ratings(random));
                expect(() => store.addEvents(user, [...ratings(random), { kind: 'rating', itemId: 'unknown', value: 1 }])).toThrow();
                expect(store.ratingStats('m1').globalMean, `${where}, inside the turn`).toBe(exactMean(store.database));
                if (fails) failing();
              },
            });
          if (fails) expect(run, where).toThrowError(/failed after its writes/);
          else run();
        }
        expectMeanOf(store, where);
        expectMeanOf(other, `${where} (the other connection)`);
      }
      store.close();
      other.close();
    }
  });
});
