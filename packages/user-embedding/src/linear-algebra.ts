import { PersonalabError } from '@personalab/core';

/**
 * Inverts a symmetric positive-definite n×n matrix (row-major Float64Array) in place by
 * Gauss-Jordan elimination without pivoting (safe for SPD matrices such as XᵀX + λI).
 *
 * Pivots are taken two at a time: rows k and k+1 are eliminated against each other first, then every other row
 * gets both eliminations in one pass, so the matrix (22.6 MB for n = 1,682, beyond the caches) is streamed n/2
 * times instead of n. Each entry still receives the one-pivot algorithm's operations, in its order and with its
 * rounding (`gaussJordanStep` is that algorithm, used for a last odd pivot): the inverse is bit-identical (test).
 */
export function invertSpdInPlace(matrix: Float64Array, n: number): Float64Array {
  if (matrix.length !== n * n) throw new PersonalabError('invalid_argument', `matrix has ${matrix.length} entries, expected ${n}×${n}`);
  // Row k as it stands after its own step, before step k + 1 changes it: step k's eliminations of the other rows use it.
  const pivotRow = new Float64Array(n);
  let k = 0;
  for (; k + 1 < n; k += 2) {
    const rowK = k * n;
    const rowNext = rowK + n;
    normalisePivotRow(matrix, n, k);
    eliminateRow(matrix, n, k + 1, rowK, k);
    normalisePivotRow(matrix, n, k + 1);
    pivotRow.set(matrix.subarray(rowK, rowK + n));
    eliminateRow(matrix, n, k, rowNext, k + 1);
    for (let i = 0; i < n; i++) {
      if (i === k || i === k + 1) continue;
      const rowI = i * n;
      const first = matrix[rowI + k] as number;
      // The factor of step k + 1 is row i's column k + 1 after step k.
      const atNext = matrix[rowI + k + 1] as number;
      const second = first === 0 ? atNext : atNext - first * (pivotRow[k + 1] as number);
      if (first === 0) {
        if (second !== 0) eliminateRowWith(matrix, n, rowI, matrix, rowNext, k + 1, second);
        continue;
      }
      if (second === 0) {
        // Step k alone (step k + 1 leaves the row as it is).
        eliminateRowWith(matrix, n, rowI, pivotRow, 0, k, first);
        continue;
      }
      // Both steps, entry by entry: (m − f₁·pivot row k) − f₂·pivot row k+1, where each step first zeroes its own column.
      const columnK = 0 - first * (pivotRow[k] as number);
      matrix[rowI + k] = columnK - second * (matrix[rowNext + k] as number);
      matrix[rowI + k + 1] = 0 - second * (matrix[rowNext + k + 1] as number);
      for (let j = 0; j < k; j++) matrix[rowI + j] = (matrix[rowI + j] as number) - first * (pivotRow[j] as number) - second * (matrix[rowNext + j] as number);
      for (let j = k + 2; j < n; j++) matrix[rowI + j] = (matrix[rowI + j] as number) - first * (pivotRow[j] as number) - second * (matrix[rowNext + j] as number);
    }
  }
  if (k < n) gaussJordanStep(matrix, n, k);
  return matrix;
}

/** One pivot of Gauss-Jordan elimination: row k normalised, then subtracted from every other row. */
function gaussJordanStep(matrix: Float64Array, n: number, k: number): void {
  normalisePivotRow(matrix, n, k);
  for (let i = 0; i < n; i++) if (i !== k) eliminateRow(matrix, n, i, k * n, k);
}

function normalisePivotRow(matrix: Float64Array, n: number, k: number): void {
  const rowK = k * n;
  const pivot = matrix[rowK + k] as number;
  if (!(pivot > 0)) throw new PersonalabError('invalid_argument', `matrix is not positive definite (pivot ${k} is ${pivot})`);
  const inversePivot = 1 / pivot;
  matrix[rowK + k] = 1;
  for (let j = 0; j < n; j++) matrix[rowK + j] = (matrix[rowK + j] as number) * inversePivot;
}

/** Row i minus its column-k entry times the (normalised) pivot row at `pivotOffset`; column k zeroed first. */
function eliminateRow(matrix: Float64Array, n: number, i: number, pivotOffset: number, k: number): void {
  const factor = matrix[i * n + k] as number;
  if (factor !== 0) eliminateRowWith(matrix, n, i * n, matrix, pivotOffset, k, factor);
}

