import type { Job, JobType } from 'bullmq';
import type { Deps } from '../../lib/app-deps.js';
import { QUEUE_NAMES, type QueueName } from '../../infra/queues.js';
import { badInput, invalidState, notFound } from '../../lib/app-error.js';
import { clearCancelFlag, hasCancelFlag, jobIdOf, setCancelFlag } from './job-control.js';
import { triggerOf } from './job-runs.js';

type QueuedDeps = Pick<Deps, 'queues' | 'redis' | 'keys' | 'logger' | 'db' | 'now'>;

/** The states `jobQueue` lists, as the API names them, with BullMQ's name for each. */
export const QUEUED_JOB_STATES = {
  WAITING: 'wait',
  DELAYED: 'delayed',
  ACTIVE: 'active',
  FAILED: 'failed',
  COMPLETED: 'completed',
  PRIORITIZED: 'prioritized',
  WAITING_CHILDREN: 'waiting-children',
} as const satisfies Record<string, JobType>;
export type QueuedJobState = keyof typeof QUEUED_JOB_STATES;

/** Lists that run in order (next to run first); the others are history, newest first. */
const OLDEST_FIRST: ReadonlySet<QueuedJobState> = new Set(['WAITING', 'DELAYED', 'PRIORITIZED', 'WAITING_CHILDREN']);

/** Job ids are printable ASCII without spaces (scheduler ticks contain ':'), as BullMQ and Bull Board show them. */
const JOB_ID = /^[\x21-\x7e]{1,255}$/;

/** What an operator sees of one job in a queue. */
export interface QueuedJobView {
  queue: QueueName;
  id: string;
  name: string;
  /** Null when the job moved on (or was removed) while being read. */
  state: QueuedJobState | 'UNKNOWN';
  data: Record<string, unknown>;
  progress: Record<string, unknown> | null;
  attemptsMade: number;
  attemptsStarted: number;
  createdAt: Date;
  processedAt: Date | null;
  finishedAt: Date | null;
  failedReason: string | null;
  returnValue: Record<string, unknown> | null;
  delayMs: number;
  processAt: Date | null;
  parentId: string | null;
  cancelRequested: boolean;
}

/** JSON values that are not objects are wrapped, so the API always returns an object (or null). */
function asObject(value: unknown, key: string): Record<string, unknown> | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  return { [key]: value };
}

const STATE_OF = Object.fromEntries(Object.entries(QUEUED_JOB_STATES).map(([api, bull]) => [bull, api])) as Record<string, QueuedJobState>;

async function viewOf(deps: QueuedDeps, queue: QueueName, job: Job, state?: QueuedJobState): Promise<QueuedJobView> {
  const id = jobIdOf(job);
  const [known, cancelRequested] = await Promise.all([
    state ?? job.getState().then((bull) => STATE_OF[bull === 'waiting' ? 'wait' : bull] ?? 'UNKNOWN'),
    hasCancelFlag(deps, queue, id),
  ]);
  const delayMs = job.delay ?? 0;
  return {
    queue,
    id,
    name: job.name,
    state: known,
    data: asObject(job.data, 'value') ?? {},
    progress: asObject(job.progress === 0 ? null : job.progress, 'percent'),
    attemptsMade: job.attemptsMade,
    attemptsStarted: job.attemptsStarted,
    createdAt: new Date(job.timestamp),
    processedAt: job.processedOn ? new Date(job.processedOn) : null,
    finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
    failedReason: job.failedReason || null,
    returnValue: asObject(job.returnvalue, 'value'),
    delayMs,
    processAt: delayMs > 0 ? new Date(job.timestamp + delayMs) : null,
    parentId: job.parent?.id ?? job.parentKey?.split(':').at(-1) ?? null,
    cancelRequested,
  };
}

/** The queue named `name`, or NOT_FOUND. */
export function queueNamed(name: string): QueueName {
  if (!(QUEUE_NAMES as readonly string[]).includes(name)) throw notFound(`There is no queue named "${name}"; queues are ${QUEUE_NAMES.join(', ')}.`);
  return name as QueueName;
}

async function loadJob(deps: QueuedDeps, queueName: string, id: string): Promise<{ queue: QueueName; job: Job }> {
  const queue = queueNamed(queueName);
  if (!JOB_ID.test(id)) throw badInput('A job id is 1-255 printable characters without spaces.', { field: 'id' });
  const job = await deps.queues[queue].getJob(id);
  if (!job) throw notFound(`There is no job "${id}" in queue "${queue}".`);
  return { queue, job };
}

/** One page of the jobs of `queue` in `state` (offset paging: lists move, so a page may repeat or skip a job). */
export async function listQueuedJobs(
  deps: QueuedDeps,
  input: { queue: string; state: QueuedJobState; offset: number; limit: number },
): Promise<QueuedJobView[]> {
  const queue = queueNamed(input.queue);
  const { offset, limit, state } = input;
  const jobs = await deps.queues[queue].getJobs([QUEUED_JOB_STATES[state]], offset, offset + limit - 1, OLDEST_FIRST.has(state));
  // A job removed between the listing and the read comes back undefined.
  return Promise.all(jobs.filter((job): job is Job => Boolean(job)).map((job) => viewOf(deps, queue, job, state)));
}

