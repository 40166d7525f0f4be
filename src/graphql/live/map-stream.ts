import { feedOf, PUSH_FEED, type FeedableStream } from '../../lib/push-feed.js';

/**
 * `source` with each value passed through `mapValue`, whose `return()` goes
 * straight to the source, even before the first `next()`. Shared subscriptions
 * release a duplicate source unread (shared-subscriptions.ts); a lazy wrapper
 * such as a Repeater would never start, so it would never release the source
 * it wraps, and the source's watch would stay registered. A source that can
 * be fed (lib/push-feed.ts) gives a stream that can be fed too, mapped.
 */
export function mapStream<T, U>(source: AsyncIterator<T>, mapValue: (value: T) => U): AsyncIterableIterator<U> {
  const mapped: AsyncIterableIterator<U> = {
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
  const feed = feedOf<T>(source);
  if (!feed) return mapped;
  const feedable: FeedableStream<U> = {
    [PUSH_FEED]: (handlers) => feed({ value: (value) => handlers.value(mapValue(value)), end: handlers.end }),
  };
  return Object.assign(mapped, feedable);
}
