import { hostname } from 'node:os';
import type { Worker } from 'bullmq';
import type { Deps } from './deps.js';
import { initJobSeries } from './infra/metrics.js';
import { queuePrefix, startWorkers } from './infra/queues.js';
import { createMetricsServer, createProbeServer, listen, type Route } from './http/routes.js';
import { createRunRecorder } from './modules/jobs/job-runs.js';
import { syncSchedules } from './modules/jobs/job-schedules.js';
import { startSelfHeal } from './self-heal.js';
import { startHotCacheSync, type HotCacheSync } from './modules/hot/index.js';
import { createCancellationFlags, watchScheduleChanges } from './modules/jobs/index.js';

export interface RunningApp {
  /** Base URL of this process's HTTP server: the API, or a worker-only process's health and metrics. */
  url?: string;
  /** Base URL of the `/metrics` server when METRICS_PORT is set (`/metrics` is then absent from `url`). */
  metricsUrl?: string;
  workers: Worker[];
  /** Graceful stop: no new requests or jobs; in-flight ones finish; subscriptions close. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Defaults to PORT for the API, WORKER_HTTP_PORT for a worker-only process; 0 picks a free port. */
  port?: number;
  /** More path prefixes on the API's server (tests mount slow endpoints here). */
  extraRoutes?: Record<string, Route>;
}

/**
 * Starts the API, the workers, or both, on already-built dependencies. The
 * jobs run are `deps.jobHandlers`; each periodic one gets its scheduler
 * (unless an admin paused it) and every attempt is recorded in `job_runs`.
 * Both watch Redis for lost state and heal it (src/self-heal.ts).
 */
export async function startApp(deps: Deps, roles: { api: boolean; worker: boolean }, options: StartOptions = {}): Promise<RunningApp> {
  let server: { close(): Promise<void> } | undefined;
  let url: string | undefined;
  let hotSync: HotCacheSync | undefined;
  if (roles.api) {
    // Loaded only for the API: the GraphQL schema, yoga, Bull Board (Express) and the live page are
    // ~50 MB of a worker-only process's resident memory it never uses (docs/benchmarks.md).
    const [{ createYogaServer }, { ADMIN_QUEUES_PATH, createAdminQueuesRoute }, { createLivePageRoutes }, { createHttpServer }] = await Promise.all([
      import('./graphql/yoga.js'),
      import('./http/admin-queues.js'),
      import('./http/live-page.js'),
      import('./http/server.js'),
    ]);
    // Before listening: the first hot reads (and reads while PostgreSQL is down) are served from the preloaded copy.
    hotSync = await startHotCacheSync(deps);
    const http = createHttpServer(deps, createYogaServer(deps), {
      [ADMIN_QUEUES_PATH]: createAdminQueuesRoute(deps),
      ...(await createLivePageRoutes(deps.logger)),
      ...options.extraRoutes,
    });
    url = await listen(http.server, options.port ?? deps.config.http.port, deps.config.http.host);
    server = http;
  } else if (roles.worker) {
    const probe = createProbeServer(deps);
    url = await listen(probe.server, options.port ?? deps.config.jobs.workerHttpPort, deps.config.http.host);
    server = probe;
  }

  let metricsServer: { close(): Promise<void> } | undefined;
  let metricsUrl: string | undefined;
  if (deps.config.hygiene.metricsPort !== undefined && (roles.api || roles.worker)) {
    const metrics = createMetricsServer(deps);
    metricsUrl = await listen(metrics.server, deps.config.hygiene.metricsPort, deps.config.http.host);
    metricsServer = metrics;
  }

  let workers: Worker[] = [];
  let scheduleWatch: { stop(): Promise<void> } | undefined;
  if (roles.worker) {
    // Follow admins' schedule changes before reading the rows, so a change made during start is not missed.
    scheduleWatch = watchScheduleChanges(deps);
    await syncSchedules(deps);
    initJobSeries(deps.metrics, deps.jobHandlers);
    const workerName = `${hostname()}:${process.pid}`;
    workers = startWorkers({
      handlers: deps.jobHandlers,
      deps,
      observer: createRunRecorder(deps, workerName),
      cancellation: createCancellationFlags(deps),
      workerName,
      connection: () => deps.blockingConnection(),
      prefix: queuePrefix(deps.config.redis.prefix),
      logger: deps.logger.child({ component: 'worker' }),
      concurrency: deps.config.jobs.concurrency,
      lockDuration: deps.config.jobs.lockDurationMs,
      stalledInterval: deps.config.jobs.stalledIntervalMs,
    });
  }

  // Notices when Redis lost its data and puts back what lived there (src/self-heal.ts).
  const heal = startSelfHeal(deps, { worker: roles.worker });

  return {
    url,
    metricsUrl,
    workers,
    async stop() {
      await heal.stop();
      // Both stop taking new work at once; the server lets requests in flight finish and
      // worker.close() waits for the jobs it is running.
      await Promise.all([server?.close(), metricsServer?.close(), ...workers.map((worker) => worker.close()), scheduleWatch?.stop()]);
      await hotSync?.stop();
    },
  };
}
