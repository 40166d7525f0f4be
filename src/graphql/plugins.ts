import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import type { Metrics } from '../infra/metrics.js';
import type { Context } from './context.js';

/** Counts open subscriptions by transport; graphql-ws contexts carry connectionParams, SSE ones a request. */
export function useSubscriptionGauge(metrics: Metrics): Plugin<Context> {
  return {
    onSubscribe({ args }) {
      const transport = (args.contextValue as { connectionParams?: unknown }).connectionParams !== undefined ? 'ws' : 'sse';
      return {
        onSubscribeResult({ result }) {
          if (!(Symbol.asyncIterator in result)) return;
          metrics.openSubscriptions.inc({ transport });
          return { onEnd: () => metrics.openSubscriptions.dec({ transport }) };
        },
      };
    },
  };
}

/**
 * Releases SSE subscriptions whose client left before the response was
 * ready. A subscription with an async `subscribe` (a season or an activity
 * to look up first) may resolve after the client aborted; the adapter then
 * never sends the response, so nobody cancels its event stream, and the
 * subscription (its Redis channel, its shared stream, yoga's ping timer)
 * would stay open forever. Cancelling the unsent body returns the iterator.
 */
export function useAbandonedStreamRelease(): Plugin {
  return {
    onResponse({ request, response }) {
      if (!request.signal?.aborted || !response.body || response.bodyUsed || response.body.locked) return;
      // yoga's event stream only starts (and takes hold of the iterator) on its first read; a cancel before that fails.
      const reader = response.body.getReader();
      reader
        .read()
        .then(() => reader.cancel())
        .catch(() => undefined);
    },
  };
}

/** GraphQL operation latency and HTTP duration, into the process registry served at /metrics. */
export function useOperationMetrics(metrics: Metrics): Plugin {
  return usePrometheus({
    registry: metrics.registry,
    endpoint: false,
    metrics: {
      graphql_envelop_request_duration: true,
      graphql_envelop_error_result: true,
      graphql_envelop_phase_execute: true,
      graphql_envelop_phase_subscribe: true,
      graphql_yoga_http_duration: true,
    },
  });
}
