import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requeueCancellationFanOuts } from '../../src/modules/notifications/index.js';
import { rebuilders } from '../../src/self-heal.js';
import { seedActivity } from '../activities/support.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { deleteKeys } from '../support/redis-target.js';
import { waitFor } from '../support/wait.js';
import { insertUsers, notificationTally, seatUsers } from './support.js';

/**
 * A cancellation's fan-out is a queued job, in Redis only. If Redis loses it
 * before a worker ran it, the self-healing rebuild finds the cancellation
 * without a finished fan-out in PostgreSQL and queues it again.
 */
const CANCEL = 'mutation ($id: ID!) { cancelActivity(id: $id, reason: "flooded") { status } }';
let t: TestContext;

beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t?.cleanup();
});

describe('a cancellation whose queued fan-out Redis lost', () => {
  it('is queued again by the self-healing rebuild, and each participant is told once', async () => {
    const organizer = await t.createUser();
    const activity = await seedActivity(t, { organizerId: organizer.user.id, title: 'River walk' });
    const userIds = await insertUsers(t, 30, 'walker');
    await seatUsers(t, activity.id, userIds);
    // No worker runs yet: the fan-out waits in its queue.
    const cancelled = await t.gql(CANCEL, { id: activity.gid }, { token: organizer.token });
    expect(cancelled.data?.cancelActivity.status).toBe('CANCELLED');
    const jobId = `notify-cancelled-${activity.id}`;
    await waitFor(async () => (await t.deps.queues.activities.getJob(jobId)) ?? undefined, { what: 'the fan-out to be queued' });

    await deleteKeys(`*${t.config.redis.prefix}:*`);
    expect(await t.deps.queues.activities.getJob(jobId)).toBeUndefined();

    expect(rebuilders.map((step) => step.name)).toContain('notifications.fan-outs');
    expect(await requeueCancellationFanOuts(t.deps)).toEqual([activity.id]);
    expect(await requeueCancellationFanOuts(t.deps)).toEqual([]);

    await t.startServer({ api: false, worker: true });
    const key = `cancelled:${activity.id}`;
    await waitFor(async () => ((await notificationTally(t, key)).rows === userIds.length ? true : undefined), { what: 'every participant notified' });
    expect(await notificationTally(t, key)).toEqual({ users: userIds.length, rows: userIds.length });
    // Finished: recorded, so a later rebuild leaves it alone even once BullMQ forgot the job.
    await waitFor(async () => (await t.deps.db.notificationFanout.findUnique({ where: { key: `activity:${key}` } })) ?? undefined, { what: 'the fan-out recorded' });
    await t.deps.queues.activities.remove(jobId);
    expect(await requeueCancellationFanOuts(t.deps)).toEqual([]);
  });
});
