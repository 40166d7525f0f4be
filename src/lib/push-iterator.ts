import type { FeedHandlers } from './push-feed.js';

type Waiter<T> = { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void };

/**
 * An async iterator fed by `push()`, for one subscriber. Its buffer is
 * bounded and keeps the newest values: a consumer that does not keep up
 * skips intermediate states instead of queueing them, which is right for
 * state subscriptions, where only the latest value matters.
 */
export class PushIterator<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private readonly waiters: Waiter<T>[] = [];
  private ending: { failure?: { error: unknown } } | undefined;
  private detached = false;
  private sink: ((value: T) => boolean) | undefined;
  private fed: FeedHandlers<T> | undefined;
  /** A value left through `next()` and the consumer has not asked for another since: it may still be on its way. */
  private handedOut = false;

  /**
   * @param bufferSize values kept while the consumer is not pulling; older ones are dropped.
   * @param onReturn called once when the consumer stops early (`return()`/`throw()`), not when `end()` ends it.
   */
  constructor(
    private readonly bufferSize = 1,
    private readonly onReturn: (iterator: PushIterator<T>) => void = () => {},
  ) {}

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  /**
   * From now on, values go to `sink` synchronously, without a promise per
   * value, whenever it takes them (returns true) and nothing sent through
   * `next()` is still on its way (a value handed out is on its way until
   * the consumer asks for the next one), so the consumer sees them in the
   * order pushed. Values the sink declines go through `next()` as before;
   * ending (`end()`, `return()`) is unchanged, and no value reaches the sink
   * after it.
   */
  divert(sink: (value: T) => boolean): void {
    this.sink = sink;
  }

  /**
   * From now on every value goes to `handlers.value` as it is pushed (those
   * buffered first), and the producer's `end()` to `handlers.end`: the
   * iterator is no longer pulled (lib/push-feed.ts). `return()` still stops
   * it, without calling `handlers.end`.
   */
  feed(handlers: FeedHandlers<T>): void {
    const buffered = this.buffer.splice(0);
    if (!this.ending) this.fed = handlers;
    for (const value of buffered) handlers.value(value);
    if (this.ending) handlers.end(this.ending.failure);
  }

  /** Hands a value to the feed, the sink, a waiting `next()`, or the buffer, dropping the oldest beyond the bound. */
  push(value: T): void {
    if (this.ending) return;
    if (this.fed) return this.fed.value(value);
    if (this.sink !== undefined && !this.handedOut && this.buffer.length === 0 && this.sink(value)) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      this.handedOut = true;
      waiter.resolve({ value, done: false });
      return;
    }
    if (this.buffer.length >= this.bufferSize) this.buffer.shift();
    this.buffer.push(value);
  }

  /** Ends the stream from the producer's side; buffered values are still delivered, then the failure if any. */
  end(failure?: { error: unknown }): void {
    if (this.ending) return;
    this.detached = true;
    this.ending = { failure };
    this.sink = undefined;
    const fed = this.fed;
    this.fed = undefined;
    fed?.end(failure);
    for (const waiter of this.waiters.splice(0)) this.settle(waiter);
  }

  next(): Promise<IteratorResult<T>> {
    this.handedOut = this.buffer.length > 0;
    if (this.buffer.length > 0) return Promise.resolve({ value: this.buffer.shift() as T, done: false });
    return new Promise((resolve, reject) => {
      if (this.ending) this.settle({ resolve, reject });
      else this.waiters.push({ resolve, reject });
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.buffer.length = 0;
    this.ending = {};
    this.sink = undefined;
    this.fed = undefined;
    for (const waiter of this.waiters.splice(0)) waiter.resolve({ value: undefined, done: true });
    if (!this.detached) {
      this.detached = true;
      this.onReturn(this);
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  async throw(error: unknown): Promise<IteratorResult<T>> {
    await this.return();
    throw error;
  }

  /** A failure is reported once; afterwards the iterator is simply done. */
  private settle(waiter: Waiter<T>): void {
    const failure = this.ending?.failure;
    if (failure) {
      this.ending = {};
      waiter.reject(failure.error);
    } else {
      waiter.resolve({ value: undefined, done: true });
    }
  }
}
