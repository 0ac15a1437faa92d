import { PersonalabError } from './errors.js';

/** Bounds of an integer option (inclusive). */
export interface IntegerRange {
  min?: number;
  max?: number;
}

/** The range in words: "a positive integer", "an integer from 0 to 65535". */
export function describeIntegerRange({ min, max }: IntegerRange): string {
  if (min !== undefined && max !== undefined) return `an integer from ${min} to ${max}`;
  if (min === 1) return 'a positive integer';
  if (min === 0) return 'a non-negative integer';
  if (min !== undefined) return `an integer >= ${min}`;
  if (max !== undefined) return `an integer <= ${max}`;
  return 'an integer';
}

/**
 * Parses the value of an integer option, or throws `invalid_argument` naming the option:
 * "--limit must be a positive integer, got abc". Only plain decimal integers pass ("1e3", "2.5", "" do not).
 */
export function parseInteger(flag: string, value: string, range: IntegerRange = {}): number {
  const number = integerIn(value, range);
  if (number === undefined) throw new PersonalabError('invalid_argument', `${flag} must be ${describeIntegerRange(range)}, got ${JSON.stringify(value)}`);
  return number;
}

/** `value` as a plain decimal integer within `range` (spaces around it allowed), or undefined. */
export function integerIn(value: string, range: IntegerRange = {}): number | undefined {
  const text = value.trim();
  const number = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(number) || (range.min !== undefined && number < range.min) || (range.max !== undefined && number > range.max)) return undefined;
  return number;
}

/** A comma-separated list of integers (`--seeds 42,7,1`), each checked as `parseInteger` does. */
export function parseIntegerList(flag: string, value: string, range: IntegerRange = {}): number[] {
  const parts = value.split(',').map((part) => part.trim());
  if (parts.some((part) => part === '')) throw new PersonalabError('invalid_argument', `${flag} must be a comma-separated list of integers, got ${JSON.stringify(value)}`);
  return parts.map((part) => parseInteger(flag, part, range));
}
