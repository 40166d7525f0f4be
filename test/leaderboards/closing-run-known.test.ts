import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePeriodNow, requeueClosingRollovers } from '../../src/modules/leaderboards/index.js';
import { FINISH_JOB, flowJobId } from '../../src/modules/leaderboards/rollover-flow.js';
import { autoRolloverJobId } from '../../src/modules/leaderboards/rollover-period.js';
import { startRollover } from '../../src/modules/leaderboards/rollover-schedule.js';
import { adjustPoints } from '../../src/modules/points/admin-adjust.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { periodState } from './rollover-support.js';

/**
 * The self-healing rebuild queues the rollover of a CLOSING board period
 * again only when Redis lost it. A heal that finds the run which froze the
 * board still in the queue (a failover that lost nothing of it, a spurious
 * heal, a run an admin cancelled) must not start a second run beside it.
 */
const REF = 'kept/all';
let t: TestContext;

beforeAll(async () => {
  t = await createTestContext();
  await t.deps.db.$executeRaw`INSERT INTO leaderboards (key, title, period, source) VALUES ('kept', 'Kept', 'ALL_TIME', 'POINTS')`;
});
afterAll(async () => {
  await t?.cleanup();
});

describe('healing a closing board period', () => {
  it('leaves a period alone while the run that froze its board is queued, and queues it again once that run is lost', async () => {
    const { user } = await t.createUser();
    await adjustPoints(t.deps, { userId: user.id, points: 5, reason: 'kept', idempotencyKey: 'kept-1' });
    await closePeriodNow(t.deps, REF, 'test');
    expect(await periodState(t, REF)).toBe('CLOSING');
    const queue = t.deps.queues.leaderboards;

    // An admin's run froze the board and queued its flow; the automatic job is gone (it finished and was removed).
    await queue.remove(autoRolloverJobId(REF));
    const started = await startRollover(t.deps, { ref: REF, runKey: 'manual-1' });
    expect(started).toMatchObject({ ref: REF, members: 1, finishJobId: flowJobId(FINISH_JOB, REF, 'manual-1') });
    expect(await requeueClosingRollovers(t.deps)).toEqual([]);
    expect(await queue.getJob(autoRolloverJobId(REF))).toBeUndefined();

    // Redis lost the run's jobs but kept the frozen board: the heal queues the automatic rollover.
    await queue.remove(flowJobId(FINISH_JOB, REF, 'manual-1'), { removeChildren: true });
    expect(await queue.getJob(flowJobId(FINISH_JOB, REF, 'manual-1'))).toBeUndefined();
    expect(await requeueClosingRollovers(t.deps)).toEqual([REF]);
    expect(await queue.getJob(autoRolloverJobId(REF))).toBeDefined();
  });
});
