import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { PersonalabError, createManualClock, type Embedder, type Message } from '@personalab/core';
import { HashingEmbedder } from './hashing-embedder.js';
import { HistoryStore } from './history-store.js';
import { indexFileName } from './index-file.js';

const day = 86_400_000;
const histories: Record<string, string[]> = {
  alice: ['I play the guitar every evening.', 'My band rehearses on Fridays.', 'I bought a new electric guitar amp.', 'Cooking is not my thing, I order takeout.'],
  bob: ['I love baking sourdough bread.', 'My oven broke while roasting vegetables.', 'I cook Italian food every Sunday.'],
  carol: ['Guitar lessons are my favourite part of the week.', 'I practise chords and scales on my acoustic guitar.', 'I listen to a lot of jazz.'],
  dave: ['I run marathons.', 'My knee hurts after long runs.', 'I train five days a week for the race.'],
};

function messagesOf(userId: string, start = 0): Message[] {
  return histories[userId]!.map((content, position) => ({ id: `${userId}-${position}`, role: 'user' as const, content, timestamp: start + position * day, userId }));
}

describe('HistoryStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'personalab-history-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  // IDF from a background of everyday sentences, as a real corpus would give: common words weigh little.
  const background = [
    'I go to work every morning.', 'My sister visits every weekend.', 'I think it is a nice day.', 'My favourite colour is blue.',
    'I have a lot of friends.', 'We eat dinner every evening.', 'I like to watch movies on Sunday.', 'My part of town is quiet.',
    'I am not sure what to do.', 'It is my thing to read every night.', 'I love my family.', 'I bought a new phone last week.',
    'My job is a lot of work.', 'I listen to the radio in the car.', 'What is your favourite part of the day?', 'I order food on Fridays.',
  ];
  const embedder = HashingEmbedder.fit([...Object.values(histories).flat(), ...background]);
  let counter = 0;
  const freshDirectory = () => join(root, `store-${++counter}`);

  async function filled(directory: string) {
    const store = await HistoryStore.open({ directory, embedder, clock: createManualClock(10 * day) });
    for (const userId of Object.keys(histories)) await store.add(userId, messagesOf(userId));
    return store;
  }

  it('searches one user\'s own history or everyone\'s, with since and role filters', async () => {
    const store = await filled(freshDirectory());
    expect(store.indexStatus.state).toBe('created');
    expect(store.journalMode).toBe('wal');
    expect(store.size).toBe(13);
    const own = await store.search({ query: 'guitar amplifier', userId: 'alice', k: 2 });
    expect(own[0]?.message.id).toBe('alice-2');
    expect(own.every((hit) => hit.message.userId === 'alice')).toBe(true);
    const everyone = await store.search({ query: 'acoustic guitar chords', k: 3 });
    expect(everyone[0]?.message.userId).toBe('carol');
    expect(new Set(everyone.map((hit) => hit.message.userId))).toContain('alice');
    const recent = await store.search({ query: 'guitar', userId: 'alice', k: 5, since: 2 * day });
    expect(recent.map((hit) => hit.message.id).sort()).toEqual(['alice-2', 'alice-3']);
    expect(await store.search({ query: 'guitar', k: 5, role: 'assistant' })).toEqual([]);
    expect(store.messages('bob').map((message) => message.id)).toEqual(['bob-0', 'bob-1', 'bob-2']);
    expect(store.users()).toEqual(['alice', 'bob', 'carol', 'dave']);
    await store.close();
  });

  it('weights by recency when given a half-life', async () => {
    const clock = createManualClock(100 * day);
    const store = await HistoryStore.open({ directory: freshDirectory(), embedder, clock });
    await store.add('erin', [
      { id: 'old', role: 'user', content: 'I adore hiking in the Alps.', timestamp: 10 * day },
      { id: 'new', role: 'user', content: 'I adore hiking in the Alps!', timestamp: 99 * day },
    ]);
    const plain = await store.search({ query: 'hiking in the Alps', userId: 'erin', k: 2 });
    expect(plain[0]!.similarity).toBeCloseTo(plain[1]!.similarity, 5);
    const weighted = await store.search({ query: 'hiking in the Alps', userId: 'erin', k: 2, recencyHalfLife: 7 * day });
    expect(weighted.map((hit) => hit.message.id)).toEqual(['new', 'old']);
    expect(weighted[1]!.score).toBeLessThan(weighted[1]!.similarity * 0.01);
    await store.close();
  });

  it('finds similar users from their histories', async () => {
    const store = await filled(freshDirectory());
    const similar = store.similarUsers('alice', 3);
    expect(similar[0]?.userId).toBe('carol');
    expect(similar.map((entry) => entry.userId)).not.toContain('alice');
    // Updates keep the user vectors current.
    await store.add('dave', [{ id: 'dave-guitar', role: 'user', content: 'Guitar chords, guitar scales, acoustic guitar, electric guitar amp.', timestamp: 5 * day }]);
    await store.add('dave', [{ id: 'dave-guitar-2', role: 'user', content: 'I play guitar in a band and practise guitar lessons.', timestamp: 6 * day }]);
    expect(store.similarUsers('dave', 3).map((entry) => entry.userId).indexOf('bob')).toBeGreaterThan(0);
    expect(store.similarUsers('nobody', 3)).toEqual([]);
    await store.close();
  });

  it('stores events per user', async () => {
    const store = await HistoryStore.open({ directory: freshDirectory(), embedder });
    store.addEvents([
      { kind: 'rating', userId: 'alice', itemId: 'm1', value: 4, timestamp: 2 },
      { kind: 'event', userId: 'alice', itemId: 'm2', event: 'click', weight: 1, timestamp: 1 },
      { kind: 'rating', userId: 'bob', itemId: 'm1', value: 2, timestamp: 3 },
    ]);
    expect(store.events('alice').map((event) => event.itemId)).toEqual(['m2', 'm1']);
    expect(store.events('alice', { since: 2 })).toHaveLength(1);
    expect(() => store.addEvents([{ kind: 'rating', userId: '', itemId: 'x', value: 1, timestamp: 1 }])).toThrowError(/events\[0\]/);
    await expect(store.add('alice', [{ id: 'x', role: 'user', content: 'hi', timestamp: 1, userId: 'bob' }])).rejects.toThrowError(/belongs to user bob/);
    await store.close();
  });

  it('reloads its index on reopen', async () => {
    const directory = freshDirectory();
    const before = await (await filled(directory)).search({ query: 'bread and baking', k: 3 });
    const store = await filled(directory).then(async (again) => {
      await again.close();
      return HistoryStore.open({ directory, embedder });
    });
    expect(store.indexStatus).toEqual({ state: 'loaded' });
    expect((await store.search({ query: 'bread and baking', k: 3 })).map((hit) => hit.message.id)).toEqual(before.map((hit) => hit.message.id));
    await store.close();
  });

  it('rebuilds a missing, damaged or stale index from SQLite', async () => {
    const directory = freshDirectory();
    const original = await filled(directory);
    const expected = (await original.search({ query: 'marathon training', k: 4 })).map((hit) => hit.message.id);
    await original.close();
    const file = join(directory, 'index', indexFileName);

    rmSync(file);
    const missing = await HistoryStore.open({ directory, embedder });
    expect(missing.indexStatus).toEqual({ state: 'rebuilt', reason: 'the index file is missing' });
    expect((await missing.search({ query: 'marathon training', k: 4 })).map((hit) => hit.message.id)).toEqual(expected);
    await missing.close();

    const good = readFileSync(file);
    truncateSync(file, Math.floor(good.length / 3));
    const damaged = await HistoryStore.open({ directory, embedder });
    expect(damaged.indexStatus.state).toBe('rebuilt');
    expect(damaged.indexStatus.state === 'rebuilt' && damaged.indexStatus.reason).toContain(file);
    expect((await damaged.search({ query: 'marathon training', k: 4 })).map((hit) => hit.message.id)).toEqual(expected);
    await damaged.close();

    // A crash after adding but before saving leaves an index that lacks the newest messages.
    const crashing = await HistoryStore.open({ directory, embedder });
    await crashing.add('dave', [{ id: 'dave-late', role: 'user', content: 'Marathon training plan for the spring race.', timestamp: 20 * day }]);
    const stale = await HistoryStore.open({ directory, embedder });
    expect(stale.indexStatus.state).toBe('rebuilt');
    expect((await stale.search({ query: 'marathon training plan', userId: 'dave', k: 1 }))[0]?.message.id).toBe('dave-late');
    await stale.close();
    await crashing.close();

    // Garbage in place of the index: rebuilt again, and the rebuilt index is saved for next time.
    writeFileSync(file, 'garbage');
    const garbage = await HistoryStore.open({ directory, embedder });
    expect(garbage.indexStatus.state).toBe('rebuilt');
    await garbage.close();
    const after = await HistoryStore.open({ directory, embedder });
    expect(after.indexStatus).toEqual({ state: 'loaded' });
    await after.close();
  });

  it('rebuilds when a message replaced after the last save would leave its old vector (a crash before the save)', async () => {
    const directory = freshDirectory();
    await (await filled(directory)).close();
    // bob-1 gets new text under the same id: the message count and the newest id stay as the saved index has them.
    const crashing = await HistoryStore.open({ directory, embedder });
    await crashing.add('bob', [{ id: 'bob-1', role: 'user', content: 'Underwater basket weaving workshop on Saturday.', timestamp: 3 * day }]);
    const reopened = await HistoryStore.open({ directory, embedder });
    expect(reopened.indexStatus.state).toBe('rebuilt');
    expect(reopened.indexStatus.state === 'rebuilt' && reopened.indexStatus.reason).toMatch(/saved at write \d+ of SQLite's \d+/);
    const hit = (await reopened.search({ query: 'underwater basket weaving workshop', k: 1 }))[0];
    expect(hit?.message.id).toBe('bob-1');
    expect(hit?.score).toBeGreaterThan(0.5);
    await reopened.close();
    await crashing.close();
    // Saved since: loaded as is.
    const after = await HistoryStore.open({ directory, embedder });
    expect(after.indexStatus).toEqual({ state: 'loaded' });
    await after.close();
  });

  it('re-embeds stored messages when the embedder changes', async () => {
    const directory = freshDirectory();
    await (await filled(directory)).close();
    const other = new HashingEmbedder({ dimension: 64 });
    const store = await HistoryStore.open({ directory, embedder: other });
    expect(store.indexStatus.state).toBe('rebuilt');
    expect(store.indexStatus.state === 'rebuilt' && store.indexStatus.reason).toContain('embedder changed');
    const hits = await store.search({ query: 'sourdough bread', k: 1 });
    expect(hits[0]?.message.id).toBe('bob-0');
    await store.close();
  });

  it('redoes an embedder switch that failed part-way instead of loading the old embedder\'s index', async () => {
    const directory = freshDirectory();
    await (await filled(directory)).close();
    const other = new HashingEmbedder({ dimension: embedder.dimension, seed: 7 });
    // The new embedder fails (an upstream error, or a crash) after the switch began.
    const failing: Embedder = { id: other.id, dimension: other.dimension, embed: () => Promise.reject(new Error('upstream 500')) };
    const exactHit = async (store: HistoryStore) => {
      const [hit] = await store.search({ query: 'I love baking sourdough bread.', k: 1 });
      expect(hit?.message.id).toBe('bob-0');
      expect(hit?.similarity).toBeCloseTo(1, 5);
    };
    await expect(HistoryStore.open({ directory, embedder: failing })).rejects.toThrow('upstream 500');
    const retried = await HistoryStore.open({ directory, embedder: other });
    expect(retried.indexStatus.state === 'rebuilt' && retried.indexStatus.reason).toContain('did not finish');
    await exactHit(retried);
    await retried.close();
    const reopened = await HistoryStore.open({ directory, embedder: other });
    expect(reopened.indexStatus).toEqual({ state: 'loaded' });
    await reopened.close();
    // Staying with the current embedder after a failed switch back re-embeds as well.
    const failingBack: Embedder = { id: embedder.id, dimension: embedder.dimension, embed: failing.embed };
    await expect(HistoryStore.open({ directory, embedder: failingBack })).rejects.toThrow('upstream 500');
    const stayed = await HistoryStore.open({ directory, embedder: other });
    expect(stayed.indexStatus.state === 'rebuilt' && stayed.indexStatus.reason).toContain('did not finish');
    await exactHit(stayed);
    await stayed.close();
  });

  it('refuses an embedder\'s bad vectors before storing anything, so the store still opens', async () => {
    const directory = freshDirectory();
    await (await filled(directory)).close();
    // An embedder that answers NaN for one text, or too few vectors (a misbehaving upstream).
    const flaky: Embedder = {
      id: embedder.id,
      dimension: embedder.dimension,
      embed: async (texts) => texts.flatMap((text) => (text === 'nan please' ? [new Float32Array(embedder.dimension).fill(Number.NaN)] : text === 'drop me' ? [] : [embedder.embedOne(text)])),
    };
    const store = await HistoryStore.open({ directory, embedder: flaky });
    const message = (id: string, content: string): Message => ({ id, role: 'user', content, timestamp: 20 * day });
    await expect(store.add('alice', [message('alice-ok', 'I tuned my guitar.'), message('alice-nan', 'nan please')])).rejects.toThrow(
      `embedder ${embedder.id} on message "alice-nan": component 0 is NaN, not a finite number`,
    );
    await expect(store.add('alice', [message('alice-ok', 'I tuned my guitar.'), message('alice-short', 'drop me')])).rejects.toThrow('returned 1 vectors for 2 texts');
    const error = await store.search({ query: 'nan please', k: 1 }).catch((caught: unknown) => caught);
    expect(PersonalabError.is(error, 'upstream_bad_response')).toBe(true);
    // Nothing reached SQLite: the bad message used to be stored, and every later open failed rebuilding the index.
    expect(store.size).toBe(13);
    expect(store.messages('alice').map((stored) => stored.id)).not.toContain('alice-nan');
    await store.add('alice', [message('alice-ok', 'I tuned my guitar.')]);
    await store.close();
    const reopened = await HistoryStore.open({ directory, embedder });
    expect(reopened.indexStatus).toEqual({ state: 'loaded' });
    expect(reopened.size).toBe(14);
    expect((await reopened.search({ query: 'tuned my guitar', userId: 'alice', k: 1 }))[0]?.message.id).toBe('alice-ok');
    await reopened.close();
  });

  it('names the SQLite file, the message and the way out when a stored embedding is bad (a store from before the check)', async () => {
    const directory = freshDirectory();
    const store = await filled(directory);
    const bad: Message = { id: "bob's-oven", role: 'user', content: 'The oven repair man came on Tuesday.', timestamp: 4 * day };
    await store.add('bob', [bad]);
    await store.close();
    const databaseFile = join(directory, 'history.sqlite');
    const corrupt = (blob: Buffer) => {
      const database = new Database(databaseFile);
      database.prepare('UPDATE messages SET embedding = ? WHERE id = ?').run(blob, bad.id);
      database.close();
    };
    const nan = new Float32Array(embedder.dimension);
    nan[5] = Number.NaN;
    corrupt(Buffer.from(nan.buffer));

    // The saved index is still sound, so the store opens; reading every stored vector names the bad one.
    const loaded = await HistoryStore.open({ directory, embedder });
    expect(loaded.indexStatus).toEqual({ state: 'loaded' });
    let similar: unknown;
    try {
      loaded.similarUsers('alice', 3);
    } catch (error) {
      similar = error;
    }
    expect(PersonalabError.is(similar, 'invalid_data')).toBe(true);
    expect((similar as PersonalabError).details).toEqual({ file: databaseFile, messageId: bad.id });
    await loaded.close();

    // Any rebuild (here: the index file gone) reads every stored vector, and the open fails naming file and message.
    rmSync(join(directory, 'index', indexFileName));
    const advice = `Delete its row (DELETE FROM messages WHERE id = 'bob''s-oven') and add the message again with HistoryStore.add, which embeds it afresh`;
    const opening = await HistoryStore.open({ directory, embedder }).catch((caught: unknown) => caught);
    expect(PersonalabError.is(opening, 'invalid_data')).toBe(true);
    expect((opening as Error).message).toBe(`${databaseFile}: message "bob's-oven" (user "bob") has a bad stored embedding: component 5 is NaN, not a finite number. ${advice}`);
    // A blob that is not whole floats of the embedder's dimension (it used to throw a bare RangeError).
    corrupt(Buffer.alloc(10));
    await expect(HistoryStore.open({ directory, embedder })).rejects.toThrow(
      `${databaseFile}: message "bob's-oven" (user "bob") has a bad stored embedding: 10 bytes, not the ${embedder.dimension * 4} of ${embedder.dimension} 32-bit floats. ${advice}`,
    );

    // The advice works as written: run its statement, reopen (rebuilt from the rest), add the message again.
    const database = new Database(databaseFile);
    database.exec(/\((DELETE FROM .*)\) and/.exec(advice)![1]!);
    database.close();
    const repaired = await HistoryStore.open({ directory, embedder });
    expect(repaired.indexStatus.state).toBe('rebuilt');
    expect(repaired.size).toBe(13);
    await repaired.add('bob', [bad]);
    expect((await repaired.search({ query: 'oven repair man', k: 1 }))[0]?.message.id).toBe(bad.id);
    expect(repaired.similarUsers('alice', 3)).toHaveLength(3);
    await repaired.close();
  });
});

