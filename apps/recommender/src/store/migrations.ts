import type Database from 'better-sqlite3';

/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
 * Append new steps, never edit old ones.
 */
export const migrations: readonly string[] = [
  `CREATE TABLE users (
     id TEXT PRIMARY KEY,
     data TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE items (
     id TEXT PRIMARY KEY,
     data TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     user_id TEXT NOT NULL REFERENCES users(id),
     item_id TEXT NOT NULL REFERENCES items(id),
     kind TEXT NOT NULL CHECK (kind IN ('rating', 'event')),
     value REAL NOT NULL,
     event TEXT,
     timestamp INTEGER NOT NULL
   );
   CREATE INDEX events_user ON events(user_id, seq);
   CREATE INDEX events_item ON events(item_id);
   CREATE TABLE sessions (
     id TEXT PRIMARY KEY,
     user_id TEXT NOT NULL REFERENCES users(id),
     started_at INTEGER NOT NULL,
     last_recommended TEXT NOT NULL DEFAULT '[]'
   );
   CREATE INDEX sessions_user ON sessions(user_id);
   CREATE TABLE messages (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     user_id TEXT NOT NULL REFERENCES users(id),
     session_id TEXT REFERENCES sessions(id),
     role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
     content TEXT NOT NULL,
     timestamp INTEGER NOT NULL,
     recommended TEXT
   );
   CREATE INDEX messages_user ON messages(user_id, seq);
   CREATE INDEX messages_session ON messages(session_id, seq);
   CREATE TABLE profiles (
     user_id TEXT PRIMARY KEY REFERENCES users(id),
     version INTEGER NOT NULL,
     data TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );`,
  // What the user asked for in a session (genres, years, audience), kept across its turns.
  `ALTER TABLE sessions ADD COLUMN constraints TEXT NOT NULL DEFAULT '{"tags":{}}';`,
  // Event ids are unique per user, not across users (one user's id must not collide with, or reveal,
  // another's): SQLite cannot drop a column's UNIQUE, so the table is rebuilt, keeping every row and seq.
  // The ratings view keeps the event log whole and shows each user's newest rating per item.
  `CREATE TABLE events_new (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL,
     user_id TEXT NOT NULL REFERENCES users(id),
     item_id TEXT NOT NULL REFERENCES items(id),
     kind TEXT NOT NULL CHECK (kind IN ('rating', 'event')),
     value REAL NOT NULL,
     event TEXT,
     timestamp INTEGER NOT NULL,
     UNIQUE (user_id, id)
   );
   INSERT INTO events_new (seq, id, user_id, item_id, kind, value, event, timestamp)
     SELECT seq, id, user_id, item_id, kind, value, event, timestamp FROM events;
   DROP TABLE events;
   ALTER TABLE events_new RENAME TO events;
   CREATE INDEX events_user ON events(user_id, seq);
   CREATE INDEX events_item ON events(item_id);
   CREATE INDEX events_user_item ON events(user_id, item_id, kind, timestamp);
   CREATE VIEW ratings AS
     SELECT seq, id, user_id, item_id, value, event, timestamp FROM events AS rating
     WHERE kind = 'rating' AND NOT EXISTS (
       SELECT 1 FROM events AS newer
       WHERE newer.user_id = rating.user_id AND newer.item_id = rating.item_id AND newer.kind = 'rating'
         AND (newer.timestamp > rating.timestamp OR (newer.timestamp = rating.timestamp AND newer.seq > rating.seq))
     );`,
  // A user's ratings or implicit events in time order, as every recommendation reads them: a seek and an ordered
  // scan instead of all the user's rows sorted in a temporary B-tree.
  `CREATE INDEX events_user_kind_time ON events(user_id, kind, timestamp, seq);`,
  // Idempotency keys (`Idempotency-Key` on POST /v1/chat and /v1/users/:id/events): per caller (a digest of the API
  // key), the request's digest and the answer, written in the transaction of the write it answers.
  `CREATE TABLE idempotency_keys (
     caller TEXT NOT NULL,
     key TEXT NOT NULL,
     request_hash TEXT NOT NULL,
     status INTEGER NOT NULL,
     body TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     PRIMARY KEY (caller, key)
   );
   CREATE INDEX idempotency_keys_expiry ON idempotency_keys(expires_at);
   CREATE INDEX idempotency_keys_caller_age ON idempotency_keys(caller, created_at);`,
];

/**
 * Runs the migrations a database has not seen yet, each in its own transaction; returns how many this call ran. The
 * version is read inside each step's IMMEDIATE transaction, so processes opening a new store at once run each step
 * once between them (each had read version 0 and run the first step, and all but one failed: "table users already
 * exists").
 */
export function migrate(database: Database.Database): number {
  let ran = 0;
  for (;;) {
    const stepped = database
      .transaction(() => {
        const current = database.pragma('user_version', { simple: true }) as number;
        if (current >= migrations.length) return false;
        database.exec(migrations[current] as string);
        database.pragma(`user_version = ${current + 1}`);
        return true;
      })
      .immediate();
    if (!stepped) return ran;
    ran++;
  }
}
