import { describe, expect, it } from 'vitest';
import type { Item } from '@personalab/core';
import { TitleOpinionReader } from './title-opinions.js';

const items: Item[] = ['Alien (1979)', 'Alien 3 (1992)', 'Heat (1995)', 'Twister (1996)', 'Shawshank Redemption, The (1994)', 'Star Wars (1977)', 'Fargo (1996)'].map((title, index) => ({ id: `i${index}`, title, tags: [] }));
const reader = new TitleOpinionReader(items);
const read = (message: string) => reader.read(message).map((opinion) => [opinion.item.title, opinion.polarity, opinion.rating]);

describe('TitleOpinionReader', () => {
  it('reads liked and disliked titles with the strength of the words used', () => {
    expect(read('I loved The Matrix and Alien, recommend me something for tonight')).toEqual([['Alien (1979)', 'like', 5]]);
    expect(read('i really liked the shawshank redemption but Twister was boring.')).toEqual([
      ['Shawshank Redemption, The (1994)', 'like', 4],
      ['Twister (1996)', 'dislike', 2],
    ]);
    expect(read("I hated Alien 3. I didn't like star wars either")).toEqual([
      ['Alien 3 (1992)', 'dislike', 1],
      ['Star Wars (1977)', 'dislike', 2],
    ]);
  });

  it('takes "something like X" as a seed, and leaves titles without an opinion or in questions alone', () => {
    expect(read('give me something like Fargo')).toEqual([['Fargo (1996)', 'like', 4]]);
    expect(read('Have you seen Alien?')).toEqual([]);
    expect(read('I watched Star Wars yesterday')).toEqual([]);
    expect(read("I'd like to see Fargo, I love crime films")).toEqual([]);
  });

  it('reads a one-word title only when it is written as one', () => {
    expect(read('i love the heat of summer')).toEqual([]);
    expect(read('I love the Heat soundtrack')).toEqual([['Heat (1995)', 'like', 5]]);
    expect(read('I love "heat"')).toEqual([['Heat (1995)', 'like', 5]]);
    expect(read('Fargo is great')).toEqual([]);
  });
});
