import { describe, expect, it } from 'vitest';
import { queryContent } from './query-text.js';

describe('queryContent', () => {
  it('does not search for the words of an occasion or a mood phrase', () => {
    // Before: "a girls night movie" searched "girls night" (Girls Town, Bad Girls), "edge of my seat stuff" "edge seat" (The Edge).
    expect(queryContent('a girls night movie')).toBe('');
    expect(queryContent('something for date night')).toBe('');
    expect(queryContent("a film for valentine's day")).toBe('');
    expect(queryContent('edge of my seat stuff')).toBe('');
    expect(queryContent('something mind-bending')).toBe('');
    expect(queryContent('a tearjerker please')).toBe('');
    // What the rest of the message describes is still searched.
    expect(queryContent('a date night movie about dinosaurs')).toBe('dinosaurs');
    expect(queryContent('a movie about a girls school')).toBe('girls school');
  });

  it('does not search for the words that take part of a request back', () => {
    // Before: "forget the comedies" searched "forget" and listed Forget Paris first (MovieLens).
    expect(queryContent('forget the comedies', { genres: new Set(['comed']) })).toBe('');
    expect(queryContent('scratch the westerns, ditch the romance', { genres: new Set(['western', 'romance']) })).toBe('');
    expect(queryContent('forget paris')).toBe('paris');
  });
});
