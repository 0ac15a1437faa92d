/**
 * The k largest scores seen so far, as a min-heap on score: the root is the weakest kept entry,
 * so a candidate is compared with one number and most are rejected without touching the heap.
 */
export class TopK {
  readonly capacity: number;
  private readonly scores: Float64Array;
  private readonly rows: Int32Array;
  private count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.scores = new Float64Array(capacity);
    this.rows = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** The score a candidate must beat to enter (minus infinity until the heap is full). */
  get threshold(): number {
    return this.count < this.capacity ? Number.NEGATIVE_INFINITY : this.scores[0]!;
  }

  push(score: number, row: number): void {
    const { scores, rows } = this;
    if (this.count < this.capacity) {
      // Sift up from the new leaf.
      let index = this.count++;
      while (index > 0) {
        const parent = (index - 1) >> 1;
        if (scores[parent]! <= score) break;
        scores[index] = scores[parent]!;
        rows[index] = rows[parent]!;
        index = parent;
      }
      scores[index] = score;
      rows[index] = row;
      return;
    }
    if (score <= scores[0]!) return;
    // Replace the root and sift down.
    let index = 0;
    const count = this.count;
    while (true) {
      const left = 2 * index + 1;
      if (left >= count) break;
      const right = left + 1;
      const child = right < count && scores[right]! < scores[left]! ? right : left;
      if (scores[child]! >= score) break;
      scores[index] = scores[child]!;
      rows[index] = rows[child]!;
      index = child;
    }
    scores[index] = score;
    rows[index] = row;
  }

  /** The kept entries, best first (ties broken by row, for determinism). */
  sorted(): { score: number; row: number }[] {
    const entries: { score: number; row: number }[] = [];
    for (let index = 0; index < this.count; index++) entries.push({ score: this.scores[index]!, row: this.rows[index]! });
    return entries.sort((a, b) => b.score - a.score || a.row - b.row);
  }
}
