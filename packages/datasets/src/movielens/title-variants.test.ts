import { describe, expect, it } from 'vitest';
import { spokenTitle, titleVariants } from './title-variants.js';

describe('MovieLens title forms', () => {
  it('says a title as people do: no year, the article in front', () => {
    expect(spokenTitle('Silence of the Lambs, The (1991)')).toBe('The Silence of the Lambs');
    expect(spokenTitle('Englishman Who Went Up a Hill, But Came Down a Mountain, An (1995)')).toBe('An Englishman Who Went Up a Hill, But Came Down a Mountain');
    expect(spokenTitle('Fargo (1996)')).toBe('Fargo');
    expect(spokenTitle('m42')).toBe('m42');
  });

  it('writes each title the ways people do, normalised', () => {
    expect(titleVariants('Shawshank Redemption, The (1994)')).toEqual(['shawshank redemption the', 'the shawshank redemption', 'shawshank redemption']);
  });
});
