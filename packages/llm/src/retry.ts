import { PersonalabError, type Clock } from '@personalab/core';

/** Waits `ms` milliseconds; rejects early when the signal aborts. Injectable for tests. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new PersonalabError('cancelled', 'cancelled while waiting to retry', { cause: signal.reason }));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new PersonalabError('cancelled', 'cancelled while waiting to retry', { cause: signal?.reason }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export interface RetryPolicy {
  /** Retries after the first attempt (0 = try once). */
  maxRetries: number;
  /** First backoff delay before jitter. */
  baseDelayMs: number;
  /** Cap on one backoff delay. */
  maxDelayMs: number;
  /** A Retry-After longer than this fails at once instead of stalling the run. */
  maxRetryAfterMs: number;
  sleep: Sleep;
  clock: Clock;
  /** Uniform in [0, 1), for jitter. */
  random: () => number;
}

/**
 * Parses a Retry-After value (delta seconds or an HTTP-date) or a `retry-after-ms` value into
 * milliseconds from `now`; undefined when absent or unreadable.
 */
export function parseRetryAfter(retryAfter: unknown, retryAfterMs: unknown, now: number): number | undefined {
  if (typeof retryAfterMs === 'string' && retryAfterMs.trim() !== '') {
    const value = Number(retryAfterMs);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  if (typeof retryAfter !== 'string' || retryAfter.trim() === '') return undefined;
  const trimmed = retryAfter.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retries spread out. */
export function backoffDelay(retry: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return ceiling / 2 + (ceiling / 2) * policy.random();
}

export interface RetryObserver {
  /** Called before each wait, with the error that caused it. */
  onRetry?(info: { retry: number; delayMs: number; error: PersonalabError }): void;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or the retries run out.
 * A server's Retry-After beats the computed backoff.
 */
export async function withRetries<T>(
  attempt: (attemptIndex: number) => Promise<T>,
  policy: RetryPolicy,
  options: RetryObserver & { signal?: AbortSignal | undefined } = {},
): Promise<T> {
  for (let attemptIndex = 0; ; attemptIndex++) {
    try {
      return await attempt(attemptIndex);
    } catch (caught) {
      if (!PersonalabError.is(caught) || !caught.isRetryable) throw caught;
      if (attemptIndex >= policy.maxRetries) {
        caught.details.attempts = attemptIndex + 1;
        // A one-line error should say the retries happened (a bare "HTTP 500" read as if none had).
        if (attemptIndex > 0) caught.message = `${caught.message} (gave up after ${attemptIndex + 1} attempts)`;
        throw caught;
      }
      const serverDelay = parseRetryAfter(caught.details.retryAfter, caught.details.retryAfterMs, policy.clock.now());
      if (serverDelay !== undefined && serverDelay > policy.maxRetryAfterMs) {
        throw new PersonalabError(caught.code, `${caught.message} (Retry-After ${Math.round(serverDelay)} ms exceeds the ${policy.maxRetryAfterMs} ms limit)`, {
          cause: caught,
          isRetryable: false,
          details: { ...caught.details, attempts: attemptIndex + 1 },
        });
      }
      const delayMs = serverDelay ?? backoffDelay(attemptIndex, policy);
      options.onRetry?.({ retry: attemptIndex + 1, delayMs, error: caught });
      await policy.sleep(delayMs, options.signal);
    }
  }
}
