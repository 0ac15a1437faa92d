import { describe, expect, it } from 'vitest';
import { createRandom } from '@personalab/core';
import { ExactSum } from './exact-sum.js';

/** The exact sum of doubles that are multiples of 2^-60 (any double from 2^-8 to 2^53), rounded once: `Number(bigint)` rounds to nearest, ties to even. */
function exactSum(values: readonly number[]): number {
  let scaled = 0n;
  for (const value of values) scaled += BigInt(value * 2 ** 60);
  return Number(scaled) / 2 ** 60;
}

const sumOf = (values: readonly number[]) => {
  const sum = new ExactSum();
  for (const value of values) sum.add(value);
  return sum;
};

describe('ExactSum', () => {
  it('is the exact sum rounded once, where adding in order drifts', () => {
    const tenths = Array.from({ length: 10 }, () => 0.1);
    expect(tenths.reduce((total, value) => total + value, 0)).not.toBe(1);
    expect(sumOf(tenths).value()).toBe(1);
    // The 1e-16 makes the 1 closer to 2: a tie broken by a partial further down (CPython's test).
    expect(sumOf([1e-16, 1, 1e16]).value()).toBe(10000000000000002);
    expect(sumOf([1e100, 1, -1e100]).value()).toBe(1);
    expect(new ExactSum().value()).toBe(0);
  });

  it('comes back to where it was when values are taken away again, and matches an exact BigInt sum', () => {
    const random = createRandom(7);
    const kept: number[] = [];
    const sum = new ExactSum();
    for (let step = 0; step < 5000; step++) {
      // Ratings from 1 to 5 with up to three decimals (not binary fractions), now and then taken away again.
      if (kept.length > 0 && random.next() < 0.4) {
        const [removed] = kept.splice(random.int(kept.length), 1) as [number];
        sum.add(-removed);
      } else {
        const value = 1 + random.int(4001) / 1000;
        kept.push(value);
        sum.add(value);
      }
      expect(sum.value()).toBe(exactSum(kept));
    }
    for (const value of kept) sum.add(-value);
    expect(sum.value()).toBe(0);
    expect(sum.isZero()).toBe(true);
  });

  it('adds another sum exactly and copies without sharing', () => {
    const values = [0.1, 0.2, 0.3, 4.7, 3.3];
    const first = sumOf(values.slice(0, 2));
    const second = sumOf(values.slice(2));
    const copy = first.clone();
    copy.addSum(second);
    expect(copy.value()).toBe(exactSum(values));
    expect(first.value()).toBe(exactSum(values.slice(0, 2)));
  });

  it('gives NaN once a non-finite value was added, rather than a wrong sum', () => {
    const sum = sumOf([1, 2]);
    sum.add(Number.POSITIVE_INFINITY);
    expect(sum.value()).toBeNaN();
    expect(sum.isZero()).toBe(false);
    const overflow = sumOf([Number.MAX_VALUE, Number.MAX_VALUE]);
    expect(overflow.value()).toBeNaN();
  });
});
