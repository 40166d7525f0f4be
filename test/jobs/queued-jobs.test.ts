import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../src/deps.js';
import { NO_JOB_CONTROL, type JobHandler } from '../../src/infra/queues.js';
import { jobHandlers } from '../../src/jobs.js';
import { planTransitions, SWEEP_JOB, transitionJobId } from '../../src/modules/activities/activities.jobs.js';
import { runJob } from '../../src/modules/jobs/jobs.service.js';
import { seedActivity } from '../activities/support.js';
import { createTestClock } from '../support/clock.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { waitFor } from '../support/wait.js';

const PROGRESS_JOB = 'test.progress';
/** While true, the test job keeps reporting progress and passing checkpoints (up to 30 s). */
let keepRunning = true;

/** A long job as the real ones are written: progress and a checkpoint between batches. */
const progressJob: JobHandler<Deps> = {
  queue: 'hot',
  name: PROGRESS_JOB,
  options: { attempts: 3 },
  async process(_job, _deps, control = NO_JOB_CONTROL) {
    let step = 0;
    for (; keepRunning && step < 600; step += 1) {
      await control.progress({ percent: Math.min(99, step), step });
      await control.checkpoint();
      await sleep(50);
    }
    return { steps: step };
  },
};

/** The domain clock: the transition's boundary passes by moving it, not by waiting. */
const clock = createTestClock('2026-06-01T09:00:00.000Z');
let t: TestContext;
let admin: { token: string };
let organizer: { user: { id: number } };

beforeAll(async () => {
  t = await createTestContext({}, { jobHandlers: [...jobHandlers, progressJob], clock });
  admin = await t.createUser({ role: 'ADMIN' });
  organizer = await t.createUser();
  // The sweep ticks only when this test runs it, so the only way the transition can happen is the one under test.
  await t.deps.db.jobSchedule.create({ data: { name: SWEEP_JOB, paused: true } });
  await t.startServer({ api: false, worker: true });
});
afterAll(async () => {
  keepRunning = false;
  await t.cleanup();
});

const FIELDS = 'id name state data progress attemptsMade attemptsStarted processAt delayMs failedReason returnValue cancelRequested';
const LIST = `query ($name: String!, $state: QueuedJobState!) { jobQueue(name: $name, state: $state, first: 50) { edges { cursor node { ${FIELDS} } } } }`;
const ONE = `query ($queue: String!, $id: String!) { queuedJob(queue: $queue, id: $id) { ${FIELDS} } }`;
const mutation = (name: string) => `mutation ($queue: String!, $id: String!) { ${name}(queue: $queue, id: $id) { ${FIELDS} } }`;

async function admin_<T = any>(query: string, variables: Record<string, unknown>): Promise<{ data: T; code?: string }> {
  const response = await t.gql(query, variables, { token: admin.token });
  return { data: response.data as T, code: response.errors?.[0]?.extensions?.code };
}

async function transitions(activityId: number) {
  const rows = await t.deps.db.activityStatusChange.findMany({ where: { activityId }, orderBy: { version: 'asc' } });
  return rows.map((row) => `${row.fromStatus}->${row.toStatus}`);
}

