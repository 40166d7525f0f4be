import type { Config } from './config.js';
import { eventHandlers as defaultEventHandlers } from './events.js';
import { createStandingWatcher } from './graphql/live/standing-watcher.js';
import type { Logger } from './infra/logger.js';
import { createMetrics, registerOutboxGauges, registerQueueGauge } from './infra/metrics.js';
import { createPrisma } from './infra/prisma.js';
import { createPubSub } from './infra/pubsub.js';
import { closeQueues, createFlowProducer, createQueues, queuePrefix, type JobHandler } from './infra/queues.js';
import { createBlockingRedis, createKeySpace, createRedis, createSubscriberRedis, type Redis } from './infra/redis.js';
import { jobHandlers as defaultJobHandlers } from './jobs.js';
import type { Deps } from './lib/app-deps.js';
import { createHotCache } from './modules/hot/index.js';
import { createBoardCache, lookupStandings, type LiveStanding } from './modules/leaderboards/index.js';
import { countDeliveries, createEventBus, type EventHandler } from './modules/outbox/index.js';
import { createLogInGuard, createTokenService, createUserCache, createViewerCache } from './modules/users/index.js';

/**
 * The composition root: builds every client once per process (factories in
 * infra/), wires the modules' process-wide pieces, and registers the jobs
 * (src/jobs.ts) and event consumers (src/events.ts). The `Deps` type it
 * builds is declared in lib/app-deps.ts and extended by the modules.
 */
export type { Deps };

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
 * application's jobs (src/jobs.ts) and `eventHandlers` to its event consumers
 * (src/events.ts); tests pass extra ones.
 */
export async function createDeps(
  config: Config,
  logger: Logger,
  options: { jobHandlers?: readonly JobHandler<Deps>[]; eventHandlers?: readonly EventHandler<Deps>[] } = {},
): Promise<OwnedDeps> {
  const jobHandlers = options.jobHandlers ?? defaultJobHandlers;
  const eventHandlers = options.eventHandlers ?? defaultEventHandlers;
  const duplicate = jobHandlers.find((handler, index) => jobHandlers.findIndex((other) => other.name === handler.name) !== index);
  if (duplicate) throw new Error(`Two jobs are named "${duplicate.name}"; job names are scheduler ids and must be unique.`);

  const db = createPrisma(config.database);
  // Auto-pipelining: the commands every request issues in one turn of the event loop (an award's board script
  // and its user-state version; other requests' reads) leave in one socket write instead of one write each,
  // which was ~7% of the server's busy time under awards (docs/benchmarks.md). A cluster client has it already.
  const redis = createRedis(config.redis, { enableAutoPipelining: true });
  const subscriber = createSubscriberRedis(config.redis);
  const extraConnections: Redis[] = [];
  // Connection errors are reported by readiness checks and by the calls that fail; log them once here.
  for (const connection of [redis, subscriber]) {
    connection.on('error', (error) => logger.debug({ err: error }, 'redis connection error'));
  }
  await waitUntilReady(redis, 10_000);

  const prefix = config.redis.prefix;
  const keys = createKeySpace(prefix);
  const pubsub = createPubSub({ publisher: redis, subscriber, prefix: `${prefix}:events`, logger });
  // Queues get a fail-fast connection of their own: BullMQ defines its ~60 scripts as commands on the
  // connection it is given, and ioredis copies every defined command into each pipeline() of that
  // connection, which made every board read's pipeline ~30× dearer to build on the shared one.
  const queueConnection = createRedis(config.redis);
  queueConnection.on('error', (error) => logger.debug({ err: error }, 'redis connection error'));
  const queues = createQueues(queueConnection, queuePrefix(prefix), logger);
  const flows = createFlowProducer(queueConnection, queuePrefix(prefix), logger);
  const metrics = createMetrics();
  registerQueueGauge(metrics, queues);
  registerOutboxGauges(metrics, (state) => countDeliveries(db, state));

  const deps: OwnedDeps = {
    config,
    logger,
    db,
    redis,
    keys,
    pubsub,
    queues,
    flows,
    // Tokens are on the real clock, not deps.now: deps.now is moved by tests (and may be set to another
    // month) after tokens were issued, and a token's exp is a real-world instant its holder was told.
    tokens: createTokenService(config.auth, () => new Date()),
    viewers: createViewerCache(db),
    userCache: createUserCache(),
    logInGuard: createLogInGuard({ redis, keys }, config.rateLimit.logIn),
    events: createEventBus({
      db,
      logger,
      handlers: eventHandlers,
      deps: () => deps,
      now: () => deps.now(),
      retry: config.outbox,
    }),
    metrics,
    jobHandlers,
    now: () => new Date(),
    hotCache: createHotCache(config.hot.cacheTtlMs),
    boardCache: createBoardCache(),
    standings: createStandingWatcher<LiveStanding | null>({
      // One round trip for every member of the board period watched here, once per window.
      lookup: (ref, userIds) => lookupStandings(deps, String(ref), userIds.map(Number)),
      // Followed while someone on this instance watches the period; every write there touches it.
      changes: (ref) => pubsub.subscribe('leaderboard:changed', ref),
      logger,
    }),
    blockingConnection() {
      const connection = createBlockingRedis(config.redis);
      connection.on('error', (error) => logger.debug({ err: error }, 'redis connection error'));
      extraConnections.push(connection);
      return connection;
    },
    async close() {
      await closeQueues(queues);
      await deps.standings.close();
      await flows.close();
      await pubsub.close().catch(() => {});
      await Promise.all([...extraConnections, queueConnection, redis, subscriber].map((connection) => connection.quit().catch(() => connection.disconnect())));
      await db.$disconnect();
    },
  };
  return deps;
}
