import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { PersonalabError, createManualClock, createSequentialIds } from '@personalab/core';
import { tinyItems } from '../test/tiny-catalogue.js';
import { migrations } from './migrations.js';
import { RecommenderStore } from './store.js';

const open = () => new RecommenderStore({ path: ':memory:', clock: createManualClock(1000), ids: createSequentialIds('id') });

describe('RecommenderStore', () => {
  it('migrates a fresh database and reports the schema version', () => {
    const store = open();
    expect(store.database.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('memory');
    store.close();
  });

  it('brings a store of the first schema up to date, keeping its sessions', () => {
    const directory = mkdtempSync(join(tmpdir(), 'personalab-store-'));
    const path = join(directory, 'old.db');
    const old = new Database(path);
    old.exec(migrations[0] as string);
    old.pragma('user_version = 1');
    old.prepare("INSERT INTO users (id, data, created_at) VALUES ('alice', '{\"id\":\"alice\",\"createdAt\":1}', 1)").run();
    old.prepare("INSERT INTO sessions (id, user_id, started_at, last_recommended) VALUES ('s1', 'alice', 1, '[\"m1\"]')").run();
    old.close();
    const store = new RecommenderStore({ path, clock: createManualClock(1000), ids: createSequentialIds('id') });
    expect(store.database.pragma('user_version', { simple: true })).toBe(migrations.length);
    // A session from before constraints were kept asks for nothing.
    expect(store.getSession('s1')).toEqual({ id: 's1', userId: 'alice', startedAt: 1, lastRecommended: ['m1'], constraints: { tags: {} } });
    store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('keeps a session\'s constraints with its chat turns and names a damaged one', () => {
    const store = open();
    store.createUser({ id: 'alice' });
    const session = store.newSession('alice');
    const message = (id: string, role: 'user' | 'assistant') => ({ id, role, content: 'x', timestamp: 1, userId: 'alice' });
    const constraints = { tags: { comed: 0.3, horror: -1 }, years: { from: 1990, to: 1999 }, audience: 'children' as const };
    store.addChatTurn({ session, newSession: true, userMessage: message('a', 'user'), reply: message('b', 'assistant'), lastRecommended: ['m2'], constraints });
    expect(store.getSession(session.id)?.constraints).toEqual(constraints);
    store.database.prepare("UPDATE sessions SET constraints = '{\"tags\":3}' WHERE id = ?").run(session.id);
    expect(() => store.getSession(session.id)).toThrowError(new RegExp(`session ${session.id} constraints: stored record does not match its schema`));
    store.close();
  });

  it("writes a new session with its first turn in one transaction: a turn that fails leaves no empty session", () => {
    const store = open();
    store.createUser({ id: 'alice' });
    const message = (id: string, role: 'user' | 'assistant') => ({ id, role, content: 'x', timestamp: 1, userId: 'alice' });
    const first = store.newSession('alice');
    expect(store.getSession(first.id)).toBeUndefined();
    store.addChatTurn({ session: first, newSession: true, userMessage: message('a', 'user'), reply: message('b', 'assistant'), lastRecommended: ['m2'] });
    expect(store.getSession(first.id)).toMatchObject({ id: first.id, userId: 'alice', lastRecommended: ['m2'] });
    // The message ids are taken: the turn fails, and its new session is not left behind.
    const second = store.newSession('alice');
    expect(() => store.addChatTurn({ session: second, newSession: true, userMessage: message('a', 'user'), reply: message('b', 'assistant'), lastRecommended: [] })).toThrow();
    expect(store.getSession(second.id)).toBeUndefined();
    store.close();
  });

  it('gives rating statistics over current ratings, the cached mean following new ratings', () => {
    const store = open();
    store.upsertItems(tinyItems.slice(0, 3));
    expect(store.ratingStats('m1')).toEqual({ globalMean: undefined, itemTotal: 0, itemCount: 0 });
    store.createUser({ id: 'alice' });
    store.addEvents('alice', [{ kind: 'rating', itemId: 'm1', value: 5, timestamp: 1 }, { kind: 'rating', itemId: 'm2', value: 3, timestamp: 1 }]);
    expect(store.ratingStats('m1')).toEqual({ globalMean: 4, itemTotal: 5, itemCount: 1 });
    // A newer rating of m1 replaces the older one, and the mean follows it.
    store.addEvents('alice', [{ kind: 'rating', itemId: 'm1', value: 1, timestamp: 2 }]);
    expect(store.ratingStats('m1')).toEqual({ globalMean: 2, itemTotal: 1, itemCount: 1 });
  });

  it('creates users, refuses duplicates, and stores events all-or-nothing', () => {
    const store = open();
    store.upsertItems(tinyItems.slice(0, 3));
    const user = store.createUser({ id: 'alice', name: 'Alice' });
    expect(user.createdAt).toBe(1000);
    expect(() => store.createUser({ id: 'alice' })).toThrowError(expect.objectContaining({ code: 'conflict' }) as Error);
    store.addEvents('alice', [{ kind: 'rating', itemId: 'm1', value: 5 }]);
    // The second event names an unknown item: neither event may be written.
    expect(() =>
      store.addEvents('alice', [
        { kind: 'rating', itemId: 'm2', value: 4 },
        { kind: 'rating', itemId: 'nope', value: 4 },
      ]),
    ).toThrowError(/events\[1\]\.itemId: unknown item nope/);
    expect(store.ratingsOf('alice').map((rating) => rating.itemId)).toEqual(['m1']);
    expect(() => store.addEvents('bob', [{ kind: 'rating', itemId: 'm1', value: 5 }])).toThrowError(PersonalabError);
    store.close();
  });

  it('keeps a batch of ratings and messages atomic', () => {
    const store = open();
    store.upsertItems(tinyItems.slice(0, 3));
    store.createUser({ id: 'alice' });
    expect(() => store.addBatch('alice', [{ kind: 'rating', itemId: 'm1', value: 5 }, { kind: 'message', content: 'hi', sessionId: 'missing' }])).toThrowError(/unknown session/);
    expect(store.eventCount()).toBe(0);
    expect(store.messageCount()).toBe(0);
    const written = store.addBatch('alice', [{ kind: 'rating', itemId: 'm1', value: 5 }, { kind: 'message', content: 'I love comedies' }]);
    expect(written.events).toHaveLength(1);
    expect(store.messagesOf('alice').map((message) => message.content)).toEqual(['I love comedies']);
    store.close();
  });

  it('names a failing batch entry by its position in the batch, messages included', () => {
    const store = open();
    store.upsertItems(tinyItems.slice(0, 3));
    store.createUser({ id: 'alice' });
    store.addEvents('alice', [{ kind: 'rating', itemId: 'm1', value: 5, id: 'evt-1' }]);
    const failure = (entries: Parameters<RecommenderStore['addBatch']>[1]) => {
      try {
        store.addBatch('alice', entries);
      } catch (error) {
        return PersonalabError.is(error) ? { code: error.code, path: error.details.path } : error;
      }
      return undefined;
    };
    expect(failure([{ kind: 'message', content: 'hello' }, { kind: 'rating', itemId: 'nope', value: 4 }])).toEqual({ code: 'not_found', path: 'events[1].itemId' });
    expect(failure([{ kind: 'rating', itemId: 'm2', value: 4 }, { kind: 'message', content: 'hi', sessionId: 'gone' }])).toEqual({ code: 'not_found', path: 'events[1].sessionId' });
    expect(failure([{ kind: 'message', content: 'hi' }, { kind: 'message', content: 'again' }, { kind: 'rating', itemId: 'm2', value: 4, id: 'evt-1' }])).toEqual({ code: 'conflict', path: 'events[2].id' });
    expect(store.eventCount()).toBe(1);
    expect(store.messageCount()).toBe(0);
    store.close();
  });

  it('keeps event ids unique per user, not across users', () => {
    const store = open();
    store.upsertItems(tinyItems.slice(0, 3));
    store.createUser({ id: 'alice' });
    store.createUser({ id: 'bob' });
    store.addEvents('alice', [{ kind: 'rating', itemId: 'm1', value: 5, id: 'evt-1' }]);
    // Another user's id is no conflict (and a 409 would tell bob which ids alice used).
    expect(store.addEvents('bob', [{ kind: 'rating', itemId: 'm1', value: 2, id: 'evt-1' }])).toHaveLength(1);
    expect(() => store.addEvents('alice', [{ kind: 'event', itemId: 'm2', event: 'view', id: 'evt-1' }])).toThrowError(expect.objectContaining({ code: 'conflict' }) as Error);
    expect(store.ratingsOf('bob')).toEqual([{ itemId: 'm1', value: 2, timestamp: 1000 }]);
    store.close();
  });

  it('counts only the newest rating of an item for everything that reads ratings; the event log keeps all', () => {
    const clock = createManualClock(1000);
    const store = new RecommenderStore({ path: ':memory:', clock, ids: createSequentialIds('id') });
    store.upsertItems(tinyItems.slice(0, 3));
    store.createUser({ id: 'alice' });
    store.addEvents('alice', [{ kind: 'rating', itemId: 'm1', value: 5 }]);
    store.addEvents('alice', [{ kind: 'rating', itemId: 'm2', value: 4 }]);
    // Same clock tick: the later write wins.
    store.addEvents('alice', [{ kind: 'rating', itemId: 'm1', value: 5 }]);
    clock.advance(10);
    store.addEvents('alice', [{ kind: 'rating', itemId: 'm1', value: 1 }]);
    // A rating sent late with an older timestamp does not replace a newer one.
    store.addEvents('alice', [{ kind: 'rating', itemId: 'm2', value: 2, timestamp: 500 }]);
    expect(store.ratingsOf('alice')).toEqual([
      { itemId: 'm2', value: 4, timestamp: 1000 },
      { itemId: 'm1', value: 1, timestamp: 1010 },
    ]);
    expect(store.allRatings().map((rating) => [rating.itemId, rating.kind === 'rating' ? rating.value : undefined])).toEqual([
      ['m2', 4],
      ['m1', 1],
    ]);
    // m1 was rated 5 twice, then 1: no longer a like.
    expect(store.likeCounts()).toEqual(new Map([['m2', 1]]));
    expect(store.eventCount()).toBe(5);
    store.close();
  });

  it('lists who likes what as likeCounts counts it, each pair once', () => {
    const clock = createManualClock(1000);
    const store = new RecommenderStore({ path: ':memory:', clock, ids: createSequentialIds('id') });
    store.upsertItems(tinyItems.slice(0, 4));
    for (const id of ['alice', 'bob']) store.createUser({ id });
    store.addEvents('alice', [{ kind: 'rating', itemId: 'm1', value: 5 }]);
    // Rated 5 and liked too: one like of alice's for m1 here.
    store.addEvents('alice', [{ kind: 'event', itemId: 'm1', event: 'like' }]);
    store.addEvents('alice', [{ kind: 'rating', itemId: 'm2', value: 4 }]);
    clock.advance(10);
    // Her newer rating of m2 is a 2: no longer a like.
    store.addEvents('alice', [{ kind: 'rating', itemId: 'm2', value: 2 }]);
    store.addEvents('bob', [
      { kind: 'event', itemId: 'm3', event: 'purchase' },
      { kind: 'event', itemId: 'm4', event: 'view' },
      { kind: 'rating', itemId: 'm4', value: 3 },
    ]);
    const pairs = store.likedPairs().map(([userId, itemId]) => `${userId}:${itemId}`).sort();
    expect(pairs).toEqual(['alice:m1', 'bob:m3']);
    expect(store.likeCounts()).toEqual(new Map([['m1', 2], ['m3', 1]]));
    store.close();
  });

  it('migrates a store of schema 2: per-user event ids, newest ratings, every row and seq kept', () => {
    const directory = mkdtempSync(join(tmpdir(), 'personalab-store-'));
    const path = join(directory, 'v2.db');
    const old = new Database(path);
    for (const step of migrations.slice(0, 2)) old.exec(step);
    old.pragma('user_version = 2');
    for (const id of ['alice', 'bob']) old.prepare('INSERT INTO users (id, data, created_at) VALUES (?, ?, 1)').run(id, JSON.stringify({ id, createdAt: 1 }));
    for (const id of ['m1', 'm2']) old.prepare('INSERT INTO items (id, data, created_at) VALUES (?, ?, 1)').run(id, JSON.stringify({ id, title: id, tags: [] }));
    const insert = old.prepare("INSERT INTO events (id, user_id, item_id, kind, value, event, timestamp) VALUES (?, ?, ?, 'rating', ?, NULL, ?)");
    insert.run('evt-1', 'alice', 'm1', 5, 10);
    insert.run('evt-2', 'alice', 'm1', 1, 20);
    insert.run('evt-3', 'alice', 'm2', 4, 30);
    old.close();
    const store = new RecommenderStore({ path, clock: createManualClock(1000), ids: createSequentialIds('id') });
    expect(store.database.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(store.database.prepare('SELECT seq, id FROM events ORDER BY seq').all()).toEqual([
      { seq: 1, id: 'evt-1' },
      { seq: 2, id: 'evt-2' },
      { seq: 3, id: 'evt-3' },
    ]);
    expect(store.ratingsOf('alice').map((rating) => [rating.itemId, rating.value])).toEqual([
      ['m1', 1],
      ['m2', 4],
    ]);
    store.addEvents('bob', [{ kind: 'rating', itemId: 'm1', value: 3, id: 'evt-1' }]);
    expect(() => store.addEvents('alice', [{ kind: 'rating', itemId: 'm1', value: 3, id: 'evt-1' }])).toThrowError(/events\[0\]\.id: event evt-1 already exists/);
    // AUTOINCREMENT carried over: new rows follow the old ones.
    expect(store.database.prepare("SELECT seq FROM events WHERE user_id = 'bob'").pluck().get()).toBe(4);
    store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('leaves a store whole at its old version when a migration fails midway', () => {
    const directory = mkdtempSync(join(tmpdir(), 'personalab-store-'));
    const path = join(directory, 'v2.db');
    const old = new Database(path);
    for (const step of migrations.slice(0, 2)) old.exec(step);
    old.pragma('user_version = 2');
    old.prepare('INSERT INTO users (id, data, created_at) VALUES (?, ?, 1)').run('alice', JSON.stringify({ id: 'alice', createdAt: 1 }));
    old.prepare('INSERT INTO items (id, data, created_at) VALUES (?, ?, 1)').run('m1', JSON.stringify({ id: 'm1', title: 'm1', tags: [] }));
    old.prepare("INSERT INTO events (id, user_id, item_id, kind, value, timestamp) VALUES ('evt-1', 'alice', 'm1', 'rating', 5, 10)").run();
    // Written without foreign keys enforced: copying it into the rebuilt table fails after the copy began.
    old.pragma('foreign_keys = OFF');
    old.prepare("INSERT INTO events (id, user_id, item_id, kind, value, timestamp) VALUES ('evt-2', 'ghost', 'm1', 'rating', 4, 20)").run();
    old.close();
    expect(() => new RecommenderStore({ path })).toThrowError(expect.objectContaining({ code: 'storage_error' }) as Error);
    const after = new Database(path);
    expect(after.pragma('user_version', { simple: true })).toBe(2);
    expect(after.prepare('SELECT id FROM events ORDER BY seq').pluck().all()).toEqual(['evt-1', 'evt-2']);
    expect(after.prepare("SELECT name FROM sqlite_master WHERE name IN ('events_new', 'ratings')").all()).toEqual([]);
    after.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("reads a user's ratings and implicit events in time order through an index, without a temporary sort", () => {
    const store = open();
    const plan = (sql: string) => (store.database.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('alice') as { detail: string }[]).map((row) => row.detail).join(' | ');
    for (const sql of [
      'SELECT item_id, value, timestamp, event FROM ratings WHERE user_id = ? ORDER BY timestamp, seq',
      "SELECT item_id, event, timestamp FROM events WHERE user_id = ? AND kind = 'event' ORDER BY timestamp, seq",
    ]) {
      expect(plan(sql)).toContain('events_user_kind_time (user_id=? AND kind=?)');
      expect(plan(sql)).not.toContain('TEMP B-TREE');
    }
    store.close();
  });

  it('changes a user version on writes so caches can key on it', () => {
    const store = open();
    store.upsertItems(tinyItems.slice(0, 3));
    store.createUser({ id: 'alice' });
    const before = store.versionOf('alice');
    store.addEvents('alice', [{ kind: 'rating', itemId: 'm1', value: 5 }]);
    expect(store.versionOf('alice')).not.toBe(before);
    store.close();
  });

  it('reports a damaged stored row as a storage error naming it', () => {
    const store = open();
    store.createUser({ id: 'alice' });
    store.database.prepare("UPDATE users SET data = '{broken' WHERE id = 'alice'").run();
    expect(() => store.getUser('alice')).toThrowError(/users\/alice: stored JSON is damaged/);
    store.close();
  });
});
