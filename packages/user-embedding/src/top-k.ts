/**
 * Indices of the `k` largest scores, best first, skipping excluded indices and non-finite scores.
 * A bounded min-heap keeps this O(n log k) for the full-catalogue scans of every model.
 */
export function topK(scores: ArrayLike<number>, k: number, excluded?: ReadonlySet<number>): number[] {
  if (k <= 0) return [];
  const heap: number[] = [];
  const less = (a: number, b: number) => (scores[a] as number) < (scores[b] as number) || ((scores[a] as number) === (scores[b] as number) && a > b);
  const siftDown = (start: number) => {
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && less(heap[left] as number, heap[smallest] as number)) smallest = left;
      if (right < heap.length && less(heap[right] as number, heap[smallest] as number)) smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest] as number, heap[index] as number];
      index = smallest;
    }
  };
  for (let index = 0; index < scores.length; index++) {
    if (excluded?.has(index) || !Number.isFinite(scores[index] as number)) continue;
    if (heap.length < k) {
      heap.push(index);
      let child = heap.length - 1;
      while (child > 0) {
        const parent = (child - 1) >> 1;
        if (!less(heap[child] as number, heap[parent] as number)) break;
        [heap[child], heap[parent]] = [heap[parent] as number, heap[child] as number];
        child = parent;
      }
    } else if (less(heap[0] as number, index)) {
      heap[0] = index;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (less(a, b) ? 1 : less(b, a) ? -1 : 0));
}
