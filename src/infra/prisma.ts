import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type Db = PrismaClient;
export { Prisma } from '../generated/prisma/client.js';

/** The pg pool under each client createPrisma made (a transaction client is not among them). */
const pools = new WeakMap<object, pg.Pool>();

/**
 * The one Prisma client of a process, on node-postgres through the driver
 * adapter (no native engine). The adapter runs on a pool made here, so hot
 * paths can send one statement through the same connections without Prisma's
 * query pipeline (see queryDirect); `$disconnect` ends the pool.
 */
export function createPrisma(options: { url: string; poolSize: number }): Db {
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize });
  // An idle connection that dies (PostgreSQL restarted) is dropped by the pool and the next query opens a new one.
  // The adapter listens only once Prisma connected; until then a statement sent directly can leave an idle connection
  // whose 'error' would crash the process with no listener.
  pool.on('error', () => {});
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(client, pool);
  return client;
}

/** The pool under a client from createPrisma; undefined for anything else (a transaction's client, a test double). */
export function poolOf(db: object): pg.Pool | undefined {
  return pools.get(db);
}
