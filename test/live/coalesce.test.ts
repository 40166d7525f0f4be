import { afterEach, describe, expect, it, vi } from 'vitest';
import { coalesce } from '../../src/graphql/live/coalesce.js';
import { PushIterator } from '../../src/lib/push-iterator.js';

/** An in-memory source that records whether it was released. */
function source<T>() {
  const state = { returned: 0 };
  const iterator = new PushIterator<T>(10_000, () => (state.returned += 1));
  return { iterator, state };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads everything from `stream` until it ends, with the arrival time of each value. */
async function drain<T>(stream: AsyncIterable<T>) {
  const values: Array<{ value: T; at: number }> = [];
  for await (const value of stream) values.push({ value, at: Date.now() });
  return values;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('coalesce', () => {
  it('turns a burst of 100 events within one second into at most 5, the last one the final state', async () => {
    // Fake timers make "within one second" exact, however busy the machine is.
    vi.useFakeTimers();
    const { iterator } = source<number>();
    const delivered = drain(coalesce(iterator, 250));
    const started = Date.now();
    for (let i = 1; i <= 100; i += 1) {
      iterator.push(i);
      if (i % 10 === 0) await vi.advanceTimersByTimeAsync(99);
    }
    expect(Date.now() - started).toBeLessThan(1_000);
    iterator.end();
    await vi.advanceTimersByTimeAsync(1_000);
    const values = (await delivered).map((entry) => entry.value);
    expect(values.length).toBeLessThanOrEqual(5);
    expect(values[0]).toBe(1);
    expect(values.at(-1)).toBe(100);
    // Each delivery is the latest state at the time: strictly increasing.
    expect([...values].sort((a, b) => a - b)).toEqual(values);
  });

  it('delivers the first value at once and the latest one when the interval has passed', async () => {
    vi.useFakeTimers();
    const { iterator } = source<string>();
    const stream = coalesce(iterator, 100);
    const pending = stream.next();
    iterator.push('a');
    expect((await pending).value).toBe('a');
    iterator.push('b');
    iterator.push('c');
    let second: IteratorResult<string> | undefined;
    void stream.next().then((result) => (second = result));
    await vi.advanceTimersByTimeAsync(99);
    expect(second).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(second).toEqual({ value: 'c', done: false });
    await stream.return!();
  });

  it('always delivers the trailing value before ending, even when the source ends at once', async () => {
    const { iterator } = source<number>();
    const stream = coalesce(iterator, 50);
    const all = drain(stream);
    iterator.push(1);
    iterator.push(2);
    iterator.push(3);
    iterator.end();
    expect((await all).map((entry) => entry.value)).toEqual([1, 3]);
  });

  it('reads nothing until the first next(), so an unread stream costs no subscription', async () => {
    let pulled = 0;
    const lazy: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => ((pulled += 1), Promise.resolve({ value: 1, done: false as const })),
        return: () => Promise.resolve({ value: undefined, done: true as const }),
      }),
    };
    const stream = coalesce(lazy, 50);
    await sleep(20);
    expect(pulled).toBe(0);
    await stream.return!();
  });

  it('return() ends a pending next() at once, releases the source and leaves no timer', async () => {
    vi.useFakeTimers();
    const { iterator, state } = source<number>();
    const stream = coalesce(iterator, 250);
    const first = stream.next();
    iterator.push(1);
    expect((await first).value).toBe(1);
    const second = stream.next();
    iterator.push(2);
    await vi.advanceTimersByTimeAsync(10);
    expect(vi.getTimerCount()).toBe(1);
    await stream.return!();
    expect(await second).toEqual({ value: undefined, done: true });
    expect(state.returned).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('throw() reaches the source, clears the timer and rethrows', async () => {
    vi.useFakeTimers();
    const { iterator, state } = source<number>();
    const stream = coalesce(iterator, 250);
    const first = stream.next();
    iterator.push(1);
    await first;
    void stream.next();
    iterator.push(2);
    await vi.advanceTimersByTimeAsync(10);
    await expect(stream.throw!(new Error('stop'))).rejects.toThrow('stop');
    expect(state.returned).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('passes a source failure on after the pending latest value', async () => {
    const { iterator } = source<number>();
    const stream = coalesce(iterator, 30);
    const first = stream.next();
    iterator.push(1);
    await first;
    iterator.push(2);
    iterator.end({ error: new Error('redis went away') });
    expect((await stream.next()).value).toBe(2);
    await expect(stream.next()).rejects.toThrow('redis went away');
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });
});
