import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PersonalabError } from '@personalab/core';
import type { RecommenderStore } from '../store/store.js';
import { bearerToken } from './auth.js';
import type { Metrics } from './metrics.js';

/** The request header (RFC draft `draft-ietf-httpapi-idempotency-key-header`), as fastify names it. */
export const idempotencyKeyHeader = 'idempotency-key';
/** Set on an answer replayed from the store rather than produced by running the request. */
export const replayedHeader = 'idempotent-replayed';
/** Seconds a repeat of a request still running is asked to wait (`Retry-After`). */
export const inProgressRetryAfterSeconds = 1;

const keyPath = `headers.${idempotencyKeyHeader}`;

/** How long an answer is kept under its key unless `IdempotencyOptions.ttlMs` says otherwise: 24 h. */
export const defaultIdempotencyTtlMs = 24 * 60 * 60 * 1000;
/** Keys kept per API key unless `IdempotencyOptions.maxKeysPerCaller` says otherwise. */
export const defaultIdempotencyMaxKeys = 10_000;

/** "24 h", "90 min", "30 s" or "1500 ms": the largest unit that divides the time exactly. */
function describeDuration(ms: number): string {
  for (const [unit, size] of [['h', 3_600_000], ['min', 60_000], ['s', 1000]] as const) if (ms % size === 0) return `${ms / size} ${unit}`;
  return `${ms} ms`;
}

/**
 * The headers of a route that takes an idempotency key: loose, as every other header passes through untouched.
 * Printable ASCII only: a key is an opaque token (a UUID), stored and compared byte for byte. The description
 * states the server's own time to live and cap, so the document served is true to its settings.
 */
export function idempotencyHeadersSchema(options: IdempotencyOptions = {}) {
  const { ttlMs, maxKeysPerCaller } = idempotencySettings(options);
  return z.looseObject({
    [idempotencyKeyHeader]: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[\x20-\x7E]*$/, 'must be printable ASCII (space to ~)')
      .optional()
      .describe(
        'optional, 1 to 255 printable ASCII characters (a UUID per request): a repeat of the request with the same key and body ' +
          'gets the first answer again (status and body, with `Idempotent-Replayed: true`) without running it twice; the same key with ' +
          'another body or route is a 422, a repeat while the first is still running a 409 with `Retry-After`. ' +
          `Keys are per API key, kept ${describeDuration(ttlMs)}, at most the newest ${maxKeysPerCaller.toLocaleString('en-US')} per API key.`,
      ),
  });
}

export interface IdempotencyOptions {
  /** How long an answer is kept under its key, in milliseconds (default 24 h); a positive integer. */
  ttlMs?: number | undefined;
  /** Keys kept per API key; the oldest beyond it are dropped (default 10,000); a positive integer. */
  maxKeysPerCaller?: number | undefined;
}

/** The options with their defaults; a value that is not a positive integer is an `invalid_argument` naming the option. */
export function idempotencySettings(options: IdempotencyOptions): { ttlMs: number; maxKeysPerCaller: number } {
  const setting = (name: keyof IdempotencyOptions, fallback: number) => {
    const value = options[name] ?? fallback;
    if (!Number.isSafeInteger(value) || value < 1) throw new PersonalabError('invalid_argument', `idempotency.${name} must be a positive integer, got ${String(value)}`);
    return value;
  };
  return { ttlMs: setting('ttlMs', defaultIdempotencyTtlMs), maxKeysPerCaller: setting('maxKeysPerCaller', defaultIdempotencyMaxKeys) };
}

/** What an idempotent route answers: run now, or replayed from the store. */
export interface IdempotentAnswer {
  status: number;
  /** JSON text, sent as is so a replay is byte for byte the first answer. */
  body: string;
  replayed: boolean;
}

