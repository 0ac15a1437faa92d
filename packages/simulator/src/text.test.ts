import { describe, expect, it } from 'vitest';
import { normalizeText } from './text.js';

describe('normalizeText', () => {
  it('expands contractions, joins tokenised ones and collapses whitespace', () => {
    expect(normalizeText("I don't  know, i ca n't  say . I ' m  tired\n\tand I've   gone")).toBe('i do not know, i can not say . i am tired and i have gone');
    expect(normalizeText('It\u2019s   fine  ')).toBe("it's fine");
  });

  // A corpus turn is normalised whenever it is parsed: a long stretch of spaces had cost time quadratic in its length.
  it('takes time linear in a long stretch of spaces', () => {
    const text = `I like${' '.repeat(200_000)}x`;
    const started = performance.now();
    expect(normalizeText(text)).toBe('i like x');
    expect(performance.now() - started).toBeLessThan(500);
  });
});
