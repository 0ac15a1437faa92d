import { median } from '@personalab/core';

/** Throughput of one timed run: per wall-clock second, and per second of this process's CPU time. */
export interface Rate {
  /** Queries per wall-clock second: what a user waits for, inflated by other processes' load. */
  wall: number;
  /** Queries per CPU-second of this process (user + system): robust to other processes sharing the cores. */
  cpu: number;
}

/** Runs `action` over every query once. */
export function measure<Q>(queries: readonly Q[], action: (query: Q) => unknown): Rate {
  const startedCpu = process.cpuUsage();
  const started = performance.now();
  for (const query of queries) action(query);
  const wall = (performance.now() - started) / 1000;
  const cpuUsage = process.cpuUsage(startedCpu);
  const cpu = (cpuUsage.user + cpuUsage.system) / 1e6;
  return { wall: queries.length / Math.max(wall, 1e-9), cpu: queries.length / Math.max(cpu, 1e-6) };
}

/**
 * Times several contenders over the same queries, interleaved round by round (order alternating)
 * so that load from other processes hits them alike; returns each one's median rates.
 */
export function interleaved<Q>(queries: readonly Q[], contenders: Record<string, (query: Q) => unknown>, rounds: number): Record<string, Rate> {
  return interleavedSets(Object.fromEntries(Object.entries(contenders).map(([name, action]) => [name, { queries, action }])), rounds);
}

/** Like `interleaved`, but each contender has its own queries (a slow one can run fewer). */
export function interleavedSets(contenders: Record<string, { queries: readonly unknown[]; action: (query: never) => unknown }>, rounds: number): Record<string, Rate> {
  const names = Object.keys(contenders);
  const samples: Record<string, Rate[]> = Object.fromEntries(names.map((name) => [name, []]));
  const run = (name: string, limit?: number) => {
    const { queries, action } = contenders[name]!;
    return measure(limit === undefined ? queries : queries.slice(0, limit), action as (query: unknown) => unknown);
  };
  for (const name of names) run(name, 20); // warm-up
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) samples[name]!.push(run(name));
  }
  return Object.fromEntries(
    names.map((name) => [name, { wall: median(samples[name]!.map((rate) => rate.wall)), cpu: median(samples[name]!.map((rate) => rate.cpu)) }]),
  );
}

/** Wall-clock and CPU seconds of a synchronous action. */
export function seconds(action: () => void): number {
  const started = performance.now();
  action();
  return (performance.now() - started) / 1000;
}

/** CPU seconds (this process, user + system) of a synchronous action. */
export function cpuSeconds(action: () => void): number {
  const started = process.cpuUsage();
  action();
  const usage = process.cpuUsage(started);
  return (usage.user + usage.system) / 1e6;
}
