import { describe, expect, it } from 'vitest';
import { createRandom } from '@personalab/core';
import { type ChoiceExample, choiceProbabilities, fitConditionalLogit } from './conditional-logit.js';

/** Questions of 4 options and 2 features, answered by a known utility 2·x0 − 1·x1 (with Gumbel noise: a true logit). */
function plantedExamples(count: number, seed: number): ChoiceExample[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => {
    const features = Array.from({ length: 4 }, () => [random.next() * 2 - 1, random.next() * 2 - 1]);
    const utilities = features.map(([first = 0, second = 0]) => 2 * first - second - Math.log(-Math.log(Math.max(1e-12, random.next()))));
    return { features, correct: utilities.indexOf(Math.max(...utilities)) };
  });
}

describe('fitConditionalLogit', () => {
  it('recovers planted weights, their signs and rough sizes', () => {
    const fit = fitConditionalLogit(plantedExamples(2000, 3), { l2: 0.1 });
    expect(fit.converged).toBe(true);
    expect(fit.weights[0]).toBeGreaterThan(1.6);
    expect(fit.weights[0]).toBeLessThan(2.4);
    expect(fit.weights[1]).toBeLessThan(-0.7);
    expect(fit.weights[1]).toBeGreaterThan(-1.3);
  });

  it('is deterministic: the same examples give the same weights, in any order', () => {
    const examples = plantedExamples(300, 9);
    const first = fitConditionalLogit(examples);
    expect(fitConditionalLogit(examples).weights).toEqual(first.weights);
    const reversed = fitConditionalLogit([...examples].reverse()).weights;
    reversed.forEach((weight, index) => expect(weight).toBeCloseTo(first.weights[index] ?? Number.NaN, 9));
  });

  it('shrinks towards zero as the penalty grows, and a feature that never varies within a question gets weight 0', () => {
    const examples = plantedExamples(300, 5).map((example) => ({ ...example, features: example.features.map((row) => [...row, 7]) }));
    const light = fitConditionalLogit(examples, { l2: 0.1 }).weights;
    const heavy = fitConditionalLogit(examples, { l2: 100 }).weights;
    expect(Math.abs(heavy[0] ?? 0)).toBeLessThan(Math.abs(light[0] ?? 0));
    expect(light[2]).toBeCloseTo(0, 9);
  });

  it('gives probabilities that sum to one without overflowing on large utilities', () => {
    const probabilities = choiceProbabilities([[1000], [999], [0], [-1000]], [1]);
    expect(probabilities.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 12);
    expect(probabilities[0]).toBeGreaterThan(probabilities[1] ?? 1);
    expect(probabilities.every(Number.isFinite)).toBe(true);
  });
});
