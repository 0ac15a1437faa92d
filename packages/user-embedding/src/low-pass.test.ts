import { createRandom } from '@personalab/core';
import { describe, expect, it } from 'vitest';
import { orthonormaliseRows, symmetricEigen } from './linear-algebra.js';
import { denseOperator, fitLowPass, lowPassScores, maxEigenBlock, normalisedGramOperator, type SymmetricOperator, topEigenvectors } from './low-pass.js';

/** A = Qᵀ·diag(values)·Q for a random orthonormal Q (rows of Q are the eigenvectors). */
function knownMatrix(values: readonly number[], seed: number): { matrix: Float64Array; vectors: Float64Array } {
  const n = values.length;
  const random = createRandom(seed);
  const vectors = Float64Array.from({ length: n * n }, () => random.normal());
  orthonormaliseRows(vectors, n, n);
  const matrix = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < n; i++) {
      const scaled = (values[r] as number) * (vectors[r * n + i] as number);
      for (let j = 0; j < n; j++) matrix[i * n + j] = (matrix[i * n + j] as number) + scaled * (vectors[r * n + j] as number);
    }
  }
  return { matrix, vectors };
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function row(matrix: Float64Array, index: number, n: number): Float64Array {
  return matrix.subarray(index * n, (index + 1) * n);
}

describe('symmetric eigensolvers', () => {
  it('Jacobi recovers the eigenpairs of a matrix built from known ones', () => {
    const values = [5, 3, 2.5, 1, 0.5, 0.25, 0, -1];
    const n = values.length;
    const { matrix, vectors } = knownMatrix(values, 1);
    const result = symmetricEigen(matrix, n);
    values.forEach((value, r) => {
      expect(result.values[r]).toBeCloseTo(value, 10);
      expect(Math.abs(dot(row(result.vectors, r, n), row(vectors, r, n)))).toBeCloseTo(1, 10);
    });
  });

  it('subspace iteration finds the top k eigenvectors: orthonormal, Rayleigh quotients = eigenvalues, deterministic for a seed', () => {
    const n = 120;
    // A slowly decaying spectrum with a near-degenerate pair at the cut (as MovieLens's at k 128).
    const values = Array.from({ length: n }, (_, index) => (index === 0 ? 1 : 0.6 / (1 + 0.05 * index)));
    values[6] = (values[5] as number) - 1e-4;
    const { matrix, vectors } = knownMatrix(values, 2);
    const k = 8;
    const result = topEigenvectors(denseOperator(matrix, n), k, { seed: 3, tolerance: 1e-10 });
    expect(result.residual).toBeLessThanOrEqual(1e-10);
    const product = new Float64Array(n);
    for (let r = 0; r < k; r++) {
      const v = row(result.vectors, r, n);
      for (let s = 0; s < k; s++) expect(dot(v, row(result.vectors, s, n))).toBeCloseTo(r === s ? 1 : 0, 10);
      denseOperator(matrix, n).apply(v, 1, product);
      expect(dot(v, product)).toBeCloseTo(values[r] as number, 10);
      expect(result.values[r]).toBeCloseTo(values[r] as number, 10);
      expect(Math.abs(dot(v, row(vectors, r, n)))).toBeCloseTo(1, 6);
    }
    const again = topEigenvectors(denseOperator(matrix, n), k, { seed: 3, tolerance: 1e-10 });
    expect(Array.from(again.vectors)).toEqual(Array.from(result.vectors));
    // The whole spectrum (block = n) and k = 0 are fine too.
    expect(Array.from(topEigenvectors(denseOperator(matrix, n), n, { seed: 1 }).values).map((value) => Number(value.toFixed(8)))).toEqual(values.map((value) => Number(value.toFixed(8))));
    expect(topEigenvectors(denseOperator(matrix, n), 0).vectors.length).toBe(0);
  });

  it('rejects more eigenvectors than maxEigenBlock at once instead of running an O(k³)-per-round solve', () => {
    const n = 4 * maxEigenBlock;
    let products = 0;
    // A diagonal operator: never applied, the request is refused up front.
    const diagonal: SymmetricOperator = {
      size: n,
      apply(x, columns, out) {
        products++;
        for (let i = 0; i < n; i++) for (let c = 0; c < columns; c++) out[i * columns + c] = (x[i * columns + c] as number) / (1 + i);
      },
    };
    expect(() => topEigenvectors(diagonal, maxEigenBlock + 1)).toThrow(/at most 512/);
    expect(() => topEigenvectors(diagonal, n - 1)).toThrow(/at most 512/);
    expect(products).toBe(0);
  });
});