describe('HistoryStore under concurrent calls', () => {
  const root = mkdtempSync(join(tmpdir(), 'personalab-history-concurrent-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const embedder = HashingEmbedder.fit(Object.values(histories).flat());

  it('an add that lands while a save is finishing is saved by close, not left to a rebuild on the next open', async () => {
    const directory = join(root, 'save-race');
    const store = await HistoryStore.open({ directory, embedder });
    await store.add('alice', messagesOf('alice'));
    // Started together: the add's embedding resolves while the save is writing the index.
    await Promise.all([store.add('bob', messagesOf('bob')), store.save()]);
    await store.close();
    const reopened = await HistoryStore.open({ directory, embedder });
    expect(reopened.indexStatus).toEqual({ state: 'loaded' });
    expect(reopened.size).toBe(7);
    expect((await reopened.search({ query: 'sourdough bread', userId: 'bob', k: 1 }))[0]?.message.id).toBe('bob-0');
    await reopened.close();
  });
});

describe('HistoryStore opened twice on one folder (two processes, or two parts of one)', () => {
  const root = mkdtempSync(join(tmpdir(), 'personalab-history-twice-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const embedder = HashingEmbedder.fit(Object.values(histories).flat());

  it('a message the other store replaced is never served with its old vector after a reopen', async () => {
    const directory = join(root, 'twice');
    const setup = await HistoryStore.open({ directory, embedder });
    await setup.add('alice', messagesOf('alice'));
    await setup.close();
    const first = await HistoryStore.open({ directory, embedder });
    const second = await HistoryStore.open({ directory, embedder });
    // The first store replaces alice-0's text; the second, which never saw that, saves its index last.
    await first.add('alice', [{ id: 'alice-0', role: 'user', content: 'I bake sourdough bread every morning.', timestamp: 0, userId: 'alice' }]);
    await first.close();
    await second.add('bob', messagesOf('bob'));
    await second.close();
    const reopened = await HistoryStore.open({ directory, embedder });
    expect(reopened.indexStatus.state).toBe('rebuilt');
    const hit = (await reopened.search({ query: 'I bake sourdough bread every morning.', userId: 'alice', k: 1 }))[0];
    expect(hit?.message.id).toBe('alice-0');
    expect(hit?.similarity).toBeCloseTo(1, 5);
    expect(reopened.indexStatus).toMatchObject({ reason: expect.stringContaining('another store') });
    await reopened.close();
  });
});

describe('HistoryStore on a damaged database file', () => {
  const root = mkdtempSync(join(tmpdir(), 'personalab-history-damaged-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('names the SQLite file that is not a database, and leaves it as it was', async () => {
    const directory = join(root, 'garbage');
    await HistoryStore.open({ directory, embedder: HashingEmbedder.fit(['a b c']) }).then((store) => store.close());
    const file = join(directory, 'history.sqlite');
    const garbage = 'not a database '.repeat(100);
    writeFileSync(file, garbage);
    const error = await HistoryStore.open({ directory, embedder: HashingEmbedder.fit(['a b c']) }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PersonalabError);
    expect(error).toMatchObject({ code: 'corrupt_file', details: { file }, message: `${file}: cannot open the history database (file is not a database)` });
    expect(readFileSync(file, 'utf8')).toBe(garbage);
  });
});
