import { describe, expect, it } from 'vitest';
import type { Preference } from '@personalab/core';
import { describePreference } from './profile-statements.js';

const preference = (subject: string, polarity: Preference['polarity'], strength: number, category?: string): Preference => ({
  subject,
  polarity,
  strength,
  ...(category ? { category } : {}),
  firstSeen: 0,
  lastUpdated: 0,
  evidence: [{ messageId: 'm', timestamp: 0 }],
  history: [],
});

describe('describePreference', () => {
  it('renders favourites, loves, likes and dislikes as first-person sentences', () => {
    expect(describePreference(preference('blue', 'like', 1, 'color'))).toBe('my favorite color is blue');
    expect(describePreference(preference('nirvana', 'like', 1))).toBe('my favorite is nirvana');
    expect(describePreference(preference('horror movies', 'like', 0.9))).toBe('i love horror movies');
    expect(describePreference(preference('go hiking', 'like', 0.7))).toBe('i like to go hiking');
    expect(describePreference(preference('jazz', 'dislike', 0.9))).toBe('i hate jazz');
    expect(describePreference(preference('crowds', 'dislike', 0.6))).toBe('i do not like crowds');
    expect(describePreference(preference('golf', 'neutral', 0))).toBeUndefined();
  });

  it('does not mistake a noun for an activity', () => {
    expect(describePreference(preference('gold jewelry', 'like', 0.7))).toBe('i like gold jewelry');
    expect(describePreference(preference('reading', 'like', 0.7))).toBe('i like reading');
  });
});
