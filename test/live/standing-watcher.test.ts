import { describe, expect, it } from 'vitest';
import { createStandingWatcher } from '../../src/graphql/live/standing-watcher.js';
import { waitUntil } from '../support/live-clients.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An in-memory lookup that records every call: the batching contract is
 * what is under test here, not a data store.
 */
function memoryLookup(values: Map<string, number>) {
  const calls: Array<{ scope: string | number; members: readonly (string | number)[] }> = [];
  let running = 0;
  const stats = { calls, maxConcurrent: 0, failNext: false };
  const lookup = async (scope: string | number, members: readonly (string | number)[]) => {
    calls.push({ scope, members: [...members] });
    running += 1;
    stats.maxConcurrent = Math.max(stats.maxConcurrent, running);
    await sleep(5);
    running -= 1;
    if (stats.failNext) {
      stats.failNext = false;
      throw new Error('lookup failed');
    }
    return members.map((member) => values.get(`${scope}/${member}`) ?? null);
  };
  return { lookup, stats };
}

describe('StandingWatcher batching', () => {
  it('looks up all watched members of a scope in one call per window, whatever the number of touches', async () => {
    const values = new Map([['s1/a', 1], ['s1/b', 2], ['s1/c', 3], ['s2/x', 9]]);
    const { lookup, stats } = memoryLookup(values);
    const watcher = createStandingWatcher<number | null>({ lookup, intervalMs: 50 });
    const seen: Record<string, Array<number | null>> = { a: [], b: [], c: [], x: [] };
    for (const member of ['a', 'b', 'c']) watcher.watch('s1', member, (value) => seen[member]!.push(value));
    watcher.watch('s2', 'x', (value) => seen.x!.push(value));

    watcher.touch('nobody-watches-this');
    for (let i = 0; i < 100; i += 1) watcher.touch('s1');
    await waitUntil(() => stats.calls.length === 1);
    await sleep(80);
    expect(stats.calls).toEqual([{ scope: 's1', members: ['a', 'b', 'c'] }]);
    // Nothing was known before: the first lookup tells every listener.
    expect(seen).toEqual({ a: [1], b: [2], c: [3], x: [] });

    // Only b changes; 40 touches over ~400 ms: one lookup per 50 ms window at most, one notification.
    values.set('s1/b', 20);
    const started = Date.now();
    for (let i = 0; i < 40; i += 1) {
      watcher.touch('s1');
      await sleep(10);
    }
    const elapsed = Date.now() - started;
    await waitUntil(() => seen.b!.length === 2);
    await sleep(60);
    const lookups = stats.calls.length - 1;
    expect(lookups).toBeGreaterThanOrEqual(1);
    expect(lookups).toBeLessThanOrEqual(2 + Math.ceil(elapsed / 50));
    expect(stats.maxConcurrent).toBe(1);
    expect(seen).toEqual({ a: [1], b: [2, 20], c: [3], x: [] });
    await watcher.close();
  });

  it('notifies a listener only when the value differs from the last one it saw, starting from a known initial value', async () => {
    const values = new Map([['s/a', 5], ['s/b', 6]]);
    const { lookup, stats } = memoryLookup(values);
    const watcher = createStandingWatcher<number | null>({ lookup, intervalMs: 20 });
    const seenA: Array<number | null> = [];
    const seenB: Array<number | null> = [];
    watcher.watch('s', 'a', (value) => seenA.push(value), { initial: 5 });
    watcher.watch('s', 'b', (value) => seenB.push(value), { initial: 1 });
    watcher.touch('s');
    await waitUntil(() => seenB.length === 1);
    expect(stats.calls.length).toBe(1);
    expect(seenA).toEqual([]);
    expect(seenB).toEqual([6]);
    await watcher.close();
  });

  it('retries after a failed lookup on the next touch, and forgets a scope when its last watcher leaves', async () => {
    const values = new Map([['s/a', 1]]);
    const { lookup, stats } = memoryLookup(values);
    let returned = 0;
    const changes = (): AsyncIterable<unknown> => ({
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<unknown>>(() => {}),
        return: () => ((returned += 1), Promise.resolve({ value: undefined, done: true as const })),
      }),
    });
    const watcher = createStandingWatcher<number | null>({ lookup, changes, intervalMs: 10 });
    const seen: Array<number | null> = [];
    const unwatch = watcher.watch('s', 'a', (value) => seen.push(value));
    stats.failNext = true;
    watcher.touch('s');
    await waitUntil(() => stats.calls.length === 1);
    await sleep(20);
    expect(seen).toEqual([]);
    watcher.touch('s');
    await waitUntil(() => seen.length === 1);
    expect(seen).toEqual([1]);

    expect(watcher.stats()).toEqual({ scopes: 1, listeners: 1 });
    unwatch();
    await waitUntil(() => returned === 1);
    expect(watcher.stats()).toEqual({ scopes: 0, listeners: 0 });
    watcher.touch('s');
    await sleep(30);
    expect(stats.calls.length).toBe(2);
  });

  it('streams a member\'s changes as an async iterator for a subscription, and unwatches on return()', async () => {
    const values = new Map([['s/a', 1]]);
    const { lookup } = memoryLookup(values);
    const watcher = createStandingWatcher<number | null>({ lookup, intervalMs: 10 });
    const stream = watcher.stream('s', 'a');
    const first = stream.next();
    watcher.touch('s');
    expect(await first).toEqual({ value: 1, done: false });
    values.set('s/a', 2);
    const second = stream.next();
    watcher.touch('s');
    expect(await second).toEqual({ value: 2, done: false });
    await stream.return!();
    expect(watcher.stats()).toEqual({ scopes: 0, listeners: 0 });
  });
});
