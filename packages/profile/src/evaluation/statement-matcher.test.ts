import { describe, expect, it } from 'vitest';
import { contentTokens } from '../text/tokenize.js';
import { createTokenF1Matcher, matchStatements, precisionRecall } from './statement-matcher.js';
import { TfidfMatcher } from './tfidf-matcher.js';
import { tokenF1 } from './token-f1.js';

describe('statement matching', () => {
  it('computes token F1 over content tokens', () => {
    expect(contentTokens("I've two older mustangs.")).toEqual(['two', 'older', 'mustangs']);
    expect(tokenF1(['two', 'older', 'mustangs'], ['two', 'vintage', 'mustangs'])).toBeCloseTo(2 / 3, 12);
    expect(tokenF1([], ['a'])).toBe(0);
    expect(tokenF1(['a', 'a'], ['a'])).toBeCloseTo(2 / 3, 12);
  });

  it('counts precision over statements and recall over gold sentences', () => {
    const matcher = createTokenF1Matcher(0.5);
    const counts = matchStatements(['i have two older mustangs', 'i have two dogs', 'i like pizza'], ['i own two vintage mustangs.', 'i have two dogs.', 'i am a nurse.'], matcher);
    expect(counts).toEqual({ predicted: 3, correctPredicted: 2, gold: 3, recoveredGold: 2 });
    expect(precisionRecall(counts).f1).toBeCloseTo(2 / 3, 12);
    expect(precisionRecall({ predicted: 0, correctPredicted: 0, gold: 0, recoveredGold: 0 })).toEqual({ precision: 0, recall: 0, f1: 0 });
  });

  it('weights rare words more in the TF-IDF match', () => {
    const matcher = new TfidfMatcher(['i like dogs', 'i like cats', 'i like pizza', 'i own mustangs'], 0.5);
    expect(matcher.similarity('i love mustangs', 'i own mustangs')).toBeGreaterThan(matcher.similarity('i like cats', 'i like dogs'));
    expect(matcher.similarity('i own mustangs', 'i own mustangs')).toBeCloseTo(1, 12);
    expect(matcher.matches('nothing shared', 'i own mustangs')).toBe(false);
  });
});

describe('EmbeddingMatcher', () => {
  it('matches by cosine of pre-computed vectors and refuses texts it did not embed', async () => {
    const { EmbeddingMatcher } = await import('./embedding-matcher.js');
    const table: Record<string, number[]> = { a: [1, 0], b: [0.8, 0.6], c: [0, 1] };
    const embedder = { id: 'table', dimension: 2, embed: async (texts: readonly string[]) => texts.map((text) => Float32Array.from(table[text] ?? [0, 0])) };
    const matcher = await EmbeddingMatcher.create(embedder, ['a', 'b', 'c', 'a'], 0.7, { batchSize: 2 });
    expect(matcher.similarity('a', 'b')).toBeCloseTo(0.8, 6);
    expect(matcher.matches('a', 'b')).toBe(true);
    expect(matcher.matches('a', 'c')).toBe(false);
    expect(() => matcher.matches('a', 'zzz')).toThrow(/not embedded/);
    expect(matcher.withThreshold(0.9).matches('a', 'b')).toBe(false);
    expect(matcher.withThreshold(0.9).name).toBe('cosine(table)>=0.9');
  });
});
