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
    const session = store.createSession('alice');
    const message = (id: string, role: 'user' | 'assistant') => ({ id, role, content: 'x', timestamp: 1, userId: 'alice' });
    const constraints = { tags: { comed: 0.3, horror: -1 }, years: { from: 1990, to: 1999 }, audience: 'children' as const };
    store.addChatTurn({ session, userMessage: message('a', 'user'), reply: message('b', 'assistant'), lastRecommended: ['m2'], constraints });
    expect(store.getSession(session.id)?.constraints).toEqual(constraints);
    store.database.prepare("UPDATE sessions SET constraints = '{\"tags\":3}' WHERE id = ?").run(session.id);
    expect(() => store.getSession(session.id)).toThrowError(new RegExp(`session ${session.id} constraints: stored record does not match its schema`));
    store.close();
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
    expect(() => store.addBatch('alice', [{ kind: 'rating', itemId: 'm1', value: 5 }], [{ content: 'hi', sessionId: 'missing' }])).toThrowError(/unknown session/);
    expect(store.eventCount()).toBe(0);
    expect(store.messageCount()).toBe(0);
    const written = store.addBatch('alice', [{ kind: 'rating', itemId: 'm1', value: 5 }], [{ content: 'I love comedies' }]);
    expect(written.events).toHaveLength(1);
    expect(store.messagesOf('alice').map((message) => message.content)).toEqual(['I love comedies']);
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
