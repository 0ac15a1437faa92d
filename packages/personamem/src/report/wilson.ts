/** A proportion with its 95% Wilson score interval. */
export interface AccuracyCell {
  n: number;
  correct: number;
  accuracy: number;
  /** Lower and upper ends of the 95% Wilson interval. */
  low: number;
  high: number;
}

/**
 * The Wilson score interval: unlike the normal approximation it stays inside [0, 1] and behaves
 * at small n and extreme proportions (per-type cells of 17 questions, 0% and 100% rates).
 */
export function wilsonInterval(correct: number, n: number, z = 1.959964): AccuracyCell {
  if (n === 0) return { n, correct, accuracy: Number.NaN, low: Number.NaN, high: Number.NaN };
  const p = correct / n;
  const denominator = 1 + (z * z) / n;
  const center = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  // At 0% and 100% the interval touches the bound exactly (floating point lands a hair inside).
  return { n, correct, accuracy: p, low: correct === 0 ? 0 : Math.max(0, center - half), high: correct === n ? 1 : Math.min(1, center + half) };
}

/** True when `value` lies inside the cell's interval. */
export function intervalContains(cell: AccuracyCell, value: number): boolean {
  return cell.low <= value && value <= cell.high;
}