/** Stores the answer under the request's key; called inside the transaction of the write it answers. */
export type RecordAnswer = (body: string) => void;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** JSON with object keys sorted, so a body sent again with its keys in another order is the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * `Idempotency-Key` for the write routes (`POST /v1/chat`, `POST /v1/users/:id/events`). A chat turn is not
 * idempotent: a client that lost the answer and sent the turn again had it written twice. With a key, the first
 * request's answer is stored in the transaction of its write, so the two commit together (a crash keeps both or
 * neither, and a restart keeps the key); a repeat with the same body gets that answer without running again.
 * Only a completed write stores an answer: a refused request (4xx, 5xx) wrote nothing, and its key may be sent again.
 * As draft-ietf-httpapi-idempotency-key-header says: the key with another request (body or route) is a 422, which no
 * retry can cure; a repeat while the first is still running (in this process: one server holds the state directory)
 * is a 409 with `Retry-After` rather than a wait, so a client's timeout never stacks waiting requests on the server.
 */
export class IdempotencyKeys {
  private readonly store: RecommenderStore;
  private readonly metrics: Metrics;
  private readonly ttlMs: number;
  private readonly maxKeysPerCaller: number;
  /** Requests with a key now running: caller and key → the request's digest. */
  private readonly running = new Map<string, string>();

  constructor(options: { store: RecommenderStore; metrics: Metrics } & IdempotencyOptions) {
    this.store = options.store;
    this.metrics = options.metrics;
    const settings = idempotencySettings(options);
    this.ttlMs = settings.ttlMs;
    this.maxKeysPerCaller = settings.maxKeysPerCaller;
    this.metrics.define('personalab_idempotent_replays_total', 'counter', 'Requests answered from the store under an Idempotency-Key, by route');
  }

  /**
   * Runs `work` (which returns the answer's JSON text and, when given `record`, calls it with that text inside the
   * write's transaction), or answers from the store. Without a key the request runs as before.
   */
  async run(request: FastifyRequest, status: number, work: (record: RecordAnswer | undefined) => Promise<string>): Promise<IdempotentAnswer> {
    const key = request.headers[idempotencyKeyHeader];
    if (typeof key !== 'string') return { status, body: await work(undefined), replayed: false };
    // Keys are per API key, and the key itself is not stored: its digest names the caller.
    const caller = sha256(bearerToken(request) ?? '');
    const requestHash = sha256(canonicalJson([request.method, request.routeOptions.url, request.params, request.body]));
    const stored = this.store.findIdempotentResponse(caller, key);
    if (stored !== undefined) {
      if (stored.requestHash !== requestHash) throw reused(key);
      this.metrics.increment('personalab_idempotent_replays_total', { route: request.routeOptions.url ?? 'unmatched' });
      return { status: stored.status, body: stored.body, replayed: true };
    }
    const slot = `${caller}\u0000${key}`;
    const runningHash = this.running.get(slot);
    if (runningHash !== undefined) {
      if (runningHash !== requestHash) throw reused(key);
      throw new PersonalabError('conflict', `${keyPath}: the first request with key ${JSON.stringify(key)} is still running; send it again after ${inProgressRetryAfterSeconds} s for its answer`, {
        details: { path: keyPath, retryAfterSeconds: inProgressRetryAfterSeconds },
      });
    }
    this.running.set(slot, requestHash);
    try {
      const record: RecordAnswer = (body) => this.store.saveIdempotentResponse({ caller, key, response: { requestHash, status, body }, ttlMs: this.ttlMs, maxPerCaller: this.maxKeysPerCaller });
      return { status, body: await work(record), replayed: false };
    } finally {
      this.running.delete(slot);
    }
  }
}

/** The key with another request: 422 (the draft's "key reused with a different payload"), never asked to retry. */
const reused = (key: string) =>
  new PersonalabError('unprocessable_content', `${keyPath}: Idempotency-Key ${JSON.stringify(key)} was already used with another request (route or body); send a new key with a new request`, {
    details: { path: keyPath },
  });
