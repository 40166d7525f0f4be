import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunRecorder, pruneRuns, triggerOf } from '../../src/modules/jobs/job-runs.js';
import { createTestContext, type TestContext } from '../support/harness.js';

let ctx: TestContext;

/** The fields of a BullMQ job the recorder reads; the recorder writes to the real database. */
function jobLike(fields: { id: string; attemptsStarted: number; attemptsMade?: number; attempts?: number; repeatJobKey?: string }): Job {
  return {
    id: fields.id,
    name: 'test.recorded',
    attemptsStarted: fields.attemptsStarted,
    attemptsMade: fields.attemptsMade ?? fields.attemptsStarted - 1,
    opts: { attempts: fields.attempts ?? 3 },
    repeatJobKey: fields.repeatJobKey,
  } as unknown as Job;
}

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.cleanup();
});

describe('the run recorder', () => {
  it('keeps one row per (queue, job id, attempt): recording an event twice changes nothing', async () => {
    const recorder = createRunRecorder(ctx.deps, 'host:1');
    const job = jobLike({ id: 'twice', attemptsStarted: 1 });
    const startedAt = new Date('2026-11-21T10:00:00.000Z');
    await recorder.started('hot', job, startedAt);
    await recorder.started('hot', job, startedAt);
    await recorder.completed('hot', job, { startedAt, durationMs: 250 });
    await recorder.completed('hot', job, { startedAt, durationMs: 250 });
    const rows = await ctx.deps.db.jobRun.findMany({ where: { jobId: 'twice' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ attempt: 1, state: 'COMPLETED', durationMs: 250, worker: 'host:1', trigger: 'EVENT' });
    expect(rows[0]!.finishedAt?.toISOString()).toBe('2026-11-21T10:00:00.250Z');
  });

  it('records each retry as its own attempt and tells a last failure from one that will be retried', async () => {
    const recorder = createRunRecorder(ctx.deps);
    const at = new Date();
    for (const attempt of [1, 2]) {
      const job = jobLike({ id: 'retried', attemptsStarted: attempt, attempts: 2 });
      await recorder.started('hot', job, at);
      await recorder.failed('hot', job, new Error(`failure ${attempt}`), { startedAt: at, durationMs: 5 });
    }
    const rows = await ctx.deps.db.jobRun.findMany({ where: { jobId: 'retried' }, orderBy: { attempt: 'asc' } });
    expect(rows.map((row) => [row.attempt, row.state, row.error])).toEqual([
      [1, 'RETRYING', 'failure 1'],
      [2, 'FAILED', 'failure 2'],
    ]);
  });

  it('marks an attempt whose worker died as STALLED when the next attempt starts', async () => {
    const recorder = createRunRecorder(ctx.deps);
    const at = new Date();
    await recorder.started('hot', jobLike({ id: 'stalled', attemptsStarted: 1 }), at);
    // A stall does not count as a failed attempt: attemptsMade stays 0.
    const restarted = jobLike({ id: 'stalled', attemptsStarted: 2, attemptsMade: 0 });
    await recorder.started('hot', restarted, at);
    await recorder.completed('hot', restarted, { startedAt: at, durationMs: 1 });
    const rows = await ctx.deps.db.jobRun.findMany({ where: { jobId: 'stalled' }, orderBy: { attempt: 'asc' } });
    expect(rows.map((row) => [row.attempt, row.state])).toEqual([
      [1, 'STALLED'],
      [2, 'COMPLETED'],
    ]);
  });

  it('tells scheduled, manual and event runs apart', () => {
    expect(triggerOf({ id: 'repeat:hot.recompute:1700000000000', repeatJobKey: 'hot.recompute' })).toBe('SCHEDULE');
    expect(triggerOf({ id: 'manual-0f9c', repeatJobKey: undefined })).toBe('MANUAL');
    expect(triggerOf({ id: '42', repeatJobKey: undefined })).toBe('EVENT');
  });

  it('prunes history older than the retention', async () => {
    const recorder = createRunRecorder(ctx.deps);
    const old = jobLike({ id: 'old', attemptsStarted: 1 });
    await recorder.completed('system', old, { startedAt: new Date('2020-01-01T00:00:00Z'), durationMs: 1 });
    const before = await ctx.deps.db.jobRun.count();
    expect(await pruneRuns(ctx.deps, 30)).toBe(1);
    expect(await ctx.deps.db.jobRun.count()).toBe(before - 1);
    expect(await ctx.deps.db.jobRun.count({ where: { jobId: 'old' } })).toBe(0);
  });
});
