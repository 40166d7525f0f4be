import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULES_SCOPE } from '../../src/modules/jobs/jobs.topics.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { fixtureEnv, killFixtures, PROCESS_TEST_TIMEOUT_MS, PROCESS_WAIT_MS, startFixture } from '../support/processes.js';
import { waitFor } from '../support/wait.js';

const JOB = 'hot.recompute';
/** The acceptance asks for 10 s; 1 s keeps the test short and is a stricter check of "within one tick". */
const FAST_MS = 1_000;

/** Whether ticks 2–4 (after the immediate first one) follow each other on the FAST_MS grid, at most a few ticks apart. */
const onSecondGrid = (ticks: readonly number[]) =>
  ticks.slice(2, 4).every((tick, index) => {
    const gap = tick - (ticks[index + 1] ?? Number.NaN);
    return gap > 0 && gap % FAST_MS === 0 && gap <= 5 * FAST_MS;
  });

let ctx: TestContext;
let admin: { token: string; user: { id: number; handle: string } };

const UPDATE = `mutation ($name: String!, $pattern: String, $everyMs: Int, $timeZone: String) {
  updateJobSchedule(name: $name, pattern: $pattern, everyMs: $everyMs, timeZone: $timeZone) {
    name nextRunAt nextRuns
    schedule { every cron timeZone custom updatedAt updatedBy { handle } }
  }
}`;
const JOBS = `{ jobs { name nextRuns schedule { every cron timeZone custom updatedBy { handle } } } }`;

/** Scheduled runs of hot.recompute recorded in job_runs, oldest first. */
const scheduledRuns = () =>
  ctx.deps.db.jobRun.findMany({ where: { name: JOB, trigger: 'SCHEDULE' }, orderBy: { startedAt: 'asc' } });

beforeAll(async () => {
  // The application's own jobs here and in the worker processes; this process only changes schedules and reads.
  ctx = await createTestContext();
  admin = await ctx.createUser({ role: 'ADMIN' });
});
afterEach(async () => {
  await killFixtures();
});
afterAll(async () => {
  await ctx?.cleanup();
});

