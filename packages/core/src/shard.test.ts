import { describe, expect, it } from 'vitest';
import type { PersonalabError } from './errors.js';
import { formatShard, parseShard, selectShard } from './shard.js';

describe('shards', () => {
  it('parses --shard i/n (1-based) and writes it back', () => {
    expect(parseShard('2/4')).toEqual({ index: 1, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 0, count: 1 });
    expect(formatShard(parseShard('3/7'))).toBe('3/7');
    for (const text of ['0/3', '4/3', '1/0', 'two', '1/2/3', '']) {
      expect(() => parseShard(text)).toThrow(expect.objectContaining({ code: 'invalid_argument', message: `--shard must be i/n with 1 <= i <= n, got "${text}"` }) as PersonalabError);
    }
  });

  it('selects users by position: disjoint shards that cover everyone', () => {
    const users = ['a', 'b', 'c', 'd', 'e'];
    const parts = [0, 1].map((index) => selectShard(users, { index, count: 2 }));
    expect(parts).toEqual([['a', 'c', 'e'], ['b', 'd']]);
    expect(selectShard(users, undefined)).toEqual(users);
  });
});
