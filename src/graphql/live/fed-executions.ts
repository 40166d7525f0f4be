import type { ExecutionResult } from 'graphql';
import type { FeedHandlers } from '../../lib/push-feed.js';
import type { FedSource } from './multicast.js';

type Settling<T> = T | PromiseLike<T>;
const isThenable = <T>(value: Settling<T>): value is PromiseLike<T> => typeof (value as { then?: unknown } | null)?.then === 'function';

/**
 * The executions of a fed source stream (lib/push-feed.ts) as a source the
 * Multicast is fed by: each value is executed as it arrives and its result
 * handed on, with no step left pending between events. Executions run one
 * at a time; a value that arrives while one runs (an execution with an
 * asynchronous resolver) waits, newest only, so results go out in the order
 * of the values and an older one never follows a newer. No coalescing here:
 * a source offers a feed only if it rate-limits its values itself.
 *
 * @param feed the source's feed (`feedOf`), started on the Multicast's first consumer.
 * @param stop returns the source stream, which is what releases its watch.
 * @param executeEvent one execution of an event, as `executions` in shared-subscriptions.ts runs it.
 */
export function fedExecutions(
  feed: (handlers: FeedHandlers<unknown>) => void,
  stop: () => Promise<unknown> | undefined,
  executeEvent: (event: unknown) => Settling<ExecutionResult>,
): FedSource<ExecutionResult> {
  return {
    start(handlers) {
      let busy = false;
      let latest: { event: unknown } | undefined;
      let ending: { failure?: { error: unknown } } | undefined;
      let failed = false;

      const fail = (error: unknown) => {
        failed = true;
        busy = false;
        handlers.end({ error });
        // A source whose execution failed may still hold a watch; releasing it is best effort.
        Promise.resolve()
          .then(stop)
          .catch(() => undefined);
      };
      /** Runs the waiting value, then any that came meanwhile; the ending once nothing is left. */
      const run = (): void => {
        busy = true;
        while (latest && !failed) {
          const { event } = latest;
          latest = undefined;
          let result: Settling<ExecutionResult>;
          try {
            result = executeEvent(event);
          } catch (error) {
            return fail(error);
          }
          if (isThenable(result)) {
            result.then((settled) => {
              if (failed) return;
              handlers.value(settled);
              run();
            }, fail);
            return;
          }
          handlers.value(result);
        }
        busy = false;
        if (ending && !failed) handlers.end(ending.failure);
      };

      feed({
        value: (event) => {
          latest = { event };
          if (!busy) run();
        },
        end: (failure) => {
          ending = { failure };
          if (!busy) run();
        },
      });
    },
    stop,
  };
}
