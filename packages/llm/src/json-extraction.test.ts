import { describe, expect, it } from 'vitest';
import { extractJson, jsonCandidates } from './json-extraction.js';

/**
 * CPU time this process spent since `started`: unlike the wall clock it does not grow while other processes hold the
 * cores (about 60 ms here either way, where the wall clock had read 470 ms of the 1 s bound on a loaded machine).
 */
function cpuMillisecondsSince(started: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

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

  it('never offers a value nested in another as a candidate', () => {
    // A balanced outer span that does not parse is the reply's meaning: not mined for an inner object.
    expect(extractJson('{ note: {"a": 1} }').ok).toBe(false);
    // The whole reply parses: it is the only candidate, its nested objects are not.
    const whole = '{"answer": "Paris", "confidence": 7, "alternatives": [{"answer": "Lyon", "confidence": 0.2}]}';
    expect([...jsonCandidates(whole)].map((candidate) => candidate.value)).toEqual([JSON.parse(whole)]);
    // In prose, only the outermost spans; an opener never closed does not hide what follows it.
    expect([...jsonCandidates('Format {name: ... Answer: {"n": {"m": 1}} and [1, [2]]')].map((candidate) => candidate.value)).toEqual([{ n: { m: 1 } }, [1, [2]]]);
  });

  it('scans replies in linear time (no quadratic rescans of unclosed brackets)', () => {
    const started = process.cpuUsage();
    for (const text of ['['.repeat(100_000), '{"a": ['.repeat(20_000), '{'.repeat(50_000) + '}'.repeat(10) + ']', 'The set {a, b} and {c} '.repeat(5_000) + '{']) {
      expect(extractJson(text).ok).toBe(false);
    }
    // Quadratic scanning took seconds on the first text alone.
    expect(cpuMillisecondsSince(started)).toBeLessThan(1_000);
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
    // A fenced block that parses wins: the example in the prose is not a candidate.
    expect([...jsonCandidates(reply)].map((candidate) => candidate.value)).toEqual([{ a: 1 }]);
    expect([...jsonCandidates('Example: {"a": 0}. Final: {"a": 1}')].map((candidate) => candidate.value)).toEqual([{ a: 0 }, { a: 1 }]);
    expect(extractJson('<think>{"only": "thoughts"}')).toEqual({ ok: false, error: 'the reply was empty' });
  });
});

describe('jsonCandidates in prose with unclosed brackets', () => {
  const values = (text: string) => [...jsonCandidates(text)].map((candidate) => candidate.value);

  it('finds the JSON after an unclosed bracket of prose followed by a stray quote', () => {
    expect(values('Use the {placeholder" format. Answer: {"a": 1}')).toEqual([{ a: 1 }]);
    expect(values('Fields [the "title] are below: {"a": 1}')).toEqual([{ a: 1 }]);
    // Several in a row, and spans closed before the unclosed bracket are kept.
    expect(values('Example {"z": 0}, then {x" and [y" and {w". Answer: {"a": 1}')).toEqual([{ z: 0 }, { a: 1 }]);
  });

  it('never offers the nested values of a cut-off or broken reply', () => {
    expect(values('{"facts": [{"text": "likes jazz"}, {"text": "lives in Par')).toEqual([]);
    expect(values('Here: [{"a": 1}, {"b": 2}')).toEqual([]);
    expect(values('{"facts": [{"text": "likes jazz"}, {"text": "lives in Paris"}}')).toEqual([]);
    // A cut-off reply after prose keeps the complete values before it.
    expect(values('Draft: {"a": 0}. Final: {"facts": [{"text": "x"}, {"te')).toEqual([{ a: 0 }]);
  });

  it('stays fast when many prose brackets are left open with stray quotes', () => {
    const started = process.cpuUsage();
    for (const text of ['{x" '.repeat(40_000) + '{"a": 1}', '[the "title] '.repeat(20_000), '{'.repeat(40_000) + '"'.repeat(40_000)]) jsonCandidates(text).next();
    expect(cpuMillisecondsSince(started)).toBeLessThan(1_000);
  });
});
