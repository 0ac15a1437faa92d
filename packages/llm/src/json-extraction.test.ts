import { describe, expect, it } from 'vitest';
import { extractJson, jsonCandidates } from './json-extraction.js';

describe('extractJson', () => {
  it('parses a bare value', () => {
    expect(extractJson(' {"a": 1} ')).toMatchObject({ ok: true, value: { a: 1 } });
    expect(extractJson('[1, 2]')).toMatchObject({ ok: true, value: [1, 2] });
  });

  it('finds JSON in a code fence', () => {
    const reply = 'Sure! Here it is:\n```json\n{"name": "Ada", "tags": ["x"]}\n```\nAnything else?';
    expect(extractJson(reply)).toMatchObject({ ok: true, value: { name: 'Ada', tags: ['x'] } });
  });

  it('finds a balanced object inside prose, ignoring braces in strings', () => {
    const reply = 'The answer is {"quote": "a } tricky { string", "n": [1, {"m": 2}]} as requested.';
    expect(extractJson(reply)).toMatchObject({ ok: true, value: { quote: 'a } tricky { string', n: [1, { m: 2 }] } });
  });

  it('skips a broken outer span for a good inner one', () => {
    expect(extractJson('{ note: {"a": 1} }')).toMatchObject({ ok: true, value: { a: 1 } });
  });

  it('explains when there is nothing to parse', () => {
    expect(extractJson('')).toEqual({ ok: false, error: 'the reply was empty' });
    const truncated = extractJson('{"name": "Ada", "age"');
    expect(truncated.ok).toBe(false);
    if (!truncated.ok) expect(truncated.error).toMatch(/no parseable JSON/);
  });

  it('ignores reasoning blocks and lists every candidate', () => {
    const reply = '<think>maybe {"draft": true}</think>\nExample: {"a": 0}. Final:\n```json\n{"a": 1}\n```';
    expect(extractJson(reply)).toMatchObject({ ok: true, value: { a: 1 } });
    expect([...jsonCandidates(reply)].map((candidate) => candidate.value)).toEqual([{ a: 1 }, { a: 0 }]);
    expect(extractJson('<think>{"only": "thoughts"}')).toEqual({ ok: false, error: 'the reply was empty' });
  });
});