/** One job, in whatever state it is. */
export async function getQueuedJob(deps: QueuedDeps, input: { queue: string; id: string }): Promise<QueuedJobView> {
  const { queue, job } = await loadJob(deps, input.queue, input.id);
  return viewOf(deps, queue, job);
}

/**
 * Cancels a running job: it stops at its next `checkpoint()` and its run is
 * recorded as CANCELLED, without a retry. A flow's parent waiting for its
 * children (e.g. a rollover's finish step) cancels the whole flow: every child
 * stops at its next checkpoint, or before it starts, and the parent fails.
 */
export async function cancelJob(deps: QueuedDeps, input: { queue: string; id: string; userId: number | null }): Promise<QueuedJobView> {
  const { queue, job } = await loadJob(deps, input.queue, input.id);
  const state = await job.getState();
  if (state !== 'active' && state !== 'waiting-children') {
    throw invalidState(`Job "${input.id}" is ${state}; only an active job (or a flow waiting for its children) can be cancelled. Remove a queued one with removeJob.`);
  }
  const jobId = jobIdOf(job);
  await setCancelFlag(deps, queue, jobId);
  if (state === 'waiting-children') {
    // The parent never runs now (a cancelled child fails it): its run history says why. Should every child
    // have finished first, the parent's own checkpoint cancels it, and recording it there changes nothing.
    const at = deps.now();
    const attempt = job.attemptsStarted + 1;
    await deps.db.jobRun.upsert({
      where: { queue_jobId_attempt: { queue, jobId, attempt } },
      create: {
        queue,
        jobId,
        attempt,
        name: job.name,
        maxAttempts: job.opts.attempts ?? 1,
        trigger: triggerOf(job),
        state: 'CANCELLED',
        startedAt: at,
        finishedAt: at,
        durationMs: 0,
        error: `Job ${job.id} was cancelled by an admin while waiting for its child jobs.`,
      },
      update: {},
    });
  }
  deps.logger.info({ queue, jobId: job.id, job: job.name, userId: input.userId }, 'job cancellation requested');
  return viewOf(deps, queue, job);
}

/**
 * Removes a queued or delayed job before it runs. A scheduler's next tick is
 * refused (removing it would stop the schedule): pause the job instead.
 */
export async function removeJob(deps: QueuedDeps, input: { queue: string; id: string; userId: number | null }): Promise<QueuedJobView> {
  const { queue, job } = await loadJob(deps, input.queue, input.id);
  const state = await job.getState();
  if (!['waiting', 'wait', 'delayed', 'prioritized', 'paused'].includes(state)) {
    throw invalidState(`Job "${input.id}" is ${state}; only a waiting or delayed job can be removed. Cancel an active one with cancelJob.`);
  }
  if (job.repeatJobKey) throw invalidState(`Job "${input.id}" is the next tick of the "${job.name}" schedule; pause the job instead.`);
  const view = await viewOf(deps, queue, job);
  // 0 means the job was locked: a worker took it in the meantime.
  if ((await deps.queues[queue].remove(jobIdOf(job))) === 0) throw invalidState(`Job "${input.id}" started running; cancel it with cancelJob.`);
  deps.logger.info({ queue, jobId: job.id, job: job.name, userId: input.userId }, 'queued job removed');
  return view;
}

/**
 * Runs a failed (or cancelled) job again as its next attempt. Attempt counts
 * are not reset, so the run history keeps every earlier attempt as its own
 * row; a job that had used all its attempts gets this one try.
 */
export async function retryJob(deps: QueuedDeps, input: { queue: string; id: string; userId: number | null }): Promise<QueuedJobView> {
  const { queue, job } = await loadJob(deps, input.queue, input.id);
  const state = await job.getState();
  if (state !== 'failed') throw invalidState(`Job "${input.id}" is ${state}; only a failed job can be retried.`);
  await clearCancelFlag(deps, queue, jobIdOf(job));
  await job.retry('failed');
  deps.logger.info({ queue, jobId: job.id, job: job.name, userId: input.userId }, 'failed job retried');
  return getQueuedJob(deps, input);
}

/** Makes a delayed job due now. */
export async function promoteJob(deps: QueuedDeps, input: { queue: string; id: string; userId: number | null }): Promise<QueuedJobView> {
  const { queue, job } = await loadJob(deps, input.queue, input.id);
  const state = await job.getState();
  if (state !== 'delayed') throw invalidState(`Job "${input.id}" is ${state}; only a delayed job can be moved to now.`);
  await job.promote();
  deps.logger.info({ queue, jobId: job.id, job: job.name, userId: input.userId }, 'delayed job promoted');
  return getQueuedJob(deps, input);
}
