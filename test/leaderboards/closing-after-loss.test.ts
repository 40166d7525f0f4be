import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePeriodNow, requeueClosingRollovers } from '../../src/modules/leaderboards/index.js';
import { autoRolloverJobId } from '../../src/modules/leaderboards/rollover-period.js';
import { adjustPoints } from '../../src/modules/points/admin-adjust.js';
import { rebuilders } from '../../src/self-heal.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { deleteKeys } from '../support/redis-target.js';
import { archivePlaces, completedFinishRuns, periodState, waitArchived } from './rollover-support.js';

/**
 * A board period closed early (closePeriodNow) is CLOSING with its rollover
 * queued in Redis. If Redis loses everything before a worker ran it, the
 * rollover tick will not find the period (it looks for CURRENT ones): the
 * self-healing rebuild queues it again.
 */
const REF = 'forever/all';
let t: TestContext;

beforeAll(async () => {
  t = await createTestContext();
  await t.deps.db.$executeRaw`INSERT INTO leaderboards (key, title, period, source) VALUES ('forever', 'Forever', 'ALL_TIME', 'POINTS')`;
});
afterAll(async () => {
  await t?.cleanup();
});

describe('a closing board period whose queued rollover Redis lost', () => {
  it('is queued again by the self-healing rebuild and archived exactly once, from PostgreSQL', async () => {
    const users = await Promise.all([t.createUser(), t.createUser(), t.createUser()]);
    for (const [index, { user }] of users.entries()) {
      await adjustPoints(t.deps, { userId: user.id, points: 10 * (index + 1), reason: 'closing', idempotencyKey: `closing-${index}` });
    }
    await closePeriodNow(t.deps, REF, 'test');
    expect(await periodState(t, REF)).toBe('CLOSING');
    const jobId = autoRolloverJobId(REF);
    expect(await t.deps.queues.leaderboards.getJob(jobId)).toBeDefined();

    // Redis loses everything before any worker ran the rollover: the job, the sealed board, its markers.
    await deleteKeys(`*${t.config.redis.prefix}:*`);
    expect(await t.deps.queues.leaderboards.getJob(jobId)).toBeUndefined();

    expect(rebuilders.map((step) => step.name)).toContain('leaderboards.closing');
    expect(await requeueClosingRollovers(t.deps)).toEqual([REF]);
    // While that job exists, nothing more is added.
    expect(await requeueClosingRollovers(t.deps)).toEqual([]);

    await t.startServer({ api: false, worker: true });
    await waitArchived(t, REF);
    const archived = await archivePlaces(t, REF);
    expect(archived.map((place) => [place.userId, place.score])).toEqual(
      [...users].reverse().map(({ user }, index) => [user.id, 10 * (users.length - index)]),
    );
    expect(await completedFinishRuns(t)).toHaveLength(1);
  });
});
