/**
 * Sums of rows of a row-major n×n matrix, the scoring step of the item-item models (EASE, ItemKNN,
 * context-EASE): `target[j] += Σ_rows matrix[row·n + j]`, rows added in the order given.
 *
 * Four rows are added per pass over the target, so each target entry is loaded and stored once per four rows
 * instead of once per row (about three times faster on MovieLens' 1,682 items). Each entry still receives the rows
 * one addition at a time in the given order, rounded after every addition as the target's type rounds, so the sums
 * are bit-identical to the plain one-row-at-a-time loop (test).
 */

/**
 * Float64 target: additions in float64. `rows[start..end)` are added (default all); the matrix may be single or
 * double precision (the low-pass eigensolver sums rows of a float64 block).
 */
export function addRowsFloat64(target: Float64Array, matrix: Float32Array | Float64Array, rows: ArrayLike<number>, n: number, start = 0, end = rows.length): void {
  let index = start;
  for (; index + 3 < end; index += 4) {
    const a = (rows[index] as number) * n;
    const b = (rows[index + 1] as number) * n;
    const c = (rows[index + 2] as number) * n;
    const d = (rows[index + 3] as number) * n;
    for (let j = 0; j < n; j++) {
      target[j] = (target[j] as number) + (matrix[a + j] as number) + (matrix[b + j] as number) + (matrix[c + j] as number) + (matrix[d + j] as number);
    }
  }
  for (; index < end; index++) {
    const a = (rows[index] as number) * n;
    for (let j = 0; j < n; j++) target[j] = (target[j] as number) + (matrix[a + j] as number);
  }
}

/** Float32 target: every addition rounded to float32, as storing each partial sum in the target would. */
export function addRowsFloat32(target: Float32Array, matrix: Float32Array, rows: readonly number[], n: number): void {
  const round = Math.fround;
  let index = 0;
  for (; index + 3 < rows.length; index += 4) {
    const a = (rows[index] as number) * n;
    const b = (rows[index + 1] as number) * n;
    const c = (rows[index + 2] as number) * n;
    const d = (rows[index + 3] as number) * n;
    for (let j = 0; j < n; j++) {
      target[j] = round(round(round((target[j] as number) + (matrix[a + j] as number)) + (matrix[b + j] as number)) + (matrix[c + j] as number)) + (matrix[d + j] as number);
    }
  }
  for (; index < rows.length; index++) {
    const a = (rows[index] as number) * n;
    for (let j = 0; j < n; j++) target[j] = (target[j] as number) + (matrix[a + j] as number);
  }
}
