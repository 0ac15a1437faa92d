import { PersonalabError } from './errors.js';

/** One part of a run split across processes or machines: shard `index` of `count` (0-based index). */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `--shard i/n` with 1-based `i` (the form people type): "2/4" is the second of four. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const position = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || position < 1 || position > count) {
    throw new PersonalabError('invalid_argument', `--shard must be i/n with 1 <= i <= n, got "${text}"`);
  }
  return { index: position - 1, count };
}

/** A shard as `--shard` takes it: `{ index: 1, count: 4 }` is "2/4". */
export function formatShard(shard: Shard): string {
  return `${shard.index + 1}/${shard.count}`;
}

/**
 * The users of one shard: by position in the given (stable) order, so shards are disjoint and
 * together cover every user, whatever the ids look like.
 */
export function selectShard<T>(users: readonly T[], shard: Shard | undefined): T[] {
  if (!shard || shard.count === 1) return [...users];
  return users.filter((_, position) => position % shard.count === shard.index);
}
