import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Label values known up front, so every series is exported (as 0) before its first event. */
export const JOB_OUTCOMES = ['completed', 'failed', 'stalled', 'cancelled'] as const;
export const SUBSCRIPTION_TRANSPORTS = ['ws', 'sse'] as const;
export const BOARD_CACHES = ['hot', 'leaderboard'] as const;
export const CACHE_RESULTS = ['hit', 'miss', 'stale'] as const;
/** Kinds of difference `leaderboard.reconcile` finds between a board and the points records. */
export const DRIFT_KINDS = ['missing', 'score', 'extra'] as const;
/** One of {@link DRIFT_KINDS}. */
export type DriftKind = (typeof DRIFT_KINDS)[number];
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'paused', 'prioritized'] as const;

/**
 * The process's Prometheus registry and the application's own series. One
 * registry per process (not prom-client's global), so tests can run several
 * servers side by side.
 */
export function createMetrics() {
  const registry = new Registry();
  // Standard names (process_*, nodejs_*), so stock dashboards and alerts work. The three gauges named
  // like counters (`nodejs_active_*_total`) break Prometheus naming; sum the per-type `nodejs_active_*` instead.
  collectDefaultMetrics({ register: registry });
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  // GC kinds appear on their first collection otherwise; export them all from the start like the series below.
  const gc = registry.getSingleMetric('nodejs_gc_duration_seconds') as Histogram<'kind'> | undefined;
  for (const kind of ['major', 'minor', 'incremental', 'weakcb']) gc?.zero({ kind });
  const metrics = {
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
      help: 'Job attempts by queue, job name and outcome (completed, failed, stalled, cancelled)',
      labelNames: ['queue', 'job', 'outcome'] as const,
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'liveboard_job_duration_seconds',
      help: 'Job attempt duration by queue, job name and outcome (completed, failed), in seconds',
      labelNames: ['queue', 'job', 'outcome'] as const,
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
    leaderboardDrift: new Counter({
      name: 'liveboard_leaderboard_drift_total',
      help: 'Season board entries leaderboard.reconcile found wrong and repaired, by kind (missing, score, extra)',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    leaderboardForeignMembers: new Counter({
      name: 'liveboard_leaderboard_foreign_members_total',
      help: 'Season board members skipped by reads because they are not users (until leaderboard.reconcile removes them)',
      registers: [registry],
    }),
  };
  for (const kind of DRIFT_KINDS) metrics.leaderboardDrift.inc({ kind }, 0);
  for (const transport of SUBSCRIPTION_TRANSPORTS) metrics.openSubscriptions.set({ transport }, 0);
  for (const cache of BOARD_CACHES) {
    for (const result of CACHE_RESULTS) metrics.cacheLookups.inc({ cache, result }, 0);
  }
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Exports each job's series at 0 on a process that runs it, so dashboards and alerts see it before its first run. */
export function initJobSeries(metrics: Metrics, jobs: ReadonlyArray<{ queue: string; name: string }>): void {
  for (const { queue, name: job } of jobs) {
    for (const outcome of JOB_OUTCOMES) metrics.jobRuns.inc({ queue, job, outcome }, 0);
    for (const outcome of ['completed', 'failed'] as const) metrics.jobDuration.zero({ queue, job, outcome });
  }
}

/**
 * Queue depths by state, read from Redis at scrape time. They are global, so
 * every instance reports the same numbers: aggregate with max(), not sum().
 */
export function registerQueueGauge(metrics: Metrics, queues: Record<string, { getJobCounts(...states: string[]): Promise<Record<string, number>> }>): void {
  new Gauge({
    name: 'liveboard_queue_jobs',
    help: 'Jobs in each BullMQ queue by state (shared by all instances; use max())',
    labelNames: ['queue', 'state'] as const,
    registers: [metrics.registry],
    async collect() {
      await Promise.all(
        Object.entries(queues).map(async ([queue, q]) => {
          try {
            const counts = await q.getJobCounts(...QUEUE_STATES);
            for (const state of QUEUE_STATES) this.set({ queue, state }, counts[state] ?? 0);
          } catch {
            // Redis is unreachable: leave the last values; /readyz reports the outage.
          }
        }),
      );
    },
  });
}

/**
 * Outbox deliveries waiting (due or backing off) and dead, counted in
 * PostgreSQL at scrape time. Global like the queue gauge: use max(), not sum().
 */
export function registerOutboxGauges(metrics: Metrics, count: (state: 'PENDING' | 'DEAD') => Promise<number>): void {
  const gauge = (name: string, help: string, state: 'PENDING' | 'DEAD') =>
    new Gauge({
      name,
      help,
      registers: [metrics.registry],
      async collect() {
        try {
          this.set(await count(state));
        } catch {
          // PostgreSQL is unreachable: leave the last value; /readyz reports the outage.
        }
      },
    });
  gauge('liveboard_outbox_deliveries_pending', 'Outbox deliveries not delivered yet: due, backing off or being delivered (shared by all instances; use max())', 'PENDING');
  gauge('liveboard_outbox_deliveries_dead', 'Outbox deliveries that failed OUTBOX_MAX_ATTEMPTS times and wait for an admin retry (shared by all instances; use max())', 'DEAD');
}
