/**
 * The parts of numpy's legacy `np.random.RandomState` that Microsoft Recommenders' splitters use:
 * MT19937 seeded from an integer (`init_genrand`, what `RandomState(seed)` does for an int seed) and
 * `permutation(n)` (`arange(n)` shuffled by the legacy Fisher-Yates with masked rejection sampling).
 * With it a TypeScript split draws exactly the rows that `group.sample(frac=1, random_state=seed)` draws.
 */
export class NumpyRandomState {
  private readonly state = new Uint32Array(624);
  private position = 624;

  /** `seed` must be an integer in [0, 2³² − 1], as numpy requires. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`numpy seeds are integers in [0, 2^32 - 1], got ${seed}`);
    this.state[0] = seed >>> 0;
    for (let index = 1; index < 624; index++) {
      const previous = this.state[index - 1] as number;
      const mixed = (previous ^ (previous >>> 30)) >>> 0;
      // 1812433253 · mixed mod 2³², split in 16-bit halves to stay exact in doubles.
      this.state[index] = ((((mixed & 0xffff0000) >>> 16) * 1812433253) << 16) + (mixed & 0x0000ffff) * 1812433253 + index;
    }
  }

  /** The next 32-bit output of MT19937 (numpy's `next_uint32`). */
  nextUint32(): number {
    if (this.position >= 624) this.twist();
    let value = this.state[this.position++] as number;
    value ^= value >>> 11;
    value ^= (value << 7) & 0x9d2c5680;
    value ^= (value << 15) & 0xefc60000;
    value ^= value >>> 18;
    return value >>> 0;
  }

  /** numpy's legacy `random_interval(max)`: uniform on [0, max] by masking and rejecting (max < 2³²). */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    for (;;) {
      const value = (this.nextUint32() & mask) >>> 0;
      if (value <= max) return value;
    }
  }

  /** numpy's legacy `random_sample()` (`np.random.rand`): a double in [0, 1) from two 32-bit outputs (27 + 26 bits). */
  random(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** `RandomState.permutation(n)`: a shuffled `[0, n)`. */
  permutation(n: number): number[] {
    const values = Array.from({ length: n }, (_, index) => index);
    for (let index = n - 1; index > 0; index--) {
      const other = this.interval(index);
      const swap = values[index] as number;
      values[index] = values[other] as number;
      values[other] = swap;
    }
    return values;
  }

  private twist(): void {
    const state = this.state;
    for (let index = 0; index < 624; index++) {
      const y = ((state[index] as number) & 0x80000000) | ((state[(index + 1) % 624] as number) & 0x7fffffff);
      state[index] = ((state[(index + 397) % 624] as number) ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)) >>> 0;
    }
    this.position = 0;
  }
}
