import { describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
import { isUnreachable, OutageWatch } from './service-outage.js';

/** Errors as `RecommenderHttpAssistant` throws them once a request's retries are spent. */
const refused = new PersonalabError('upstream_error', 'POST http://127.0.0.1:1/v1/chat failed: fetch failed (connect ECONNREFUSED 127.0.0.1:1)', { isRetryable: true });
const timedOut = new PersonalabError('upstream_timeout', 'POST http://127.0.0.1:1/v1/chat failed: no answer within 30000 ms', { isRetryable: true });
const answered = (status: number, code: 'upstream_error' | 'upstream_bad_response' | 'rate_limited' = status >= 500 ? 'upstream_error' : 'upstream_bad_response') =>
  new PersonalabError(code, `POST http://127.0.0.1:1/v1/chat answered ${status}`, { isRetryable: status >= 500 || status === 429, details: { status } });

describe('isUnreachable', () => {
  it('reads no answer, or a gateway without its service, as unreachable; any answer of the service as reached', () => {
    expect([refused, timedOut, answered(502), answered(503), answered(504)].map(isUnreachable)).toEqual([true, true, true, true, true]);
    expect([answered(400), answered(404), answered(500), answered(429, 'rate_limited'), new Error('connect ECONNREFUSED'), 'down'].map(isUnreachable)).toEqual([false, false, false, false, false, false]);
  });
});

describe('OutageWatch', () => {
  it('stops at the third conversation in a row that reaches no one, and for those failing so after', () => {
    const watch = new OutageWatch();
    expect([watch.failed(refused), watch.failed(timedOut)]).toEqual([false, false]);
    expect(watch.stoppedBy).toBeUndefined();
    expect(watch.failed(refused)).toBe(true);
    expect(watch.stoppedBy).toBe(refused);
    // Conversations in flight then fail alike: not stored either; an answer no longer starts the count over.
    watch.answered();
    expect(watch.failed(timedOut)).toBe(true);
    expect(watch.stoppedBy).toBe(refused);
  });

  it('starts the count over when the service answers: a conversation stored, or one failed on an error the service sent', () => {
    const watch = new OutageWatch();
    for (const reset of [() => watch.answered(), () => expect(watch.failed(answered(404))).toBe(false)]) {
      expect([watch.failed(refused), watch.failed(refused)]).toEqual([false, false]);
      reset();
    }
    expect([watch.failed(refused), watch.failed(refused)]).toEqual([false, false]);
    expect(watch.stoppedBy).toBeUndefined();
  });
});
