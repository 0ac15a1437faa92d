import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  PersonalabError,
  formatZodError,
  interactionSchema,
  messageSchema,
  systemClock,
  type Clock,
  type Embedder,
  type Interaction,
  type Message,
  type Role,
  useWriteAheadLog,
} from '@personalab/core';
import { HnswIndex, type HnswIndexOptions } from './hnsw-index.js';
import { checkVector, normalizeInPlace } from './vectors.js';

export interface HistoryStoreOptions {
  /** Folder holding `history.sqlite` and the `index/` folder; created when missing. */
  directory: string;
  /** Embeds message contents (and queries); its `id` is stored so a change of embedder re-embeds. */
  embedder: Embedder;
  /** Time source for recency weighting. Default: the system clock. */
  clock?: Clock;
  /** HNSW parameters for the message index. */
  hnsw?: Omit<HnswIndexOptions, 'dimension' | 'metric'>;
}

export interface HistorySearchOptions {
  query: string;
  /** Only this user's history; across all users when absent. */
  userId?: string;
  k: number;
  /** Only messages at or after this time (ms since the epoch). */
  since?: number;
  /** Only messages with this role (e.g. `user` for what the user said). */
  role?: Role;
  /** When set, similarity is multiplied by 0.5^(age / half-life), age in ms from the clock's now. */
  recencyHalfLife?: number;
  /**
   * HNSW search breadth (at least the number of candidates). Default: `searchEf(size)`, which grows with the store so
   * that recall@10 stays at 0.95 or more (measured on Persona-Chat turns up to 70k messages; see the README).
   */
  ef?: number;
}

export interface HistoryHit {
  message: Message & { userId: string };
  /** Similarity after recency weighting (equal to `similarity` without a half-life). */
  score: number;
  /** Cosine similarity of the query and the message. */
  similarity: number;
}

export interface SimilarUser {
  userId: string;
  /** Cosine similarity of the users' mean message embeddings. */
  score: number;
}

/** How the index came to be when the store opened. */
export type IndexStatus = { state: 'loaded' } | { state: 'created' } | { state: 'rebuilt'; reason: string };

interface MessageRow {
  seq: number;
  id: string;
  user_id: string;
  session_id: string | null;
  role: Role;
  content: string;
  timestamp: number;
  embedding: Buffer;
}

const schema = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL,
  session_id TEXT,
  role TEXT NOT NULL,
  content TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  embedding BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_user ON messages (user_id, timestamp);
