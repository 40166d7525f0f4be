/**
 * A stream that can also hand its values over itself, as they are made,
 * instead of being pulled with `next()`. Pulling costs a fresh pending step
 * per value in every layer between producer and consumer (a promise, an
 * async function's suspended frame, the resolve functions): at 10,000
 * subscribers, each with a stream of its own, those steps are made for every
 * subscriber on every event, wait until the next event, so they outlive the
 * young generation's collections, and are promoted — tens of MB of old-space
 * garbage per event (docs/benchmarks.md, `standings-10k`). Fed, a value goes
 * down the layers as plain calls and nothing waits between events.
 *
 * Only a producer that already rate-limits its values and keeps only the
 * latest (the StandingWatcher: one batched lookup per window, each listener
 * told at most once per lookup) offers a feed: a fed value skips the
 * coalescing a pulled stream gets (shared-subscriptions.ts).
 */
export const PUSH_FEED = Symbol('liveboard.pushFeed');

/** Where a fed stream's values and ending go. */
export interface FeedHandlers<T> {
  value: (value: T) => void;
  /** The producer ended the stream (with a failure, if any); never called after the consumer's own `return()`. */
  end: (failure?: { error: unknown }) => void;
}

/** A stream offering a feed: calling it starts the feed (once); the stream's `return()` still stops it. */
export interface FeedableStream<T> {
  [PUSH_FEED]: (handlers: FeedHandlers<T>) => void;
}

/** The feed `source` offers, or undefined when it can only be pulled. */
export function feedOf<T>(source: unknown): FeedableStream<T>[typeof PUSH_FEED] | undefined {
  if (typeof source !== 'object' || source === null || !(PUSH_FEED in source)) return undefined;
  return (source as FeedableStream<T>)[PUSH_FEED];
}
