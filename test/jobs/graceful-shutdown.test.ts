import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../support/harness.js';
import { fixtureEnv, killFixtures, PROCESS_TEST_TIMEOUT_MS, PROCESS_WAIT_MS, startFixture } from '../support/processes.js';
import { FIXTURE_TABLE_SQL, TEST_JOBS, testJobs } from '../support/test-jobs.js';
import { waitFor } from '../support/wait.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({}, { jobHandlers: testJobs() });
  await ctx.deps.db.$executeRawUnsafe(FIXTURE_TABLE_SQL);
});
afterEach(async () => {
  await killFixtures();
});
afterAll(async () => {
  await ctx?.cleanup();
});

describe('SIGTERM', () => {
  it('lets the running job finish and the request in flight get its response, then exits 0', async () => {
    const app = await startFixture(fixtureEnv(ctx, { FIXTURE_ROLES: 'api,worker', SHUTDOWN_TIMEOUT_MS: '30000' }));
    await ctx.deps.queues.hot.add(TEST_JOBS.slow, { holdMs: 2_000 }, { jobId: 'slow-sigterm', attempts: 1 });
    await waitFor(
      () => ctx.deps.db.jobRun.findFirst({ where: { jobId: 'slow-sigterm', state: 'RUNNING' } }).then((run) => run ?? undefined),
      { what: 'the job to start', timeoutMs: PROCESS_WAIT_MS },
    );
    // Headers arrive at once, the body 1.5 s later: the request is in flight when the signal lands.
    const response = await fetch(`${app.url}/test/slow?ms=1500`);
    expect(response.status).toBe(200);

    app.child.kill('SIGTERM');
    expect(await response.text()).toBe('slow response complete after 1500 ms');
    const exit = await app.exited;
    expect(exit, app.output()).toEqual({ code: 0, signal: null });

    // The job was not cut short: its one attempt completed and nothing is left to retry.
    const runs = await ctx.deps.db.jobRun.findMany({ where: { jobId: 'slow-sigterm' } });
    expect(runs.map((run) => [run.attempt, run.state])).toEqual([[1, 'COMPLETED']]);
    expect(runs[0]!.durationMs).toBeGreaterThanOrEqual(2_000);
    const job = (await ctx.deps.queues.hot.getJob('slow-sigterm'))!;
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toEqual({ held: 2_000 });
  }, PROCESS_TEST_TIMEOUT_MS);

  it('stops a worker-only process once its running job is done, leaving queued jobs for the next worker', async () => {
    const worker = await startFixture(fixtureEnv(ctx, { FIXTURE_ROLES: 'worker', WORKER_CONCURRENCY: '1' }));
    await ctx.deps.queues.hot.add(TEST_JOBS.slow, { holdMs: 1_500 }, { jobId: 'slow-first', attempts: 1 });
    await waitFor(
      () => ctx.deps.db.jobRun.findFirst({ where: { jobId: 'slow-first', state: 'RUNNING' } }).then((run) => run ?? undefined),
      { what: 'the first job to start', timeoutMs: PROCESS_WAIT_MS },
    );
    await ctx.deps.queues.hot.add(TEST_JOBS.slow, { holdMs: 0 }, { jobId: 'slow-queued', attempts: 1 });

    worker.child.kill('SIGTERM');
    expect(await worker.exited, worker.output()).toEqual({ code: 0, signal: null });
    expect(await (await ctx.deps.queues.hot.getJob('slow-first'))!.getState()).toBe('completed');
    // Not taken while stopping: still waiting, safe in Redis for another worker.
    expect(await (await ctx.deps.queues.hot.getJob('slow-queued'))!.getState()).toBe('waiting');
    expect(await ctx.deps.db.jobRun.count({ where: { jobId: 'slow-queued' } })).toBe(0);
  }, PROCESS_TEST_TIMEOUT_MS);
});
