import { describe, expect, it } from 'vitest';
import { normalizeText, sentences } from './text.js';

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

describe('sentences', () => {
  // "I live on Elm St. My favourite film is Fargo." and "That was Sammy Davis Jr. Have you seen Heat?" had been one sentence.
  it('ends a sentence after a street\'s "St." or a "Jr.", not inside a title\'s abbreviation', () => {
    expect(sentences('I live on Elm St. My favourite film is Fargo.')).toEqual(['I live on Elm St.', 'My favourite film is Fargo.']);
    expect(sentences('That was Sammy Davis Jr. Have you seen Heat?')).toEqual(['That was Sammy Davis Jr.', 'Have you seen Heat?']);
    expect(sentences("Have you seen St. Elmo's Fire? Mr. Holland's Opus is good. So is Kramer vs. Kramer, says Dr. Smith.")).toEqual([
      "Have you seen St. Elmo's Fire?",
      "Mr. Holland's Opus is good.",
      'So is Kramer vs. Kramer, says Dr. Smith.',
    ]);
  });
});
