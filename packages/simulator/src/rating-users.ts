import type { Item, RatingInteraction, User } from '@personalab/core';
import { personaProfile } from './persona-profile.js';
import type { SimulatedUser } from './simulated-user.js';

export interface RatingUsersOptions {
  items: readonly Item[];
  /** Ratings the user is known by (their history: seen items). */
  train: readonly RatingInteraction[];
  /** Held-out ratings; those at or above `likeAtLeast` become the hidden targets. */
  test: readonly RatingInteraction[];
  /** Demographics, when the data set has them (MovieLens `u.user`). */
  users?: readonly User[];
  likeAtLeast?: number;
  /** Liked and disliked tags kept in the profile. */
  maxLiked?: number;
  maxDisliked?: number;
  description?: string;
}

/** MovieLens occupations that name a field, not a person: "I work in marketing", not "I work as a marketing". */
const occupationFields = new Set(['entertainment', 'healthcare', 'marketing']);

/** The sentence a user says its occupation in: "I am a student.", "I am retired.", "I work in healthcare.", "I work as an engineer.". */
function occupationFact(occupation: string): string {
  if (occupation === 'student') return 'I am a student.';
  if (occupation === 'retired') return 'I am retired.';
  if (occupationFields.has(occupation)) return `I work in ${occupation}.`;
  return `I work as ${/^[aeiou]/.test(occupation) ? 'an' : 'a'} ${occupation}.`;
}

function demographicFacts(user: User | undefined): string[] {
  if (!user) return [];
  const facts: string[] = [];
  if (user.age !== undefined) facts.push(`I am ${user.age} years old.`);
  if (user.gender === 'F') facts.push('I am a woman.');
  else if (user.gender === 'M') facts.push('I am a man.');
  const occupation = user.occupation;
  if (occupation && occupation !== 'none' && occupation !== 'other') facts.push(occupationFact(occupation));
  return facts;
}

/**
 * One simulated user per rating user: hidden targets are the held-out items they rated at least
 * `likeAtLeast`; hidden ratings are all their ratings; seen items are their training items; the
 * profile holds their demographics and the tags (genres) they rate above or below their own mean.
 * Users without a held-out liked item are left out (nothing to find).
 */
export function simulatedUsersFromRatings(options: RatingUsersOptions): SimulatedUser[] {
  const likeAtLeast = options.likeAtLeast ?? 4;
  const itemsById = new Map(options.items.map((item) => [item.id, item]));
  const usersById = new Map((options.users ?? []).map((user) => [user.id, user]));
  const trainByUser = new Map<string, RatingInteraction[]>();
  for (const rating of options.train) trainByUser.set(rating.userId, [...(trainByUser.get(rating.userId) ?? []), rating]);
  const testByUser = new Map<string, RatingInteraction[]>();
  for (const rating of options.test) testByUser.set(rating.userId, [...(testByUser.get(rating.userId) ?? []), rating]);
  const result: SimulatedUser[] = [];
  for (const userId of [...testByUser.keys()].sort((left, right) => Number(left) - Number(right) || left.localeCompare(right))) {
    const held = testByUser.get(userId) ?? [];
    const targets = held.filter((rating) => rating.value >= likeAtLeast).map((rating) => rating.itemId);
    if (targets.length === 0) continue;
    const history = trainByUser.get(userId) ?? [];
    const mean = history.reduce((sum, rating) => sum + rating.value, 0) / Math.max(1, history.length);
    const byTag = new Map<string, { sum: number; count: number }>();
    for (const rating of history) {
      for (const tag of itemsById.get(rating.itemId)?.tags ?? []) {
        if (tag === 'unknown') continue;
        const entry = byTag.get(tag) ?? { sum: 0, count: 0 };
        entry.sum += rating.value;
        entry.count++;
        byTag.set(tag, entry);
      }
    }
    // Lift over the user's own mean, weighted by how much evidence there is.
    const lifts = [...byTag].filter(([, entry]) => entry.count >= 3).map(([tag, entry]) => ({ tag, lift: entry.sum / entry.count - mean, weight: Math.log1p(entry.count) }));
    const liked = lifts.filter((entry) => entry.lift > 0.1).sort((left, right) => right.lift * right.weight - left.lift * left.weight).slice(0, options.maxLiked ?? 3);
    const disliked = lifts.filter((entry) => entry.lift < -0.4).sort((left, right) => left.lift * left.weight - right.lift * right.weight).slice(0, options.maxDisliked ?? 2);
    const subject = (tag: string) => `${tag.toLowerCase()} movies`;
    const profile = personaProfile({
      userId,
      statements: demographicFacts(usersById.get(userId)),
      preferences: [
        ...liked.map((entry) => ({ subject: subject(entry.tag), polarity: 'like' as const, strength: Math.min(1, 0.5 + entry.lift), category: 'genre' })),
        ...disliked.map((entry) => ({ subject: subject(entry.tag), polarity: 'dislike' as const, strength: Math.min(1, 0.5 - entry.lift), category: 'genre' })),
      ],
    });
    result.push({
      id: userId,
      profile,
      goal: {
        description: options.description ?? 'I am looking for a movie to watch tonight.',
        targetItemIds: targets,
        hiddenRatings: new Map([...history, ...held].map((rating) => [rating.itemId, rating.value])),
        seenItemIds: new Set(history.map((rating) => rating.itemId)),
      },
    });
  }
  return result;
}
