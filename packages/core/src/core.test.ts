import { describe, expect, it } from 'vitest';
import {
  PersonalabError,
  createRandom,
  dataError,
  emptyProfile,
  formatZodError,
  hashString,
  interactionSchema,
  loadConfig,
  profileSchema,
} from './index.js';

describe('PersonalabError', () => {
  it('carries code, retryability and cause', () => {
    const cause = new Error('socket hang up');
    const error = new PersonalabError('upstream_error', 'endpoint failed', { cause, isRetryable: true });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('upstream_error');
    expect(error.isRetryable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(PersonalabError.is(error, 'upstream_error')).toBe(true);
    expect(PersonalabError.is(error, 'not_found')).toBe(false);
  });

  it('names file and line for data errors', () => {
    const error = dataError('u.data', 17, 'rating is not a number');
    expect(error.message).toBe('u.data:17: rating is not a number');
    expect(error.details).toEqual({ file: 'u.data', line: 17 });
  });
});

describe('schemas', () => {
  it('reports the JSON path of a bad field', () => {
    const result = interactionSchema.safeParse({ kind: 'rating', userId: 'u1', itemId: 'i1', value: 'five', timestamp: 1 });
    expect(result.success).toBe(false);
    if (!result.success) expect(formatZodError(result.error)).toMatch(/^value: /);
  });

  it('accepts an empty profile and rejects a fact without evidence', () => {
    const profile = emptyProfile('u1', 5);
    expect(profileSchema.parse(profile)).toEqual(profile);
    const bad = { ...profile, facts: [{ key: 'pet', value: 'I have a dog', confidence: 0.9, firstSeen: 1, lastUpdated: 1, evidence: [] }] };
    const result = profileSchema.safeParse(bad);
    expect(result.success).toBe(false);
    if (!result.success) expect(formatZodError(result.error)).toContain('facts[0].evidence');
  });
});

describe('config', () => {
  it('defaults to offline and parses numbers', () => {
    const config = loadConfig({ PERSONALAB_LLM_CONCURRENCY: '3' });
    expect(config.llm.enabled).toBe(false);
    expect(config.llm.concurrency).toBe(3);
    expect(config.server.port).toBe(3000);
  });

  it('enables the LLM when a base URL is set and names a bad variable', () => {
    expect(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1' }).llm.enabled).toBe(true);
    expect(() => loadConfig({ PERSONALAB_TF_BACKEND: 'tpu' })).toThrow(/PERSONALAB_TF_BACKEND/);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  });

  it('reads the chat LLM circuit settings with their defaults and refuses bad values by name', () => {
    expect(loadConfig({}).server.llmCircuit).toEqual({ failureThreshold: 3, windowMs: 60_000, cooldownMs: 30_000 });
    expect(loadConfig({ PERSONALAB_CHAT_LLM_CIRCUIT_FAILURES: '5', PERSONALAB_CHAT_LLM_CIRCUIT_COOLDOWN_MS: '1000' }).server.llmCircuit).toEqual({ failureThreshold: 5, windowMs: 60_000, cooldownMs: 1000 });
    expect(() => loadConfig({ PERSONALAB_CHAT_LLM_CIRCUIT_FAILURES: '0' })).toThrow(/PERSONALAB_CHAT_LLM_CIRCUIT_FAILURES/);
    expect(() => loadConfig({ PERSONALAB_CHAT_LLM_CIRCUIT_WINDOW_MS: 'soon' })).toThrow(/PERSONALAB_CHAT_LLM_CIRCUIT_WINDOW_MS/);
  });

  it('reads the idempotency-key settings with their defaults and refuses bad values by name', () => {
    expect(loadConfig({}).server).toMatchObject({ idempotencyTtlMs: 86_400_000, idempotencyMaxKeys: 10_000 });
    const config = loadConfig({ PERSONALAB_IDEMPOTENCY_TTL_MS: '60000', PERSONALAB_IDEMPOTENCY_MAX_KEYS: '25' });
    expect(config.server).toMatchObject({ idempotencyTtlMs: 60_000, idempotencyMaxKeys: 25 });
    expect(() => loadConfig({ PERSONALAB_IDEMPOTENCY_TTL_MS: '0' })).toThrow(/PERSONALAB_IDEMPOTENCY_TTL_MS/);
    expect(() => loadConfig({ PERSONALAB_IDEMPOTENCY_MAX_KEYS: 'many' })).toThrow(/PERSONALAB_IDEMPOTENCY_MAX_KEYS/);
  });
});

describe('random', () => {
  it('is reproducible for a seed and differs across seeds', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
  });

  it('has roughly uniform mean and normal variance', () => {
    const random = createRandom(1);
    let sum = 0;
    let squares = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      sum += random.next();
      const z = random.normal();
      squares += z * z;
    }
    expect(sum / n).toBeCloseTo(0.5, 1);
    expect(squares / n).toBeCloseTo(1, 1);
    expect(hashString('abc')).toBe(hashString('abc'));
    expect(hashString('abc')).not.toBe(hashString('abd'));
  });

  it('refuses a seed that is not a finite number and int(n) below 1', () => {
    // NaN had given seed 0's stream silently (a missing option read as Number(undefined)).
    expect(() => createRandom(Number.NaN)).toThrow('createRandom needs a finite number as its seed, got NaN');
    expect(() => createRandom(undefined as unknown as number)).toThrow(/got undefined/);
    // Seeds are taken modulo 2^32, as documented: arithmetic seeds (seed * 7919 + epoch) keep working.
    expect(createRandom(2 ** 32 + 5).next()).toBe(createRandom(5).next());
    const random = createRandom(3);
    // int(0) had returned 0, an index into an empty array.
    expect(() => random.int(0)).toThrow('int(n) needs n >= 1, got 0');
    expect(() => random.int(Number.NaN)).toThrow(/got NaN/);
    expect(random.int(1)).toBe(0);
  });
});
