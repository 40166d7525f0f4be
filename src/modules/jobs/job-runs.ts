import { hostname } from 'node:os';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Deps } from '../../lib/app-deps.js';
import { isCancellation, type JobObserver, type QueueName, type RunTiming } from '../../infra/queues.js';
import type { JobRun, JobRunState, JobTrigger } from '../../generated/prisma/client.js';
import { jobIdOf } from './job-control.js';
import { isSchedulePaused } from './job-schedules.js';

/** Ids of jobs started by `runJob`, so their runs are told apart from scheduled ones. */
export const MANUAL_JOB_ID_PREFIX = 'manual-';

/** Error messages are kept whole enough to read, not whole stack dumps. */
const MAX_ERROR_LENGTH = 2_000;

export function triggerOf(job: Pick<Job, 'id' | 'repeatJobKey'>): JobTrigger {
  if (job.repeatJobKey) return 'SCHEDULE';
  if (job.id?.startsWith(MANUAL_JOB_ID_PREFIX)) return 'MANUAL';
  return 'EVENT';
}

/** BullMQ's own rule: a failed attempt is retried while attempts are left, unless the error says it never can succeed. */
function willRetry(job: Job, error: Error): boolean {
  const unrecoverable = error instanceof UnrecoverableError || error.name === 'UnrecoverableError';
  return !unrecoverable && job.attemptsMade + 1 < (job.opts.attempts ?? 1);
}

/**
 * Records every attempt in `job_runs`, keyed by (queue, job id, attempt):
 * retries and restarts after a stall are separate rows, and recording the
 * same event twice changes nothing. Also counts runs and durations for
 * Prometheus. `attempt` is BullMQ's `attemptsStarted`, which counts every
 * start, including one that a dead worker never finished.
 */
export function createRunRecorder(
  deps: Pick<Deps, 'db' | 'metrics' | 'queues'>,
  worker = `${hostname()}:${process.pid}`,
): JobObserver {
  const { db, metrics } = deps;
  const keyOf = (queue: QueueName, job: Job) => ({ queue, jobId: jobIdOf(job), attempt: job.attemptsStarted });
  const rowOf = (queue: QueueName, job: Job, startedAt: Date) => ({
    ...keyOf(queue, job),
    name: job.name,
    maxAttempts: job.opts.attempts ?? 1,
    trigger: triggerOf(job),
    worker,
    startedAt,
  });
  const finish = async (queue: QueueName, job: Job, timing: RunTiming, state: JobRunState, error: string | null) => {
    const finished = { state, error, durationMs: timing.durationMs, finishedAt: new Date(timing.startedAt.getTime() + timing.durationMs) };
    await db.jobRun.upsert({
      where: { queue_jobId_attempt: keyOf(queue, job) },
      create: { ...rowOf(queue, job, timing.startedAt), ...finished },
      update: finished,
    });
  };

  return {
    async shouldRun(_queue, job) {
      return !job.repeatJobKey || !(await isSchedulePaused(deps, job.repeatJobKey));
    },
    async started(queue, job, startedAt) {
      // An earlier attempt still RUNNING was never finished: its worker died and BullMQ handed the job back.
      await db.jobRun.updateMany({
        where: { queue, jobId: jobIdOf(job), attempt: { lt: job.attemptsStarted }, state: 'RUNNING' },
        data: { state: 'STALLED', error: 'The worker stopped during this attempt; the job was handed to another worker.' },
      });
      await db.jobRun.upsert({
        where: { queue_jobId_attempt: keyOf(queue, job) },
        create: { ...rowOf(queue, job, startedAt), state: 'RUNNING' },
        update: {},
      });
    },
    async completed(queue, job, timing) {
      metrics.jobRuns.inc({ queue, job: job.name, outcome: 'completed' });
      metrics.jobDuration.observe({ queue, job: job.name, outcome: 'completed' }, timing.durationMs / 1000);
      await finish(queue, job, timing, 'COMPLETED', null);
    },
    async failed(queue, job, error, timing) {
      if (isCancellation(error)) {
        metrics.jobRuns.inc({ queue, job: job.name, outcome: 'cancelled' });
        await finish(queue, job, timing, 'CANCELLED', error.message.slice(0, MAX_ERROR_LENGTH));
        return;
      }
      metrics.jobRuns.inc({ queue, job: job.name, outcome: 'failed' });
      metrics.jobDuration.observe({ queue, job: job.name, outcome: 'failed' }, timing.durationMs / 1000);
      const message = (error.message || error.name).slice(0, MAX_ERROR_LENGTH);
      await finish(queue, job, timing, willRetry(job, error) ? 'RETRYING' : 'FAILED', message);
    },
    async stalled(queue, jobId, at) {
      const job = await deps.queues[queue].getJob(jobId);
      if (!job) return;
      metrics.jobRuns.inc({ queue, job: job.name, outcome: 'stalled' });
      // Handed back to the queue: the next attempt's start marks this one STALLED. Failed for stalling too often: say so now.
      if ((await job.getState()) !== 'failed') return;
      await db.jobRun.updateMany({
        where: { queue, jobId, attempt: { lte: job.attemptsStarted }, state: 'RUNNING' },
        data: { state: 'FAILED', finishedAt: at, error: (job.failedReason ?? 'stalled').slice(0, MAX_ERROR_LENGTH) },
      });
    },
  };
}

/** The latest attempts of one job, newest first. */
export function recentRuns(deps: Pick<Deps, 'db'>, input: { name: string; first: number }): Promise<JobRun[]> {
  return deps.db.jobRun.findMany({ where: { name: input.name }, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], take: input.first });
}

/** Deletes run history older than `days` days before `deps.now()`; returns how many rows went. */
export async function pruneRuns(deps: Pick<Deps, 'db' | 'now'>, days: number): Promise<number> {
  const cutoff = new Date(deps.now().getTime() - days * 24 * 3600 * 1000);
  const { count } = await deps.db.jobRun.deleteMany({ where: { startedAt: { lt: cutoff } } });
  return count;
}
