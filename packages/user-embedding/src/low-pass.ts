import { createRandom, PersonalabError, type Random } from '@personalab/core';
import { orthonormaliseRows, symmetricEigen } from './linear-algebra.js';
import { addRowsFloat64 } from './row-sums.js';

/** A symmetric positive semi-definite n×n matrix, given by its product with a block of vectors. */
export interface SymmetricOperator {
  readonly size: number;
  /** out ← A·X for X n×columns row-major (the block's vectors are its columns); out is overwritten, X is not modified. */
  apply(x: Float64Array, columns: number, out: Float64Array): void;
}

/** The operator of a dense symmetric matrix (row-major). */
export function denseOperator(matrix: Float64Array, n: number): SymmetricOperator {
  if (matrix.length !== n * n) throw new PersonalabError('invalid_argument', `matrix has ${matrix.length} entries, expected ${n}×${n}`);
  return {
    size: n,
    apply(x, columns, out) {
      out.fill(0, 0, n * columns);
      for (let i = 0; i < n; i++) {
        const row = i * n;
        const target = i * columns;
        for (let j = 0; j < n; j++) {
          const weight = matrix[row + j] as number;
          if (weight === 0) continue;
          const source = j * columns;
          for (let c = 0; c < columns; c++) out[target + c] = (out[target + c] as number) + weight * (x[source + c] as number);
        }
      }
    },
  };
}

export interface TopEigenOptions {
  /** Extra vectors in the block beyond k (default max(16, k/4)): the filter damps everything below the block's smallest Ritz value. */
  oversample?: number;
  seed?: number;
  /**
   * Stop when every wanted Ritz pair has ‖A·v − θ·v‖ ≤ tolerance · θ₁ (default 1e-6). On the MovieLens item Gram
   * matrix (k 128) 1e-6 moves the projector V_k·V_kᵀ by 2e-4 (Frobenius) from numpy's eigh, entries by 1e-5.
   */
  tolerance?: number;
  /** At most this many filter rounds (default 100). */
  maxRounds?: number;
  /**
   * Eigenpairs with θ ≤ cutoff · θ₁ (default 1e-8) are dropped: past the operator's numerical rank the block only
   * holds an arbitrary, seed-dependent basis of the (near) null space.
   */
  relativeCutoff?: number;
}

/**
 * Most vectors in the block (k + oversample; k beyond it is rejected): each round's Rayleigh-Ritz step is a Jacobi
 * eigensolver of block×block, O(block³) per sweep, so a rank near n on a large catalogue would run for hours.
 */
export const maxEigenBlock = 512;

export interface TopEigenvectors {
  /** The k largest eigenvalues, descending (fewer than k when the operator's numerical rank is below k). */
  values: Float64Array;
  /** k×n row-major: row r is the unit eigenvector of values[r]. */
  vectors: Float64Array;
  /** Filter rounds run. */
  rounds: number;
  /** Largest relative residual ‖A·v − θ·v‖ / θ₁ of the pairs returned. */
  residual: number;
  /** Whether the residual met the tolerance (false: stopped at maxRounds). */
  converged: boolean;
}

/**
 * The k largest eigenpairs of a symmetric positive semi-definite operator by Chebyshev-filtered subspace iteration
 * (seeded random block of k + oversample vectors; each round applies a Chebyshev polynomial of the operator that
 * damps [0, smallest Ritz value of the block] and amplifies what lies above it, then re-orthonormalises by modified
 * Gram-Schmidt and does a Rayleigh-Ritz step with a Jacobi eigensolver). A Chebyshev filter of degree m amplifies an
 * eigenvalue just above the damped interval by about cosh(m·acosh(t)), far more than m plain power steps do: the
 * normalised item Gram matrix of MovieLens has a flat spectrum around the 128th eigenvalue (0.228 vs 0.212 at the
 * 192nd), where plain subspace iteration would need hundreds of products. Each round's degree keeps the spread of
 * amplifications within the block under 1e8, so no direction is lost to rounding. Deterministic for a seed.
 * Only pairs with θ > relativeCutoff·θ₁ are returned: at most the numerical rank, so that the result (the span of the
 * vectors) does not depend on the seed. k > maxEigenBlock is rejected; the oversampled block is capped at it.
 */
