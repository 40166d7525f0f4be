import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobHandlers } from '../../src/jobs.js';
import { runJob } from '../../src/modules/jobs/jobs.service.js';
import { COPY_JOB, FINISH_JOB, ROLLOVER_TICK_JOB } from '../../src/modules/leaderboards/rollover-flow.js';
import { rolloverCopyJob } from '../../src/modules/leaderboards/rollover.jobs.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { waitFor, waitHealed } from '../support/wait.js';
import {
  archivePlaces,
  boardKeysPresent,
  boardPlaces,
  completedFinishRuns,
  fillBoard,
  firstDifference,
  jobResult,
  waitArchived,
} from '../leaderboards/rollover-support.js';

const SEASON = '2026-04';
const REF = `points/${SEASON}`;
const MEMBERS = 200_000;
/** 8 shards of 25,000 ranks in batches of 1,000: 25 checkpoints per shard. */
const BATCH_SIZE = 1_000;
/** The first shard holds after this batch until the test has cancelled the run: "midway", deterministically. */
const HOLD_AT_BATCH = 5;

let t: TestContext;
let admin: { token: string };
let reachedHold: () => void;
const holding = new Promise<void>((resolve) => (reachedHold = resolve));
let release: () => void;
const released = new Promise<void>((resolve) => (release = resolve));
let holdOnce = true;

const heldCopy = rolloverCopyJob(async ({ fromRank, batch }) => {
  if (fromRank === 1 && batch === HOLD_AT_BATCH && holdOnce) {
    holdOnce = false;
    reachedHold();
    await released;
  }
});

beforeAll(async () => {
  // Without the minute tick, which would start its own run of this long-ended season beside the ones this test starts.
  const handlers = jobHandlers.filter((handler) => handler.name !== ROLLOVER_TICK_JOB);
  t = await createTestContext({}, { jobHandlers: handlers.map((handler) => (handler.name === COPY_JOB ? heldCopy : handler)) });
  admin = await t.createUser({ role: 'ADMIN' });
  await t.startServer({ api: false, worker: true });
  // The board is filled straight into Redis: the worker's first heal of this prefix must be behind it.
  await waitHealed(t.deps);
});
afterAll(async () => {
  release?.();
  await t.cleanup();
});

const CANCEL = `mutation ($queue: String!, $id: String!) { cancelJob(queue: $queue, id: $id) { id name state cancelRequested } }`;
const ACTIVE = `query { jobQueue(name: "leaderboards", state: ACTIVE, first: 20) { edges { node { id name state data progress parentId attemptsStarted } } } }`;

