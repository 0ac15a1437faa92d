import { describe, expect, it } from 'vitest';
import type { RatingInteraction } from '@personalab/core';
import { simulatedUsersFromRatings } from './rating-users.js';
import { testItems } from './test/fixtures.js';

const rating = (userId: string, itemId: string, value: number): RatingInteraction => ({ kind: 'rating', userId, itemId, value, timestamp: 0 });

describe('simulatedUsersFromRatings', () => {
  it('hides held-out liked items as targets, all ratings as ground truth, training items as seen, and genre tastes as preferences', () => {
    const train = [rating('1', 'm1', 5), rating('1', 'm2', 5), rating('1', 'm6', 4), rating('1', 'm3', 1), rating('1', 'm4', 1), rating('1', 'm7', 2), rating('1', 'm8', 3)];
    const test = [rating('1', 'm5', 4), rating('1', 'm3', 2), rating('2', 'm5', 3)];
    const users = simulatedUsersFromRatings({ items: testItems, train, test, users: [{ id: '1', age: 30, gender: 'F', occupation: 'engineer' }] });
    expect(users.map((user) => user.id)).toEqual(['1']);
    const [user] = users;
    expect(user?.goal.targetItemIds).toEqual(['m5']);
    expect(user?.goal.hiddenRatings?.get('m1')).toBe(5);
    expect(user?.goal.hiddenRatings?.get('m5')).toBe(4);
    expect([...(user?.goal.seenItemIds ?? [])].sort()).toEqual(['m1', 'm2', 'm3', 'm4', 'm6', 'm7', 'm8']);
    expect(user?.profile.facts.map((fact) => fact.value)).toEqual(['I am 30 years old.', 'I am a woman.', 'I work as an engineer.']);
    expect(user?.profile.preferences.filter((preference) => preference.polarity === 'like').map((preference) => preference.subject)).toEqual(['horror movies']);
    expect(user?.profile.preferences.filter((preference) => preference.polarity === 'dislike').map((preference) => preference.subject)).toEqual(['comedy movies']);
  });

  // u.user's "entertainment", "healthcare" and "marketing" are fields: the profile had said "I work as an entertainment."
  it('states an occupation that names a field as work in it', () => {
    const train = [rating('1', 'm1', 5), rating('2', 'm1', 5), rating('3', 'm1', 5), rating('4', 'm1', 5)];
    const test = ['1', '2', '3', '4'].map((userId) => rating(userId, 'm5', 5));
    const occupations = { '1': 'entertainment', '2': 'healthcare', '3': 'marketing', '4': 'technician' };
    const users = simulatedUsersFromRatings({ items: testItems, train, test, users: Object.entries(occupations).map(([id, occupation]) => ({ id, occupation })) });
    expect(users.map((user) => user.profile.facts.map((fact) => fact.value))).toEqual([['I work in entertainment.'], ['I work in healthcare.'], ['I work in marketing.'], ['I work as a technician.']]);
  });
});