export function topEigenvectors(operator: SymmetricOperator, k: number, options: TopEigenOptions = {}): TopEigenvectors {
  const n = operator.size;
  const wanted = Math.max(0, Math.min(Math.floor(k), n));
  if (wanted === 0) return { values: new Float64Array(0), vectors: new Float64Array(0), rounds: 0, residual: 0, converged: true };
  if (wanted > maxEigenBlock) throw new PersonalabError('invalid_argument', `${wanted} eigenvectors requested: at most ${maxEigenBlock} (each round's Jacobi step is O(block³))`);
  const block = Math.min(n, maxEigenBlock, wanted + (options.oversample ?? Math.max(16, Math.ceil(wanted / 4))));
  const tolerance = options.tolerance ?? 1e-6;
  const maxRounds = options.maxRounds ?? 100;
  const random = createRandom(options.seed ?? 0);
  const q = new Float64Array(block * n);
  for (let index = 0; index < q.length; index++) q[index] = random.normal();
  orthonormalise(q, block, n, random);
  const aq = new Float64Array(block * n);
  applyRows(operator, q, aq, block, n);
  let theta = rayleighRitz(q, aq, block, n);
  let residuals = residualsOf(q, aq, theta, wanted, n);
  let rounds = 0;
  while (Math.max(...residuals) > tolerance && rounds < maxRounds) {
    rounds++;
    // Leading pairs that have converged are locked: they are no longer filtered (they stay in the block).
    let locked = 0;
    while (locked < wanted && (residuals[locked] as number) <= tolerance) locked++;
    const top = Math.max(theta[0] as number, 1e-300);
    // Damp [0, b]: b is the block's smallest Ritz value (kept away from 0 so that a low-rank operator still converges).
    const b = Math.max(theta[block - 1] as number, top * 1e-3);
    const centre = b / 2;
    const halfWidth = b / 2;
    const growth = (value: number) => {
      const t = (value - centre) / halfWidth;
      return t > 1 ? Math.acosh(t) : 0;
    };
    const spread = growth(theta[locked] as number) - growth(Math.max(theta[wanted - 1] as number, b));
    const degree = Math.max(1, Math.min(24, Math.floor(Math.log(1e8) / Math.max(spread, 1e-12))));
    chebyshevRows(operator, q, locked, block, n, degree, centre, halfWidth);
    orthonormalise(q, block, n, random);
    applyRows(operator, q, aq, block, n);
    theta = rayleighRitz(q, aq, block, n);
    residuals = residualsOf(q, aq, theta, wanted, n);
  }
  // Cap at the numerical rank: past it the Ritz vectors are an arbitrary basis of the null space.
  const cutoff = (options.relativeCutoff ?? 1e-8) * Math.max(theta[0] as number, 0);
  let kept = 0;
  while (kept < wanted && (theta[kept] as number) > cutoff) kept++;
  const residual = kept === 0 ? 0 : Math.max(...residuals.slice(0, kept));
  return { values: theta.slice(0, kept), vectors: q.slice(0, kept * n), rounds, residual, converged: residual <= tolerance };
}

