import { describe, expect, it } from 'vitest';
import { emptyProfile } from '@personalab/core';
import { tinyItems } from '../test/tiny-catalogue.js';
import { buildTaste, collectTagStems, mentionedTagStems, profileFit, stem } from './taste.js';

const known = collectTagStems(tinyItems);

describe('taste', () => {
  it('stems plurals and genre names to the same key', () => {
    expect(stem('comedies')).toBe(stem('Comedy'));
    expect(stem('thrillers')).toBe(stem('Thriller'));
    expect(stem('adventures')).toBe(stem('Adventure'));
  });

  it('maps everyday words to the tags they mean', () => {
    expect([...mentionedTagStems('I love science fiction and cartoons', known)].sort()).toEqual(['animation', 'fi', 'sci']);
    expect([...mentionedTagStems('nothing scary please', known)]).toEqual(['horror']);
    expect(mentionedTagStems('I like trains', known).size).toBe(0);
  });

  it('derives tag affinity from ratings and an era from release years', () => {
    const history = [
      { item: tinyItems[0]!, rating: 5, timestamp: 1 },
      { item: tinyItems[1]!, rating: 5, timestamp: 2 },
      { item: tinyItems[8]!, rating: 1, timestamp: 3 },
    ];
    const taste = buildTaste(emptyProfile('u'), history, known);
    expect(taste.tags.get('comed') ?? 0).toBeGreaterThan(taste.tags.get('horror') ?? 0);
    expect(taste.years?.mean).toBeCloseTo((1995 + 1996 + 1994) / 3);
    const comedy = tinyItems.find((item) => item.title === 'Office Pranks')!;
    const horror = tinyItems.find((item) => item.title === 'Scream Cabin')!;
    expect(profileFit(comedy, taste)).toBeGreaterThan(profileFit(horror, taste));
  });
});
