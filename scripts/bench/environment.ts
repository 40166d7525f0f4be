import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDeps, type OwnedDeps } from '../../src/deps.js';
import { createLogger } from '../../src/infra/logger.js';
import { applyMigrations } from '../../src/infra/migrator.js';

export interface BenchInstance {
  deps: OwnedDeps;
  app: RunningApp & { url: string };
}

export interface BenchEnvironment extends BenchInstance {
  /** The environment this API was configured from: servers in processes of their own get the same. */
  variables: Record<string, string>;
  /**
   * Another API instance on the same database and Redis prefix, with extra
   * environment variables (e.g. `LIVE_SHARED_SUBSCRIPTIONS=false` for a
   * baseline). Stopped by close().
   */
  startInstance(env: Record<string, string>): Promise<BenchInstance>;
  close(): Promise<void>;
}

const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

async function start(env: Record<string, string>): Promise<BenchInstance> {
  const config = loadConfig(env);
  const deps = await createDeps(config, createLogger('silent'));
  const app = (await startApp(deps, { api: true, worker: false })) as RunningApp & { url: string };
  return { deps, app };
}

/** A throwaway database and Redis prefix with a liveboard API on a free port. */
export async function createBenchEnvironment(): Promise<BenchEnvironment> {
  const name = `lb_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString());
  const prefix = `bench:${randomBytes(4).toString('hex')}`;
  const env = {
    NODE_ENV: 'production',
    JWT_SECRET: randomBytes(32).toString('hex'),
    DATABASE_URL: url.toString(),
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    RATE_LIMIT_MUTATIONS_PER_MINUTE: '0',
    // Every subscriber of the fan-out benchmark connects from one loopback address.
    MAX_CONNECTIONS_PER_CLIENT: '1000000',
  };
  const main = await start(env);
  const others: BenchInstance[] = [];
  return {
    ...main,
    variables: env,
    async startInstance(overrides) {
      const instance = await start({ ...env, ...overrides });
      others.push(instance);
      return instance;
    },
    async close() {
      for (const instance of [...others, main]) await instance.app.stop();
      const { deps } = main;
      let cursor = '0';
      do {
        // Anywhere in the name: BullMQ's keys start with its hash tag, `{<prefix>:bull}:…`.
        const [next, keys] = await deps.redis.scan(cursor, 'MATCH', `*${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await deps.redis.unlink(...keys);
      } while (cursor !== '0');
      for (const instance of [...others, main]) await instance.deps.close();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}