/** Rows first..last−1 of q (vectors of length n) ← p(A)·row / ‖p(A)·row‖, p the degree-m Chebyshev polynomial of (A − centre)/halfWidth. */
function chebyshevRows(operator: SymmetricOperator, q: Float64Array, first: number, last: number, n: number, degree: number, centre: number, halfWidth: number): void {
  const columns = last - first;
  if (columns <= 0) return;
  const size = n * columns;
  let previous = new Float64Array(size);
  let current = new Float64Array(size);
  let next = new Float64Array(size);
  const product = new Float64Array(size);
  // Block layout n×columns: one pass over the operator's structure serves every vector.
  for (let c = 0; c < columns; c++) {
    const row = (first + c) * n;
    for (let i = 0; i < n; i++) previous[i * columns + c] = q[row + i] as number;
  }
  operator.apply(previous, columns, product);
  for (let index = 0; index < size; index++) current[index] = ((product[index] as number) - centre * (previous[index] as number)) / halfWidth;
  const norms = new Float64Array(columns);
  for (let step = 1; step < degree; step++) {
    operator.apply(current, columns, product);
    for (let index = 0; index < size; index++) next[index] = (2 * ((product[index] as number) - centre * (current[index] as number))) / halfWidth - (previous[index] as number);
    [previous, current, next] = [current, next, previous];
    // Rescale both terms of a column together (the recurrence is linear) so that large amplifications cannot overflow.
    norms.fill(0);
    for (let index = 0; index < size; index++) norms[index % columns] = (norms[index % columns] as number) + (current[index] as number) ** 2;
    if (norms.some((norm) => norm > 1e100)) {
      for (let index = 0; index < size; index++) {
        const norm = norms[index % columns] as number;
        if (norm <= 1e100) continue;
        const factor = 1 / Math.sqrt(norm);
        current[index] = (current[index] as number) * factor;
        previous[index] = (previous[index] as number) * factor;
      }
    }
  }
  norms.fill(0);
  for (let index = 0; index < size; index++) norms[index % columns] = (norms[index % columns] as number) + (current[index] as number) ** 2;
  for (let c = 0; c < columns; c++) {
    const norm = norms[c] as number;
    const factor = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    const row = (first + c) * n;
    for (let i = 0; i < n; i++) q[row + i] = (current[i * columns + c] as number) * factor;
  }
}

/** Orthonormal rows; rows that came out dependent are redrawn at random until the block has full rank. */
function orthonormalise(q: Float64Array, rows: number, n: number, random: Random): void {
  for (let attempt = 0; orthonormaliseRows(q, rows, n) > 0; attempt++) {
    if (attempt > 10) throw new PersonalabError('internal', 'could not complete an orthonormal block');
    for (let row = 0; row < rows; row++) {
      let zero = true;
      for (let j = 0; j < n && zero; j++) zero = q[row * n + j] === 0;
      if (zero) for (let j = 0; j < n; j++) q[row * n + j] = random.normal();
    }
  }
}

/** out ← A·q for the rows of q (count×n): transposed into one n×count block product. */
function applyRows(operator: SymmetricOperator, q: Float64Array, out: Float64Array, count: number, n: number): void {
  const x = new Float64Array(n * count);
  for (let row = 0; row < count; row++) for (let i = 0; i < n; i++) x[i * count + row] = q[row * n + i] as number;
  const product = new Float64Array(n * count);
  operator.apply(x, count, product);
  for (let row = 0; row < count; row++) for (let i = 0; i < n; i++) out[row * n + i] = product[i * count + row] as number;
}

/** Rotates the orthonormal rows q (and aq = A·q with them) onto the Ritz vectors of H = q·A·qᵀ; returns the Ritz values, descending. */
function rayleighRitz(q: Float64Array, aq: Float64Array, rows: number, n: number): Float64Array {
  const h = new Float64Array(rows * rows);
  for (let a = 0; a < rows; a++) {
    for (let b = a; b < rows; b++) {
      let dot = 0;
      const qa = a * n;
      const ab = b * n;
      for (let j = 0; j < n; j++) dot += (q[qa + j] as number) * (aq[ab + j] as number);
      h[a * rows + b] = dot;
      h[b * rows + a] = dot;
    }
  }
  // H is symmetric in exact arithmetic; the upper triangle (a ≤ b) is used for both halves.
  const { values, vectors } = symmetricEigen(h, rows);
  for (const target of [q, aq]) {
    const rotated = new Float64Array(rows * n);
    for (let r = 0; r < rows; r++) {
      const out = r * n;
      for (let a = 0; a < rows; a++) {
        const weight = vectors[r * rows + a] as number;
        if (weight === 0) continue;
        const source = a * n;
        for (let j = 0; j < n; j++) rotated[out + j] = (rotated[out + j] as number) + weight * (target[source + j] as number);
      }
    }
    target.set(rotated);
  }
  return values;
}

