/**
 * `source` with each value passed through `mapValue`, whose `return()` goes
 * straight to the source, even before the first `next()`. Shared subscriptions
 * release a duplicate source unread (shared-subscriptions.ts); a lazy wrapper
 * such as a Repeater would never start, so it would never release the source
 * it wraps, and the source's watch would stay registered.
 */
export function mapStream<T, U>(source: AsyncIterator<T>, mapValue: (value: T) => U): AsyncIterableIterator<U> {
  return {
    async next() {
      const result = await source.next();
      return result.done ? { done: true, value: undefined } : { done: false, value: mapValue(result.value) };
    },
    async return() {
      await source.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
