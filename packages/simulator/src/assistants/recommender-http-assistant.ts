import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { formatZodError, PersonalabError, systemClock, type Clock, type DialogueTurn } from '@personalab/core';
import { backoffDelay, causeMessages, parseRetryAfter, realSleep, type Sleep } from '@personalab/llm';
import { addServiceReports, emptyServiceReport, type ServiceReport, type ServiceReportingAssistant } from '../harness/service-report.js';

/** The parts of the recommender's `POST /v1/chat` answer that the assistant uses. */
const chatResponseSchema = z.object({
  sessionId: z.string().min(1),
  reply: z.string(),
  recommendations: z.array(z.object({ item: z.object({ id: z.string().min(1) }) })),
});

/** The recommender's error answer, as far as it names the request fields it refused (`{"error": {"paths": ["body.k"]}}`). */
const errorResponseSchema = z.object({ error: z.object({ message: z.string().optional(), paths: z.array(z.string()) }) });

/** The refused fields and the service's message of an error answer in the recommender's shape, if it is one. */
function refusedFields(text: string): { paths: string[]; message?: string } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = errorResponseSchema.safeParse(value);
  return parsed.success ? { paths: parsed.data.error.paths, ...(parsed.data.error.message === undefined ? {} : { message: parsed.data.error.message }) } : undefined;
}

/**
 * Whether an error is the service refusing the chat's `k` (the project's recommender takes at most 20): every
 * conversation would fail alike, so `simulate` stops at the first.
 */
export function isRefusedK(error: unknown): error is PersonalabError {
  return PersonalabError.is(error) && error.details?.['refused'] === 'k';
}

export interface RecommenderHttpAssistantOptions {
  /** Root of the recommender service, e.g. `http://127.0.0.1:3000` (without `/v1`). */
  baseUrl: string;
  apiKey?: string;
  /** Items per reply (the API's `k`). */
  k?: number;
  /** Limit on one attempt (default 30 s); a timed-out attempt is retried like a network error. */
  timeoutMs?: number;
  /**
   * Largest answer body read (default 1 MiB; the recommender's answers are a few KB). A larger one fails the request
   * (not retried): a runaway reply had been stored whole in the run store and the transcripts, and the simulated
   * user's turn on a 50 MB reply failed with "Invalid array length".
   */
  maxResponseBytes?: number;
  /**
   * Retries on 5xx, network errors and timeouts (default 2): a service that is down fails soon. Every attempt of
   * one request carries the same `Idempotency-Key`, so a chat turn the service wrote before its answer was lost
   * is answered again from the service's store, not written twice.
   */
  maxRetries?: number;
  /**
   * Retries on 429, and on a 409 with `Retry-After` (the service is still running an earlier attempt of the same
   * request; default 30 together). A rate-limited service is up and asks the client to slow down, so
   * these get a larger budget: a whole user set against the service's default 600 requests per
   * minute waits out each window instead of failing.
   */
  maxRateLimitRetries?: number;
  /** Total time one request may spend waiting on 429s before it fails (default 10 minutes). */
  maxRateLimitWaitMs?: number;
  /** Cap on one wait a 429's `Retry-After` asks for (default 120 s): a longer one is waited for this long, then retried. */
  maxRetryAfterMs?: number;
  /** First backoff delay when the answer says nothing about when to retry (default 250 ms; 4 times that for a 429). */
  retryBaseDelayMs?: number;
  /** Cap on one backoff delay (default 30 s). */
  maxRetryDelayMs?: number;
  fetch?: typeof fetch;
  /** Waits between retries; rejects when the signal aborts (injectable so tests do not sleep). */
  sleep?: Sleep;
  /** Reads HTTP-date `Retry-After` values against this clock (injectable for tests). */
  clock?: Clock;
  /** Uniform in [0, 1), the backoff's jitter (injectable for tests). */
  random?: () => number;
  /** Makes the `Idempotency-Key` of each request, sent unchanged on its retries (default `crypto.randomUUID`). */
  idempotencyKey?: () => string;
  /** Called before each wait between attempts, e.g. to say that the service rate-limits the run. */
  onRetry?: (info: RetryInfo) => void;
  /**
   * Prefix of the service's user ids for the simulated users (`sim-` makes user 1 `sim-1`), so that
   * they do not collide with the service's own users, who may be the same people with every
   * rating, the hidden targets included. Default: none (the ids as given).
   */
  userIdPrefix?: string;
}

