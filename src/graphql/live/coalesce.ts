/** Default window: at most 4 events per second per subscription (docs/product.md, "Live updates"). */
export const COALESCE_INTERVAL_MS = 250;

/**
 * Rate-limits a stream of states: the first value goes out at once, then at
 * most one value per `intervalMs`, and always the latest one seen — values
 * in between are dropped, never queued, and the last value before the source
 * ends is always delivered (trailing edge).
 *
 * The source is read eagerly once the first `next()` is called, so a burst
 * costs one slot of memory, not a queue. `return()` and `throw()` reach the
 * source at once, even while a `next()` is pending (an async generator
 * would wait for that `next()`, which may never settle), and clear the timer.
 */
export function coalesce<T>(source: AsyncIterable<T>, intervalMs = COALESCE_INTERVAL_MS): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const waiters: Array<{ resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }> = [];
  let pending: { value: T } | undefined;
  let lastEmitAt = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  let sourceEnded = false;
  let failure: { error: unknown } | undefined;
  let closed = false;

  const finish = (result: IteratorResult<T>) => {
    for (const waiter of waiters.splice(0)) waiter.resolve(result);
  };

  /** Hands the latest value (or the end) to a waiting consumer when the window allows. */
  const flush = () => {
    if (closed || waiters.length === 0) return;
    if (pending) {
      const wait = lastEmitAt + intervalMs - Date.now();
      if (wait > 0) {
        timer ??= setTimeout(() => {
          timer = undefined;
          flush();
        }, wait);
        return;
      }
      const waiter = waiters.shift();
      if (!waiter) return;
      const { value } = pending;
      pending = undefined;
      lastEmitAt = Date.now();
      waiter.resolve({ value, done: false });
      return;
    }
    if (failure) {
      closed = true;
      const { error } = failure;
      for (const waiter of waiters.splice(0)) waiter.reject(error);
    } else if (sourceEnded) {
      closed = true;
      finish({ value: undefined, done: true });
    }
  };

  const pump = async () => {
    try {
      for (;;) {
        const result = await iterator.next();
        if (closed) return;
        if (result.done) break;
        pending = { value: result.value };
        flush();
      }
      sourceEnded = true;
    } catch (error) {
      if (closed) return;
      failure = { error };
      // A source that failed half-way may still hold a subscription; releasing it is best effort.
      Promise.resolve()
        .then(() => iterator.return?.())
        .catch(() => undefined);
    }
    flush();
  };

  const close = () => {
    closed = true;
    pending = undefined;
    if (timer) clearTimeout(timer);
    timer = undefined;
    finish({ value: undefined, done: true });
  };

  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      if (closed) return Promise.resolve({ value: undefined, done: true });
      if (!started) {
        started = true;
        void pump();
      }
      return new Promise<IteratorResult<T>>((resolve, reject) => {
        waiters.push({ resolve, reject });
        flush();
      });
    },
    async return() {
      close();
      // A source that ended or failed on its own has nothing left to release.
      if (!sourceEnded && !failure) {
        try {
          await iterator.return?.();
        } catch {
          // Releasing is best effort: the consumer is gone either way.
        }
      }
      return { value: undefined, done: true };
    },
    async throw(error: unknown) {
      close();
      try {
        if (iterator.throw) await iterator.throw(error);
        else await iterator.return?.();
      } catch {
        // The source rethrowing the error it was given is the expected outcome.
      }
      throw error;
    },
  };
}