describe('ideal low-pass filter (GF-CF)', () => {
  const random = createRandom(7);
  const n = 40;
  const rows = Array.from({ length: 60 }, () => [...new Set(Array.from({ length: 2 + random.int(10) }, () => random.int(n - 2)))]);
  // Items n − 2 and n − 1 are never rated.

  it('the sparse operator is R̃ᵀR̃, whose top eigenvector is sqrt(item degree) with eigenvalue 1', () => {
    const { operator, itemDegree } = normalisedGramOperator(rows, n);
    const dense = new Float64Array(n * n);
    for (const items of rows) for (const i of items) for (const j of items) dense[i * n + j] = (dense[i * n + j] as number) + 1 / items.length / Math.sqrt((itemDegree[i] as number) * (itemDegree[j] as number));
    const x = Float64Array.from({ length: n }, () => random.normal());
    const fromOperator = new Float64Array(n);
    const fromDense = new Float64Array(n);
    operator.apply(x, 1, fromOperator);
    denseOperator(dense, n).apply(x, 1, fromDense);
    fromDense.forEach((value, i) => expect(fromOperator[i]).toBeCloseTo(value, 12));
    const { values, vectors } = topEigenvectors(operator, 3, { seed: 1, tolerance: 1e-10 });
    expect(values[0]).toBeCloseTo(1, 10);
    const norm = Math.sqrt(itemDegree.reduce((sum, degree) => sum + degree, 0));
    itemDegree.forEach((degree, i) => expect(Math.abs(vectors[i] as number)).toBeCloseTo(Math.sqrt(degree) / norm, 8));
  });

  it('scores are (x·D^-1/2)·V·Vᵀ·D^1/2; at full rank the filter passes the history through', () => {
    const filter = fitLowPass(rows, n, 5, { seed: 2 });
    const history = [0, 3, 7];
    const scores = lowPassScores(filter, history, new Float64Array(n));
    for (let j = 0; j < n; j++) {
      let expected = 0;
      for (let r = 0; r < 5; r++) {
        let coefficient = 0;
        for (const item of history) coefficient += (filter.basis[r * n + item] as number) / Math.sqrt(filter.itemDegree[item] as number);
        expected += coefficient * (filter.basis[r * n + j] as number);
      }
      expect(scores[j]).toBeCloseTo(expected * Math.sqrt(filter.itemDegree[j] as number), 10);
    }
    expect(Math.abs(scores[n - 1] as number)).toBe(0);
    const full = lowPassScores(fitLowPass(rows, n, n - 2, { seed: 2 }), history, new Float64Array(n));
    full.forEach((value, j) => expect(value).toBeCloseTo(history.includes(j) ? 1 : 0, 5));
  });

  it('the operator sums each row item by item in row order: bit-identical to the plain loops, for blocks of columns', () => {
    const items = 29;
    const draw = createRandom(17);
    const users = Array.from({ length: 40 }, () => [...new Set(Array.from({ length: 1 + draw.int(14) }, () => draw.int(items)))]);
    const { operator, itemDegree } = normalisedGramOperator(users, items);
    const scale = Array.from(itemDegree, (degree) => (degree > 0 ? 1 / Math.sqrt(degree) : 0));
    for (const columns of [1, 3]) {
      const x = Float64Array.from({ length: items * columns }, () => draw.normal());
      const out = new Float64Array(items * columns);
      operator.apply(x, columns, out);
      const expected = new Float64Array(items * columns);
      for (const row of users) {
        for (let c = 0; c < columns; c++) {
          let sum = 0;
          for (const item of row) sum += (x[item * columns + c] as number) * (scale[item] as number);
          sum *= 1 / row.length;
          for (const item of row) expected[item * columns + c] = (expected[item * columns + c] as number) + sum;
        }
      }
      for (let i = 0; i < items; i++) for (let c = 0; c < columns; c++) expected[i * columns + c] = (expected[i * columns + c] as number) * (scale[i] as number);
      expect(Array.from(out)).toEqual(Array.from(expected));
    }
  });

  it('scores are bit-identical to one sum per item in eigenvector order, past a multiple of four items too', () => {
    const items = 43;
    const draw = createRandom(5);
    const users = Array.from({ length: 50 }, () => [...new Set(Array.from({ length: 2 + draw.int(9) }, () => draw.int(items)))]);
    const filter = fitLowPass(users, items, 6, { seed: 3 });
    for (const history of [[0, 5, 9, 42], [41], []]) {
      const scores = lowPassScores(filter, history, new Float64Array(items));
      for (let j = 0; j < items; j++) {
        let expected = 0;
        for (let r = 0; r < 6; r++) {
          let coefficient = 0;
          for (const item of history) if ((filter.itemDegree[item] as number) > 0) coefficient += (filter.basis[r * items + item] as number) / Math.sqrt(filter.itemDegree[item] as number);
          expected += coefficient * (filter.basis[r * items + j] as number);
        }
        expect(scores[j]).toBe(expected * Math.sqrt(filter.itemDegree[j] as number));
      }
    }
  });

  it('a rank past the numerical rank of R̃ (60 users, 150 items, rank 128) is capped there: no seed-dependent null-space vectors', () => {
    const items = 150;
    const draw = createRandom(11);
    const users = Array.from({ length: 60 }, () => [...new Set(Array.from({ length: 3 + draw.int(12) }, () => draw.int(items)))]);
    const first = fitLowPass(users, items, 128, { seed: 1 });
    const second = fitLowPass(users, items, 128, { seed: 2 });
    // R̃ has 60 rows: at most 60 eigenvalues of R̃ᵀR̃ are non-zero.
    expect(first.values.length).toBeLessThanOrEqual(60);
    expect(first.values.length).toBe(second.values.length);
    expect(first.basis.length).toBe(first.values.length * items);
    expect(first.converged).toBe(true);
    for (const value of first.values) expect(value).toBeGreaterThan(1e-8 * (first.values[0] as number));
    // The same filter whatever the seed: same scores and the same top 10 for every user.
    const top10 = (scores: Float64Array, history: readonly number[]) =>
      Array.from({ length: items }, (_, j) => j)
        .filter((j) => !history.includes(j))
        .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b)
        .slice(0, 10);
    let sameTop10 = 0;
    for (const history of users) {
      const a = lowPassScores(first, history, new Float64Array(items));
      const b = lowPassScores(second, history, new Float64Array(items));
      a.forEach((value, j) => expect(value).toBeCloseTo(b[j] as number, 4));
      if (JSON.stringify(top10(a, history)) === JSON.stringify(top10(b, history))) sameTop10++;
    }
    expect(sameTop10).toBeGreaterThanOrEqual(57);
  });
});