/** What `onRetry` hears before a wait. */
export interface RetryInfo {
  /** `POST <url>` of the request. */
  request: string;
  /** The HTTP status that caused the wait; absent for a network error or timeout. */
  status?: number;
  /** The wait about to start. */
  delayMs: number;
  /** Whether the wait is the server's `Retry-After` (capped), not the client's own backoff. */
  fromRetryAfter: boolean;
  /** What the retry is counted under: the status ("429") or the kind of network error ("connection reset", "timeout"). */
  cause: string;
  /** Retries of this request so far, this one included. */
  retry: number;
  error: PersonalabError;
}

/** A simulated user as the service should know them before the conversation: their visible history. */
export interface RegisteredUser {
  id: string;
  ratings: ReadonlyArray<{ itemId: string; value: number; timestamp?: number | undefined }>;
}

/** Thrown by `readBody` for a body over the limit. */
class BodyTooLarge extends Error {}

/** The body as text, refusing one over `maxBytes` as soon as its `Content-Length` or its bytes so far pass it. */
async function readBody(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes || !response.body) {
    await response.body?.cancel();
    if (declared > maxBytes) throw new BodyTooLarge();
    return '';
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel();
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Events per `POST /v1/users/:id/events` call (the API takes at most 1,000). */
const EVENT_BATCH = 1000;

const isConflict = (error: unknown): boolean => error instanceof PersonalabError && error.details?.['status'] === 409;

/** Names of the network errors a retry is counted under, by the code Node or undici gives them. */
const networkErrorKinds: Record<string, string> = {
  ECONNRESET: 'connection reset',
  ECONNREFUSED: 'connection refused',
  // undici's "other side closed": the service closed the connection before answering.
  UND_ERR_SOCKET: 'connection closed',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'connect timeout',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/**
 * The kind of a failed fetch, from the first error code in its causes: "connection reset", "connection refused",
 * "connection closed" (the service dropped the connection), …; an unlisted code as it is, "network error" without one.
 */
export function networkErrorKind(error: unknown): string {
  for (let current = error, depth = 0; current instanceof Error && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return networkErrorKinds[code] ?? code;
    // Several addresses each refused: an AggregateError, its code on the errors inside.
    current = current instanceof AggregateError && current.errors[0] instanceof Error ? current.errors[0] : current.cause;
  }
  return 'network error';
}

/**
 * "fetch failed" with what failed underneath (undici puts it in `cause`): "fetch failed (connect
 * ECONNREFUSED 127.0.0.1:3000)". A host with several addresses fails with an AggregateError whose
 * own message is empty: its errors are listed.
 */
export function describeFetchError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const detail = causeMessages(error instanceof Error ? error.cause : undefined).filter((text) => text !== message);
  return detail.length === 0 ? message : `${message} (${detail.join('; ')})`;
}

/**
 * The recommender service's HTTP chat API (`POST /v1/chat`) as an assistant. The service keeps
 * the dialogue in its own session, so each call sends only the newest user message and the
 * session id the service gave for this user's conversation. A turn is not idempotent, so each
 * request carries an `Idempotency-Key` (a UUID) that its retries repeat: a turn the service wrote
 * before its answer was lost is answered again, not written twice. Retries are counted by cause, per
 * conversation (`takeServiceReport`, which `simulate` stores) and in all (`serviceTotals`).
 */
export class RecommenderHttpAssistant implements ServiceReportingAssistant {
  readonly name = 'recommender-http';
  private readonly options: RecommenderHttpAssistantOptions;
  private readonly sessions = new Map<string, string>();
  /** The requests of each user's conversation since it started or was last taken (`takeServiceReport`). */
  private readonly conversationReports = new Map<string, ServiceReport>();
  /** Every request this assistant made, users' registration included. */
  private readonly totals = emptyServiceReport();

  constructor(options: RecommenderHttpAssistantOptions) {
    this.options = options;
  }

  async reply(options: { userId: string; dialogue: readonly DialogueTurn[]; signal?: AbortSignal }): Promise<{ content: string; recommendedItemIds: readonly string[]; itemsBeyondK?: number }> {
    const userTurns = options.dialogue.filter((turn) => turn.role === 'user');
    const message = userTurns.at(-1)?.content;
    if (message === undefined) throw new PersonalabError('invalid_argument', 'the dialogue has no user message to send');
    // A dialogue with one user turn is a new conversation: start a new session, and a new account of its requests.
    if (userTurns.length === 1) {
      this.sessions.delete(options.userId);
      this.conversationReports.set(options.userId, emptyServiceReport());
    }
    const sessionId = this.sessions.get(options.userId);
    const body = { userId: this.serviceId(options.userId), message: message.slice(0, 4000), k: this.k(), ...(sessionId ? { sessionId } : {}) };
    let report = this.conversationReports.get(options.userId);
    if (!report) this.conversationReports.set(options.userId, (report = emptyServiceReport()));
    let response: unknown;
    try {
      response = await this.post('/v1/chat', body, options.signal, report);
    } catch (error) {
      const refused = PersonalabError.is(error) && error.details?.['status'] === 400 ? (error.details['fields'] as ReturnType<typeof refusedFields>) : undefined;
      if (!refused?.paths.includes('body.k')) throw error;
      throw new PersonalabError('invalid_argument', `POST ${this.url('/v1/chat')} refused k = ${body.k} (${refused.message ?? 'body.k'}): ask for fewer items a turn`, {
        cause: error,
        details: { status: 400, refused: 'k', k: body.k },
      });
    }
    const parsed = chatResponseSchema.safeParse(response);
    if (!parsed.success) {
      // A list of the wrong shape has a problem per element: the first few say what is wrong.
      const issues = parsed.error.issues;
      const shown = formatZodError(new z.ZodError(issues.slice(0, 3)));
      throw new PersonalabError('upstream_bad_response', `POST ${this.url('/v1/chat')} answered an unexpected body: ${shown}${issues.length > 3 ? `; … and ${issues.length - 3} more` : ''}`);
    }
    this.sessions.set(options.userId, parsed.data.sessionId);
    // The service may answer more than `k` items or repeat one: keep the first `k` distinct ones, and
    // say how many more it offered (the harness records it in the transcript).
    const distinct = [...new Set(parsed.data.recommendations.map((entry) => entry.item.id))];
    const k = this.k();
    return { content: parsed.data.reply, recommendedItemIds: distinct.slice(0, k), ...(distinct.length > k ? { itemsBeyondK: distinct.length - k } : {}) };
  }

  /**
   * The requests, retries by cause and requests that failed after their retries of the user's conversation (its
   * chat turns), since it started or since the last take; forgets them. `simulate` stores this with the conversation.
   */
  takeServiceReport(userId: string): ServiceReport {
    const report = this.conversationReports.get(userId) ?? emptyServiceReport();
    this.conversationReports.delete(userId);
    return report;
  }

  /** Every request this assistant made so far (chat turns and users' registration), with its retries by cause. */
  serviceTotals(): ServiceReport {
    return addServiceReports(emptyServiceReport(), this.totals);
  }

  private url(path: string): string {
    return `${this.options.baseUrl.replace(/\/+$/, '')}${path}`;
  }

  private k(): number {
    return this.options.k ?? 5;
  }

  /** The service's id of a simulated user. */
  serviceId(userId: string): string {
    return `${this.options.userIdPrefix ?? ''}${userId}`;
  }

  /**
   * Creates the simulated users on the service with their visible ratings (`POST /v1/users`, then
   * their ratings in batches). A user the service already has (409) was created by an earlier run
   * that may have stopped before its ratings were all sent, so its ratings are posted again. The
   * service does not dedupe events silently: it refuses a batch holding an event id it already
   * has with 409, writing none of it. Rating ids are derived from the user and item and a batch is
   * written in one transaction, so a batch of an existing user answered 409 was stored whole before
   * and is skipped: nothing is stored twice and nothing is lost. A user's repeated ratings of one item
   * are sent once (the latest). Returns how many users were created.
   */
  async registerUsers(users: readonly RegisteredUser[], signal?: AbortSignal): Promise<number> {
    let created = 0;
    for (const user of users) {
      const id = this.serviceId(user.id);
      let existed = false;
      try {
        await this.post('/v1/users', { id }, signal);
        created++;
      } catch (error) {
        if (!isConflict(error)) throw error;
        existed = true;
      }
      // One rating per item (the latest given): event ids are derived from user and item, so a second
      // rating of an item would repeat an id and the service would refuse its whole batch.
      const latest = new Map<string, RegisteredUser['ratings'][number]>();
      for (const rating of user.ratings) {
        const earlier = latest.get(rating.itemId);
        if (!earlier || (rating.timestamp ?? 0) >= (earlier.timestamp ?? 0)) latest.set(rating.itemId, rating);
      }
      const ratings = [...latest.values()];
      for (let start = 0; start < ratings.length; start += EVENT_BATCH) {
        const events = ratings.slice(start, start + EVENT_BATCH).map((rating) => ({
          type: 'rating' as const,
          id: `${id}:${rating.itemId}`,
          itemId: rating.itemId,
          value: rating.value,
          ...(rating.timestamp === undefined ? {} : { timestamp: rating.timestamp }),
        }));
        try {
          await this.post(`/v1/users/${encodeURIComponent(id)}/events`, { events }, signal);
        } catch (error) {
          // The batch's ids exist: an earlier run stored this batch (in one transaction, so whole). Only a
          // user that existed before can have them; for a user created just now a conflict is an error.
          if (!existed || !isConflict(error)) throw error;
        }
      }
    }
    return created;
  }

  /** Posts with the retries described on the options; counts the request and its retries in the totals and in `account`. */
  private async post(path: string, body: unknown, signal: AbortSignal | undefined, account?: ServiceReport): Promise<unknown> {
    const doFetch = this.options.fetch ?? fetch;
    const sleep = this.options.sleep ?? realSleep;
    const maxRetries = this.options.maxRetries ?? 2;
    const maxRateLimitRetries = this.options.maxRateLimitRetries ?? 30;
    const maxRateLimitWaitMs = this.options.maxRateLimitWaitMs ?? 600_000;
    const maxRetryAfterMs = this.options.maxRetryAfterMs ?? 120_000;
    const baseDelayMs = this.options.retryBaseDelayMs ?? 250;
    const maxDelayMs = this.options.maxRetryDelayMs ?? 30_000;
    const random = this.options.random ?? Math.random;
    const url = this.url(path);
    const maxResponseBytes = this.options.maxResponseBytes ?? 1_048_576;
    // One key per request, the same on every retry: a write the service made before its answer was lost is not made again.
    const idempotencyKey = (this.options.idempotencyKey ?? randomUUID)();
    const accounts = [this.totals, ...(account ? [account] : [])];
    for (const report of accounts) report.requests++;
    // A retryable failure that outlasted its budget: the service was down or stayed limited.
    const gaveUp = (error: PersonalabError): PersonalabError => {
      for (const report of accounts) report.failedRequests++;
      return error;
    };
    let errorRetries = 0;
    let rateLimitRetries = 0;
    let rateLimitWaitedMs = 0;
    while (true) {
      const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
      let response: Response | undefined;
      let text: string;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey, ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}) },
          body: JSON.stringify(body),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        text = await readBody(response, maxResponseBytes);
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          throw new PersonalabError(
            'upstream_bad_response',
            `POST ${url} answered a body of more than ${maxResponseBytes} bytes (status ${response?.status ?? 'unknown'}): an answer that long is a fault of the service, not read`,
          );
        }
        if (signal?.aborted) throw new PersonalabError('cancelled', 'request cancelled', { cause: error });
        const timedOut = timeout.aborted;
        const failure = new PersonalabError(
          timedOut ? 'upstream_timeout' : 'upstream_error',
          `POST ${url} failed: ${timedOut ? `no answer within ${this.options.timeoutMs ?? 30_000} ms` : describeFetchError(error)}`,
          { cause: error, isRetryable: true },
        );
        if (errorRetries >= maxRetries) throw gaveUp(failure);
        errorRetries++;
        const cause = timedOut ? 'timeout' : networkErrorKind(error);
        await this.wait({ request: `POST ${url}`, delayMs: backoffDelay(errorRetries - 1, { baseDelayMs, maxDelayMs, random }), fromRetryAfter: false, cause, retry: errorRetries + rateLimitRetries, error: failure }, sleep, signal, accounts);
        continue;
      }
      if (response.ok) {
        try {
          return JSON.parse(text) as unknown;
        } catch (error) {
          throw new PersonalabError('upstream_bad_response', `POST ${url} answered ${text.trim() === '' ? `${response.status} with an empty body, not JSON` : `non-JSON: ${text.slice(0, 200)}`}`, { cause: error });
        }
      }
      const status = response.status;
      const retryAfter = response.headers.get('retry-after');
      // A 409 with Retry-After: an earlier attempt of this request (same key) is still running on the service.
      const stillRunning = status === 409 && retryAfter !== null;
      const retryable = status === 429 || status >= 500 || stillRunning;
      const code = status === 429 ? 'rate_limited' : status === 401 ? 'unauthenticated' : status >= 500 ? 'upstream_error' : stillRunning ? 'conflict' : 'upstream_bad_response';
      const failure = new PersonalabError(code, `POST ${url} answered ${status}: ${text.slice(0, 300)}`, {
        isRetryable: retryable,
        details: { status, ...(retryAfter === null ? {} : { retryAfter }), ...(status === 400 ? { fields: refusedFields(text) } : {}) },
      });
      if (!retryable) throw failure;
      const serverDelay = parseRetryAfter(retryAfter ?? undefined, response.headers.get('retry-after-ms') ?? undefined, (this.options.clock ?? systemClock).now());
      if (status === 429 || stillRunning) {
        // The service is up and asks the client to slow down (or to come back for the answer of the attempt it is
        // still running): honour its Retry-After (capped), else back off from a second.
        const delayMs = serverDelay !== undefined ? Math.min(serverDelay, maxRetryAfterMs) : backoffDelay(rateLimitRetries, { baseDelayMs: 4 * baseDelayMs, maxDelayMs, random });
        if (rateLimitRetries >= maxRateLimitRetries || rateLimitWaitedMs + delayMs > maxRateLimitWaitMs) {
          const waited = `after ${rateLimitRetries} retries and ${Math.round(rateLimitWaitedMs / 1000)} s of waiting`;
          if (stillRunning) throw gaveUp(new PersonalabError('upstream_timeout', `${failure.message} (the service was still running the first attempt ${waited})`, { isRetryable: true, details: failure.details }));
          throw gaveUp(
            new PersonalabError('rate_limited', `${failure.message} (still rate-limited ${waited}; raise the service's rate limit, e.g. PERSONALAB_RATE_LIMIT, or lower --concurrency)`, {
              isRetryable: true,
              details: failure.details,
            }),
          );
        }
        rateLimitRetries++;
        rateLimitWaitedMs += delayMs;
        await this.wait({ request: `POST ${url}`, status, delayMs, fromRetryAfter: serverDelay !== undefined, cause: String(status), retry: errorRetries + rateLimitRetries, error: failure }, sleep, signal, accounts);
        continue;
      }
      if (errorRetries >= maxRetries) throw gaveUp(failure);
      errorRetries++;
      const delayMs = serverDelay !== undefined ? Math.min(serverDelay, maxRetryAfterMs) : backoffDelay(errorRetries - 1, { baseDelayMs, maxDelayMs, random });
      await this.wait({ request: `POST ${url}`, status, delayMs, fromRetryAfter: serverDelay !== undefined, cause: String(status), retry: errorRetries + rateLimitRetries, error: failure }, sleep, signal, accounts);
    }
  }

  /** Counts the retry under its cause, reports the wait, then sleeps; an abort while waiting ends the request as cancelled. */
  private async wait(info: RetryInfo, sleep: Sleep, signal: AbortSignal | undefined, accounts: readonly ServiceReport[]): Promise<void> {
    for (const report of accounts) report.retries[info.cause] = (report.retries[info.cause] ?? 0) + 1;
    this.options.onRetry?.(info);
    try {
      await sleep(info.delayMs, signal);
    } catch (error) {
      if (signal?.aborted) throw PersonalabError.is(error, 'cancelled') ? error : new PersonalabError('cancelled', 'request cancelled', { cause: error });
      throw error;
    }
    if (signal?.aborted) throw new PersonalabError('cancelled', 'request cancelled', { cause: signal.reason });
  }
}