describe('cancelling a board period rollover midway', () => {
  it('stops every copy shard, records them CANCELLED, keeps the board, and a new run then archives exactly once', async () => {
    await fillBoard(t, REF, MEMBERS);
    const before = await boardPlaces(t, REF);
    expect(before).toHaveLength(MEMBERS);

    const started = performance.now();
    const { jobId } = await runJob(t.deps, { name: 'season.rollover', requestedBy: null, data: { seasonId: SEASON, batchSize: BATCH_SIZE } });
    const prepared = await jobResult(t, 'leaderboards', jobId);
    expect(prepared).toMatchObject({ seasonId: SEASON, members: MEMBERS, shards: 8 });
    await holding;

    // While shard 1 holds, the API shows the running shards with their data and progress.
    const active = await t.gql(ACTIVE, {}, { token: admin.token });
    expect(active.errors).toBeUndefined();
    const shards = active.data!.jobQueue.edges.map((edge: { node: any }) => edge.node).filter((node: any) => node.name === COPY_JOB);
    const first = shards.find((node: any) => node.data.fromRank === 1);
    expect(first).toMatchObject({
      state: 'ACTIVE',
      parentId: prepared.finishJobId,
      data: { ref: REF, month: SEASON, order: 'DESC', fromRank: 1, toRank: 25_000, batchSize: BATCH_SIZE },
      progress: { percent: 16, throughRank: 4_000, batch: HOLD_AT_BATCH - 1 },
    });

    // Cancelling the flow's parent cancels the whole run.
    const cancelled = await t.gql(CANCEL, { queue: 'leaderboards', id: prepared.finishJobId }, { token: admin.token });
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data!.cancelJob).toMatchObject({ name: FINISH_JOB, cancelRequested: true });
    // The shards not held may already have reached a checkpoint and failed the parent by the time it is read back:
    // BullMQ 6 fails a parent whose child failed by moving it through WAITING and ACTIVE with a deferred failure
    // (its processor never runs), so any of these is a parent on its way to FAILED.
    expect(['WAITING_CHILDREN', 'WAITING', 'ACTIVE', 'FAILED']).toContain(cancelled.data!.cancelJob.state);
    const cancelledAt = performance.now();
    release();

    await waitFor(async () => (await t.deps.queues.leaderboards.getJobState(prepared.finishJobId)) === 'failed', {
      what: 'the finish step to fail with its cancelled shards',
      timeoutMs: 60_000,
    });
    let seen = '';
    await waitFor(
      async () => {
        const runs = await t.deps.db.jobRun.findMany({ where: { name: COPY_JOB } });
        const pending = (await t.deps.queues.leaderboards.getJobs(['active', 'wait', 'delayed', 'prioritized'])).filter((job) => job?.name === COPY_JOB);
        const done = runs.length === 8 && runs.every((run) => run.state !== 'RUNNING') && pending.length === 0;
        seen = `${runs.map((run) => run.state).join(',')}; ${pending.length} shards queued`;
        return done ? runs : undefined;
      },
      { what: 'every shard to have stopped', timeoutMs: 60_000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${seen}`);
    });
    const stoppedMs = Math.round(performance.now() - cancelledAt);
    const runs = await t.deps.db.jobRun.findMany({ where: { name: COPY_JOB }, orderBy: { id: 'asc' } });
    // One attempt per shard: cancelled shards are not retried; shards that finished before the cancel stay COMPLETED.
    expect(runs.map((run) => run.attempt)).toEqual(Array(8).fill(1));
    expect(runs.every((run) => run.state === 'CANCELLED' || run.state === 'COMPLETED')).toBe(true);
    const cancelledRuns = runs.filter((run) => run.state === 'CANCELLED');
    expect(cancelledRuns.length).toBeGreaterThanOrEqual(1);
    expect(cancelledRuns.every((run) => /cancelled by an admin/.test(run.error ?? ''))).toBe(true);
    // The finish step never ran; its run history says it was cancelled.
    const cancelledFinish = await t.deps.db.jobRun.findMany({ where: { name: FINISH_JOB } });
    expect(cancelledFinish.map((run) => [run.jobId, run.state])).toEqual([[prepared.finishJobId, 'CANCELLED']]);

    // The board is intact and still the season's truth; the archive is not complete and the season not archived.
    expect(firstDifference(await boardPlaces(t, REF), before)).toBe(-1);
    expect(await boardKeysPresent(t, REF)).toContain('board');
    expect((await t.deps.db.boardPeriod.findUniqueOrThrow({ where: { ref: REF } })).state).toBe('CLOSING');
    const partial = await t.deps.db.boardArchiveEntry.count({ where: { periodRef: REF } });
    expect(partial).toBeLessThan(MEMBERS);

    // A new run archives exactly once: every row once, verified against the board, the board then deleted.
    const rerun = await runJob(t.deps, { name: 'season.rollover', requestedBy: null, data: { seasonId: SEASON } });
    await jobResult(t, 'leaderboards', rerun.jobId);
    await waitArchived(t, REF);
    const archived = await archivePlaces(t, REF);
    expect(archived).toHaveLength(MEMBERS);
    expect(firstDifference(archived, before)).toBe(-1);
    expect(await boardKeysPresent(t, REF)).toEqual(['sealed']);
    const finishes = await completedFinishRuns(t);
    expect(finishes).toHaveLength(1);
    expect(await t.deps.db.jobRun.count({ where: { name: FINISH_JOB } })).toBe(2);
    const finishJob = await t.deps.queues.leaderboards.getJob(finishes[0]!.jobId);
    expect(finishJob!.returnvalue).toMatchObject({ ref: REF, members: MEMBERS, archivedNow: true });
    process.stdout.write(
      `rollover cancel: ${runs.length - cancelledRuns.length} of 8 shards done, ${partial} rows copied when cancelled; ` +
        `all shards stopped ${stoppedMs} ms after cancelJob; whole test ${Math.round(performance.now() - started)} ms\n`,
    );
  }, 180_000);
});
