import { describe, expect, it } from 'vitest';
import { foldOf, personaGroups } from './filter-data.js';

describe('personaGroups', () => {
  it('joins sheets that share a sentence, transitively, ignoring case and punctuation', () => {
    const groups = personaGroups([
      ['i have a dog.', 'i like tea.'],
      ['I like tea', 'i ski.'],
      ['i ski .', 'i am tall.'],
      ['i am short.'],
    ]);
    expect(groups[0]).toBe(groups[1]);
    expect(groups[1]).toBe(groups[2]);
    expect(groups[3]).not.toBe(groups[0]);
    // Grouped sheets land in the same fold.
    expect(new Set(groups.slice(0, 3).map((group) => foldOf(group, 5))).size).toBe(1);
  });
});
