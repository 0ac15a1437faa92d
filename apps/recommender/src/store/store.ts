import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  PersonalabError,
  itemSchema,
  profileSchema,
  userSchema,
  randomIds,
  systemClock,
  type Clock,
  type IdGenerator,
  type ImplicitInteraction,
  type Interaction,
  type Item,
  type Message,
  type Profile,
  type Role,
  type User,
  useWriteAheadLog,
} from '@personalab/core';
import { noConstraints, sessionConstraintsSchema, type SessionConstraints } from '../pipeline/constraints.js';
import { ExactSum } from './exact-sum.js';
import { migrate } from './migrations.js';

export interface StoreOptions {
  /** File path, or `:memory:` for tests. */
  path: string;
  clock?: Clock;
  ids?: IdGenerator;
}

/** A rating or implicit event as the API receives it (the user is implied). */
export type EventInput =
  | {
      kind: 'rating';
      itemId: string;
      value: number;
      timestamp?: number | undefined;
      id?: string | undefined;
      /** Where the rating came from when not given as one: `chat` for an opinion stated in a chat message ("I loved Alien"). */
      source?: 'chat' | undefined;
    }
  | { kind: 'event'; itemId: string; event: string; weight?: number | undefined; timestamp?: number | undefined; id?: string | undefined };

/** A message as the events route receives it (the user is implied). */
/** An implicit event as the store keeps it (`implicitEventsOf`). */
export interface StoredImplicitEvent {
  itemId: string;
  event: ImplicitInteraction['event'];
  timestamp: number;
}

/** A rating read from a chat message ("I loved Alien"), written with its turn (`addChatTurn`). */
export interface ChatRating {
  itemId: string;
  value: number;
  timestamp: number;
  source: 'chat';
}

export interface MessageInput {
  /** Given when the caller needed the id before the write (the profile cites it); otherwise assigned here. */
  id?: string | undefined;
  content: string;
  role?: Role | undefined;
  timestamp?: number | undefined;
  sessionId?: string | undefined;
}

/** One entry of a batch: a rating, an implicit event or a message, in the caller's order. */
export type BatchEntry = EventInput | ({ kind: 'message' } & MessageInput);

export interface StoredSession {
  id: string;
  userId: string;
  startedAt: number;
  /** Item ids recommended last in this session, so "why the second one?" and "something lighter" have a referent. */
  lastRecommended: string[];
  /** What the user asked for so far in this session (genres, years, audience). */
  constraints: SessionConstraints;
}

/** The answer to an idempotent request, stored under its caller and key (`saveIdempotentResponse`). */
export interface IdempotentResponse {
  /** Digest of the request the key was first used with (route, path parameters, body). */
  requestHash: string;
  /** The HTTP status and body (JSON text) that were sent. */
  status: number;
  body: string;
}

export interface StoredMessage extends Message {
  recommendedItemIds?: string[];
}

interface MessageRow {
  id: string;
  user_id: string;
  session_id: string | null;
  role: Role;
  content: string;
  timestamp: number;
  recommended: string | null;
}

const toMessage = (row: MessageRow): StoredMessage => ({
  id: row.id,
  role: row.role,
  content: row.content,
  timestamp: row.timestamp,
  userId: row.user_id,
  ...(row.session_id === null ? {} : { sessionId: row.session_id }),
  ...(row.recommended === null ? {} : { recommendedItemIds: JSON.parse(row.recommended) as string[] }),
});

/** Parses a stored JSON column through its schema, so a damaged row names itself. */
function parseStored<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown } }, text: string, where: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PersonalabError('storage_error', `${where}: stored JSON is damaged`, { cause: error });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new PersonalabError('storage_error', `${where}: stored record does not match its schema`, { cause: parsed.error });
  return parsed.data;
}

/** What counts as a like, in `likeCounts` and `likeCountsOf` alike: a current rating of 4 or more, an implicit like or purchase. */
const likedRating = 'value >= 4';
const likedEvent = "kind = 'event' AND event IN ('like', 'purchase')";

/** A sum and count of current ratings: the store's committed totals, or what one open transaction changed in them. */
interface RatingTotals {
  sum: ExactSum;
  count: number;
  /** The transaction wrote ratings it did not count (`importDataset`): the totals are read again from the view after it. */
  unknown?: boolean;
}

