/**
 * One source iterator read once, its values handed to many consumers. Each
 * consumer has a small buffer that keeps the newest values and drops older
 * ones, so a slow client (a full socket, a paused SSE stream) never holds up
 * the others or grows memory: for state subscriptions only the latest value
 * matters.
 */
export class Multicast<T> {
  private readonly consumers = new Set<Consumer<T>>();
  private started = false;
  private ended = false;

  /**
   * @param source read from the first `subscribe()` until it ends or the last consumer leaves, then returned.
   * @param onIdle called once, synchronously, when the multicast stops taking consumers.
   * @param bufferSize values kept per consumer that has not pulled yet; older ones are dropped.
   */
  constructor(
    private readonly source: AsyncIterator<T>,
    private readonly onIdle: () => void,
    private readonly bufferSize = 1,
  ) {}

  /** Consumers currently attached. */
  get size(): number {
    return this.consumers.size;
  }

  /** False once the source ended or everyone left; a closed multicast takes no one. */
  get open(): boolean {
    return !this.ended;
  }

  /** A new consumer of every value from now on. */
  subscribe(): AsyncIterableIterator<T> {
    const consumer = new Consumer<T>(this.bufferSize, (leaving) => this.leave(leaving));
    if (this.ended) {
      consumer.end();
      return consumer;
    }
    this.consumers.add(consumer);
    if (!this.started) {
      this.started = true;
      void this.pump();
    }
    return consumer;
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const result = await this.source.next();
        if (this.ended) return;
        if (result.done) break;
        for (const consumer of this.consumers) consumer.push(result.value);
      }
      this.finish();
    } catch (error) {
      this.finish({ error });
    }
  }

  /** The source ended or failed: every consumer gets the same ending. */
  private finish(failure?: { error: unknown }): void {
    if (this.ended) return;
    this.ended = true;
    this.onIdle();
    for (const consumer of this.consumers) consumer.end(failure);
    this.consumers.clear();
  }

  private leave(consumer: Consumer<T>): void {
    if (!this.consumers.delete(consumer) || this.consumers.size > 0 || this.ended) return;
    this.ended = true;
    this.onIdle();
    // Returning the source is what releases its Redis subscription.
    Promise.resolve()
      .then(() => this.source.return?.())
      .catch(() => undefined);
  }
}

/** One subscriber's view of a multicast: a bounded buffer and at most one pending `next()`. */
class Consumer<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private readonly waiters: Array<{ resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }> = [];
  private ending: { failure?: { error: unknown } } | undefined;
  private detached = false;

  constructor(
    private readonly bufferSize: number,
    private readonly onLeave: (consumer: Consumer<T>) => void,
  ) {}

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  push(value: T): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve({ value, done: false });
      return;
    }
    if (this.buffer.length >= this.bufferSize) this.buffer.shift();
    this.buffer.push(value);
  }

  end(failure?: { error: unknown }): void {
    this.detached = true;
    this.ending = { failure };
    for (const waiter of this.waiters.splice(0)) this.settle(waiter);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0) return Promise.resolve({ value: this.buffer.shift()!, done: false });
    return new Promise((resolve, reject) => {
      if (this.ending) this.settle({ resolve, reject });
      else this.waiters.push({ resolve, reject });
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.buffer.length = 0;
    if (!this.ending) this.ending = {};
    for (const waiter of this.waiters.splice(0)) waiter.resolve({ value: undefined, done: true });
    if (!this.detached) {
      this.detached = true;
      this.onLeave(this);
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  async throw(error: unknown): Promise<IteratorResult<T>> {
    await this.return();
    throw error;
  }

  /** An ending is reported once; afterwards the consumer is simply done. */
  private settle(waiter: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }): void {
    const failure = this.ending?.failure;
    if (failure) {
      this.ending = {};
      waiter.reject(failure.error);
    } else {
      waiter.resolve({ value: undefined, done: true });
    }
  }
}
