import { createRandom } from '@personalab/core';
import { describe, expect, it } from 'vitest';
import { addRowsFloat32, addRowsFloat64 } from './row-sums.js';

describe('row sums of an item-item matrix', () => {
  const n = 37;
  const draw = createRandom(3);
  // Values of very different sizes, so a change in the order or rounding of the additions shows in the bits.
  const matrix = Float32Array.from({ length: n * n }, () => draw.normal() * 10 ** (draw.int(9) - 4));

  it('equal, bit for bit, the plain loop that adds one row at a time in the given order (0 to 9 rows, repeats too)', () => {
    for (let count = 0; count <= 9; count++) {
      const rows = Array.from({ length: count }, () => draw.int(n));
      const start = Float64Array.from({ length: n }, () => draw.normal());
      const expected64 = Float64Array.from(start);
      const expected32 = Float32Array.from(start);
      for (const row of rows) {
        for (let j = 0; j < n; j++) {
          expected64[j] = (expected64[j] as number) + (matrix[row * n + j] as number);
          expected32[j] = (expected32[j] as number) + (matrix[row * n + j] as number);
        }
      }
      const sum64 = Float64Array.from(start);
      const sum32 = Float32Array.from(start);
      addRowsFloat64(sum64, matrix, rows, n);
      addRowsFloat32(sum32, matrix, rows, n);
      expect(Array.from(sum64)).toEqual(Array.from(expected64));
      expect(Array.from(sum32)).toEqual(Array.from(expected32));
      // A range of a longer index list (the eigensolver's rating rows, in one Int32Array) and a float64 matrix.
      const padded = Int32Array.from([draw.int(n), ...rows, draw.int(n)]);
      const ranged = Float64Array.from(start);
      addRowsFloat64(ranged, Float64Array.from(matrix), padded, n, 1, 1 + rows.length);
      expect(Array.from(ranged)).toEqual(Array.from(expected64));
    }
  });

  it('the float32 sum rounds after every addition (not once at the end)', () => {
    // 1 + 2^-24 rounds back to 1 in float32 each time; summed in float64 first, four of them would show.
    const tiny = new Float32Array([2 ** -24]);
    const target = new Float32Array([1]);
    addRowsFloat32(target, tiny, [0, 0, 0, 0], 1);
    expect(target[0]).toBe(1);
    const wide = new Float64Array([1]);
    addRowsFloat64(wide, tiny, [0, 0, 0, 0], 1);
    expect(wide[0]).toBe(1 + 2 ** -22);
  });
});