/** How far ahead of the server's clock a client's timestamp may be (clock skew): a day. */
export const maxTimestampAheadMs = 86_400_000;

/**
 * The recommender's persistent state in SQLite (WAL, synchronous=FULL, so an acknowledged
 * write survives the process being killed): users, items, events, sessions, messages, profiles.
 * Every transaction that writes begins IMMEDIATE: it takes the write lock (waiting up to the busy timeout for another
 * process's) before its first read. A deferred one that read first failed at once with "database is locked" when
 * another process (a second CLI command on the state directory) had committed since that read.
 */
export class RecommenderStore {
  readonly database: Database.Database;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  /** Bumped on every write that can change a user's recommendations; keys caches. */
  private readonly userVersions = new Map<string, number>();
  private itemsVersion = 0;
  private readonly statements = new Map<string, Database.Statement>();
  /**
   * Sum and count of all committed current ratings, for the global mean: read from the `ratings` view once (about
   * 0.06 s on MovieLens 100K), then kept up to date by every write of this store (undefined: to be read again). The sum
   * is exact (`ExactSum`), so fractional ratings added and replaced for as long as the server runs never drift from the
   * view's. Rows written through `database` directly, bypassing the store's methods, are not counted.
   */
  private ratingTotals: RatingTotals | undefined;
  /** `PRAGMA data_version` when `ratingTotals` was read: another connection's commit changes it, and they are read again. */
  private ratingTotalsVersion = -1;
  /** What each open transaction of this store changed in the totals, outermost first: counted when the outermost commits, dropped with one that rolls back. */
  private readonly pendingRatingTotals: RatingTotals[] = [];
  /** Items whose like count may have changed since `takeLikeChanges` was last called (an event of theirs was written). */
  private readonly likeChanges = new Set<string>();

  constructor(options: StoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    try {
      this.database = new Database(options.path);
      useWriteAheadLog(this.database);
      this.database.pragma('synchronous = FULL');
      this.database.pragma('foreign_keys = ON');
      this.database.pragma('busy_timeout = 5000');
      migrate(this.database);
    } catch (error) {
      throw new PersonalabError('storage_error', `cannot open the store at ${options.path}: ${(error as Error).message}`, { cause: error });
    }
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? randomIds;
  }

  /** A prepared statement, compiled once per store (preparing is the costly part of a small query). */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.database.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  close(): void {
    if (this.database.open) this.database.close();
  }

  /** A number that changes whenever the user's events, messages or the item set change. */
  versionOf(userId: string): string {
    return `${this.userVersions.get(userId) ?? 0}:${this.itemsVersion}`;
  }

  private touch(userId: string): void {
    this.userVersions.set(userId, (this.userVersions.get(userId) ?? 0) + 1);
  }

  // Users

  createUser(input: Omit<User, 'id'> & { id?: string | undefined }): User {
    const user = userSchema.parse({ ...input, id: input.id ?? this.ids(), createdAt: input.createdAt ?? this.clock.now() });
    try {
      this.statement('INSERT INTO users (id, data, created_at) VALUES (?, ?, ?)').run(user.id, JSON.stringify(user), user.createdAt);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new PersonalabError('conflict', `user ${user.id} already exists`);
      throw error;
    }
    return user;
  }

  getUser(id: string): User | undefined {
    const row = this.statement('SELECT data FROM users WHERE id = ?').get(id) as { data: string } | undefined;
    return row === undefined ? undefined : parseStored(userSchema, row.data, `users/${id}`);
  }

  /** The user, or a `not_found` error. */
  requireUser(id: string): User {
    const user = this.getUser(id);
    if (user === undefined) throw new PersonalabError('not_found', `unknown user ${id}`, { details: { userId: id } });
    return user;
  }

