import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pauseJob, resumeJob } from '../../src/modules/jobs/jobs.service.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { fixtureEnv, killFixtures, PROCESS_TEST_TIMEOUT_MS, PROCESS_WAIT_MS, startFixture } from '../support/processes.js';
import { FIXTURE_TABLE_SQL, TEST_JOBS, testJobs } from '../support/test-jobs.js';
import { waitFor } from '../support/wait.js';

const TICK_MS = 2_000;
/**
 * Every fixture in this file uses the same short lock and stalled-check
 * interval: BullMQ lets one stalled check run per queue per interval (a key
 * with that TTL), so a worker with the default 30 s would delay the check
 * of the next test's workers.
 */
const FAST_STALL = { JOB_LOCK_DURATION_MS: '1000', JOB_STALLED_INTERVAL_MS: '1000' };

let ctx: TestContext;

interface FixtureRow {
  job_id: string;
  attempt: number;
  pid: number;
  event: string;
}
const fixtureRows = (name: string) =>
  ctx.deps.db.$queryRawUnsafe<FixtureRow[]>('SELECT job_id, attempt, pid, event FROM fixture_runs WHERE name = $1 ORDER BY id', name);

beforeAll(async () => {
  // This process only reads and enqueues; the workers are separate processes.
  ctx = await createTestContext({}, { jobHandlers: testJobs({ tickEveryMs: TICK_MS }) });
  await ctx.deps.db.$executeRawUnsafe(FIXTURE_TABLE_SQL);
});
afterEach(async () => {
  await killFixtures();
});
afterAll(async () => {
  await ctx?.cleanup();
});

describe('several worker processes', () => {
  it('run each tick of a schedule exactly once: three ticks, three runs', async () => {
    // Paused until both workers are up, so both compete for every tick from the first one.
    await ctx.deps.db.jobSchedule.create({ data: { name: TEST_JOBS.tick, paused: true } });
    const env = fixtureEnv(ctx, { ...FAST_STALL, FIXTURE_TICK_MS: String(TICK_MS) });
    const workers = await Promise.all([startFixture(env), startFixture(env)]);
    expect(new Set(workers.map((worker) => worker.pid)).size).toBe(2);
    expect(await ctx.deps.queues.hot.getJobScheduler(TEST_JOBS.tick)).toBeUndefined();
    await resumeJob(ctx.deps, { name: TEST_JOBS.tick, userId: null });

    const tickOf = (jobId: string) => Number(jobId.split(':').at(-1));
    await waitFor(async () => new Set((await fixtureRows(TEST_JOBS.tick)).map((row) => row.job_id)).size >= 3, { what: 'three ticks', timeoutMs: PROCESS_WAIT_MS });
    // Stop the schedule so the set of ticks is final, then let any tick in flight finish.
    await pauseJob(ctx.deps, { name: TEST_JOBS.tick, userId: null });
    await waitFor(async () => (await ctx.deps.queues.hot.getJobs(['active', 'wait', 'delayed'])).every((job) => job.name !== TEST_JOBS.tick), {
      what: 'no tick in flight',
      timeoutMs: PROCESS_WAIT_MS,
    });

    const rows = await fixtureRows(TEST_JOBS.tick);
    const ticks = [...new Set(rows.map((row) => tickOf(row.job_id)))].sort((a, b) => a - b);
    // Every tick ran exactly once, however many workers were listening…
    expect(rows).toHaveLength(ticks.length);
    // …and the ticks are consecutive, 2 s apart: none was skipped.
    const firstThree = ticks.slice(0, 3);
    expect(firstThree.map((tick) => tick - firstThree[0]!)).toEqual([0, TICK_MS, 2 * TICK_MS]);
    expect(rows.filter((row) => firstThree.includes(tickOf(row.job_id)))).toHaveLength(3);

    // The run history agrees: one completed attempt per tick, recorded by the worker that ran it.
    const runs = await ctx.deps.db.jobRun.findMany({ where: { name: TEST_JOBS.tick }, orderBy: { startedAt: 'asc' } });
    expect(runs.map((run) => run.jobId).sort()).toEqual(rows.map((row) => row.job_id).sort());
    expect(runs.every((run) => run.state === 'COMPLETED' && run.attempt === 1 && run.trigger === 'SCHEDULE')).toBe(true);
    const workerPids = new Set(workers.map((worker) => worker.pid));
    expect(runs.every((run) => workerPids.has(Number(run.worker!.split(':').at(-1))))).toBe(true);
  }, PROCESS_TEST_TIMEOUT_MS);

  it('hand a job whose worker was killed halfway to another worker after the stall interval, which completes it', async () => {
    const env = fixtureEnv(ctx, FAST_STALL);
    const workers = await Promise.all([startFixture(env), startFixture(env)]);
    await ctx.deps.queues.hot.add(TEST_JOBS.slow, { holdMs: 60_000 }, { jobId: 'slow-stall', attempts: 2 });

    // Wait for the job body itself to have started (its own row), not only for the run to be recorded.
    const first = await waitFor(
      async () => (await fixtureRows(TEST_JOBS.slow)).find((row) => row.job_id === 'slow-stall' && row.attempt === 1 && row.event === 'started'),
      { what: 'the first attempt to start', timeoutMs: PROCESS_WAIT_MS },
    );
    const victim = workers.find((worker) => worker.pid === first.pid)!;
    const survivor = workers.find((worker) => worker !== victim)!;
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toMatchObject({ signal: 'SIGKILL' });

    await waitFor(async () => (await ctx.deps.queues.hot.getJobState('slow-stall')) === 'completed', {
      what: 'the job to complete on the surviving worker',
      timeoutMs: PROCESS_WAIT_MS,
    });
    expect((await ctx.deps.queues.hot.getJob('slow-stall'))!.returnvalue).toEqual({ held: 0 });

    const runs = await ctx.deps.db.jobRun.findMany({ where: { jobId: 'slow-stall' }, orderBy: { attempt: 'asc' } });
    expect(runs.map((run) => [run.attempt, run.state, run.worker?.split(':').at(-1)])).toEqual([
      [1, 'STALLED', String(victim.pid)],
      [2, 'COMPLETED', String(survivor.pid)],
    ]);
    expect((await fixtureRows(TEST_JOBS.slow)).map((row) => [row.attempt, row.event, row.pid])).toEqual([
      [1, 'started', victim.pid],
      [2, 'started', survivor.pid],
      [2, 'done', survivor.pid],
    ]);
    // A worker-only process serves its own metrics; the survivor saw the stall.
    const metrics = await (await fetch(`${survivor.url}/metrics`)).text();
    expect(metrics).toContain(`liveboard_job_runs_total{queue="hot",job="${TEST_JOBS.slow}",outcome="stalled"} 1`);
    expect(metrics).toContain(`liveboard_job_runs_total{queue="hot",job="${TEST_JOBS.slow}",outcome="completed"} 1`);
  }, PROCESS_TEST_TIMEOUT_MS);
});