/** ‖A·v − θ·v‖ / |θ₁| of the first `wanted` Ritz pairs. */
function residualsOf(q: Float64Array, aq: Float64Array, theta: Float64Array, wanted: number, n: number): number[] {
  const top = Math.max(Math.abs(theta[0] as number), 1e-300);
  const residuals: number[] = [];
  for (let r = 0; r < wanted; r++) {
    let sum = 0;
    const value = theta[r] as number;
    for (let j = 0; j < n; j++) sum += ((aq[r * n + j] as number) - value * (q[r * n + j] as number)) ** 2;
    residuals.push(Math.sqrt(sum) / top);
  }
  return residuals;
}

/**
 * R̃ᵀR̃ for R̃ = D_U^-1/2 · R · D_I^-1/2, R binary with the given rows (each a list of distinct item indices), as an
 * operator (two passes over R's non-zeros per product), and R's item degrees (column sums).
 */
export function normalisedGramOperator(rows: readonly (readonly number[])[], n: number): { operator: SymmetricOperator; itemDegree: Float64Array } {
  const itemDegree = new Float64Array(n);
  let nonZeros = 0;
  for (const row of rows) {
    nonZeros += row.length;
    for (const item of row) itemDegree[item] = (itemDegree[item] as number) + 1;
  }
  const starts = new Int32Array(rows.length + 1);
  const items = new Int32Array(nonZeros);
  const rowWeight = new Float64Array(rows.length);
  let at = 0;
  rows.forEach((row, index) => {
    starts[index] = at;
    for (const item of row) items[at++] = item;
    rowWeight[index] = row.length > 0 ? 1 / row.length : 0;
  });
  starts[rows.length] = at;
  const itemScale = itemDegree.map((degree) => (degree > 0 ? 1 / Math.sqrt(degree) : 0));
  const operator: SymmetricOperator = {
    size: n,
    apply(x, columns, out) {
      // (R̃ᵀR̃·x)_i = s_i Σ_rows∋i (1/|row|) Σ_j∈row s_j x_j, s = D_I^-1/2.
      const scaled = new Float64Array(n * columns);
      for (let i = 0; i < n; i++) {
        const scale = itemScale[i] as number;
        for (let c = 0; c < columns; c++) scaled[i * columns + c] = (x[i * columns + c] as number) * scale;
      }
      out.fill(0, 0, n * columns);
      const sum = new Float64Array(columns);
      for (let row = 0; row < rows.length; row++) {
        const start = starts[row] as number;
        const end = starts[row + 1] as number;
        sum.fill(0);
        // The row's items' rows of the scaled block, added one at a time in row order.
        addRowsFloat64(sum, scaled, items, columns, start, end);
        const weight = rowWeight[row] as number;
        for (let c = 0; c < columns; c++) sum[c] = (sum[c] as number) * weight;
        for (let index = start; index < end; index++) {
          const target = (items[index] as number) * columns;
          for (let c = 0; c < columns; c++) out[target + c] = (out[target + c] as number) + (sum[c] as number);
        }
      }
      for (let i = 0; i < n; i++) {
        const scale = itemScale[i] as number;
        for (let c = 0; c < columns; c++) out[i * columns + c] = (out[i * columns + c] as number) * scale;
      }
    },
  };
  return { operator, itemDegree };
}

/** GF-CF's ideal low-pass filter (Shen et al. 2021), stored in single precision: what scoring reads. */
export interface LowPassFilter {
  /** k×n row-major: the top-k eigenvectors of R̃ᵀR̃ (right singular vectors of R̃). */
  basis: Float32Array;
  /** R's column sums (item degrees). */
  itemDegree: Float32Array;
}

