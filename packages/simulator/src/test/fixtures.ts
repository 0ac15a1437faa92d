import type { Item, SimulationGoal } from '@personalab/core';
import { personaProfile } from '../persona-profile.js';
import type { SimulatedUser } from '../simulated-user.js';

/** A small movie catalog for tests. */
export const testItems: Item[] = [
  { id: 'm1', title: 'The Haunting (1963)', tags: ['Horror'] },
  { id: 'm2', title: 'Night of the Living Dead (1968)', tags: ['Horror'] },
  { id: 'm3', title: 'Toy Story (1995)', tags: ['Animation', 'Comedy'] },
  { id: 'm4', title: 'Toy Story 2 (1999)', tags: ['Animation', 'Comedy'] },
  { id: 'm5', title: 'Shawshank Redemption, The (1994)', tags: ['Drama'] },
  { id: 'm6', title: 'Alien (1979)', tags: ['Horror', 'Sci-Fi'] },
  { id: 'm7', title: 'Airplane! (1980)', tags: ['Comedy'] },
  { id: 'm8', title: 'Heat (1995)', tags: ['Action', 'Crime'] },
];

export const testCatalog: ReadonlyMap<string, Item> = new Map(testItems.map((item) => [item.id, item]));

/** Hidden facts every test persona holds. */
export const hiddenFacts = ['I have two dogs.', 'I love horror movies.', 'I am a vegan.', 'I live in Texas.', 'My favorite color is blue.'];

/** A simulated user who wants a horror film: m6 is the target, m1 seen and liked, m3 seen and disliked. */
export function horrorFan(id = 'u1', goal: Partial<SimulationGoal> = {}): SimulatedUser {
  return {
    id,
    profile: personaProfile({ userId: id, statements: hiddenFacts, preferences: [{ subject: 'horror movies', polarity: 'like' }] }),
    goal: {
      description: 'I want a scary movie for tonight.',
      targetItemIds: ['m6'],
      hiddenRatings: new Map([
        ['m1', 5],
        ['m3', 1],
        ['m6', 5],
        ['m7', 2],
      ]),
      seenItemIds: new Set(['m1', 'm3']),
      ...goal,
    },
  };
}
