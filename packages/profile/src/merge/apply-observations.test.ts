import { describe, expect, it } from 'vitest';
import { emptyProfile, profileSchema } from '@personalab/core';
import { applyObservations, maxHistoryPerPreference } from './apply-observations.js';
import type { PreferenceObservation } from './observation.js';

const evidence = (id: string, timestamp: number) => [{ messageId: id, timestamp }];
const preference = (id: string, timestamp: number, polarity: PreferenceObservation['polarity'], extra: Partial<PreferenceObservation> = {}): PreferenceObservation => ({
  kind: 'preference',
  subject: 'jazz',
  polarity,
  strength: 0.8,
  tense: 'present',
  evidence: evidence(id, timestamp),
  timestamp,
  ...extra,
});

describe('applyObservations', () => {
  it('lets a statement dated before the last update add evidence but not change the state', () => {
    const now = applyObservations(emptyProfile('u'), [preference('m2', 20, 'like', { strength: 0.9, reason: 'it relaxes me' })]);
    const weaker = applyObservations(now, [preference('m1', 10, 'like', { strength: 0.5, reason: 'my dad played it' })]);
    expect(weaker.preferences[0]).toMatchObject({ polarity: 'like', strength: 0.9, reason: 'it relaxes me', lastUpdated: 20, history: [] });
    expect(weaker.preferences[0]?.evidence.map((item) => item.messageId)).toEqual(['m2', 'm1']);
    // "i used to like jazz", dated before "i like jazz": it cannot end the taste stated after it.
    const ended = applyObservations(now, [preference('m1', 10, 'like', { tense: 'past' })]);
    expect(ended.preferences[0]).toMatchObject({ polarity: 'like', strength: 0.9, lastUpdated: 20, history: [] });
    expect(profileSchema.safeParse(ended).success).toBe(true);
  });

  it('keeps the earlier state of a changed preference with when it held and why', () => {
    let profile = applyObservations(emptyProfile('u'), [preference('m1', 10, 'like', { reason: 'my dad played it' })]);
    profile = applyObservations(profile, [preference('m2', 20, 'like')]);
    profile = applyObservations(profile, [preference('m3', 30, 'dislike', { reason: 'it got boring', strength: 0.6 })]);
    const [jazz] = profile.preferences;
    expect(jazz).toMatchObject({ polarity: 'dislike', strength: 0.6, reason: 'it got boring', firstSeen: 10, lastUpdated: 30 });
    expect(jazz?.evidence.map((item) => item.messageId)).toEqual(['m3']);
    expect(jazz?.history).toEqual([
      { polarity: 'like', strength: 0.8, from: 10, to: 30, reason: 'my dad played it', evidence: [...evidence('m1', 10), ...evidence('m2', 20)] },
    ]);
    expect(profileSchema.safeParse(profile).success).toBe(true);
  });

  it('keeps the first and the newest earlier states of a preference said both ways many times', () => {
    let profile = emptyProfile('u');
    for (let turn = 0; turn < 200; turn++) profile = applyObservations(profile, [preference(`m${turn}`, turn * 10, turn % 2 === 0 ? 'like' : 'dislike')]);
    const [jazz] = profile.preferences;
    expect(jazz?.history).toHaveLength(maxHistoryPerPreference);
    // Where the taste started, then the newest changes, in order: the last ended when the current state began.
    expect(jazz?.history[0]).toMatchObject({ polarity: 'like', from: 0, to: 10 });
    expect(jazz?.history.at(-1)).toMatchObject({ polarity: 'like', from: 1980, to: 1990 });
    expect(jazz?.history[1]).toMatchObject({ from: 1990 - (maxHistoryPerPreference - 1) * 10 });
    expect(jazz).toMatchObject({ polarity: 'dislike', lastUpdated: 1990 });
    expect(profileSchema.safeParse(profile).success).toBe(true);
  });

  it('turns a past-only statement into history with an unknown present, then fills the present', () => {
    let profile = applyObservations(emptyProfile('u'), [preference('m1', 10, 'like', { tense: 'past', subject: 'the jazz' })]);
    expect(profile.preferences[0]).toMatchObject({ polarity: 'neutral', strength: 0, history: [{ polarity: 'like', from: 10, to: 10 }] });
    profile = applyObservations(profile, [preference('m2', 20, 'dislike')]);
    expect(profile.preferences).toHaveLength(1);
    expect(profile.preferences[0]).toMatchObject({ polarity: 'dislike', history: [{ polarity: 'like' }] });
  });

  it('uses an implied earlier state only when nothing earlier is known of the subject', () => {
    const implied = (id: string, timestamp: number, polarity: PreferenceObservation['polarity']) => preference(id, timestamp, polarity, { tense: 'past', implied: true, strength: 0.2 });
    // "lately i have gotten into jazz", with nothing said before: jazz was not a taste until now.
    let profile = applyObservations(emptyProfile('u'), [implied('m1', 10, 'neutral'), preference('m1', 10, 'like')]);
    expect(profile.preferences[0]).toMatchObject({ polarity: 'like', history: [{ polarity: 'neutral', to: 10 }] });
    // After "i hate jazz", the stated dislike is the earlier state, not the implied indifference.
    profile = applyObservations(emptyProfile('u'), [preference('m1', 10, 'dislike')]);
    profile = applyObservations(profile, [implied('m2', 20, 'neutral'), preference('m2', 20, 'like')]);
    expect(profile.preferences[0]?.history).toEqual([{ polarity: 'dislike', strength: 0.8, from: 10, to: 20, evidence: evidence('m1', 10) }]);
  });

  it('merges repeated facts and replaces contradicted ones with the newer statement', () => {
    const fact = (value: string, id: string, timestamp: number) => ({ kind: 'fact' as const, key: 'pet', value, confidence: 0.6, evidence: evidence(id, timestamp), timestamp });
    let profile = applyObservations(emptyProfile('u'), [fact('i have a dog', 'm1', 1), fact('i have a dog', 'm2', 2)]);
    expect(profile.facts).toHaveLength(1);
    expect(profile.facts[0]?.confidence).toBeGreaterThan(0.6);
    expect(profile.facts[0]?.evidence.map((item) => item.messageId)).toEqual(['m1', 'm2']);
    profile = applyObservations(profile, [fact('i do not have a dog', 'm3', 3)]);
    expect(profile.facts.map((item) => item.value)).toEqual(['i do not have a dog']);
    expect(profile.updatedAt).toBe(3);
  });
});
