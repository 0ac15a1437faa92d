import { describe, expect, it } from 'vitest';
import { PersonalabError, errorCodes } from './index.js';

describe('error codes', () => {
  it('has a code for a well-formed request that is not to be processed as sent (HTTP 422)', () => {
    expect(errorCodes).toContain('unprocessable_content');
    const error = new PersonalabError('unprocessable_content', 'headers.idempotency-key: reused', { details: { path: 'headers.idempotency-key' } });
    expect(PersonalabError.is(error, 'unprocessable_content')).toBe(true);
    expect(PersonalabError.is(error, 'conflict')).toBe(false);
    expect(error.details).toEqual({ path: 'headers.idempotency-key' });
  });

  it('lists each code once', () => {
    expect(new Set(errorCodes).size).toBe(errorCodes.length);
  });
});
