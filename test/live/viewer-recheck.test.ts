import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createViewerRecheck, type RecheckedUser } from '../../src/graphql/live/viewer-recheck.js';
import { createTestContext, type TestContext } from '../support/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t?.cleanup();
});

/** A re-check on the test database that records the ids of every query it makes. */
function recheckOnDb(batchSize?: number) {
  const queries: number[][] = [];
  const recheck = createViewerRecheck({
    // Never fires during a test: check() is called directly.
    intervalMs: 3_600_000,
    batchSize,
    logger: t.deps.logger,
    readUsers: async (ids) => {
      queries.push([...ids]);
      return t.deps.db.user.findMany({ where: { id: { in: [...ids] } }, select: { id: true, role: true } });
    },
  });
  return { recheck, queries };
}

describe('re-checking the users of signed-in subscriptions', () => {
  it('reads every watched user in one query per batch, not one per subscription', async () => {
    const users = await Promise.all([t.createUser(), t.createUser(), t.createUser({ role: 'ADMIN' })]);
    const { recheck, queries } = recheckOnDb();
    const heard: Array<[number, RecheckedUser | null]> = [];
    // Two subscriptions of the first user, one of each other.
    const unwatch = [users[0], ...users].map(({ user }, index) => recheck.watch(user.id, (row) => heard.push([index, row])));
    expect(recheck.stats()).toEqual({ users: 3, watchers: 4 });

    await recheck.check();
    expect(queries).toEqual([users.map(({ user }) => user.id)]);
    expect(heard.sort(([a], [b]) => a - b)).toEqual([
      [0, { id: users[0].user.id, role: 'USER' }],
      [1, { id: users[0].user.id, role: 'USER' }],
      [2, { id: users[1].user.id, role: 'USER' }],
      [3, { id: users[2].user.id, role: 'ADMIN' }],
    ]);

    for (const stop of unwatch) stop();
    expect(recheck.stats()).toEqual({ users: 0, watchers: 0 });
    await recheck.check();
    expect(queries).toHaveLength(1);
  });

  it('tells the watchers of a deleted user null and of a demoted admin the new role, straight from PostgreSQL', async () => {
    const [gone, admin, kept] = await Promise.all([t.createUser(), t.createUser({ role: 'ADMIN' }), t.createUser()]);
    const { recheck, queries } = recheckOnDb(2);
    const latest = new Map<number, RecheckedUser | null>();
    for (const { user } of [gone, admin, kept]) recheck.watch(user.id, (row) => latest.set(user.id, row));
    // The viewer cache holds the old rows; the re-check must not read through it.
    await Promise.all([gone, admin].map(({ user }) => t.deps.viewers.fetch(user.id)));

    await t.deps.db.user.delete({ where: { id: gone.user.id } });
    await t.deps.db.user.update({ where: { id: admin.user.id }, data: { role: 'USER' } });
    await recheck.check();

    // Batches of 2: two queries for three users.
    expect(queries.map((ids) => ids.length)).toEqual([2, 1]);
    expect(latest.get(gone.user.id)).toBeNull();
    expect(latest.get(admin.user.id)).toEqual({ id: admin.user.id, role: 'USER' });
    expect(latest.get(kept.user.id)).toEqual({ id: kept.user.id, role: 'USER' });
  });
});
