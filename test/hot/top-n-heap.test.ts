import { describe, expect, it } from 'vitest';
import { compareHotEntries, type HotRankable } from '../../src/modules/hot/heat-formula.js';
import { TopN } from '../../src/modules/hot/top-n-heap.js';
import { seededRandom as prng } from '../support/random.js';


function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

function shuffle<T>(random: () => number, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

// Few distinct values per key, so almost every comparison falls through to the tie-breakers.
const SCORES = [0, 1.5, 2, 3.25, 7];
const POINTS = [0, 1, 2];
const DATES = ['2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z', '2024-03-01T00:00:00Z'].map((d) => new Date(d));

const N = 100_000;
const random = prng(20_240_101);
// Ids are shuffled so that id order does not follow generation order.
const ids = shuffle(
  random,
  Array.from({ length: N }, (_, i) => i + 1),
);
const items: HotRankable[] = ids.map((id) => ({
  id,
  score: pick(random, SCORES),
  interactionPoints: pick(random, POINTS),
  publishedAt: pick(random, DATES),
}));
const bestFirst = [...items].sort(compareHotEntries);

const orders: Record<string, HotRankable[]> = {
  // Worst first: every push beats the current worst, the heap's hardest case.
  ascending: [...bestFirst].reverse(),
  descending: bestFirst,
  random: shuffle(prng(7), [...items]),
};

function collect<T>(capacity: number, compare: (a: T, b: T) => number, input: Iterable<T>): TopN<T> {
  const top = new TopN(capacity, compare);
  for (const item of input) top.push(item);
  return top;
}

describe('TopN', () => {
  it('builds inputs with heavy ties (sanity check of the fixture)', () => {
    expect(new Set(items.map((i) => `${i.score}|${i.interactionPoints}|${i.publishedAt.getTime()}`)).size).toBe(
      SCORES.length * POINTS.length * DATES.length,
    );
    expect(new Set(items.map((i) => i.id)).size).toBe(N);
  });

  for (const [order, input] of Object.entries(orders)) {
    for (const capacity of [50, 1000]) {
      it(`keeps the same top ${capacity} as a full sort for ${N} items in ${order} order`, () => {
        const top = collect(capacity, compareHotEntries, input);
        expect(top.size).toBe(capacity);
        const expected = [...input].sort(compareHotEntries).slice(0, capacity);
        expect(top.toSortedArray().map((e) => e.id)).toEqual(expected.map((e) => e.id));
      });
    }
  }

  it('does O(log N) comparisons per push even on worst-first input', () => {
    let comparisons = 0;
    const counting = (a: HotRankable, b: HotRankable): number => {
      comparisons++;
      return compareHotEntries(a, b);
    };
    const capacity = 1000;
    collect(capacity, counting, orders.ascending ?? []);
    // One check against the root, then at most two comparisons per level of a ⌈log2(1001)⌉ = 10 level heap.
    expect(comparisons).toBeGreaterThan(N);
    expect(comparisons).toBeLessThanOrEqual(N * (1 + 2 * Math.ceil(Math.log2(capacity + 1))));
  });

  it('keeps nothing with capacity 0', () => {
    const top = collect(0, compareHotEntries, items.slice(0, 100));
    expect(top.size).toBe(0);
    expect(top.toSortedArray()).toEqual([]);
  });

  it('keeps everything, sorted, when capacity exceeds the input', () => {
    const input = items.slice(0, 300);
    const top = collect(1000, compareHotEntries, input);
    expect(top.size).toBe(300);
    expect(top.toSortedArray().map((e) => e.id)).toEqual([...input].sort(compareHotEntries).map((e) => e.id));
  });

  it('leaves the collector usable after toSortedArray', () => {
    const byValue = (a: number, b: number): number => b - a;
    const top = collect(3, byValue, [5, 1, 9, 3]);
    expect(top.toSortedArray()).toEqual([9, 5, 3]);
    expect(top.toSortedArray()).toEqual([9, 5, 3]);
    top.push(4);
    top.push(2);
    expect(top.size).toBe(3);
    expect(top.toSortedArray()).toEqual([9, 5, 4]);
  });

  it.each([-1, 1.5, Number.NaN])('rejects capacity %s', (capacity) => {
    expect(() => new TopN(capacity, compareHotEntries)).toThrow(RangeError);
  });
});
