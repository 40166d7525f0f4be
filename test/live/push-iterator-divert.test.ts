import { describe, expect, it } from 'vitest';
import { PushIterator } from '../../src/lib/push-iterator.js';

/** A sink that takes the values it is told to and records them. */
function sink(accepts: (value: string) => boolean = () => true) {
  const taken: string[] = [];
  return { taken, take: (value: string) => accepts(value) && (taken.push(value), true) };
}

describe('PushIterator.divert', () => {
  it('hands values to the sink synchronously, none through next()', async () => {
    const iterator = new PushIterator<string>(1);
    const { taken, take } = sink();
    const pending = iterator.next();
    iterator.divert(take);
    iterator.push('a');
    iterator.push('b');
    expect(taken).toEqual(['a', 'b']);
    // The consumer's next() is still waiting: it is how the stream's end reaches it.
    iterator.end();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
  });

  it('sends what the sink declines through next(), and nothing to the sink while that value is on its way', async () => {
    const iterator = new PushIterator<string>(1);
    const { taken, take } = sink((value) => !value.startsWith('error'));
    const first = iterator.next();
    iterator.divert(take);
    iterator.push('error 1');
    await expect(first).resolves.toEqual({ value: 'error 1', done: false });
    // The consumer has not come back for more: 'error 1' may still be being sent, so 'b' must not overtake it.
    iterator.push('b');
    iterator.push('c');
    expect(taken).toEqual([]);
    // Buffered (newest only, bufferSize 1) and handed out when asked for, still in order.
    await expect(iterator.next()).resolves.toEqual({ value: 'c', done: false });
    // 'c' was handed out by that next(): on its way until the consumer asks again.
    iterator.push('d');
    expect(taken).toEqual([]);
    const waiting = iterator.next();
    await expect(waiting).resolves.toEqual({ value: 'd', done: false });
    const idle = iterator.next();
    iterator.push('e');
    expect(taken).toEqual(['e']);
    iterator.end();
    await expect(idle).resolves.toEqual({ value: undefined, done: true });
  });

  it('gives the sink nothing after return() or end()', () => {
    for (const stop of ['return', 'end'] as const) {
      const iterator = new PushIterator<string>(1);
      const { taken, take } = sink();
      iterator.divert(take);
      iterator.push('a');
      if (stop === 'return') void iterator.return();
      else iterator.end();
      iterator.push('b');
      expect(taken).toEqual(['a']);
    }
  });
});