describe('any queued job through the API', () => {
  it('removes one delayed status transition; activities.sweep still applies it once', async () => {
    const start = clock.now().getTime();
    // Far enough ahead that the real delayed job cannot fire while the test runs.
    const signupStartsAt = new Date(start + 600_000);
    const activity = await seedActivity(t, {
      organizerId: organizer.user.id,
      status: 'UPCOMING',
      signupStartsAt,
      signupEndsAt: new Date(start + 3_600_000),
      startsAt: new Date(start + 7_200_000),
      endsAt: new Date(start + 10_800_000),
    });
    await planTransitions(t.deps, { activityId: activity.id });
    const id = transitionJobId(activity.id, 'signupStartsAt', signupStartsAt);

    const delayed = await admin_(LIST, { name: 'activities', state: 'DELAYED' });
    const listed = delayed.data.jobQueue.edges.map((edge: any) => edge.node).find((node: any) => node.id === id);
    expect(listed).toMatchObject({
      name: 'activities.transition',
      state: 'DELAYED',
      data: { activityId: activity.id, boundary: 'signupStartsAt', at: signupStartsAt.toISOString() },
      progress: null,
      attemptsMade: 0,
      cancelRequested: false,
    });
    // BullMQ delays on real time: the job is due when the boundary's distance on the domain clock has passed.
    expect(Math.abs(listed.delayMs - (signupStartsAt.getTime() - start))).toBeLessThan(1_000);

    // Errors: an unknown queue or job is NOT_FOUND, a malformed id BAD_USER_INPUT, a delayed job cannot be cancelled.
    expect((await admin_(ONE, { queue: 'nope', id })).code).toBe('NOT_FOUND');
    expect((await admin_(ONE, { queue: 'activities', id: 'no-such-job' })).code).toBe('NOT_FOUND');
    expect((await admin_(ONE, { queue: 'activities', id: 'not a job id' })).code).toBe('BAD_USER_INPUT');
    expect((await admin_(ONE, { queue: 'activities', id: '' })).code).toBe('BAD_USER_INPUT');
    expect((await admin_(mutation('cancelJob'), { queue: 'activities', id })).code).toBe('INVALID_STATE');
    expect((await admin_(mutation('retryJob'), { queue: 'activities', id })).code).toBe('INVALID_STATE');
    const user = await t.createUser();
    expect((await t.gql(ONE, { queue: 'activities', id }, { token: user.token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const removed = await admin_(mutation('removeJob'), { queue: 'activities', id });
    expect(removed.code).toBeUndefined();
    expect(removed.data.removeJob).toMatchObject({ id, state: 'DELAYED' });
    expect((await admin_(ONE, { queue: 'activities', id })).code).toBe('NOT_FOUND');
    expect((await admin_(mutation('removeJob'), { queue: 'activities', id })).code).toBe('NOT_FOUND');

    // The boundary passes on the domain clock: nothing moves the activity without its job.
    clock.set(signupStartsAt.getTime() + 500);
    expect((await t.deps.db.activity.findUniqueOrThrow({ where: { id: activity.id } })).status).toBe('UPCOMING');

    // The sweep, the safety net, applies the transition; a second sweep finds nothing more.
    const sweep = await runJob(t.deps, { name: SWEEP_JOB, requestedBy: null });
    await waitFor(async () => (await t.deps.queues.activities.getJobState(sweep.jobId)) === 'completed', { what: 'the sweep' });
    expect((await t.deps.db.activity.findUniqueOrThrow({ where: { id: activity.id } })).status).toBe('SIGNUP_OPEN');
    const again = await runJob(t.deps, { name: SWEEP_JOB, requestedBy: null });
    await waitFor(async () => (await t.deps.queues.activities.getJobState(again.jobId)) === 'completed', { what: 'the second sweep' });
    expect((await t.deps.queues.activities.getJob(again.jobId))!.returnvalue).toEqual({ steps: 0 });

    // promoteJob makes the next boundary's job due now: it runs, finds nothing due yet, and changes nothing.
    const next = transitionJobId(activity.id, 'signupEndsAt', activity.signupEndsAt);
    const promoted = await admin_(mutation('promoteJob'), { queue: 'activities', id: next });
    expect(promoted.code).toBeUndefined();
    expect(promoted.data.promoteJob.state).not.toBe('DELAYED');
    await waitFor(async () => (await t.deps.queues.activities.getJobState(next)) === 'completed', { what: 'the promoted job' });
    expect((await admin_(mutation('promoteJob'), { queue: 'activities', id: next })).code).toBe('INVALID_STATE');
    expect(await transitions(activity.id)).toEqual(['UPCOMING->SIGNUP_OPEN']);
  }, 60_000);

  it('shows a running job with its data and progress, cancels it at a checkpoint as CANCELLED without retry, and retries it', async () => {
    await t.deps.queues.hot.add(PROGRESS_JOB, { label: 'long work' }, { jobId: 'progress-1', attempts: 3 });
    const running = await waitFor(
      async () => {
        const { data } = await admin_(LIST, { name: 'hot', state: 'ACTIVE' });
        const node = data.jobQueue.edges.map((edge: any) => edge.node).find((candidate: any) => candidate.id === 'progress-1');
        return node?.progress?.step >= 2 ? node : undefined;
      },
      { what: 'the job to report progress' },
    );
    expect(running).toMatchObject({ name: PROGRESS_JOB, state: 'ACTIVE', data: { label: 'long work' }, attemptsStarted: 1 });
    expect(running.progress.percent).toBe(running.progress.step);

    const cancelled = await admin_(mutation('cancelJob'), { queue: 'hot', id: 'progress-1' });
    expect(cancelled.code).toBeUndefined();
    expect(cancelled.data.cancelJob).toMatchObject({ state: 'ACTIVE', cancelRequested: true });
    await waitFor(async () => (await t.deps.queues.hot.getJobState('progress-1')) === 'failed', { what: 'the job to stop' });
    const failed = (await admin_(ONE, { queue: 'hot', id: 'progress-1' })).data.queuedJob;
    expect(failed).toMatchObject({ state: 'FAILED', attemptsMade: 1 });
    expect(failed.failedReason).toMatch(/cancelled by an admin/);
    await waitFor(async () => (await t.deps.db.jobRun.findFirst({ where: { jobId: 'progress-1' } }))?.state === 'CANCELLED', { what: 'the run to be recorded' });
    expect((await t.deps.db.jobRun.findMany({ where: { jobId: 'progress-1' } })).map((run) => [run.attempt, run.state])).toEqual([[1, 'CANCELLED']]);

    // Retrying withdraws the cancellation; this time the job runs to the end.
    keepRunning = false;
    const retried = await admin_(mutation('retryJob'), { queue: 'hot', id: 'progress-1' });
    expect(retried.code).toBeUndefined();
    expect(retried.data.retryJob.cancelRequested).toBe(false);
    await waitFor(async () => (await t.deps.queues.hot.getJobState('progress-1')) === 'completed', { what: 'the retried job' });
    const runs = await t.deps.db.jobRun.findMany({ where: { jobId: 'progress-1' }, orderBy: { id: 'asc' } });
    expect(runs.map((run) => run.state)).toEqual(['CANCELLED', 'COMPLETED']);
    // Only an active job can be cancelled, only a queued one removed.
    expect((await admin_(mutation('cancelJob'), { queue: 'hot', id: 'progress-1' })).code).toBe('INVALID_STATE');
    expect((await admin_(mutation('removeJob'), { queue: 'hot', id: 'progress-1' })).code).toBe('INVALID_STATE');
  }, 60_000);
});
