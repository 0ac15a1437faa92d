import { PersonalabError } from '@personalab/core';

/** Caps how many calls run at once; share one between models that hit the same server. */
export interface ConcurrencyLimiter {
  readonly limit: number;
  /** Calls running now. */
  readonly active: number;
  /** Calls waiting for a slot. */
  readonly pending: number;
  /** The most calls that ever ran at once. */
  readonly peak: number;
  /** Runs `task` once a slot is free; a waiting call leaves the queue when its signal aborts. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export function createConcurrencyLimiter(limit: number): ConcurrencyLimiter {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new PersonalabError('invalid_argument', `concurrency limit must be a positive integer, got ${limit}`);
  }
  let active = 0;
  let peak = 0;
  const waiting: Array<() => void> = [];

  const release = () => {
    active--;
    const next = waiting.shift();
    if (next) next();
  };

  const acquire = (signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) return Promise.reject(new PersonalabError('cancelled', 'cancelled while waiting for a free LLM slot'));
    if (active < limit) {
      active++;
      peak = Math.max(peak, active);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        active++;
        peak = Math.max(peak, active);
        resolve();
      };
      const onAbort = () => {
        const index = waiting.indexOf(grant);
        if (index >= 0) waiting.splice(index, 1);
        reject(new PersonalabError('cancelled', 'cancelled while waiting for a free LLM slot'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      waiting.push(grant);
    });
  };

  return {
    limit,
    get active() {
      return active;
    },
    get pending() {
      return waiting.length;
    },
    get peak() {
      return peak;
    },
    async run(task, signal) {
      await acquire(signal);
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
