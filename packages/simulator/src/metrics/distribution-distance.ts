/**
 * Wasserstein-1 (earth mover's) distance between two empirical distributions on the line:
 * the area between their cumulative distribution functions. In the samples' own unit
 * (words, for turn lengths), so it reads as "how many words off, on average".
 */
export function wasserstein1(left: readonly number[], right: readonly number[]): number {
  if (left.length === 0 || right.length === 0) return Number.NaN;
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

/** Kolmogorov–Smirnov statistic: the largest gap between the two empirical CDFs (0 to 1). */
export function kolmogorovSmirnov(left: readonly number[], right: readonly number[]): number {
  if (left.length === 0 || right.length === 0) return Number.NaN;
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
