import { describe, expect, it } from 'vitest';
import { emptyProfile, type Profile } from '@personalab/core';
import { tinyItems } from '../test/tiny-catalogue.js';
import { OfflineExplainer } from './offline-explainer.js';
import { OfflineReranker } from './offline-reranker.js';
import type { Candidate, HistoryEntry } from './types.js';

const item = (id: string) => {
  const found = tinyItems.find((entry) => entry.id === id);
  if (!found) throw new Error(id);
  return found;
};
const comedyHistory: HistoryEntry[] = ['m1', 'm2', 'm5'].map((id, index) => ({ item: item(id), rating: 5, timestamp: index }));
// The model prefers horror; the user's history is comedy.
const candidates: Candidate[] = ['m9', 'm10', 'm11', 'm6', 'm3'].map((id, index) => ({ item: item(id), score: 1 - index * 0.1, source: 'model' }));

const saysLike = (subject: string): Profile => ({
  ...emptyProfile('u'),
  preferences: [{ subject, polarity: 'like', strength: 1, firstSeen: 0, lastUpdated: 0, evidence: [{ messageId: 'msg-1', quote: `I like ${subject}` }], history: [] }],
});

describe('OfflineReranker', () => {
  it('keeps the model order when the profile weight is zero', async () => {
    const ranked = await new OfflineReranker({ profileWeight: 0 }).rerank({ profile: emptyProfile('u'), history: comedyHistory, candidates, k: 3 });
    expect(ranked.map((entry) => entry.item.id)).toEqual(['m9', 'm10', 'm11']);
  });

  it('lifts items that fit the rated history and stated likes', async () => {
    const ranked = await new OfflineReranker({ profileWeight: 0.6 }).rerank({ profile: saysLike('comedies'), history: comedyHistory, candidates, k: 2 });
    expect(ranked.map((entry) => entry.item.id).sort()).toEqual(['m3', 'm6']);
    expect(ranked[0]?.profileFit).toBeGreaterThan(0);
  });

  it('applies a refinement on top of the blend', async () => {
    const refinement = { tagWeights: { horror: -1, thriller: -1 }, phrase: 'something lighter' };
    const ranked = await new OfflineReranker({ profileWeight: 0 }).rerank({ profile: emptyProfile('u'), history: [], candidates, k: 2, refinement });
    expect(ranked.every((entry) => !entry.item.tags.includes('Horror'))).toBe(true);
  });

  it('returns nothing for no candidates', async () => {
    expect(await new OfflineReranker().rerank({ profile: emptyProfile('u'), history: [], candidates: [], k: 5 })).toEqual([]);
  });
});

describe('OfflineExplainer', () => {
  it('cites the shared attributes, the supporting history items and what the user said', async () => {
    const text = await new OfflineExplainer().explain({ profile: saysLike('comedies'), history: comedyHistory, item: item('m6') });
    expect(text).toContain('Office Pranks');
    expect(text).toContain('You said you like comedies');
    expect(text).toMatch(/shares Comedy with (Laugh Riot|Silly Summer|Wedding Mix-Up)/);
  });

  it('names a tag of several stems once ("Sci-Fi", not "Sci-Fi and fi")', async () => {
    const scifi = { id: 's1', title: 'Star Voyage', tags: ['Sci-Fi', 'Adventure'] };
    const seen = { id: 's2', title: 'Robot Planet', tags: ['Sci-Fi'] };
    const text = await new OfflineExplainer().explain({ profile: emptyProfile('u'), history: [{ item: seen, rating: 5, timestamp: 1 }], item: scifi });
    expect(text).toContain('It shares Sci-Fi with Robot Planet');
  });

  it('lists the tags the user asked for first, so what it fits is in sight', async () => {
    const starWars = { id: 'sw', title: 'Star Wars (1977)', tags: ['Action', 'Adventure', 'Romance', 'Sci-Fi', 'War'] };
    const text = await new OfflineExplainer().explain({ profile: emptyProfile('u'), history: [], item: starWars, refinement: { tagWeights: { sci: 0.3, horror: -1 }, phrase: 'sci-fi, no horror' } });
    expect(text).toBe('Star Wars (1977): Sci-Fi / Action / Adventure. It fits "sci-fi, no horror".');
  });

  it('cites no similar raters when the only ratings are dislikes said in chat', async () => {
    const plain = { id: 'p', title: 'Plain Drama', tags: ['Drama'] };
    const explain = (source: 'chat' | undefined) => new OfflineExplainer().explain({ profile: emptyProfile('u'), history: [{ item: item('m9'), rating: 1, timestamp: 1, source }], item: plain });
    expect(await explain('chat')).toBe('Plain Drama: Drama. It is one of the most liked titles here.');
    // A rating given (even a low one) is an interaction the model reads.
    expect(await explain(undefined)).toBe('Plain Drama: Drama. People whose ratings resemble yours rated it highly.');
  });
});
