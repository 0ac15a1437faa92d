/**
 * Seeded pseudo-random numbers. Every stochastic component takes a `Random` (or a seed)
 * so that splits, synthetic worlds and training runs are reproducible.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n); `n` must be at least 1 (`RangeError` otherwise: [0, 0) holds no integer). */
  int(n: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Fisher-Yates shuffle in place; returns the same array. */
  shuffle<T>(array: T[]): T[];
  /** One element chosen uniformly. */
  pick<T>(array: readonly T[]): T;
  /** A new independent stream derived from this one. */
  fork(): Random;
}

/**
 * mulberry32: fast, 32-bit state, good enough statistical quality for simulation and splits. The seed is taken modulo
 * 2^32 (a fraction dropped), so callers may derive seeds arithmetically; a seed that is not a finite number is a
 * `RangeError` (NaN had silently given seed 0's stream).
 */
export function createRandom(seed: number): Random {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new RangeError(`createRandom needs a finite number as its seed, got ${String(seed)}`);
  let state = (seed >>> 0) ^ 0x9e3779b9;
  let spare: number | undefined;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random: Random = {
    next,
    int: (n) => {
      // int(0) had returned 0, an index into nothing, and int(NaN) NaN.
      if (!(n >= 1)) throw new RangeError(`int(n) needs n >= 1, got ${n}`);
      return Math.floor(next() * n);
    },
    normal: () => {
      if (spare !== undefined) {
        const value = spare;
        spare = undefined;
        return value;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spare = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
    shuffle: (array) => {
      for (let i = array.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = array[i] as (typeof array)[number];
        array[i] = array[j] as (typeof array)[number];
        array[j] = tmp;
      }
      return array;
    },
    pick: (array) => {
      if (array.length === 0) throw new RangeError('pick from an empty array');
      return array[Math.floor(next() * array.length)] as (typeof array)[number];
    },
    fork: () => createRandom(Math.floor(next() * 4294967296)),
  };
  return random;
}

/** A stable 32-bit hash of a string (FNV-1a), for seeding per-entity streams. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
