import { describe, expect, it } from 'vitest';
import { leadsIntoStatement } from './lead-in.js';

describe('leadsIntoStatement', () => {
  it('accepts fillers, time phrases, adverbial phrases and consequences before "i"', () => {
    for (const leadIn of ['', 'lol', 'in my spare time', 'every day', 'at the moment', 'in the garden', "that's why", 'which means', 'and realized that', 'i tried board games with my family and realized that']) {
      expect(leadsIntoStatement(leadIn, 'i', 6), leadIn).toBe(true);
    }
  });

  it('refuses conditions, reports, relative clauses and comparisons before "i"', () => {
    for (const leadIn of ['if', 'you said', 'the teachings', 'each poem', 'every conversation', 'which is something', 'in ways', 'how far', 'the more', 'one of the things']) {
      expect(leadsIntoStatement(leadIn, 'i', 6), leadIn).toBe(false);
    }
  });

  it('accepts before "my" only conjunctions and adverbs, and "one of"', () => {
    for (const leadIn of ['and', 'lately', 'and now', 'one of']) expect(leadsIntoStatement(leadIn, 'my', 4), leadIn).toBe(true);
    for (const leadIn of ['it opened', 'allowing', 'sparking thoughts about', 'which has enriched', 'play with']) expect(leadsIntoStatement(leadIn, 'my', 4), leadIn).toBe(false);
  });
});
