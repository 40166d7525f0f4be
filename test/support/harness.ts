import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createDeps, type Deps, type OwnedDeps } from '../../src/deps.js';
import type { JobHandler } from '../../src/infra/queues.js';
import type { EventHandler } from '../../src/modules/outbox/event-bus.js';
import { createLogger } from '../../src/infra/logger.js';
import { createYogaServer, type Yoga } from '../../src/graphql/yoga.js';
import type { Role, User } from '../../src/generated/prisma/client.js';
import { hashPassword } from '../../src/modules/users/passwords.js';
import type { TestClock } from './clock.js';
import { isCluster } from '../../src/infra/redis.js';
import { deleteKeys, IN_CLUSTER, redisEnv } from './redis-target.js';
import { createDatabase, dropDatabase, uniqueName } from './databases.js';

export const TEST_PASSWORD = 'test-password';
let testPasswordHash: Promise<string> | undefined;

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: { code?: string; [key: string]: unknown } }>;
}

export interface TestContext {
  config: Config;
  deps: OwnedDeps;
  yoga: Yoga;
  databaseUrl: string;
  /** The clock installed on `deps` and every peer, when the test asked for one. */
  clock?: TestClock;
  /** Runs an operation through yoga.fetch (no port), optionally as a user. */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, options?: { token?: string; headers?: Record<string, string> }): Promise<GraphQLResponse<T>>;
  /** A user straight in the database (hashing once per file), with a valid token. */
  createUser(options?: { handle?: string; role?: Role; displayName?: string }): Promise<{ user: User; token: string }>;
  /** Starts the real HTTP server on a free port (API only unless asked). */
  startServer(roles?: { api: boolean; worker: boolean }): Promise<RunningApp & { url: string }>;
  /**
   * Another instance, as a second process would be: its own dependencies
   * (Prisma pool, Redis connections, pub/sub) and HTTP server, on the same
   * database and Redis prefix. Stopped by cleanup().
   */
  startPeer(): Promise<PeerInstance>;
  cleanup(): Promise<void>;
}

export interface PeerInstance {
  deps: OwnedDeps;
  url: string;
}

let userCounter = 0;

/**
 * An isolated world for one test file: its own database cloned from the
 * migrated template, and its own Redis prefix for keys, queues and channels.
 * `jobHandlers` replaces the application's jobs (e.g. with test jobs) and
 * `eventHandlers` its event consumers (e.g. with one that fails), here and in peers;
 * `clock` becomes `deps.now` here and on every peer (see ./clock.ts);
 * `databaseUrl` rewrites the URL the deps connect with (e.g. through a TcpProxy);
 * the database is still created and dropped directly.
 */
export async function createTestContext(
  env: Record<string, string> = {},
  options: {
    jobHandlers?: readonly JobHandler<Deps>[];
    eventHandlers?: readonly EventHandler<Deps>[];
    clock?: TestClock;
    databaseUrl?: (url: string) => string;
  } = {},
): Promise<TestContext> {
  const dbName = uniqueName('lb_t');
  const directUrl = await createDatabase(dbName, inject('templateDatabase'));
  const databaseUrl = options.databaseUrl ? options.databaseUrl(directUrl) : directUrl;
  const prefix = `test:${randomBytes(5).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '20',
    ...redisEnv(),
    REDIS_PREFIX: prefix,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    RATE_LIMIT_MUTATIONS_PER_MINUTE: '100000',
    // Every test client connects from 127.0.0.1; the per-address caps have their own tests.
    MAX_CONNECTIONS_PER_CLIENT: '100000',
    MAX_SSE_STREAMS_PER_CLIENT: '100000',
    HOST: '127.0.0.1',
    // Tests count the queries and re-reads behind an answer; the response cache has its own test file, which turns it on.
    RESPONSE_CACHE_MAX_ENTRIES: '0',
    ...env,
  });
  const deps = await createDeps(config, createLogger(config.logLevel), { jobHandlers: options.jobHandlers, eventHandlers: options.eventHandlers });
  // A run meant for the cluster that silently used one server would prove nothing.
  if (IN_CLUSTER !== isCluster(deps.redis)) throw new Error(`LIVEBOARD_TEST_REDIS=${process.env.LIVEBOARD_TEST_REDIS} but the client is not of that kind`);
  options.clock?.install(deps);
  const yoga = createYogaServer(deps);
  const apps: RunningApp[] = [];
  const peers: OwnedDeps[] = [];

  const context: TestContext = {
    config,
    deps,
    yoga,
    databaseUrl,
    clock: options.clock,
    async gql(query, variables, options = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      const response = await yoga.fetch('http://localhost/graphql', {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<any>;
    },
    async createUser(options = {}) {
      testPasswordHash ??= hashPassword(TEST_PASSWORD);
      userCounter += 1;
      const handle = options.handle ?? `user_${process.pid}_${userCounter}_${randomBytes(2).toString('hex')}`;
      const user = await deps.db.user.create({
        data: {
          handle,
          displayName: options.displayName ?? handle,
          passwordHash: await testPasswordHash,
          role: options.role ?? 'USER',
        },
      });
      return { user, token: await deps.tokens.issue(user.id) };
    },
    async startServer(roles = { api: true, worker: false }) {
      const app = await startApp(deps, roles, { port: 0 });
      apps.push(app);
      return app as RunningApp & { url: string };
    },
    async startPeer() {
      const peerDeps = await createDeps(config, createLogger(config.logLevel), { eventHandlers: options.eventHandlers });
      options.clock?.install(peerDeps);
      peers.push(peerDeps);
      const app = await startApp(peerDeps, { api: true, worker: false }, { port: 0 });
      apps.push(app);
      return { deps: peerDeps, url: app.url! };
    },
    async cleanup() {
      await Promise.all(apps.map((app) => app.stop()));
      await Promise.all(peers.map((peer) => peer.close()));
      await deps.close();
      // After closing: queues and workers write their bookkeeping keys until they are closed.
      // Anywhere in the name: tagged keys start with `{`, e.g. BullMQ's `{<prefix>:bull}:…`.
      await deleteKeys(`*${prefix}:*`);
      await dropDatabase(dbName);
    },
  };
  return context;
}

