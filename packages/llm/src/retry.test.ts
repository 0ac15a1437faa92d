import { describe, expect, it } from 'vitest';
import { PersonalabError, createManualClock } from '@personalab/core';
import { backoffDelay, parseRetryAfter, withRetries, type RetryPolicy } from './retry.js';

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    maxRetries: 3,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    maxRetryAfterMs: 60_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    clock: createManualClock(1_700_000_000_000),
    random: () => 0.5,
    ...overrides,
    sleeps,
  };
}

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delta seconds, HTTP-dates and retry-after-ms', () => {
    expect(parseRetryAfter('3', undefined, now)).toBe(3_000);
    expect(parseRetryAfter('0.5', undefined, now)).toBe(500);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:07 GMT', undefined, now)).toBe(7_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', undefined, now)).toBe(0);
    expect(parseRetryAfter('3', '250', now)).toBe(250);
  });
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', '', now)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('doubles per retry, is capped, and jitters within [half, full]', () => {
    const fixed = (random: number) => ({ baseDelayMs: 100, maxDelayMs: 1_000, random: () => random });
    expect([0, 1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, fixed(1)))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(backoffDelay(2, fixed(0))).toBe(200);
    expect(backoffDelay(2, fixed(0.5))).toBe(300);
  });
});

describe('withRetries', () => {
  const retryable = (details: Record<string, unknown> = {}) => new PersonalabError('upstream_error', 'boom', { isRetryable: true, details });

  it('retries retryable errors with growing delays, then succeeds', async () => {
    const settings = policy();
    let calls = 0;
    const result = await withRetries(async () => {
      calls++;
      if (calls < 3) throw retryable();
      return 'ok';
    }, settings);
    expect(result).toBe('ok');
    expect(settings.sleeps).toEqual([75, 150]);
  });

  it('prefers the server Retry-After over backoff', async () => {
    const settings = policy();
    let calls = 0;
    await withRetries(async () => {
      if (calls++ === 0) throw retryable({ retryAfter: '4' });
      return 'ok';
    }, settings);
    expect(settings.sleeps).toEqual([4_000]);
  });

  it('gives up after maxRetries and reports the attempts', async () => {
    const settings = policy({ maxRetries: 2 });
    let calls = 0;
    const error = await withRetries(async () => {
      calls++;
      throw retryable();
    }, settings).catch((caught: unknown) => caught);
    expect(calls).toBe(3);
    expect(PersonalabError.is(error, 'upstream_error')).toBe(true);
    expect((error as PersonalabError).details.attempts).toBe(3);
  });

  it('does not retry non-retryable errors or plain errors', async () => {
    const settings = policy();
    let calls = 0;
    await expect(
      withRetries(async () => {
        calls++;
        throw new PersonalabError('unauthenticated', 'no');
      }, settings),
    ).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(withRetries(async () => Promise.reject(new TypeError('bug')), settings)).rejects.toBeInstanceOf(TypeError);
    expect(calls).toBe(1);
    expect(settings.sleeps).toEqual([]);
  });

  it('fails at once when Retry-After exceeds the limit', async () => {
    const settings = policy({ maxRetryAfterMs: 10_000 });
    await expect(withRetries(async () => Promise.reject(retryable({ retryAfter: '3600' })), settings)).rejects.toMatchObject({
      isRetryable: false,
      message: expect.stringContaining('exceeds'),
    });
    expect(settings.sleeps).toEqual([]);
  });
});
