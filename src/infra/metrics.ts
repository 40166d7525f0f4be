import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus registry and the application's own series. One
 * registry per process (not prom-client's global), so tests can run several
 * servers side by side.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'liveboard_' });
  return {
    registry,
    httpRequests: new Histogram({
      name: 'liveboard_http_request_duration_seconds',
      help: 'HTTP requests by route and status, in seconds',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: 'liveboard_job_runs_total',
      help: 'Job runs by queue, job name and outcome',
      labelNames: ['queue', 'job', 'outcome'] as const,
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'liveboard_job_duration_seconds',
      help: 'Job run duration by queue and job name, in seconds',
      labelNames: ['queue', 'job'] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers: [registry],
    }),
    openSubscriptions: new Gauge({
      name: 'liveboard_open_subscriptions',
      help: 'GraphQL subscriptions open on this instance, by transport',
      labelNames: ['transport'] as const,
      registers: [registry],
    }),
    liveStreams: new Gauge({
      name: 'liveboard_live_shared_streams',
      help: 'Shared subscription streams open on this instance; subscribers with the same selection share one',
      registers: [registry],
    }),
    liveExecutions: new Counter({
      name: 'liveboard_live_executions_total',
      help: 'Subscription executions: one per shared stream per coalesced event, whatever the number of subscribers',
      registers: [registry],
    }),
    cacheLookups: new Counter({
      name: 'liveboard_cache_lookups_total',
      help: 'Board reads by cache and result (hit, miss, stale)',
      labelNames: ['cache', 'result'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
