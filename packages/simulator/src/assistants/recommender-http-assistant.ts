import { z } from 'zod';
import { formatZodError, PersonalabError, type Assistant, type DialogueTurn } from '@personalab/core';

/** The parts of the recommender's `POST /v1/chat` answer that the assistant uses. */
const chatResponseSchema = z.object({
  sessionId: z.string().min(1),
  reply: z.string(),
  recommendations: z.array(z.object({ item: z.object({ id: z.string().min(1) }) })),
});

export interface RecommenderHttpAssistantOptions {
  /** Root of the recommender service, e.g. `http://127.0.0.1:3000` (without `/v1`). */
  baseUrl: string;
  apiKey?: string;
  /** Items per reply (the API's `k`). */
  k?: number;
  timeoutMs?: number;
  /** Retries on 429, 5xx and network errors. */
  maxRetries?: number;
  fetch?: typeof fetch;
  /** Waits between retries (injectable so tests do not sleep). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Prefix of the service's user ids for the simulated users (`sim-` makes user 1 `sim-1`), so that
   * they do not collide with the service's own users, who may be the same people with every
   * rating, the hidden targets included. Default: none (the ids as given).
   */
  userIdPrefix?: string;
}

/** A simulated user as the service should know them before the conversation: their visible history. */
export interface RegisteredUser {
  id: string;
  ratings: ReadonlyArray<{ itemId: string; value: number; timestamp?: number | undefined }>;
}

/** Events per `POST /v1/users/:id/events` call (the API takes at most 1,000). */
const EVENT_BATCH = 1000;

const isConflict = (error: unknown): boolean => error instanceof PersonalabError && error.details?.['status'] === 409;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The recommender service's HTTP chat API (`POST /v1/chat`) as an assistant. The service keeps
 * the dialogue in its own session, so each call sends only the newest user message and the
 * session id the service gave for this user's conversation.
 */
export class RecommenderHttpAssistant implements Assistant {
  readonly name = 'recommender-http';
  private readonly options: RecommenderHttpAssistantOptions;
  private readonly sessions = new Map<string, string>();

  constructor(options: RecommenderHttpAssistantOptions) {
    this.options = options;
  }

  async reply(options: { userId: string; dialogue: readonly DialogueTurn[]; signal?: AbortSignal }): Promise<{ content: string; recommendedItemIds: readonly string[]; itemsBeyondK?: number }> {
    const userTurns = options.dialogue.filter((turn) => turn.role === 'user');
    const message = userTurns.at(-1)?.content;
    if (message === undefined) throw new PersonalabError('invalid_argument', 'the dialogue has no user message to send');
    // A dialogue with one user turn is a new conversation: start a new session.
    if (userTurns.length === 1) this.sessions.delete(options.userId);
    const sessionId = this.sessions.get(options.userId);
    const body = { userId: this.serviceId(options.userId), message: message.slice(0, 4000), k: this.k(), ...(sessionId ? { sessionId } : {}) };
    const response = await this.post('/v1/chat', body, options.signal);
    const parsed = chatResponseSchema.safeParse(response);
    if (!parsed.success) throw new PersonalabError('upstream_bad_response', `POST /v1/chat answered an unexpected body: ${formatZodError(parsed.error)}`);
    this.sessions.set(options.userId, parsed.data.sessionId);
    // The service may answer more than `k` items or repeat one: keep the first `k` distinct ones, and
    // say how many more it offered (the harness records it in the transcript).
    const distinct = [...new Set(parsed.data.recommendations.map((entry) => entry.item.id))];
    const k = this.k();
    return { content: parsed.data.reply, recommendedItemIds: distinct.slice(0, k), ...(distinct.length > k ? { itemsBeyondK: distinct.length - k } : {}) };
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

  private async post(path: string, body: unknown, signal: AbortSignal | undefined): Promise<unknown> {
    const doFetch = this.options.fetch ?? fetch;
    const maxRetries = this.options.maxRetries ?? 2;
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}${path}`;
    let lastError: PersonalabError | undefined;
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      if (attempt > 0) await (this.options.sleep ?? realSleep)(200 * 2 ** (attempt - 1));
      const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}) },
          body: JSON.stringify(body),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (error) {
        if (signal?.aborted) throw new PersonalabError('cancelled', 'request cancelled', { cause: error });
        const timedOut = timeout.aborted;
        lastError = new PersonalabError(timedOut ? 'upstream_timeout' : 'upstream_error', `POST ${url} failed: ${(error as Error).message}`, { cause: error, isRetryable: true });
        continue;
      }
      const text = await response.text();
      if (response.ok) {
        try {
          return JSON.parse(text) as unknown;
        } catch (error) {
          throw new PersonalabError('upstream_bad_response', `POST ${url} answered non-JSON: ${text.slice(0, 200)}`, { cause: error });
        }
      }
      const retryable = response.status === 429 || response.status >= 500;
      const code = response.status === 429 ? 'rate_limited' : response.status === 401 ? 'unauthenticated' : retryable ? 'upstream_error' : 'upstream_bad_response';
      lastError = new PersonalabError(code, `POST ${url} answered ${response.status}: ${text.slice(0, 300)}`, { isRetryable: retryable, details: { status: response.status } });
      if (!retryable) throw lastError;
    }
    throw lastError ?? new PersonalabError('upstream_error', `POST ${url} failed`);
  }
}
