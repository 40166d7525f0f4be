/**
 * Bounded "best N" collector for the full hot recompute (docs/product.md, "Hot ranking"): it sees
 * every activity once, batch by batch, but only ever holds `capacity` of them.
 *
 * Internally a binary heap whose root is the *worst* kept item, so deciding
 * whether a newcomer belongs takes one comparison and replacing the worst
 * takes O(log N).
 */
export class TopN<T> {
  private readonly heap: T[] = [];

  /**
   * @param capacity how many items to keep; 0 keeps none.
   * @param compare negative when `a` ranks before (is better than) `b`. Give a
   *   total order: among items comparing equal, which one survives the cut is
   *   unspecified.
   */
  constructor(
    readonly capacity: number,
    private readonly compare: (a: T, b: T) => number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`TopN capacity must be a non-negative integer, got ${capacity}`);
    }
  }

  /** Number of items currently kept (at most `capacity`). */
  get size(): number {
    return this.heap.length;
  }

  /** Offers an item; it is kept only if it is among the best `capacity` seen so far. O(log N). */
  push(item: T): void {
    const heap = this.heap;
    if (heap.length < this.capacity) {
      heap.push(item);
      this.siftUp(heap.length - 1);
      return;
    }
    const worst = heap[0];
    // Ties with the current worst are dropped: the first one seen stays.
    if (worst === undefined || this.compare(item, worst) >= 0) return;
    heap[0] = item;
    this.siftDown(0);
  }

  /** The kept items, best first. Does not change the collector. */
  toSortedArray(): T[] {
    return [...this.heap].sort(this.compare);
  }

  /** True when `a` should sit above `b` in the heap, i.e. `a` ranks after `b`. */
  private worse(a: T, b: T): boolean {
    return this.compare(a, b) > 0;
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    const item = heap[index] as T;
    let i = index;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex] as T;
      if (!this.worse(item, parent)) break;
      heap[i] = parent;
      i = parentIndex;
    }
    heap[i] = item;
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    const length = heap.length;
    const item = heap[index] as T;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && this.worse(heap[right] as T, heap[left] as T)) child = right;
      const childItem = heap[child] as T;
      if (!this.worse(childItem, item)) break;
      heap[i] = childItem;
      i = child;
    }
    heap[i] = item;
  }
}
