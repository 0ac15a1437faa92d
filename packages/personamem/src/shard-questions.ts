import { type Shard, formatShard } from '@personalab/core';
import type { BenchmarkQuestion } from './types.js';

/** What a shard run records in its settings: the run it is part of, and which part. */
export interface ShardRecord extends Shard {
  /** The id of the whole run (the shards are stored as `<of>#<i>/<n>`). */
  of: string;
}

/** The id a shard of a run is stored under: `mem#2/3` is shard 2 of 3 of run `mem`. */
export function shardRunId(runId: string, shard: Shard): string {
  return `${runId}#${formatShard(shard)}`;
}

/** The shard a run's settings record, or undefined for a whole (unsharded) run. */
export function shardOfSettings(settings: Readonly<Record<string, unknown>>): ShardRecord | undefined {
  const value = settings['shard'] as Partial<ShardRecord> | undefined;
  if (value === undefined || value === null || typeof value !== 'object') return undefined;
  const { of, index, count } = value;
  if (typeof of !== 'string' || !Number.isInteger(index) || !Number.isInteger(count)) return undefined;
  return { of, index: index as number, count: count as number };
}

/**
 * The questions of one shard, in file order. The unit is the shared context (one persona's history): a context's
 * questions stay together, so a responder's per-context work (memory, retrieval index, an LLM-built profile) is done on
 * one machine only, and the split is by user as elsewhere. Contexts go, largest first (ties: first appearance), to the
 * shard with the fewest questions so far (ties: the lowest), which balances the shards' question counts. The partition
 * depends on the whole list only, so every shard computes the same one, and `limit` (a prefix) never moves a context.
 */
export function questionsOfShard(questions: readonly BenchmarkQuestion[], shard: Shard | undefined): BenchmarkQuestion[] {
  if (shard === undefined || shard.count === 1) return [...questions];
  const contexts = new Map<string, { first: number; questions: number }>();
  questions.forEach((question, position) => {
    const entry = contexts.get(question.sharedContextId);
    if (entry) entry.questions++;
    else contexts.set(question.sharedContextId, { first: position, questions: 1 });
  });
  const loads = Array.from({ length: shard.count }, () => 0);
  const owner = new Map<string, number>();
  const largestFirst = [...contexts].sort(([, left], [, right]) => right.questions - left.questions || left.first - right.first);
  for (const [contextId, entry] of largestFirst) {
    let lightest = 0;
    for (let index = 1; index < loads.length; index++) if ((loads[index] as number) < (loads[lightest] as number)) lightest = index;
    owner.set(contextId, lightest);
    loads[lightest] = (loads[lightest] as number) + entry.questions;
  }
  return questions.filter((question) => owner.get(question.sharedContextId) === shard.index);
}
