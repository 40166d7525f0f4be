import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobHandlers } from '../../src/jobs.js';
import { syncSchedules } from '../../src/modules/jobs/job-schedules.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { FAIL_BACKOFF_MS, FAILURE_MESSAGE, FIXTURE_TABLE_SQL, TEST_JOBS, testJobs } from '../support/test-jobs.js';
import { waitFor } from '../support/wait.js';

const TICK_MS = 1_000;

const JOBS = /* GraphQL */ `
  query Jobs {
    jobs {
      name queue description paused nextRunAt
      schedule { every cron timeZone }
      runs(first: 50) { id jobId state trigger attempt maxAttempts startedAt finishedAt durationMs error worker }
    }
  }
`;
const JOB_FIELDS = 'name paused nextRunAt';

interface JobView {
  name: string;
  paused: boolean;
  nextRunAt: string | null;
  schedule: { every: number | null; cron: string | null; timeZone: string } | null;
  runs: Array<{ jobId: string; state: string; trigger: string; attempt: number; maxAttempts: number; startedAt: string; finishedAt: string | null; durationMs: number | null; error: string | null; worker: string | null }>;
}

let ctx: TestContext;
let admin: string;
let user: string;

async function jobs(): Promise<JobView[]> {
  const result = await ctx.gql<{ jobs: JobView[] }>(JOBS, {}, { token: admin });
  expect(result.errors).toBeUndefined();
  return result.data!.jobs;
}
async function job(name: string): Promise<JobView> {
  return (await jobs()).find((candidate) => candidate.name === name)!;
}
async function fixtureCount(name: string): Promise<number> {
  const rows = await ctx.deps.db.$queryRawUnsafe<Array<{ count: bigint }>>('SELECT count(*) FROM fixture_runs WHERE name = $1', name);
  return Number(rows[0]!.count);
}

beforeAll(async () => {
  ctx = await createTestContext({}, { jobHandlers: [...jobHandlers, ...testJobs({ tickEveryMs: TICK_MS })] });
  await ctx.deps.db.$executeRawUnsafe(FIXTURE_TABLE_SQL);
  admin = (await ctx.createUser({ role: 'ADMIN' })).token;
  user = (await ctx.createUser()).token;
  await ctx.startServer({ api: false, worker: true });
});
afterAll(async () => {
  await ctx?.cleanup();
});

