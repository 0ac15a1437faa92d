import { describe, expect, it } from 'vitest';
import { normalizeUtterance } from './normalize.js';

describe('normalizeUtterance', () => {
  it('lower-cases, expands first-person contractions and closes pre-tokenised punctuation', () => {
    expect(normalizeUtterance("I'm sure I can't , really .")).toBe('i am sure i cannot, really.');
    expect(normalizeUtterance('My favourite colour')).toBe('my favorite color');
    // "we" is a subject the speaker is in ("we're big fans of westerns": a shared taste).
    expect(normalizeUtterance("We're big fans, we've seen it all")).toBe('we are big fans, we have seen it all');
  });

  it('reads a curly quote whose JSON escape lost its backslash as an apostrophe', () => {
    // PersonaMem's contexts hold "Thatu2019s" and "Iu2019d" for "That's" and "I'd".
    expect(normalizeUtterance('Thatu2019s much better! Iu2019d like it shorter.')).toBe("that's much better! i would like it shorter.");
    expect(normalizeUtterance('The code U2019 and u2019 alone stay')).toBe('the code u2019 and u2019 alone stay');
  });
});
