import { describe, expect, it } from 'vitest';
import { editDistance } from './loose-titles.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and swapped neighbours as one edit each, up to a limit', () => {
    expect(editDistance('godfater', 'godfather', 1)).toBe(1);
    expect(editDistance('fagro', 'fargo', 1)).toBe(1);
    expect(editDistance('titanc', 'titanic', 1)).toBe(1);
    expect(editDistance('casablanka', 'casablanca', 2)).toBe(1);
    expect(editDistance('redemtion', 'redemption', 2)).toBe(1);
    expect(editDistance('same', 'same', 1)).toBe(0);
    // Past the limit it stops early and says limit + 1.
    expect(editDistance('spinal', 'spain', 1)).toBe(2);
    expect(editDistance('abcdefgh', 'hgfedcba', 2)).toBe(3);
    expect(editDistance('short', 'muchlongerword', 2)).toBe(3);
  });
});
