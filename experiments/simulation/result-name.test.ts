import { describe, expect, it } from 'vitest';
import { resultName } from './result-name.js';

describe('resultName', () => {
  const headline = { personas: 500, offset: 0, seed: 1, 'llm-personas': 50 };

  it('is the plain name for the headline settings, and names each option that differs otherwise', () => {
    expect(resultName('fidelity', { ...headline, 'corpus-limit': undefined, weights: undefined }, headline)).toBe('fidelity');
    expect(resultName('fidelity', { ...headline, seed: 2, personas: 40 }, headline)).toBe('fidelity--personas-40--seed-2');
    expect(resultName('movielens-target-hint', { seed: 1, users: 40 }, { seed: 1, users: 100_000 })).toBe('movielens-target-hint--users-40');
  });

  it('gives different settings different names, and the same settings the same name', () => {
    const names = [{ seed: 2 }, { seed: 3 }, { personas: 40 }, { weights: { persona: 0.9 } }, { weights: { persona: 0.6 } }].map((changed) => resultName('fidelity', { ...headline, ...changed }, headline));
    expect(new Set(names).size).toBe(names.length);
    expect(resultName('fidelity', { ...headline, seed: 2 }, headline)).toBe(names[0]);
  });

  it('keeps names to safe characters and a bounded length', () => {
    expect(resultName('fidelity', { ...headline, weights: { persona: 0.9, jitter: 0.1 } }, headline)).toBe('fidelity--weights-persona-0.9-jitter-0.1');
    const weights = Object.fromEntries(Array.from({ length: 12 }, (_, index) => [`weight${index}`, index / 10]));
    const long = resultName('fidelity', { ...headline, weights }, headline);
    expect(long).toMatch(/^fidelity--weights-weight0-0-weight1-0.1[A-Za-z0-9.-]*--[0-9a-f]{10}$/);
    expect(long.length).toBeLessThanOrEqual('fidelity--'.length + 80);
    expect(resultName('fidelity', { ...headline, weights: { ...weights, weight11: 5 } }, headline)).not.toBe(long);
  });
});