  userCount(): number {
    return (this.statement('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  // Items

  /** Inserts or replaces items; returns the ids that were new. */
  upsertItems(items: readonly Item[]): string[] {
    const exists = this.statement('SELECT 1 FROM items WHERE id = ?');
    const upsert = this.statement('INSERT INTO items (id, data, created_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data');
    const created: string[] = [];
    this.transaction(() => {
      for (const item of items) {
        if (exists.get(item.id) === undefined) created.push(item.id);
        upsert.run(item.id, JSON.stringify(item), this.clock.now());
      }
    });
    this.itemsVersion++;
    return created;
  }

  getItem(id: string): Item | undefined {
    const row = this.statement('SELECT data FROM items WHERE id = ?').get(id) as { data: string } | undefined;
    return row === undefined ? undefined : parseStored(itemSchema, row.data, `items/${id}`);
  }

  listItems(): Item[] {
    const rows = this.statement('SELECT id, data FROM items ORDER BY rowid').all() as { id: string; data: string }[];
    return rows.map((row) => parseStored(itemSchema, row.data, `items/${row.id}`));
  }

  itemCount(): number {
    return (this.statement('SELECT COUNT(*) AS n FROM items').get() as { n: number }).n;
  }

  // Events

  /**
   * Adds events for one user in one transaction: either all are written or none
   * (an unknown user or item fails the whole batch with `not_found`).
   */
  addEvents(userId: string, events: readonly EventInput[]): Interaction[] {
    return this.addBatch(userId, events).events;
  }

  /**
   * A user's ratings, oldest first, one per item: a newer rating of an item replaces the older one
   * (the `ratings` view; the event log keeps both). `source: 'chat'` marks opinions read from chat messages.
   */
  ratingsOf(userId: string): { itemId: string; value: number; timestamp: number; source?: 'chat' }[] {
    const rows = this.statement('SELECT item_id AS itemId, value, timestamp, event FROM ratings WHERE user_id = ? ORDER BY timestamp, seq')
      .all(userId) as { itemId: string; value: number; timestamp: number; event: string | null }[];
    return rows.map(({ event, ...rating }) => (event === 'chat' ? { ...rating, source: 'chat' as const } : rating));
  }

  /** Every item a user has interacted with. */
  seenItems(userId: string): Set<string> {
    const rows = this.statement('SELECT DISTINCT item_id AS itemId FROM events WHERE user_id = ?').all(userId) as { itemId: string }[];
    return new Set(rows.map((row) => row.itemId));
  }

  eventCount(): number {
    return (this.statement('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  }

  /** All ratings (each user's newest per item), for training and rating prediction statistics. */
  allRatings(): Interaction[] {
    const rows = this.statement('SELECT user_id AS userId, item_id AS itemId, value, timestamp FROM ratings ORDER BY seq')
      .all() as { userId: string; itemId: string; value: number; timestamp: number }[];
    return rows.map((row) => ({ kind: 'rating', ...row }));
  }

  /** A user's implicit events (view, click, like, dislike, purchase, skip), oldest first. */
  implicitEventsOf(userId: string): StoredImplicitEvent[] {
    return this.statement("SELECT item_id AS itemId, event, timestamp FROM events WHERE user_id = ? AND kind = 'event' ORDER BY timestamp, seq").all(userId) as StoredImplicitEvent[];
  }

  /**
   * The mean of all current ratings (undefined when there are none), and one item's sum and count of them. The mean
   * comes from running totals (`ratingTotals`), not from a read of the whole view: a write keeps them up to date.
   */
  ratingStats(itemId: string): { globalMean: number | undefined; itemTotal: number; itemCount: number } {
    const item = this.statement('SELECT SUM(value) AS total, COUNT(*) AS n FROM ratings WHERE item_id = ?').get(itemId) as { total: number | null; n: number };
    return { globalMean: this.globalMean(), itemTotal: item.total ?? 0, itemCount: item.n };
  }

  /** The mean of all current ratings as this connection sees them (an open transaction's own writes included). */
  private globalMean(): number | undefined {
    // Read first: a commit by another connection after this read is caught next time.
    const version = this.statement('PRAGMA data_version').pluck().get() as number;
    if (version !== this.ratingTotalsVersion) this.ratingTotals = undefined;
    let totals = this.ratingTotals;
    if (totals === undefined) {
      totals = { sum: new ExactSum(), count: 0 };
      for (const value of this.statement('SELECT value FROM ratings').pluck().all() as number[]) {
        totals.sum.add(value);
        totals.count++;
      }
      // Inside a transaction the view shows its uncommitted writes: such totals are not kept.
      if (!this.database.inTransaction) {
        this.ratingTotals = totals;
        this.ratingTotalsVersion = version;
      }
    } else if (this.pendingRatingTotals.length > 0) {
      totals = { sum: totals.sum.clone(), count: totals.count };
      for (const pending of this.pendingRatingTotals) {
        totals.sum.addSum(pending.sum);
        totals.count += pending.count;
      }
    }
    if (totals.count === 0) return undefined;
    const mean = totals.sum.value() / totals.count;
    // A rating that is not a finite number (no API writes one) leaves no exact sum: SQLite answers.
    return Number.isFinite(mean) ? mean : ((this.statement('SELECT AVG(value) FROM ratings').pluck().get() as number | null) ?? undefined);
  }

  /**
   * Runs `body` in an IMMEDIATE transaction (a savepoint when one is open) and keeps the rating totals in step with
   * what commits: a transaction's changes count once the outermost one commits, and go with one that rolls back.
   */
  private transaction<T>(body: () => T): T {
    const changes: RatingTotals = { sum: new ExactSum(), count: 0 };
    this.pendingRatingTotals.push(changes);
    let result: T;
    try {
      result = this.database.transaction(body).immediate();
    } finally {
      this.pendingRatingTotals.pop();
    }
    if (changes.count === 0 && changes.sum.isZero() && !changes.unknown) return result;
    const outer = this.pendingRatingTotals.at(-1);
    if (outer !== undefined) {
      outer.sum.addSum(changes.sum);
      outer.count += changes.count;
      if (changes.unknown) outer.unknown = true;
    } else if (this.database.inTransaction || changes.unknown || this.ratingTotals === undefined) {
      // Still inside a transaction the store did not open (it may yet roll back), or the totals are to be read anyway.
      this.ratingTotals = undefined;
    } else {
      this.ratingTotals.sum.addSum(changes.sum);
      this.ratingTotals.count += changes.count;
    }
    return result;
  }

  /** Counts a change to the current ratings in the innermost open transaction (outside one, the totals are read again). */
  private changeRatingTotals(change: { add?: number; remove?: number; unknown?: boolean }): void {
    const pending = this.pendingRatingTotals.at(-1);
    if (pending === undefined) {
      this.ratingTotals = undefined;
      return;
    }
    if (change.unknown) pending.unknown = true;
    if (change.add !== undefined) {
      pending.sum.add(change.add);
      pending.count++;
    }
    if (change.remove !== undefined) {
      pending.sum.add(-change.remove);
      pending.count--;
    }
  }

  /** Likes per item: current ratings of 4 or more, and implicit likes and purchases. */
  likeCounts(): Map<string, number> {
    this.likeChanges.clear();
    const rows = this.statement(
      `SELECT item_id AS itemId, COUNT(*) AS n FROM (SELECT item_id FROM ratings WHERE ${likedRating} UNION ALL SELECT item_id FROM events WHERE ${likedEvent}) GROUP BY item_id`,
    ).all() as { itemId: string; n: number }[];
    return new Map(rows.map((row) => [row.itemId, row.n]));
  }

  /**
   * Who likes what, as `likeCounts` counts it, each pair once (a user who rated a film 5 and also liked it counts one
   * like here): `[userId, itemId]` pairs in no particular order. The catalogue reads each film's audience from them.
   */
  likedPairs(): [userId: string, itemId: string][] {
    return this.statement(`SELECT user_id, item_id FROM ratings WHERE ${likedRating} UNION SELECT user_id, item_id FROM events WHERE ${likedEvent}`)
      .raw()
      .all() as [string, string][];
  }

  /** The like counts of some items (as `likeCounts` counts them; 0 for an item nobody likes). */
  likeCountsOf(itemIds: readonly string[]): Map<string, number> {
    const count = this.statement(
      `SELECT (SELECT COUNT(*) FROM ratings WHERE item_id = @id AND ${likedRating}) + (SELECT COUNT(*) FROM events WHERE item_id = @id AND ${likedEvent}) AS n`,
    );
    return new Map(itemIds.map((id) => [id, (count.get({ id }) as { n: number }).n]));
  }

  /**
   * The items whose like count may have changed (a rating or event of theirs was written, committed or not) since the
   * last call or `likeCounts`, and forgets them: the catalogue recounts just those.
   */
  takeLikeChanges(): string[] {
    const changed = [...this.likeChanges];
    this.likeChanges.clear();
    return changed;
  }

  /** Loads a whole data set (users, items, ratings) in one transaction; used to seed a fresh store. */
  importDataset(data: { users: readonly User[]; items: readonly Item[]; interactions: readonly Interaction[] }): void {
    const insertUser = this.statement('INSERT OR IGNORE INTO users (id, data, created_at) VALUES (?, ?, ?)');
    const insertItem = this.statement('INSERT OR IGNORE INTO items (id, data, created_at) VALUES (?, ?, ?)');
    const insertEvent = this.statement(
      'INSERT OR IGNORE INTO events (id, user_id, item_id, kind, value, event, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const now = this.clock.now();
    this.transaction(() => {
      // Rows may be ignored (already there) or not be current (an older rating): the totals are read again after it.
      this.changeRatingTotals({ unknown: true });
      for (const user of data.users) insertUser.run(user.id, JSON.stringify(user), user.createdAt ?? now);
      for (const item of data.items) insertItem.run(item.id, JSON.stringify(item), now);
      for (const [index, interaction] of data.interactions.entries()) {
        const value = interaction.kind === 'rating' ? interaction.value : interaction.weight;
        const event = interaction.kind === 'event' ? interaction.event : null;
        insertEvent.run(`import-${index}`, interaction.userId, interaction.itemId, interaction.kind, value, event, interaction.timestamp);
      }
    });
    this.itemsVersion++;
  }

  // Sessions and messages

  /**
   * A session not yet written: `addChatTurn` with `newSession: true` writes it in the turn's transaction (one
   * commit, so one sync to disk, per turn instead of two, and never a session without its first turn).
   */
  newSession(userId: string, id?: string): StoredSession {
    this.requireUser(userId);
    return { id: id ?? this.ids(), userId, startedAt: this.clock.now(), lastRecommended: [], constraints: noConstraints() };
  }

  getSession(id: string): StoredSession | undefined {
    const row = this.statement('SELECT id, user_id, started_at, last_recommended, constraints FROM sessions WHERE id = ?').get(id) as
      | { id: string; user_id: string; started_at: number; last_recommended: string; constraints: string }
      | undefined;
    if (row === undefined) return undefined;
    const constraints = parseStored(sessionConstraintsSchema, row.constraints, `session ${row.id} constraints`);
    return { id: row.id, userId: row.user_id, startedAt: row.started_at, lastRecommended: JSON.parse(row.last_recommended) as string[], constraints };
  }

  /** Writes a chat turn (the user's message and the reply) atomically with the session's state. */
  addChatTurn(turn: {
    session: StoredSession;
    /** The session is `newSession`'s and is written with the turn. */
    newSession?: boolean;
    userMessage: StoredMessage;
    reply: StoredMessage;
    lastRecommended: readonly string[];
    constraints?: SessionConstraints | undefined;
    /** The user's profile as the turn updated it, and the ratings it read from the message: written with it. */
    profile?: Profile | undefined;
    ratings?: readonly ChatRating[] | undefined;
    /** Runs inside the turn's transaction, after its rows: what it writes (the answer under an idempotency key) commits with the turn or not at all. */
    inTransaction?: (() => void) | undefined;
  }): void {
    const insert = this.statement(
      'INSERT INTO messages (id, user_id, session_id, role, content, timestamp, recommended) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.transaction(() => {
      if (turn.newSession) this.statement('INSERT INTO sessions (id, user_id, started_at) VALUES (?, ?, ?)').run(turn.session.id, turn.session.userId, turn.session.startedAt);
      for (const message of [turn.userMessage, turn.reply]) {
        insert.run(
          message.id,
          turn.session.userId,
          turn.session.id,
          message.role,
          message.content,
          message.timestamp,
          message.recommendedItemIds === undefined ? null : JSON.stringify(message.recommendedItemIds),
        );
      }
      this.statement('UPDATE sessions SET last_recommended = ?, constraints = ? WHERE id = ?').run(
        JSON.stringify(turn.lastRecommended),
        JSON.stringify(turn.constraints ?? turn.session.constraints),
        turn.session.id,
      );
      (turn.ratings ?? []).forEach((rating, index) => this.insertEvent(turn.session.userId, { kind: 'rating', ...rating }, index));
      if (turn.profile) this.saveProfile(turn.profile);
      turn.inTransaction?.();
    });
    this.touch(turn.session.userId);
  }

  /**
   * Ratings, events and messages for one user in one transaction: all are written or none. An
   * error names the entry by its position in `entries` (`events[3].itemId`), as the caller sent it.
   */
  addBatch(
    userId: string,
    entries: readonly BatchEntry[],
    options: {
      profile?: Profile | undefined;
      /** Runs inside the batch's transaction with what it wrote: what it writes commits with the batch or not at all. */
      inTransaction?: ((written: { events: Interaction[]; messages: StoredMessage[] }) => void) | undefined;
    } = {},
  ): { events: Interaction[]; messages: StoredMessage[] } {
    const written: { events: Interaction[]; messages: StoredMessage[] } = { events: [], messages: [] };
    this.transaction(() => {
      this.requireUser(userId);
      for (const [index, entry] of entries.entries()) {
        if (entry.kind === 'message') written.messages.push(this.insertMessage(userId, entry, index));
        else written.events.push(this.insertEvent(userId, entry, index));
      }
      // The profile the batch's messages updated, written with them (it cites their ids).
      if (options.profile) this.saveProfile(options.profile);
      options.inTransaction?.(written);
    });
    this.touch(userId);
    return written;
  }

  private insertEvent(userId: string, event: EventInput, index: number): Interaction {
    if (this.statement('SELECT 1 FROM items WHERE id = ?').get(event.itemId) === undefined) {
      throw new PersonalabError('not_found', `events[${index}].itemId: unknown item ${event.itemId}`, { details: { path: `events[${index}].itemId` } });
    }
    const timestamp = event.timestamp ?? this.clock.now();
    this.checkTimestamp(event.timestamp, index);
    const id = event.id ?? this.ids();
    const value = event.kind === 'rating' ? event.value : (event.weight ?? 1);
    // The user's current rating of the item (the view's newest), before and after: the new one may replace it, or not (dated earlier).
    const current = this.statement("SELECT seq, value FROM events WHERE user_id = ? AND item_id = ? AND kind = 'rating' ORDER BY timestamp DESC, seq DESC LIMIT 1");
    const replaced = event.kind === 'rating' ? (current.get(userId, event.itemId) as { seq: number; value: number } | undefined) : undefined;
    let inserted: Database.RunResult;
    try {
      inserted = this.statement('INSERT INTO events (id, user_id, item_id, kind, value, event, timestamp) VALUES (@id, @userId, @itemId, @kind, @value, @event, @timestamp)').run({
        id,
        userId,
        itemId: event.itemId,
        kind: event.kind,
        value,
        event: event.kind === 'event' ? event.event : (event.source ?? null),
        timestamp,
      });
    } catch (error) {
      // Ids are unique per user (migration 3): this is the user's own id, so naming it leaks nothing.
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new PersonalabError('conflict', `events[${index}].id: event ${id} already exists`, { details: { path: `events[${index}].id` } });
      }
      throw error;
    }
    if (event.kind === 'rating') {
      const after = current.get(userId, event.itemId) as { seq: number; value: number };
      if (BigInt(after.seq) === BigInt(inserted.lastInsertRowid)) this.changeRatingTotals({ add: after.value, ...(replaced ? { remove: replaced.value } : {}) });
    }
    // Recounted before popularity is next read (a rolled-back batch's items too: their count is then the same).
    this.likeChanges.add(event.itemId);
    return event.kind === 'rating'
      ? { kind: 'rating', userId, itemId: event.itemId, value, timestamp }
      : { kind: 'event', userId, itemId: event.itemId, event: event.event as 'view', weight: value, timestamp };
  }

  /**
   * A client's timestamp may run ahead of the server's clock by a day at most (clock skew): a rating dated later (a
   * client sending seconds for milliseconds' place, a wrong year) had stayed the newest for good, and no later rating
   * could replace it. Earlier timestamps (backfilled history) are taken as they are.
   */
  private checkTimestamp(timestamp: number | undefined, index: number): void {
    if (timestamp === undefined) return;
    const now = this.clock.now();
    if (timestamp <= now + maxTimestampAheadMs) return;
    const path = `events[${index}].timestamp`;
    const when = (ms: number) => (Number.isFinite(new Date(ms).getTime()) ? new Date(ms).toISOString() : 'out of range');
    throw new PersonalabError(
      'invalid_argument',
      `${path}: ${timestamp} (${when(timestamp)}) is more than a day after the server's clock (${when(now)}); timestamps are milliseconds since 1970, and a rating dated later than it was given could not be replaced by a later one`,
      { details: { path } },
    );
  }

  private insertMessage(userId: string, input: MessageInput, index: number): StoredMessage {
    if (input.sessionId !== undefined) {
      const session = this.getSession(input.sessionId);
      if (session === undefined || session.userId !== userId) {
        throw new PersonalabError('not_found', `events[${index}].sessionId: unknown session ${input.sessionId}`, { details: { path: `events[${index}].sessionId` } });
      }
    }
    this.checkTimestamp(input.timestamp, index);
    const message: StoredMessage = {
      id: input.id ?? this.ids(),
      role: input.role ?? 'user',
      content: input.content,
      timestamp: input.timestamp ?? this.clock.now(),
      userId,
      ...(input.sessionId === undefined ? {} : { sessionId: input.sessionId }),
    };
    this.statement('INSERT INTO messages (id, user_id, session_id, role, content, timestamp) VALUES (?, ?, ?, ?, ?, ?)').run(
      message.id,
      userId,
      input.sessionId ?? null,
      message.role,
      message.content,
      message.timestamp,
    );
    return message;
  }

  /** A user's messages, oldest first (the last `limit`). */
  messagesOf(userId: string, limit = 200): StoredMessage[] {
    const rows = this.statement('SELECT * FROM (SELECT * FROM messages WHERE user_id = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq').all(userId, limit) as MessageRow[];
    return rows.map(toMessage);
  }

  sessionMessages(sessionId: string, limit = 50): StoredMessage[] {
    // Read several times a chat turn: prepared once, as the other statements are.
    const rows = this.statement('SELECT * FROM (SELECT * FROM messages WHERE session_id = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq').all(sessionId, limit) as MessageRow[];
    return rows.map(toMessage);
  }

  messageCount(): number {
    return (this.statement('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
  }

  // Idempotency keys

  /** The answer stored under a caller's idempotency key, or undefined when there is none or it has expired. */
  findIdempotentResponse(caller: string, key: string): IdempotentResponse | undefined {
    const row = this.statement('SELECT request_hash, status, body FROM idempotency_keys WHERE caller = ? AND key = ? AND expires_at > ?').get(caller, key, this.clock.now()) as
      | { request_hash: string; status: number; body: string }
      | undefined;
    return row === undefined ? undefined : { requestHash: row.request_hash, status: row.status, body: row.body };
  }

  /**
   * Stores the answer to a caller's idempotent request, kept `ttlMs`. Called inside the transaction of the write it
   * answers (the `inTransaction` hooks), so a crash keeps both or neither. Expired keys go, and the caller's oldest
   * beyond `maxPerCaller`, so the table stays bounded whatever a client sends.
   */
  saveIdempotentResponse(entry: { caller: string; key: string; response: IdempotentResponse; ttlMs: number; maxPerCaller: number }): void {
    const now = this.clock.now();
    this.transaction(() => {
      this.statement('DELETE FROM idempotency_keys WHERE expires_at <= ?').run(now);
      this.statement('INSERT INTO idempotency_keys (caller, key, request_hash, status, body, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        entry.caller,
        entry.key,
        entry.response.requestHash,
        entry.response.status,
        entry.response.body,
        now,
        now + entry.ttlMs,
      );
      this.statement('DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE caller = ? ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ?)').run(
        entry.caller,
        Math.max(1, entry.maxPerCaller),
      );
    });
  }

  /** Idempotency keys stored (expired ones included until the next write drops them). */
  idempotencyKeyCount(): number {
    return (this.statement('SELECT COUNT(*) AS n FROM idempotency_keys').get() as { n: number }).n;
  }

  // Profiles

  getProfile(userId: string): Profile | undefined {
    const row = this.statement('SELECT data FROM profiles WHERE user_id = ?').get(userId) as { data: string } | undefined;
    return row === undefined ? undefined : parseStored(profileSchema, row.data, `profiles/${userId}`);
  }

  saveProfile(profile: Profile): void {
    this.statement(
      'INSERT INTO profiles (user_id, version, data, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET version = excluded.version, data = excluded.data, updated_at = excluded.updated_at',
    ).run(profile.userId, profile.version, JSON.stringify(profile), profile.updatedAt);
  }
}
