import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from './backend.js';

// f(T) = Σ w ⊙ sin(gather(T, idx)): nonlinear, with repeated indices, so a wrong scatter (overwrite instead of sum) shows.
const indices = [0, 3, 3, 1, 0, 3];
const table = [0.1, -0.4, 0.7, 0.2, -0.3, 0.5, 0.9, -0.8, 0.05, 0.6];
const weights = Array.from({ length: indices.length * 2 }, (_, index) => ((index * 37) % 11) / 11 - 0.4);

function loss(values: number[]): number {
  let total = 0;
  indices.forEach((row, position) => {
    for (let column = 0; column < 2; column++) total += (weights[position * 2 + column] as number) * Math.sin(values[row * 2 + column] as number);
  });
  return total;
}

describe.each(['cpu', 'wasm'] as const)('gather gradient on %s', (backend) => {
  it('matches a central-difference numeric gradient, summing repeated indices', async () => {
    await selectBackend({ preferred: backend, log: () => undefined });
    expect(tf.getBackend()).toBe(backend);
    const before = tf.memory().numTensors;
    const analytic = tf.tidy(() => {
      const gradient = tf.grad((tensor: tf.Tensor) =>
        tf.sum(tf.mul(tf.tensor2d(weights, [indices.length, 2]), tf.sin(tf.gather(tensor, tf.tensor1d(indices, 'int32'))))),
      )(tf.tensor2d(table, [5, 2]));
      return Array.from(gradient.dataSync());
    });
    const epsilon = 1e-3;
    const numeric = table.map((_, index) => {
      const plus = [...table];
      const minus = [...table];
      plus[index] = (plus[index] as number) + epsilon;
      minus[index] = (minus[index] as number) - epsilon;
      return (loss(plus) - loss(minus)) / (2 * epsilon);
    });
    analytic.forEach((value, index) => expect(value).toBeCloseTo(numeric[index] as number, 3));
    // Row 2 is never gathered: its gradient is exactly zero; row 3 collects three contributions.
    expect(analytic[4]).toBe(0);
    expect(Math.abs(analytic[6] as number)).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("handles gathers along another axis", async () => {
    await selectBackend({ preferred: backend, log: () => undefined });
    const gradient = tf.tidy(() =>
      Array.from(tf.grad((tensor: tf.Tensor) => tf.sum(tf.gather(tensor, tf.tensor1d([1, 1], 'int32'), 1)))(tf.ones([2, 3])).dataSync()),
    );
    expect(gradient).toEqual([0, 2, 0, 0, 2, 0]);
    const weighted = tf.tidy(() =>
      Array.from(
        tf.grad((tensor: tf.Tensor) => tf.sum(tf.mul(tf.gather(tensor, tf.tensor1d([2, 0, 2], 'int32'), 1), tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2]))))(
          tf.ones([2, 3, 2]),
        ).dataSync(),
      ),
    );
    // x[b, j, c] gathers along axis 1: rows 0 and 2 collect the weights of their positions.
    expect(weighted).toEqual([3, 4, 0, 0, 1 + 5, 2 + 6, 9, 10, 0, 0, 7 + 11, 8 + 12]);
  });
});
