import { PersonalabError } from '@personalab/core';

/**
 * Refuses what has no distance: an empty sample (no distribution) or a value that is not a finite number (a NaN
 * compares false both ways, so it had given NaN, and hung the KS statistic's loop).
 */
function checkSample(metric: string, side: string, sample: readonly number[]): void {
  if (sample.length === 0) throw new PersonalabError('invalid_argument', `${metric}: the ${side} sample is empty`);
  const index = sample.findIndex((value) => !Number.isFinite(value));
  if (index >= 0) throw new PersonalabError('invalid_argument', `${metric}: the ${side} sample's value [${index}] is ${String(sample[index])}, not a finite number`);
}

/**
 * Wasserstein-1 (earth mover's) distance between two empirical distributions on the line:
 * the area between their cumulative distribution functions. In the samples' own unit
 * (words, for turn lengths), so it reads as "how many words off, on average".
 * Both samples must be non-empty and finite (`invalid_argument` otherwise).
 */
export function wasserstein1(left: readonly number[], right: readonly number[]): number {
  checkSample('wasserstein1', 'left', left);
  checkSample('wasserstein1', 'right', right);
  const a = [...left].sort((x, y) => x - y);
  const b = [...right].sort((x, y) => x - y);
  const points = [...new Set([...a, ...b])].sort((x, y) => x - y);
  let distance = 0;
  let i = 0;
  let j = 0;
  for (let index = 0; index < points.length - 1; index++) {
    const point = points[index] as number;
    while (i < a.length && (a[i] as number) <= point) i++;
    while (j < b.length && (b[j] as number) <= point) j++;
    distance += Math.abs(i / a.length - j / b.length) * ((points[index + 1] as number) - point);
  }
  return distance;
}

/**
 * Kolmogorov–Smirnov statistic: the largest gap between the two empirical CDFs (0 to 1).
 * Both samples must be non-empty and finite (`invalid_argument` otherwise).
 */
export function kolmogorovSmirnov(left: readonly number[], right: readonly number[]): number {
  checkSample('kolmogorovSmirnov', 'left', left);
  checkSample('kolmogorovSmirnov', 'right', right);
  const a = [...left].sort((x, y) => x - y);
  const b = [...right].sort((x, y) => x - y);
  let i = 0;
  let j = 0;
  let gap = 0;
  while (i < a.length && j < b.length) {
    const point = Math.min(a[i] as number, b[j] as number);
    while (i < a.length && (a[i] as number) <= point) i++;
    while (j < b.length && (b[j] as number) <= point) j++;
    gap = Math.max(gap, Math.abs(i / a.length - j / b.length));
  }
  return gap;
}
