import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LRUCache } from 'lru-cache';
import type { User } from '../../src/generated/prisma/client.js';
import { recordAward } from '../../src/modules/points/points.service.js';
import { createUserLoader, existingUserIds, USER_CACHE_TTL_MS, type UserCache } from '../../src/modules/users/users.loader.js';
import { createTestContext, type TestContext } from '../support/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t?.cleanup());

const BOARD = '{ leaderboard(first: 5) { entries { user { displayName } } } }';
const names = async () => ((await t.gql(BOARD)).data!.leaderboard.entries as Array<{ user: { displayName: string } }>).map((e) => e.user.displayName);

describe('user names on boards', () => {
  it('come from the process cache, and a profile change shows at once on this instance', async () => {
    const { user, token } = await t.createUser({ displayName: 'Before' });
    await recordAward(t.deps, { userId: user.id, type: 'ADMIN_ADJUST', points: 5, idempotencyKey: 'cache:1', occurredAt: new Date() });
    expect(await names()).toEqual(['Before']);
    const renamed = await t.gql('mutation { updateProfile(input: { displayName: "After" }) { displayName } }', {}, { token });
    expect(renamed.errors).toBeUndefined();
    expect(await names()).toEqual(['After']);
  });
});

describe('a cached user whose entry expires while the query for the others is waiting', () => {
  it('is still a user, to the board check and to the loader', async () => {
    const [cached, other] = [(await t.createUser()).user, (await t.createUser()).user];
    // The cache's own clock, moved while the query runs: what a slow, loaded machine does to the TTL
    // (not from 0: lru-cache takes an entry started at 0 for one without a TTL).
    let now = 1_000_000;
    const userCache: UserCache = new LRUCache<number, User>({ max: 100, ttl: USER_CACHE_TTL_MS, ttlResolution: 0, perf: { now: () => now } });
    const slowDb = {
      user: {
        findMany: async (args: Parameters<typeof t.deps.db.user.findMany>[0]) => {
          now += USER_CACHE_TTL_MS + 1;
          return t.deps.db.user.findMany(args);
        },
      },
    } as unknown as typeof t.deps.db;
    const deps = { db: slowDb, userCache };
    const prime = async () => {
      now = 1_000_000;
      userCache.clear();
      userCache.set(cached.id, await t.deps.db.user.findUniqueOrThrow<{ where: { id: number } }>({ where: { id: cached.id } }));
    };
    await prime();
    expect([...(await existingUserIds(deps, [cached.id, other.id]))].sort((a, b) => a - b)).toEqual([cached.id, other.id].sort((a, b) => a - b));
    await prime();
    const loaded = await createUserLoader(deps).loadMany([cached.id, other.id]);
    expect(loaded.map((user) => (user as User | null)?.id ?? null)).toEqual([cached.id, other.id]);
  });
});
