import { describe, expect, it } from 'vitest';
import { createRandom, type Item } from '@personalab/core';
import { recommendationFeedback } from './recommendation-feedback.js';

const catalog = new Map<string, Item>([
  ['1', { id: '1', title: 'Toy Story (1995)', tags: [] }],
  ['2', { id: '2', title: 'Silence of the Lambs, The (1991)', tags: [] }],
]);
const goal = { description: 'Find a film.', targetItemIds: ['2'], hiddenRatings: new Map([['1', 2]]) };
const feedback = (recommendedItemIds: string[], seed = 1, withCatalog = true) =>
  recommendationFeedback({ recommendedItemIds, goal, catalog: withCatalog ? catalog : undefined, random: createRandom(seed) });

describe('recommendationFeedback', () => {
  it('names catalogue items by their title', () => {
    const result = feedback(['2', '1']);
    expect(result.text).toContain('The Silence of the Lambs');
    expect(result.text).toContain('Toy Story');
    expect(result.accepted).toEqual(['2']);
  });

  // It had said "I am not sure about item nope": a person does not read out ids, nor knows an id that names nothing.
  it.each([1, 2, 3, 4, 5, 6])('never reads out an id outside the catalogue (seed %i)', (seed) => {
    const one = feedback(['nope'], seed);
    expect(one.text).not.toMatch(/nope|\bitem\b/);
    expect(one.text).toMatch(/^(?:I do not know that one\.|That one does not ring a bell\.|I have never heard of that one\.) /);
    expect(one.judgements).toEqual([{ itemId: 'nope', judgement: 'unknown' }]);
    const two = feedback(['nope', '99999'], seed);
    expect(two.text).not.toMatch(/nope|99999|\bitem\b/);
    expect(two.text).toMatch(/^(?:I do not know those\.|Those do not ring a bell\.|I have never heard of those\.) /);
    const mixed = feedback(['1', 'nope'], seed);
    expect(mixed.text).toContain('Toy Story');
    expect(mixed.text).not.toContain('nope');
  });

  it('says "that one" for an item it knows from its hidden ratings but has no catalogue to name', () => {
    const result = feedback(['2'], 1, false);
    expect(result.accepted).toEqual(['2']);
    expect(result.text).not.toMatch(/\bitem\b|\b2\b/);
    expect(result.text).toMatch(/that one|That one/);
  });
});
