import type { Config } from './config.js';
import { jobHandlers as defaultJobHandlers } from './jobs.js';
import { createTokenService, type TokenService } from './modules/users/auth.js';
import { createViewerCache, type ViewerCache } from './modules/users/viewer-cache.js';
import { createHotCache, type HotCache } from './modules/hot/hot-cache.js';
import { lookupStandings, type LiveStanding } from './modules/leaderboards/standing-lookup.js';
import './modules/leaderboards/leaderboards.topics.js';
import { createStandingWatcher, type StandingWatcher } from './graphql/live/standing-watcher.js';
import { eventHandlers } from './events.js';
import { createEventBus, type EventBus } from './modules/outbox/event-bus.js';
import type { Logger } from './infra/logger.js';
import { createMetrics, registerQueueGauge, type Metrics } from './infra/metrics.js';
import { createPrisma, type Db } from './infra/prisma.js';
import { createPubSub, type PubSub } from './infra/pubsub.js';
import type { FlowProducer } from 'bullmq';
import { closeQueues, createFlowProducer, createQueues, type JobHandler, type Queues } from './infra/queues.js';
import { createBlockingRedis, createKeySpace, createRedis, type KeySpace, type Redis } from './infra/redis.js';

/**
 * Everything a service, resolver or job needs, built once per process and
 * passed in explicitly. Nothing else creates a Prisma client or a Redis connection.
 */
export interface Deps {
  config: Config;
  logger: Logger;
  db: Db;
  /** Fail-fast connection for request paths; see createRedis. */
  redis: Redis;
  keys: KeySpace;
  pubsub: PubSub;
  queues: Queues;
  /** Adds parent/child job flows to the queues (e.g. the season rollover's copy shards). */
  flows: FlowProducer;
  tokens: TokenService;
  /** Who a token's user is (id, role), cached briefly so each request does not hit PostgreSQL. */
  viewers: ViewerCache;
  metrics: Metrics;
  /** Transactions that emit domain events through the outbox. */
  events: EventBus;
  /** Every job this deployment knows: workers run them, the `jobs` admin API lists and steers them. */
  jobHandlers: readonly JobHandler<Deps>[];
  /**
   * The clock of time-dependent domain logic (e.g. hackernews heat decay).
   * Tests replace it to move time for one deps object, never for the whole process.
   */
  now: () => Date;
  /** This process's copy of the hot boards; see modules/hot/hot-reader.ts. */
  hotCache: HotCache;
  /**
   * Season standings watched by this instance's `myStanding` / `standingChanged`
   * subscribers (scope = season id, member = user id): passive rank changes
   * ("someone overtook you") without per-award work per subscriber.
   */
  standings: StandingWatcher<LiveStanding | null>;
  /** A new connection for a BullMQ worker or another blocking consumer. */
  blockingConnection(): Redis;
}

export interface OwnedDeps extends Deps {
  close(): Promise<void>;
}

async function waitUntilReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis was not reachable within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}

/**
 * Builds the process's dependencies. `jobHandlers` defaults to the
 * application's jobs (src/jobs.ts); tests pass extra ones.
 */
export async function createDeps(
  config: Config,
  logger: Logger,
  options: { jobHandlers?: readonly JobHandler<Deps>[] } = {},
): Promise<OwnedDeps> {
  const jobHandlers = options.jobHandlers ?? defaultJobHandlers;
  const duplicate = jobHandlers.find((handler, index) => jobHandlers.findIndex((other) => other.name === handler.name) !== index);
  if (duplicate) throw new Error(`Two jobs are named "${duplicate.name}"; job names are scheduler ids and must be unique.`);

  const db = createPrisma(config.database);
  const redis = createRedis(config.redis.url);
  const subscriber = createBlockingRedis(config.redis.url);
  const extraConnections: Redis[] = [];
  // Connection errors are reported by readiness checks and by the calls that fail; log them once here.
  for (const connection of [redis, subscriber]) {
    connection.on('error', (error) => logger.debug({ err: error }, 'redis connection error'));
  }
  await waitUntilReady(redis, 10_000);

  const prefix = config.redis.prefix;
  const pubsub = createPubSub({ publisher: redis, subscriber, prefix: `${prefix}:events`, logger });
  const queues = createQueues(redis, `${prefix}:bull`, logger);
  const flows = createFlowProducer(redis, `${prefix}:bull`, logger);
  const metrics = createMetrics();
  registerQueueGauge(metrics, queues);

  const deps: OwnedDeps = {
    config,
    logger,
    db,
    redis,
    keys: createKeySpace(prefix),
    pubsub,
    queues,
    flows,
    tokens: createTokenService(config.auth),
    viewers: createViewerCache(db),
    events: createEventBus({ db, logger, handlers: eventHandlers, deps: () => deps, now: () => deps.now() }),
    metrics,
    jobHandlers,
    now: () => new Date(),
    hotCache: createHotCache(config.hot.cacheTtlMs),
    standings: createStandingWatcher<LiveStanding | null>({
      // One pipelined ZREVRANK + ZSCORE for every member of the season watched here, once per window.
      lookup: (season, userIds) => lookupStandings(deps, String(season), userIds.map(Number)),
      // Followed while someone on this instance watches the season; every award there touches it.
      changes: (season) => pubsub.subscribe('leaderboard:changed', season),
      logger,
    }),
    blockingConnection() {
      const connection = createBlockingRedis(config.redis.url);
      connection.on('error', (error) => logger.debug({ err: error }, 'redis connection error'));
      extraConnections.push(connection);
      return connection;
    },
    async close() {
      await closeQueues(queues);
      await deps.standings.close();
      await flows.close();
      await pubsub.close().catch(() => {});
      await Promise.all([...extraConnections, redis, subscriber].map((connection) => connection.quit().catch(() => connection.disconnect())));
      await db.$disconnect();
    },
  };
  return deps;
}
