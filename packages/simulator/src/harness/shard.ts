// Shared with `personamem evaluate --shard`: the parsing and the type live in core.
export { parseShard, selectShard, type Shard } from '@personalab/core';
