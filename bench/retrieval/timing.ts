import { median } from '@personalab/core';

/** Runs `action` over every query once and returns queries per second. */
export function queriesPerSecond<Q>(queries: readonly Q[], action: (query: Q) => unknown): number {
  const started = performance.now();
  for (const query of queries) action(query);
  const seconds = (performance.now() - started) / 1000;
  return queries.length / Math.max(seconds, 1e-9);
}

/**
 * Times several contenders over the same queries, interleaved round by round (order alternating)
 * so that load from other processes hits them alike; returns each one's median queries/s.
 */
export function interleaved<Q>(queries: readonly Q[], contenders: Record<string, (query: Q) => unknown>, rounds: number): Record<string, number> {
  return interleavedSets(Object.fromEntries(Object.entries(contenders).map(([name, action]) => [name, { queries, action }])), rounds);
}

/** Like `interleaved`, but each contender has its own queries (a slow one can run fewer). */
export function interleavedSets(contenders: Record<string, { queries: readonly unknown[]; action: (query: never) => unknown }>, rounds: number): Record<string, number> {
  const names = Object.keys(contenders);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  const run = (name: string, limit?: number) => {
    const { queries, action } = contenders[name]!;
    return queriesPerSecond(limit === undefined ? queries : queries.slice(0, limit), action as (query: unknown) => unknown);
  };
  for (const name of names) run(name, 20); // warm-up
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) samples[name]!.push(run(name));
  }
  return Object.fromEntries(names.map((name) => [name, median(samples[name]!)]));
}

/** Wall-clock seconds of a synchronous action. */
export function seconds(action: () => void): number {
  const started = performance.now();
  action();
  return (performance.now() - started) / 1000;
}
