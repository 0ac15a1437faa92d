/**
 * (v − mean) / (population std + 1e-9) over the whole array, in place (numpy's `z` in the prototypes): how scores of
 * different models are put on one scale before they are added (context-EASE's low-pass blend, the score blend).
 */
export function zScoreInPlace<T extends Float32Array | Float64Array>(values: T): T {
  const n = values.length;
  let sum = 0;
  for (let j = 0; j < n; j++) sum += values[j] as number;
  const average = sum / n;
  let squares = 0;
  for (let j = 0; j < n; j++) squares += ((values[j] as number) - average) ** 2;
  const scale = 1 / (Math.sqrt(squares / n) + 1e-9);
  for (let j = 0; j < n; j++) values[j] = ((values[j] as number) - average) * scale;
  return values;
}