describe('the jobs admin API', () => {
  it('lists every job with its schedule, time zone and next run', async () => {
    const all = await jobs();
    const prune = all.find((candidate) => candidate.name === 'job-runs.prune')!;
    expect(prune).toMatchObject({ paused: false, schedule: { cron: '17 3 * * *', every: null, timeZone: 'UTC' } });
    expect(new Date(prune.nextRunAt!).getUTCHours()).toBe(3);

    const yearly = all.find((candidate) => candidate.name === TEST_JOBS.yearly)!;
    const nextJanuary = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 0, 1));
    expect(yearly).toMatchObject({ paused: false, nextRunAt: nextJanuary.toISOString(), schedule: { cron: '0 0 1 1 *' } });
    expect(all.find((candidate) => candidate.name === TEST_JOBS.tick)?.schedule).toEqual({ every: TICK_MS, cron: null, timeZone: 'UTC' });
    expect(all.find((candidate) => candidate.name === TEST_JOBS.slow)).toMatchObject({ schedule: null, nextRunAt: null, runs: [] });
  });

  it('is for admins only', async () => {
    const operations = [
      'query { jobs { name } }',
      `mutation { runJob(name: "${TEST_JOBS.yearly}") { jobId } }`,
      `mutation { pauseJob(name: "${TEST_JOBS.yearly}") { paused } }`,
      `mutation { resumeJob(name: "${TEST_JOBS.yearly}") { paused } }`,
    ];
    for (const operation of operations) {
      const asUser = await ctx.gql(operation, {}, { token: user });
      expect(asUser.errors?.[0]?.extensions?.code, operation).toBe('FORBIDDEN');
      const anonymous = await ctx.gql(operation);
      expect(anonymous.errors?.[0]?.extensions?.code, operation).toBe('UNAUTHENTICATED');
    }
    expect(await fixtureCount(TEST_JOBS.yearly)).toBe(0);
    expect((await job(TEST_JOBS.yearly)).paused).toBe(false);
  });

  it('answers NOT_FOUND for an unknown job and INVALID_STATE for steering an event-driven one', async () => {
    for (const mutation of ['runJob', 'pauseJob', 'resumeJob']) {
      const unknown = await ctx.gql(`mutation { ${mutation}(name: "no.such.job") { __typename } }`, {}, { token: admin });
      expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const eventDriven = await ctx.gql(`mutation { ${mutation}(name: "${TEST_JOBS.slow}") { __typename } }`, {}, { token: admin });
      expect(eventDriven.errors?.[0]?.extensions?.code).toBe('INVALID_STATE');
    }
  });

  it('pauseJob stops the ticks on every instance, across restarts, until resumeJob', async () => {
    await waitFor(async () => (await fixtureCount(TEST_JOBS.tick)) > 0, { what: 'a first tick' });
    const paused = await ctx.gql<{ pauseJob: { paused: boolean; nextRunAt: string | null } }>(
      `mutation { pauseJob(name: "${TEST_JOBS.tick}") { ${JOB_FIELDS} } }`, {}, { token: admin });
    expect(paused.data?.pauseJob).toMatchObject({ paused: true, nextRunAt: null });
    // The scheduler is gone from Redis, which every instance's workers read.
    expect(await ctx.deps.queues.hot.getJobScheduler(TEST_JOBS.tick)).toBeUndefined();
    // An instance starting now (or this one restarting) keeps it paused.
    await syncSchedules(ctx.deps);
    expect(await ctx.deps.queues.hot.getJobScheduler(TEST_JOBS.tick)).toBeUndefined();
    expect((await job(TEST_JOBS.tick)).paused).toBe(true);

    await waitFor(async () => (await ctx.deps.queues.hot.getJobs(['active', 'wait', 'delayed'])).every((j) => j.name !== TEST_JOBS.tick), { what: 'no tick in flight' });
    const ticksWhenPaused = await fixtureCount(TEST_JOBS.tick);
    await sleep(3 * TICK_MS);
    expect(await fixtureCount(TEST_JOBS.tick)).toBe(ticksWhenPaused);
    // A deliberate one-off run still works while paused, and does not bring the schedule back.
    await ctx.gql(`mutation { runJob(name: "${TEST_JOBS.tick}") { jobId } }`, {}, { token: admin });
    await waitFor(async () => (await fixtureCount(TEST_JOBS.tick)) === ticksWhenPaused + 1, { what: 'the manual run' });
    expect(await ctx.deps.queues.hot.getJobScheduler(TEST_JOBS.tick)).toBeUndefined();

    const resumed = await ctx.gql<{ resumeJob: { paused: boolean; nextRunAt: string | null } }>(
      `mutation { resumeJob(name: "${TEST_JOBS.tick}") { ${JOB_FIELDS} } }`, {}, { token: admin });
    expect(resumed.data?.resumeJob.paused).toBe(false);
    expect(resumed.data?.resumeJob.nextRunAt).not.toBeNull();
    await waitFor(async () => (await fixtureCount(TEST_JOBS.tick)) > ticksWhenPaused + 1, { what: 'a tick after resumeJob' });
  });

  it('runJob runs the job once now and leaves its schedule unchanged', async () => {
    const before = await job(TEST_JOBS.yearly);
    const schedulerBefore = await ctx.deps.queues.hot.getJobScheduler(TEST_JOBS.yearly);
    const result = await ctx.gql<{ runJob: { jobId: string; job: { nextRunAt: string } } }>(
      `mutation { runJob(name: "${TEST_JOBS.yearly}") { jobId job { nextRunAt } } }`, {}, { token: admin });
    expect(result.errors).toBeUndefined();
    const { jobId } = result.data!.runJob;
    expect(result.data!.runJob.job.nextRunAt).toBe(before.nextRunAt);

    const done = await waitFor(async () => (await job(TEST_JOBS.yearly)).runs.find((run) => run.jobId === jobId && run.state === 'COMPLETED'), { what: 'the manual run' });
    expect(done).toMatchObject({ trigger: 'MANUAL', attempt: 1, maxAttempts: 1, error: null });
    expect(done.durationMs).toBeGreaterThanOrEqual(0);
    expect(new Date(done.finishedAt!).getTime()).toBeGreaterThanOrEqual(new Date(done.startedAt).getTime());
    const after = await job(TEST_JOBS.yearly);
    expect(after.runs).toHaveLength(1);
    expect(after.nextRunAt).toBe(before.nextRunAt);
    expect(await ctx.deps.queues.hot.getJobScheduler(TEST_JOBS.yearly)).toMatchObject({ next: schedulerBefore!.next, pattern: '0 0 1 1 *', tz: 'UTC' });
    expect(await fixtureCount(TEST_JOBS.yearly)).toBe(1);
  });

  it('retries a job that throws with exponential backoff and shows each failure with its message', async () => {
    const result = await ctx.gql<{ runJob: { jobId: string } }>(`mutation { runJob(name: "${TEST_JOBS.fail}") { jobId } }`, {}, { token: admin });
    const jobId = result.data!.runJob.jobId;
    const runs = await waitFor(
      async () => {
        const own = (await job(TEST_JOBS.fail)).runs.filter((run) => run.jobId === jobId);
        return own.some((run) => run.state === 'FAILED') ? own.sort((a, b) => a.attempt - b.attempt) : undefined;
      },
      { what: 'the final failure' },
    );
    expect(runs.map((run) => [run.attempt, run.state, run.error])).toEqual([
      [1, 'RETRYING', FAILURE_MESSAGE],
      [2, 'RETRYING', FAILURE_MESSAGE],
      [3, 'FAILED', FAILURE_MESSAGE],
    ]);
    expect(runs.every((run) => run.maxAttempts === 3 && run.trigger === 'MANUAL')).toBe(true);
    // Exponential backoff: 200 ms before the second attempt, 400 ms before the third.
    const gap = (index: number) => new Date(runs[index]!.startedAt).getTime() - new Date(runs[index - 1]!.finishedAt!).getTime();
    expect(gap(1)).toBeGreaterThanOrEqual(FAIL_BACKOFF_MS - 5);
    expect(gap(2)).toBeGreaterThanOrEqual(2 * FAIL_BACKOFF_MS - 5);

    // The history is written by the worker before BullMQ moves the job on; wait for BullMQ to agree.
    await waitFor(async () => (await ctx.deps.queues.hot.getJobState(jobId)) === 'failed', { what: 'BullMQ to fail the job' });
    expect((await ctx.deps.queues.hot.getJob(jobId))!.failedReason).toBe(FAILURE_MESSAGE);
  });
});
