/**
 * A running sum of doubles kept exactly: Shewchuk's non-overlapping partials, as Python's `math.fsum`. Adding a value
 * and later taking it away (adding its negation) leaves the sum as it was, so a total updated at every write for as long
 * as a server runs does not drift, whatever fractions the values have. `value()` is the exact sum rounded once to the
 * nearest double. For finite doubles there are at most about 40 partials, whatever the number of values.
 */
export class ExactSum {
  /** Non-overlapping, in increasing magnitude; their exact sum is the sum. */
  private readonly partials: number[] = [];
  /** A non-finite value (or an overflow) was added: the sum is no longer kept. */
  private nonFinite = false;

  /** Adds a value (a negative one takes away). */
  add(value: number): void {
    if (!Number.isFinite(value)) {
      this.nonFinite = true;
      return;
    }
    let x = value;
    let kept = 0;
    for (let index = 0; index < this.partials.length; index++) {
      let y = this.partials[index] as number;
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const high = x + y;
      const low = y - (high - x);
      if (low !== 0) this.partials[kept++] = low;
      x = high;
    }
    if (!Number.isFinite(x)) this.nonFinite = true;
    this.partials.length = kept;
    this.partials.push(x);
  }

  /** Adds every value another sum holds. */
  addSum(other: ExactSum): void {
    if (other.nonFinite) this.nonFinite = true;
    for (const partial of other.partials) this.add(partial);
  }

  /** Whether no value has been added (or every one added was taken away again). */
  isZero(): boolean {
    return !this.nonFinite && this.partials.every((partial) => partial === 0);
  }

  clone(): ExactSum {
    const copy = new ExactSum();
    copy.addSum(this);
    return copy;
  }

  /** The sum, rounded once to the nearest double (ties to even); NaN once a non-finite value was added. */
  value(): number {
    if (this.nonFinite) return Number.NaN;
    let top = this.partials.length;
    if (top === 0) return 0;
    let high = this.partials[--top] as number;
    let low = 0;
    // From the largest partial down, until the running sum is no longer exact (CPython's math_fsum).
    while (top > 0) {
      const x = high;
      const y = this.partials[--top] as number;
      high = x + y;
      low = y - (high - x);
      if (low !== 0) break;
    }
    // Round half to even across partials: a tie broken by a partial further down goes its way.
    const next = top > 0 ? (this.partials[top - 1] as number) : 0;
    if (top > 0 && ((low < 0 && next < 0) || (low > 0 && next > 0))) {
      const y = low * 2;
      const x = high + y;
      if (y === x - high) high = x;
    }
    return high;
  }
}