-- Everyone's messages since a time (cross-user search with since), read from the index alone.
CREATE INDEX IF NOT EXISTS messages_by_time ON messages (timestamp, role, id);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_user ON events (user_id, timestamp);
`;

const embeddingBatch = 256;

/**
 * The default HNSW search breadth for a store of `size` messages: size / 150, from 128 to 2048. Recall falls as the
 * graph grows: a fixed ef 64 found 0.85 of the true top 10 across 69k Persona-Chat turns (HashingEmbedder), this ef
 * 0.97 (0.97 of the top 1 and top 5), and 0.97 or more at every size measured from 2k up.
 */
export function searchEf(size: number): number {
  return Math.min(2048, Math.max(128, Math.ceil(size / 150)));
}

/** `indexed_revision` of an index saved by a store that missed another store's writes: matches no revision. */
const missedWritesRevision = -1;

/** What `meta.embedder` holds: the embedder's id and dimension. */
const embedderKey = (embedder: Embedder) => JSON.stringify({ id: embedder.id, dimension: embedder.dimension });
/** `meta.embedder` while stored embeddings are being replaced: equal to no embedder's key. */
const reembeddingMarker = JSON.stringify({ reembedding: true });

const toBlob = (vector: Float32Array) => Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
/** The SQLite file of a store's folder. */
const databaseFileName = 'history.sqlite';

/**
 * Messages and events per user in SQLite (better-sqlite3, WAL), with message embeddings in an
 * `HnswIndex` beside it. SQLite is the source of truth: embeddings are stored there too, so a missing,
 * damaged or stale index file is rebuilt from it on open, without calling the embedder again.
 */
export class HistoryStore {
  readonly directory: string;
  /** The SQLite file (`history.sqlite` in `directory`). */
  readonly databaseFile: string;
  readonly embedder: Embedder;
  /** Whether the index was loaded, created empty, or rebuilt from SQLite (and why). */
  readonly indexStatus: IndexStatus;
  private readonly database: Database.Database;
  private readonly clock: Clock;
  private readonly hnswOptions: HistoryStoreOptions['hnsw'];
  private index: HnswIndex;
  /** Changes made to the in-memory index, and how many of them the saved file holds (a save can race a later add). */
  private changes = 0;
  private savedChanges = 0;
  /**
   * The SQLite `revision` the in-memory index reflects; undefined once another store on the same folder (another
   * process) wrote messages this index never saw, so a save of it must not claim to be current.
   */
  private indexRevision: number | undefined;
  /** Per-user sums of message embeddings, built on first use of `similarUsers`. */
  private userSums: Map<string, { sum: Float64Array; count: number }> | undefined;

  private constructor(options: HistoryStoreOptions, database: Database.Database, index: HnswIndex, status: IndexStatus) {
    this.directory = options.directory;
    this.databaseFile = join(options.directory, databaseFileName);
    this.embedder = options.embedder;
    this.clock = options.clock ?? systemClock;
    this.hnswOptions = options.hnsw;
    this.database = database;
    this.index = index;
    this.indexStatus = status;
  }

  /** Opens (or creates) a store; loads the index, or rebuilds it from SQLite when it cannot be trusted. */
  static async open(options: HistoryStoreOptions): Promise<HistoryStore> {
    mkdirSync(options.directory, { recursive: true });
    const file = join(options.directory, databaseFileName);
    const database = openDatabase(file);
    try {
      const embedderChanged = HistoryStore.checkEmbedder(database, options.embedder);
      const create = () => new HnswIndex({ ...options.hnsw, dimension: options.embedder.dimension, metric: 'cosine' });
      const index = create();
      const { count, last } = database.prepare('SELECT COUNT(*) AS count, (SELECT id FROM messages ORDER BY seq DESC LIMIT 1) AS last FROM messages').get() as { count: number; last: string | null };
      let reason: string | undefined;
      if (embedderChanged !== undefined) {
        reason = embedderChanged;
      } else {
        try {
          await index.load(join(options.directory, 'index'));
          const revision = HistoryStore.readRevision(database, 'revision');
          const indexed = HistoryStore.readRevision(database, 'indexed_revision');
          if (index.size !== count || (last !== null && !index.has(last))) {
            reason = `the index holds ${index.size} messages but SQLite holds ${count}${last !== null && !index.has(last) ? ` and the newest (${last}) is missing` : ''}`;
          } else if (indexed === missedWritesRevision) {
            reason = 'the index was saved by a store that had not seen another store\'s writes to this folder';
          } else if (revision !== indexed) {
            // Same count, same newest: a message replaced (same id, new text) after the last save, then a crash.
            reason = `the index was saved at write ${indexed} of SQLite's ${revision} (a crash before the last save)`;
          }
        } catch (error) {
          if (PersonalabError.is(error, 'not_found')) {
            if (count > 0) reason = 'the index file is missing';
          } else if (PersonalabError.is(error, 'corrupt_file')) {
            reason = error.message;
          } else {
            throw error;
          }
        }
      }
      const store = new HistoryStore(options, database, reason === undefined ? index : create(), reason === undefined ? { state: count === 0 && index.size === 0 ? 'created' : 'loaded' } : { state: 'rebuilt', reason });
      // A loaded or new index matches SQLite as of now; a rebuild sets its own.
      store.indexRevision = HistoryStore.readRevision(database, 'revision');
      if (embedderChanged !== undefined) {
        // Until the re-embedded index is saved, no embedder matches: an interrupted switch is redone on the next open.
        HistoryStore.recordEmbedder(database, reembeddingMarker);
        await store.reembed();
      }
      if (reason !== undefined) {
        store.rebuildFromDatabase();
        await store.save();
      }
      if (embedderChanged !== undefined) HistoryStore.recordEmbedder(database, embedderKey(options.embedder));
      return store;
    } catch (error) {
      database.close();
      throw error;
    }
  }

  /**
   * Returns why the stored embeddings are unusable (the embedder changed, or an earlier switch did not finish).
   * A new store records the embedder at once; a changed one is recorded only after re-embedding (see `open`).
   */
  private static checkEmbedder(database: Database.Database, embedder: Embedder): string | undefined {
    const stored = database.prepare("SELECT value FROM meta WHERE key = 'embedder'").get() as { value: string } | undefined;
    const current = embedderKey(embedder);
    if (stored === undefined) HistoryStore.recordEmbedder(database, current);
    if (stored === undefined || stored.value === current) return undefined;
    if (stored.value === reembeddingMarker) return `an earlier re-embedding did not finish; re-embedding with ${current}`;
    return `the embedder changed from ${stored.value} to ${current}`;
  }

  /** A counter in `meta`: `revision` counts the writes to stored messages, `indexed_revision` the one the saved index holds. */
  private static readRevision(database: Database.Database, key: 'revision' | 'indexed_revision'): number {
    const row = database.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row === undefined ? 0 : Number(row.value);
  }

  private static writeRevision(database: Database.Database, key: 'revision' | 'indexed_revision', value: number): void {
    database.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, String(value));
  }

  /** Counts one write to the stored messages (inside the write's transaction). */
  private bumpRevision(): void {
    const before = HistoryStore.readRevision(this.database, 'revision');
    HistoryStore.writeRevision(this.database, 'revision', before + 1);
    // A revision this index never saw means another store wrote to the folder: the index lacks that write for good.
    this.indexRevision = this.indexRevision === before ? before + 1 : undefined;
  }

  private static recordEmbedder(database: Database.Database, value: string): void {
    database.prepare("INSERT INTO meta (key, value) VALUES ('embedder', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(value);
  }

  /** Number of stored messages. */
  get size(): number {
    return (this.database.prepare('SELECT COUNT(*) AS count FROM messages').get() as { count: number }).count;
  }

  /** The SQLite journal mode (WAL unless the file system refuses it). */
  get journalMode(): string {
    return String(this.database.pragma('journal_mode', { simple: true }));
  }

  /**
   * Stores a user's messages and indexes their embeddings. A message with an id already stored
   * replaces it. Messages must belong to `userId` (or carry no user).
   */
  async add(userId: string, messages: readonly Message[]): Promise<void> {
    const parsed = messages.map((message, position) => {
      const result = messageSchema.safeParse(message);
      if (!result.success) throw new PersonalabError('invalid_argument', `add: messages[${position}]: ${formatZodError(result.error)}`);
      if (result.data.userId !== undefined && result.data.userId !== userId) {
        throw new PersonalabError('invalid_argument', `add: messages[${position}] belongs to user ${result.data.userId}, not ${userId}`);
      }
      return result.data;
    });
    const embeddings: Float32Array[] = [];
    for (let start = 0; start < parsed.length; start += embeddingBatch) {
      const slice = parsed.slice(start, start + embeddingBatch);
      embeddings.push(...this.checkEmbeddings(await this.embedder.embed(slice.map((message) => message.content)), slice.map((message) => `message ${JSON.stringify(message.id)}`)));
    }
    const upsert = this.database.prepare(
      `INSERT INTO messages (id, user_id, session_id, role, content, timestamp, embedding) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, session_id = excluded.session_id, role = excluded.role,
         content = excluded.content, timestamp = excluded.timestamp, embedding = excluded.embedding`,
    );
    const existing = this.database.prepare('SELECT user_id, embedding FROM messages WHERE id = ?');
    // The embeddings replaced, for the user sums once the write is committed (a failed write changes nothing).
    const replaced: { userId: string; vector: Float32Array }[] = [];
    // IMMEDIATE: the write lock is taken (waiting for another process's) before the first read. A deferred transaction
    // that read first failed at once with "database is locked" when another process had written since its read.
    this.database.transaction(() => {
      parsed.forEach((message, position) => {
        const previous = existing.get(message.id) as { user_id: string; embedding: Buffer } | undefined;
        // Sums exist only once every stored embedding was read (and checked); replacing a bad one is its repair.
        if (previous !== undefined && this.userSums !== undefined) replaced.push({ userId: previous.user_id, vector: this.storedEmbedding({ id: message.id, ...previous }) });
        upsert.run(message.id, userId, message.sessionId ?? null, message.role, message.content, message.timestamp, toBlob(embeddings[position]!));
      });
      this.bumpRevision();
    }).immediate();
    for (const { userId: owner, vector } of replaced) this.adjustUserSum(owner, vector, -1);
    for (const embedding of embeddings) this.adjustUserSum(userId, embedding, 1);
    this.index.add(parsed.map((message, position) => ({ id: message.id, vector: embeddings[position]!, metadata: { userId, timestamp: message.timestamp, role: message.role } })));
    this.changes++;
  }

  /** Stores interaction events (ratings, views, clicks). */
  addEvents(events: readonly Interaction[]): void {
    const insert = this.database.prepare('INSERT INTO events (user_id, item_id, timestamp, payload) VALUES (?, ?, ?, ?)');
    const parsed = events.map((event, position) => {
      const result = interactionSchema.safeParse(event);
      if (!result.success) throw new PersonalabError('invalid_argument', `addEvents: events[${position}]: ${formatZodError(result.error)}`);
      return result.data;
    });
    this.database.transaction(() => {
      for (const event of parsed) insert.run(event.userId, event.itemId, event.timestamp, JSON.stringify(event));
    }).immediate();
  }

  /** A user's events, oldest first. */
  events(userId: string, options: { since?: number } = {}): Interaction[] {
    const rows = this.database.prepare('SELECT payload FROM events WHERE user_id = ? AND timestamp >= ? ORDER BY timestamp, seq').all(userId, options.since ?? 0) as { payload: string }[];
    return rows.map((row) => interactionSchema.parse(JSON.parse(row.payload)));
  }

  /** A user's messages, oldest first. */
  messages(userId: string, options: { since?: number; limit?: number } = {}): (Message & { userId: string })[] {
    const rows = this.database
      .prepare('SELECT * FROM messages WHERE user_id = ? AND timestamp >= ? ORDER BY timestamp, seq LIMIT ?')
      .all(userId, options.since ?? 0, options.limit ?? -1) as MessageRow[];
    return rows.map(toMessage);
  }

  /** Ids of users with at least one message. */
  users(): string[] {
    return (this.database.prepare('SELECT DISTINCT user_id FROM messages ORDER BY user_id').all() as { user_id: string }[]).map((row) => row.user_id);
  }

  /** The messages most similar to a query: one user's own history, or everyone's. */
  async search(options: HistorySearchOptions): Promise<HistoryHit[]> {
    if (!Number.isInteger(options.k) || options.k < 1) throw new PersonalabError('invalid_argument', `search: k must be a positive integer, got ${options.k}`);
    if (options.recencyHalfLife !== undefined && !(options.recencyHalfLife > 0)) {
      throw new PersonalabError('invalid_argument', `search: recencyHalfLife must be positive, got ${options.recencyHalfLife}`);
    }
    const [query] = this.checkEmbeddings(await this.embedder.embed([options.query]), ['the query']);
    if (query === undefined) return [];
    // With recency weighting a less similar but newer message can win, so look further.
    const candidates = options.recencyHalfLife === undefined ? options.k : Math.max(options.k * 5, 50);
    const where: Record<string, string> = {};
    if (options.userId !== undefined) where.userId = options.userId;
    if (options.role !== undefined) where.role = options.role;
    const since = options.since;
    // Across users, a recent `since` leaves few messages: SQLite's time index lists them and they are scored exactly,
    // where a graph walk would visit most of the graph, calling the filter in JavaScript per node, to find k of them.
    const recent = since !== undefined && options.userId === undefined ? this.messagesSince(since, options.role) : undefined;
    const hits =
      recent !== undefined
        ? this.index.searchAmong(query, recent, { k: candidates })
        : this.index.search(query, {
            k: candidates,
            ef: Math.max(options.ef ?? searchEf(this.index.size), candidates),
            ...(Object.keys(where).length > 0 ? { where } : {}),
            ...(since === undefined ? {} : { filter: (_id: string, metadata: Record<string, unknown> | undefined) => Number(metadata?.timestamp) >= since }),
          });
    const select = this.database.prepare('SELECT * FROM messages WHERE id = ?');
    const now = this.clock.now();
    const results: HistoryHit[] = [];
    for (const hit of hits) {
      const row = select.get(hit.id) as MessageRow | undefined;
      if (row === undefined) continue;
      const age = Math.max(0, now - row.timestamp);
      const weight = options.recencyHalfLife === undefined ? 1 : 0.5 ** (age / options.recencyHalfLife);
      results.push({ message: toMessage(row), score: hit.score * weight, similarity: hit.score });
    }
    results.sort((a, b) => b.score - a.score);
    return results.slice(0, options.k);
  }

  /**
   * Ids of every user's messages at or after `since` (with `role`, if given), from SQLite's time index; undefined when
   * there are more than the index's `flatSearchLimit`, where a filtered graph walk finds k of them sooner.
   */
  private messagesSince(since: number, role: Role | undefined): string[] | undefined {
    const where = `FROM messages INDEXED BY messages_by_time WHERE timestamp >= ?${role === undefined ? '' : ' AND role = ?'}`;
    const parameters = role === undefined ? [since] : [since, role];
    // A step over the index past the limit, before any id is read out: a `since` that keeps most messages costs little.
    if (this.database.prepare(`SELECT 1 ${where} LIMIT 1 OFFSET ?`).get(...parameters, this.index.flatSearchLimit) !== undefined) return undefined;
    return this.database.prepare(`SELECT id ${where}`).pluck().all(...parameters) as string[];
  }

  /** Users whose mean message embedding is closest to this user's. */
  similarUsers(userId: string, k: number): SimilarUser[] {
    const sums = this.ensureUserSums();
    const own = sums.get(userId);
    if (own === undefined || own.count === 0) return [];
    const target = Float64Array.from(own.sum);
    normalizeInPlace(target);
    const scored: SimilarUser[] = [];
    for (const [other, entry] of sums) {
      if (other === userId || entry.count === 0) continue;
      const vector = Float64Array.from(entry.sum);
      normalizeInPlace(vector);
      let score = 0;
      for (let index = 0; index < vector.length; index++) score += vector[index]! * target[index]!;
      scored.push({ userId: other, score });
    }
    return scored.sort((a, b) => b.score - a.score || a.userId.localeCompare(b.userId)).slice(0, k);
  }

  /** Writes the index atomically if anything changed since the last save. */
  async save(): Promise<void> {
    if (this.changes === this.savedChanges) return;
    // The revision the in-memory index holds (every write updates SQLite and the index with no await between), not
    // SQLite's now: another store's writes since are not in this index. Recorded only once the file is written, so a
    // crash in between makes the next open rebuild, never trust a stale file.
    const revision = this.indexRevision ?? missedWritesRevision;
    const changes = this.changes;
    await this.index.save(join(this.directory, 'index'));
    HistoryStore.writeRevision(this.database, 'indexed_revision', revision);
    // Only what the file holds counts as saved: an add that ran while the save awaited is saved next time.
    this.savedChanges = changes;
  }

  /** Saves the index and closes the database. */
  async close(): Promise<void> {
    try {
      await this.save();
    } finally {
      this.database.close();
    }
  }

  /** Rebuilds the index from the embeddings in SQLite (used on open when the index cannot be trusted). */
  private rebuildFromDatabase(): void {
    const index = new HnswIndex({ ...this.hnswOptions, dimension: this.embedder.dimension, metric: 'cosine', initialCapacity: Math.max(1024, this.size) });
    let batch: { id: string; vector: Float32Array; metadata: { userId: string; timestamp: number; role: string } }[] = [];
    for (const row of this.database.prepare('SELECT id, user_id, role, timestamp, embedding FROM messages ORDER BY seq').iterate() as IterableIterator<MessageRow>) {
      batch.push({ id: row.id, vector: this.storedEmbedding(row), metadata: { userId: row.user_id, timestamp: row.timestamp, role: row.role } });
      if (batch.length >= 1000) {
        index.add(batch);
        batch = [];
      }
    }
    index.add(batch);
    // A bulk rebuild is the moment to lay the graph out for cache locality (results unchanged); its scratch file
    // goes in the index's folder, where the index is saved next.
    index.optimize({ directory: join(this.directory, 'index') });
    this.index = index;
    this.indexRevision = HistoryStore.readRevision(this.database, 'revision');
    this.changes++;
  }

  /** Re-embeds every stored message with the current embedder. */
  private async reembed(): Promise<void> {
    const rows = this.database.prepare('SELECT id, content FROM messages ORDER BY seq').all() as { id: string; content: string }[];
    const update = this.database.prepare('UPDATE messages SET embedding = ? WHERE id = ?');
    for (let start = 0; start < rows.length; start += embeddingBatch) {
      const slice = rows.slice(start, start + embeddingBatch);
      const vectors = this.checkEmbeddings(await this.embedder.embed(slice.map((row) => row.content)), slice.map((row) => `message ${JSON.stringify(row.id)}`));
      this.database.transaction(() => {
        slice.forEach((row, position) => update.run(toBlob(vectors[position]!), row.id));
        this.bumpRevision();
      }).immediate();
    }
  }

  /**
   * Checks an embedder's answer before any of it is stored: one vector per text, of the embedder's dimension, with
   * finite 32-bit components. A bad vector written to SQLite would make every later open fail rebuilding the index.
   */
  private checkEmbeddings(vectors: readonly Float32Array[], texts: readonly string[]): readonly Float32Array[] {
    const { id, dimension } = this.embedder;
    if (vectors.length !== texts.length) {
      throw new PersonalabError('upstream_bad_response', `embedder ${id} returned ${vectors.length} vectors for ${texts.length} texts`);
    }
    vectors.forEach((vector, position) => {
      try {
        checkVector(vector, dimension, `embedder ${id} on ${texts[position]}`);
      } catch (error) {
        throw new PersonalabError('upstream_bad_response', (error as Error).message, { cause: error });
      }
    });
    return vectors;
  }

  /**
   * A message's embedding as stored in SQLite, checked: whole 32-bit floats, the embedder's dimension, finite. Stores
   * written before `add` checked its embedder's vectors can hold a bad one; the error names the file, the message, and
   * the way out (the row can only be replaced: its text is embedded only when it is added).
   */
  private storedEmbedding(row: { id: string; user_id: string; embedding: Buffer }): Float32Array {
    const { dimension } = this.embedder;
    const fail = (problem: string): never => {
      const sql = `DELETE FROM messages WHERE id = '${row.id.replaceAll("'", "''")}'`;
      throw new PersonalabError(
        'invalid_data',
        `${this.databaseFile}: message ${JSON.stringify(row.id)} (user ${JSON.stringify(row.user_id)}) has a bad stored embedding: ${problem}. ` +
          `Delete its row (${sql}) and add the message again with HistoryStore.add, which embeds it afresh`,
        { details: { file: this.databaseFile, messageId: row.id } },
      );
    };
    const blob = row.embedding;
    if (!Buffer.isBuffer(blob) || blob.byteLength !== dimension * 4) {
      fail(Buffer.isBuffer(blob) ? `${blob.byteLength} bytes, not the ${dimension * 4} of ${dimension} 32-bit floats` : `a ${typeof blob}, not a BLOB`);
    }
    const vector = new Float32Array(dimension);
    new Uint8Array(vector.buffer).set(blob);
    try {
      checkVector(vector, dimension, 'embedding');
    } catch (error) {
      fail((error as Error).message.replace(/^embedding: /, ''));
    }
    return vector;
  }

  private ensureUserSums(): Map<string, { sum: Float64Array; count: number }> {
    if (this.userSums !== undefined) return this.userSums;
    const sums = new Map<string, { sum: Float64Array; count: number }>();
    this.userSums = sums;
    try {
      for (const row of this.database.prepare('SELECT id, user_id, embedding FROM messages').iterate() as IterableIterator<{ id: string; user_id: string; embedding: Buffer }>) {
        this.adjustUserSum(row.user_id, this.storedEmbedding(row), 1);
      }
    } catch (error) {
      this.userSums = undefined;
      throw error;
    }
    return sums;
  }

  private adjustUserSum(userId: string, vector: Float32Array, sign: 1 | -1): void {
    if (this.userSums === undefined) return;
    let entry = this.userSums.get(userId);
    if (entry === undefined) {
      entry = { sum: new Float64Array(this.embedder.dimension), count: 0 };
      this.userSums.set(userId, entry);
    }
    for (let index = 0; index < vector.length; index++) entry.sum[index] = entry.sum[index]! + sign * vector[index]!;
    entry.count += sign;
  }
}

/** The store's SQLite file, opened in WAL mode with the schema in place; a file SQLite cannot use is an error naming it. */
function openDatabase(file: string): Database.Database {
  let database: Database.Database | undefined;
  try {
    database = new Database(file);
    useWriteAheadLog(database);
    database.pragma('synchronous = NORMAL');
    database.exec(schema);
    return database;
  } catch (error) {
    database?.close();
    const code = (error as { code?: unknown }).code;
    const damaged = code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT';
    throw new PersonalabError(damaged ? 'corrupt_file' : 'storage_error', `${file}: cannot open the history database (${(error as Error).message})`, {
      cause: error,
      details: { file },
    });
  }
}

function toMessage(row: MessageRow): Message & { userId: string } {
  return {
    id: row.id,
    role: row.role,
    content: row.content,
    timestamp: row.timestamp,
    userId: row.user_id,
    ...(row.session_id === null ? {} : { sessionId: row.session_id }),
  };
}
