import type { Logger } from '../../infra/logger.js';
import { coalesce, COALESCE_INTERVAL_MS } from './coalesce.js';

/** How changedStates reads and compares states; see changedStates. */
export interface ChangedStatesOptions<S> {
  /** The current state, e.g. the top N of a board. Called at most once per window, never twice at once. */
  read: () => Promise<S>;
  /** What a subscriber sees of a state: two states with the same key are the same to them (e.g. the ids in order). */
  key: (state: S) => string;
  intervalMs?: number;
  logger?: Logger;
}

/**
 * Turns change notices into states, and sends a state only when it differs
 * from the last one sent: the source of subscriptions such as "the new top N
 * whenever it changes; nothing when it does not".
 *
 * - Notices are coalesced first, so a burst of 100 notices costs at most one
 *   read per window (the last one after the last notice), not 100.
 * - The state when the stream starts (its first `next()`) is the baseline, so
 *   even the first notice sends nothing if what the subscriber sees is
 *   unchanged. It is read before the notices are subscribed to: a change
 *   can then be missed only while Redis confirms the SUBSCRIBE (the client's
 *   own query covers it), never folded silently into the baseline after the
 *   subscription is confirmed — tests rely on that order too.
 * - Used as a subscription's source it runs once per shared stream
 *   (shared-subscriptions.ts), so the read and the comparison happen once per
 *   key and event, not once per subscriber.
 * - A failed read is logged and skipped: the next notice reads again.
 */
export function changedStates<S>(notices: AsyncIterable<unknown>, options: ChangedStatesOptions<S>): AsyncIterableIterator<S> {
  const { read, key, logger } = options;
  const events = coalesce(notices, options.intervalMs ?? COALESCE_INTERVAL_MS);
  let baseline: Promise<void> | undefined;
  let lastKey: string | undefined;
  let closed = false;
  const done = (): IteratorResult<S> => ({ value: undefined, done: true });

  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      baseline ??= read().then(
        (state) => void (lastKey = key(state)),
        (error: unknown) => logger?.warn({ err: error }, 'could not read the initial state of a live subscription'),
      );
      await baseline;
      for (;;) {
        if (closed) return done();
        // The first call subscribes to the notices.
        const event = await events.next();
        if (event.done || closed) return done();
        let state: S;
        try {
          state = await read();
        } catch (error) {
          logger?.warn({ err: error }, 'could not read the state of a live subscription; waiting for the next change');
          continue;
        }
        if (closed) return done();
        const stateKey = key(state);
        if (stateKey === lastKey) continue;
        lastKey = stateKey;
        return { value: state, done: false };
      }
    },
    async return() {
      closed = true;
      await events.return?.();
      return done();
    },
    async throw(error: unknown) {
      closed = true;
      await events.return?.();
      throw error;
    },
  };
}
