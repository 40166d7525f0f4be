import { deleteKeys, redisEnv } from '../support/redis-target.js';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import type { Role } from '../../src/generated/prisma/client.js';
import { createLogger, type Logger } from '../../src/infra/logger.js';
import { createPrisma, type Db } from '../../src/infra/prisma.js';
import { createKeySpace, createRedis, type KeySpace, type Redis } from '../../src/infra/redis.js';
import { createBoardCache, type BoardCache } from '../../src/modules/leaderboards/board-periods.service.js';
import { createTestClock, type TestClock } from '../support/clock.js';
import { createDatabase, dropDatabase, uniqueName } from '../support/databases.js';

/**
 * The PostgreSQL (and Redis) side of the board services, without the rest
 * of the application: a database cloned from the migrated template, a Redis
 * prefix, and only the deps the definition and submission services take.
 * For tests of those services while the rest of the leaderboards module is
 * being rewritten; the GraphQL tests use the full harness.
 */
export interface BoardsWorld {
  deps: { db: Db; redis: Redis; keys: KeySpace; logger: Logger; config: Config; boardCache: BoardCache; now: () => Date };
  clock: TestClock;
  createUser(role?: Role): Promise<{ id: number; role: Role }>;
  createActivity(organizerId: number, status?: 'DRAFT' | 'SIGNUP_OPEN' | 'ONGOING' | 'ENDED' | 'CANCELLED'): Promise<{ id: number }>;
  cleanup(): Promise<void>;
}

let users = 0;

export async function createBoardsWorld(env: Record<string, string> = {}, start = '2026-11-30T04:00:00Z'): Promise<BoardsWorld> {
  const dbName = uniqueName('lb_defs');
  const url = await createDatabase(dbName, inject('templateDatabase'));
  const prefix = `test:${randomBytes(5).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    ...redisEnv(),
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const clock = createTestClock(start);
  const db = createPrisma({ url, poolSize: 20 });
  const redis = createRedis(config.redis);
  const deps = { db, redis, keys: createKeySpace(prefix), logger: createLogger('silent'), config, boardCache: createBoardCache(), now: clock.now };
  return {
    deps,
    clock,
    async createUser(role = 'USER') {
      users += 1;
      const handle = `u_${process.pid}_${users}_${randomBytes(2).toString('hex')}`;
      const user = await db.user.create({ data: { handle, displayName: handle, passwordHash: 'x', role } });
      return { id: user.id, role: user.role };
    },
    async createActivity(organizerId, status = 'SIGNUP_OPEN') {
      const now = clock.now().getTime();
      return db.activity.create({
        data: {
          title: 'Tournament',
          category: 'chess',
          organizerId,
          status,
          signupStartsAt: new Date(now - 3600_000),
          signupEndsAt: new Date(now + 86_400_000),
          startsAt: new Date(now + 2 * 86_400_000),
          endsAt: new Date(now + 3 * 86_400_000),
        },
        select: { id: true },
      });
    },
    async cleanup() {
      await db.$disconnect();
      redis.disconnect();
      await deleteKeys(`*${prefix}:*`);
      await dropDatabase(dbName);
    },
  };
}

/** The code of an AppError a promise rejects with, or 'OK'. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return (error as { code?: string }).code ?? `UNCODED: ${String(error)}`;
  }
}