/** The row at `rowI` minus `factor` times the pivot row (in `pivot` at `pivotOffset`: the matrix or a saved copy). */
function eliminateRowWith(matrix: Float64Array, n: number, rowI: number, pivot: Float64Array, pivotOffset: number, k: number, factor: number): void {
  matrix[rowI + k] = 0;
  for (let j = 0; j < n; j++) matrix[rowI + j] = (matrix[rowI + j] as number) - factor * (pivot[pivotOffset + j] as number);
}

/**
 * Eigen-decomposition of a symmetric n×n matrix (row-major Float64Array, not modified) by cyclic Jacobi rotations.
 * Returns the eigenvalues in descending order and the eigenvectors as the rows of an n×n row-major array (row r
 * belongs to values[r]). About 4·n³ multiply-adds per sweep and a handful of sweeps (fewer for a nearly diagonal
 * matrix): meant for small n (≲ 300), such as the Rayleigh-Ritz step of a subspace iteration.
 */
export function symmetricEigen(matrix: Float64Array, n: number, maxSweeps = 60): { values: Float64Array; vectors: Float64Array } {
  if (matrix.length !== n * n) throw new PersonalabError('invalid_argument', `matrix has ${matrix.length} entries, expected ${n}×${n}`);
  const a = Float64Array.from(matrix);
  // Rows of v are the eigenvectors while rotating (v ← Jᵀ·v), so each rotation touches two contiguous rows.
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let index = 0; index < a.length; index++) scale += (a[index] as number) ** 2;
  const threshold = scale * 1e-30;
  const skip = threshold / Math.max(1, n * n);
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += (a[p * n + q] as number) ** 2;
    if (off <= threshold) break;
    for (let p = 0; p < n - 1; p++) {
      const rowP = p * n;
      for (let q = p + 1; q < n; q++) {
        const rowQ = q * n;
        const apq = a[rowP + q] as number;
        if (apq * apq <= skip) continue;
        const app = a[rowP + p] as number;
        const aqq = a[rowQ + q] as number;
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // a ← Jᵀ·a·J, J the rotation in the (p, q) plane chosen so that a[p][q] becomes 0: rows p and q, mirrored.
        for (let r = 0; r < n; r++) {
          if (r === p || r === q) continue;
          const apr = a[rowP + r] as number;
          const aqr = a[rowQ + r] as number;
          const newP = c * apr - s * aqr;
          const newQ = s * apr + c * aqr;
          a[rowP + r] = newP;
          a[rowQ + r] = newQ;
          a[r * n + p] = newP;
          a[r * n + q] = newQ;
        }
        a[rowP + p] = app - t * apq;
        a[rowQ + q] = aqq + t * apq;
        a[rowP + q] = 0;
        a[rowQ + p] = 0;
        for (let r = 0; r < n; r++) {
          const vp = v[rowP + r] as number;
          const vq = v[rowQ + r] as number;
          v[rowP + r] = c * vp - s * vq;
          v[rowQ + r] = s * vp + c * vq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, index) => index).sort((x, y) => (a[y * n + y] as number) - (a[x * n + x] as number) || x - y);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((source, row) => {
    values[row] = a[source * n + source] as number;
    vectors.set(v.subarray(source * n, (source + 1) * n), row * n);
  });
  return { values, vectors };
}

/**
 * Orthonormalises `count` vectors of length `length` stored one after another (rows of a count×length array) in
 * place, by modified Gram-Schmidt run twice ("twice is enough" for double precision). A vector that is (numerically)
 * dependent on the ones before it is replaced by zeros; returns how many were.
 */
export function orthonormaliseRows(vectors: Float64Array, count: number, length: number): number {
  let dependent = 0;
  for (let row = 0; row < count; row++) {
    const start = row * length;
    let original = 0;
    for (let j = 0; j < length; j++) original += (vectors[start + j] as number) ** 2;
    for (let pass = 0; pass < 2; pass++) {
      for (let previous = 0; previous < row; previous++) {
        const other = previous * length;
        let dot = 0;
        for (let j = 0; j < length; j++) dot += (vectors[start + j] as number) * (vectors[other + j] as number);
        if (dot === 0) continue;
        for (let j = 0; j < length; j++) vectors[start + j] = (vectors[start + j] as number) - dot * (vectors[other + j] as number);
      }
    }
    let norm = 0;
    for (let j = 0; j < length; j++) norm += (vectors[start + j] as number) ** 2;
    if (!(norm > original * 1e-24) || norm === 0) {
      vectors.fill(0, start, start + length);
      dependent++;
      continue;
    }
    const inverse = 1 / Math.sqrt(norm);
    for (let j = 0; j < length; j++) vectors[start + j] = (vectors[start + j] as number) * inverse;
  }
  return dependent;
}
