import type { FlowProducer } from 'bullmq';
import type { Config } from '../config.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import type { Db } from '../infra/prisma.js';
import type { PubSub } from '../infra/pubsub.js';
import type { JobHandler, Queues } from '../infra/queues.js';
import type { KeySpace, Redis } from '../infra/redis.js';

/**
 * Everything a service, resolver or job needs, built once per process by the
 * composition root (`src/deps.ts`) and passed in explicitly. Nothing else
 * creates a Prisma client or a Redis connection.
 *
 * This file holds the infrastructure every module shares. A module that owns
 * a process-wide piece (a cache, a token service, the event bus) adds it here
 * by declaration merging in its `index.ts`, e.g.
 * `declare module '../../lib/app-deps.js' { interface Deps { hotCache: HotCache } }`,
 * so modules see one `Deps` type without importing the composition root
 * (which imports them).
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
  metrics: Metrics;
  /** Every job this deployment knows: workers run them, the `jobs` admin API lists and steers them. */
  jobHandlers: readonly JobHandler<Deps>[];
  /**
   * The clock of all time-dependent domain logic. Tests replace it to move
   * time for one deps object, never for the whole process.
   */
  now: () => Date;
  /** A new connection for a BullMQ worker or another blocking consumer. */
  blockingConnection(): Redis;
}
