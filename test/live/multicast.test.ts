import { describe, expect, it } from 'vitest';
import { Multicast } from '../../src/graphql/live/multicast.js';
import { TURN_BATCH as DELIVERY_BATCH } from '../../src/lib/in-turns.js';
import { PushIterator } from '../../src/lib/push-iterator.js';

function setup(bufferSize = 1) {
  const state = { returned: 0, idle: 0 };
  const source = new PushIterator<number>(10_000, () => (state.returned += 1));
  const multicast = new Multicast<number>(source, () => (state.idle += 1), bufferSize);
  return { source, multicast, state };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Multicast', () => {
  it('gives every value to every consumer, and a slow one only the latest instead of a queue', async () => {
    const { source, multicast } = setup();
    const fast = multicast.subscribe();
    const slow = multicast.subscribe();
    const seenByFast: number[] = [];
    for (let i = 1; i <= 10; i += 1) {
      const next = fast.next();
      source.push(i);
      seenByFast.push((await next).value as number);
    }
    expect(seenByFast).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The slow consumer never pulled while the others went on: it kept only the newest value.
    expect((await slow.next()).value).toBe(10);
  });

  it('keeps up to bufferSize values for a consumer that is not pulling', async () => {
    const { source, multicast } = setup(3);
    const consumer = multicast.subscribe();
    for (let i = 1; i <= 6; i += 1) source.push(i);
    await tick();
    const values = [(await consumer.next()).value, (await consumer.next()).value, (await consumer.next()).value];
    expect(values).toEqual([4, 5, 6]);
  });

  it('returns the source when the last consumer leaves, and takes no one after that', async () => {
    const { source, multicast, state } = setup();
    const a = multicast.subscribe();
    const b = multicast.subscribe();
    source.push(1);
    await tick();
    await a.return();
    expect(state.returned).toBe(0);
    expect(multicast.size).toBe(1);
    const pending = b.next();
    expect((await pending).value).toBe(1);
    const waiting = b.next();
    await b.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    await tick();
    expect(state.returned).toBe(1);
    expect(state.idle).toBe(1);
    expect(multicast.open).toBe(false);
    expect(await multicast.subscribe().next()).toEqual({ value: undefined, done: true });
  });

  it('passes a source failure to every consumer, once', async () => {
    const { source, multicast, state } = setup();
    const consumers = [multicast.subscribe(), multicast.subscribe(), multicast.subscribe()];
    const pending = consumers.map((consumer) => consumer.next());
    source.end({ error: new Error('source failed') });
    for (const next of pending) await expect(next).rejects.toThrow('source failed');
    for (const consumer of consumers) expect(await consumer.next()).toEqual({ value: undefined, done: true });
    expect(state.idle).toBe(1);
  });

  it('ends every consumer when the source ends', async () => {
    const { source, multicast } = setup();
    const consumers = [multicast.subscribe(), multicast.subscribe()];
    source.push(7);
    source.end();
    for (const consumer of consumers) {
      expect((await consumer.next()).value).toBe(7);
      expect((await consumer.next()).done).toBe(true);
    }
  });

  it('hands a value to many consumers one batch per turn of the event loop, skipping those who left meanwhile', async () => {
    const { source, multicast } = setup();
    const consumers = Array.from({ length: 2 * DELIVERY_BATCH + 1 }, () => multicast.subscribe());
    const received = new Map<number, number>();
    consumers.forEach((consumer, index) => void consumer.next().then((result) => !result.done && received.set(index, result.value)));
    source.push(5);
    // The first batch gets it before the event loop turns; the rest wait for later turns.
    await Promise.resolve().then(() => undefined).then(() => undefined).then(() => undefined);
    expect(received.size).toBe(DELIVERY_BATCH);
    const leaving = consumers.at(-1)!;
    await leaving.return();
    await tick();
    await tick();
    await tick();
    expect(received.size).toBe(2 * DELIVERY_BATCH);
    expect([...received.values()].every((value) => value === 5)).toBe(true);
    expect(received.has(consumers.length - 1)).toBe(false);
    // The source is read again only after everyone had the value.
    const next = consumers[0]!.next();
    source.push(6);
    expect((await next).value).toBe(6);
  });
});