/**
 * Fits the ideal low-pass filter of GF-CF on binary rows R (users' item sets, optionally with further rows such as
 * pages): V_k, the top-k right singular vectors of R̃ = D_U^-1/2 R D_I^-1/2 (k capped at R̃'s numerical rank and at
 * `maxEigenBlock`, see `topEigenvectors`), and the item degrees. Scores are
 * (x·D_I^-1/2)·V_k·V_kᵀ·D_I^1/2 (`lowPassScores`).
 */
export function fitLowPass(rows: readonly (readonly number[])[], n: number, rank: number, options: TopEigenOptions = {}): LowPassFilter & { values: Float64Array; rounds: number; residual: number; converged: boolean } {
  const { operator, itemDegree } = normalisedGramOperator(rows, n);
  const { values, vectors, rounds, residual, converged } = topEigenvectors(operator, rank, options);
  return { basis: Float32Array.from(vectors), itemDegree: Float32Array.from(itemDegree), values, rounds, residual, converged };
}

/** Low-pass scores of one history (distinct item indices) into `out` (length n): (x·D_I^-1/2)·V_k·V_kᵀ·D_I^1/2. */
export function lowPassScores(filter: LowPassFilter, history: readonly number[], out: Float64Array): Float64Array {
  const { basis, itemDegree } = filter;
  const n = itemDegree.length;
  const rank = n === 0 ? 0 : basis.length / n;
  const transposed = transposedBasis(filter, rank);
  // Coefficients x·D_I^-1/2·V_k: each eigenvector's sum runs over the history's items in order (items without a
  // degree skipped), read from the item's contiguous row of the transposed basis rather than one strided read per
  // eigenvector; the same additions in the same order as summing eigenvector by eigenvector.
  const coefficients = new Float64Array(rank);
  for (const item of history) {
    const degree = itemDegree[item] as number;
    if (!(degree > 0)) continue;
    const root = Math.sqrt(degree);
    const base = item * rank;
    for (let r = 0; r < rank; r++) coefficients[r] = (coefficients[r] as number) + (transposed[base + r] as number) / root;
  }
  // Item by item over the transposed basis, eigenvectors in order: the same sums as adding one eigenvector's
  // contribution to every item at a time (a zero coefficient adds zero), about twice as fast (the sum stays in a
  // register). Four items per pass share each coefficient load; each item's sum is still added in eigenvector order.
  let j = 0;
  for (; j + 3 < n; j += 4) {
    const a = j * rank;
    const b = a + rank;
    const c = b + rank;
    const d = c + rank;
    let sumA = 0;
    let sumB = 0;
    let sumC = 0;
    let sumD = 0;
    for (let r = 0; r < rank; r++) {
      const coefficient = coefficients[r] as number;
      sumA += coefficient * (transposed[a + r] as number);
      sumB += coefficient * (transposed[b + r] as number);
      sumC += coefficient * (transposed[c + r] as number);
      sumD += coefficient * (transposed[d + r] as number);
    }
    out[j] = sumA * Math.sqrt(itemDegree[j] as number);
    out[j + 1] = sumB * Math.sqrt(itemDegree[j + 1] as number);
    out[j + 2] = sumC * Math.sqrt(itemDegree[j + 2] as number);
    out[j + 3] = sumD * Math.sqrt(itemDegree[j + 3] as number);
  }
  for (; j < n; j++) {
    const base = j * rank;
    let sum = 0;
    for (let r = 0; r < rank; r++) sum += (coefficients[r] as number) * (transposed[base + r] as number);
    out[j] = sum * Math.sqrt(itemDegree[j] as number);
  }
  return out;
}

/** The basis as n×k (item-major), made once per filter. */
const transposedBases = new WeakMap<LowPassFilter, Float32Array>();
function transposedBasis(filter: LowPassFilter, rank: number): Float32Array {
  let transposed = transposedBases.get(filter);
  if (transposed === undefined || transposed.length !== filter.basis.length) {
    const n = filter.itemDegree.length;
    transposed = new Float32Array(filter.basis.length);
    for (let r = 0; r < rank; r++) for (let j = 0; j < n; j++) transposed[j * rank + r] = filter.basis[r * n + j] as number;
    transposedBases.set(filter, transposed);
  }
  return transposed;
}