describe('changing a schedule at run time', () => {
  it('refuses an invalid cron pattern, interval or time zone with BAD_USER_INPUT and changes nothing', async () => {
    for (const variables of [
      { name: JOB, pattern: '61 * * * *' },
      { name: JOB, pattern: 'every minute please' },
      { name: JOB, everyMs: 10 },
      { name: JOB, pattern: '*/5 * * * *', everyMs: 5_000 },
      { name: JOB, pattern: '0 3 * * *', timeZone: 'Mars/Olympus_Mons' },
    ]) {
      const response = await ctx.gql(UPDATE, variables, { token: admin.token });
      expect(response.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
    }
    expect(await ctx.deps.db.jobSchedule.findUnique({ where: { name: JOB } })).toBeNull();
    const unknown = await ctx.gql(UPDATE, { name: 'no.such.job', everyMs: 5_000 }, { token: admin.token });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const user = await ctx.createUser();
    const forbidden = await ctx.gql(UPDATE, { name: JOB, everyMs: 5_000 }, { token: user.token });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('shows a cron schedule in its zone with the next three ticks and who changed it', async () => {
    const response = await ctx.gql(UPDATE, { name: 'hot.snapshot', pattern: '30 4 * * *', timeZone: 'Asia/Shanghai' }, { token: admin.token });
    expect(response.errors).toBeUndefined();
    const job = response.data!.updateJobSchedule;
    expect(job.schedule).toMatchObject({ cron: '30 4 * * *', every: null, timeZone: 'Asia/Shanghai', custom: true, updatedBy: { handle: admin.user.handle } });
    // 04:30 in Shanghai is 20:30 UTC, on three consecutive days.
    expect(job.nextRuns).toHaveLength(3);
    for (const tick of job.nextRuns as string[]) expect(tick).toMatch(/T20:30:00\.000Z$/);
    expect(Date.parse(job.nextRuns[1]) - Date.parse(job.nextRuns[0])).toBe(24 * 3600_000);
    // No argument but the name puts the job back on the schedule in code.
    const reset = await ctx.gql(UPDATE, { name: 'hot.snapshot' }, { token: admin.token });
    expect(reset.data!.updateJobSchedule.schedule).toMatchObject({ cron: '0 0 * * *', timeZone: 'UTC', custom: false });
  });

  it(
    'takes hot.recompute from every minute to every second on two worker processes within one tick, and keeps it after a restart',
    async () => {
      const env = fixtureEnv(ctx, { FIXTURE_JOBS: 'app' });
      let workers = await Promise.all([startFixture(env), startFixture(env)]);
      expect((await ctx.deps.queues.hot.getJobScheduler(JOB))?.every).toBe(60_000);

      const changedAt = Date.now();
      const response = await ctx.gql(UPDATE, { name: JOB, everyMs: FAST_MS }, { token: admin.token });
      expect(response.errors).toBeUndefined();
      const job = response.data!.updateJobSchedule;
      expect(job.schedule).toMatchObject({ every: FAST_MS, cron: null, custom: true, updatedBy: { handle: admin.user.handle } });
      expect(job.nextRuns.map((tick: string) => Date.parse(tick) - Date.parse(job.nextRuns[0]))).toEqual([0, FAST_MS, 2 * FAST_MS]);
      expect(Date.parse(job.nextRunAt) - changedAt).toBeLessThanOrEqual(FAST_MS + 1_000);

      // The pending 60 s tick was replaced: runs follow each other a second apart, each tick run once.
      const runs = await waitFor(async () => ((await scheduledRuns()).length >= 4 ? scheduledRuns() : undefined), {
        what: 'four ticks a second apart',
        timeoutMs: PROCESS_WAIT_MS,
      });
      const firstRunAfterMs = runs[0]!.startedAt.getTime() - changedAt;
      expect(firstRunAfterMs).toBeLessThan(FAST_MS + 2_000);
      expect(new Set(runs.map((run) => run.jobId)).size).toBe(runs.length);
      const pids = new Set(workers.map((worker) => String(worker.pid)));
      expect(runs.every((run) => pids.has(run.worker!.split(':').at(-1)!))).toBe(true);
      const tickOf = (jobId: string) => Number(jobId.split(':').at(-1));
      const ticks = runs.map((run) => tickOf(run.jobId)).sort((a, b) => a - b);
      // The first tick comes at once (BullMQ starts a changed interval now); the next ones are on the 1 s grid
      // (a tick a worker starved of CPU let pass is skipped, never run twice: a gap of a few seconds, not a minute).
      expect(onSecondGrid(ticks)).toBe(true);

      // Restart both workers after Redis lost the change (as if an older build had re-applied its 60 s): PostgreSQL wins.
      await killFixtures();
      await ctx.deps.queues.hot.upsertJobScheduler(JOB, { every: 60_000, tz: 'UTC' }, { name: JOB });
      const before = (await scheduledRuns()).length;
      workers = await Promise.all([startFixture(env), startFixture(env)]);
      const restartedAt = Date.now();
      expect((await ctx.deps.queues.hot.getJobScheduler(JOB))?.every).toBe(FAST_MS);
      const after = await waitFor(async () => ((await scheduledRuns()).length >= before + 4 ? scheduledRuns() : undefined), {
        what: 'four ticks after the restart',
        timeoutMs: PROCESS_WAIT_MS,
      });
      const restartedTicks = after.slice(before).map((run) => tickOf(run.jobId)).sort((a, b) => a - b);
      expect(onSecondGrid(restartedTicks)).toBe(true);

      // A change announced on pub/sub is re-applied from PostgreSQL by the running workers themselves.
      await ctx.deps.db.jobSchedule.update({ where: { name: JOB }, data: { everyMs: 2 * FAST_MS } });
      await ctx.deps.pubsub.publish('jobs:scheduleChanged', SCHEDULES_SCOPE, { name: JOB });
      await waitFor(async () => (await ctx.deps.queues.hot.getJobScheduler(JOB))?.every === 2 * FAST_MS, {
        what: 'the workers to re-apply the announced schedule',
        timeoutMs: PROCESS_WAIT_MS,
      });

      const listed = (await ctx.gql(JOBS, {}, { token: admin.token })).data!.jobs.find((candidate: { name: string }) => candidate.name === JOB);
      expect(listed.schedule).toMatchObject({ every: 2 * FAST_MS, custom: true, updatedBy: { handle: admin.user.handle } });
      process.stdout.write(
        `schedule change: first 1 s tick ${firstRunAfterMs} ms after updateJobSchedule; ` +
          `workers restarted and ticking again ${after[before]!.startedAt.getTime() - restartedAt} ms after both were ready (first tick of a re-synced interval comes at once)\n`,
      );
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
