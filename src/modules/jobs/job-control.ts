import type { Job } from 'bullmq';
import type { Deps } from '../../lib/app-deps.js';
import { queueOfKey, type CancellationFlags, type QueueName } from '../../infra/queues.js';

/**
 * A cancel flag outlives any job run it could stop: a job that has not
 * reached a checkpoint in a day is stuck for other reasons.
 */
const CANCEL_FLAG_TTL_SECONDS = 24 * 3600;

/**
 * The id of a job read from a queue or handed to a worker. BullMQ types `id`
 * as optional only because a `Job` built in memory has none until it is
 * added; every job this module sees came back from Redis with one.
 */
export function jobIdOf(job: Job): string {
  if (job.id === undefined) throw new Error(`BullMQ job "${job.name}" has no id: only jobs stored in a queue can be controlled or recorded.`);
  return job.id;
}

/** The Redis key of the cancel flag of one job. */
export function cancelFlagKey(deps: Pick<Deps, 'keys'>, queue: QueueName, jobId: string): string {
  // One tag for all flags: a checkpoint reads a job's flag and its flow parent's in one EXISTS.
  return deps.keys.key('{jobs}', 'cancel', queue, jobId);
}

/** Asks job `jobId` to stop at its next checkpoint (and, for a flow's parent, every child of it). */
export async function setCancelFlag(deps: Pick<Deps, 'redis' | 'keys'>, queue: QueueName, jobId: string): Promise<void> {
  await deps.redis.set(cancelFlagKey(deps, queue, jobId), '1', 'EX', CANCEL_FLAG_TTL_SECONDS);
}

/** Withdraws a cancellation, e.g. before a cancelled job is retried. */
export async function clearCancelFlag(deps: Pick<Deps, 'redis' | 'keys'>, queue: QueueName, jobId: string): Promise<void> {
  await deps.redis.del(cancelFlagKey(deps, queue, jobId));
}

/** Whether a cancellation of `jobId` is pending. */
export async function hasCancelFlag(deps: Pick<Deps, 'redis' | 'keys'>, queue: QueueName, jobId: string): Promise<boolean> {
  return (await deps.redis.exists(cancelFlagKey(deps, queue, jobId))) === 1;
}

/**
 * The flags workers read at every `checkpoint()`: one EXISTS over the job's
 * own flag and its flow parent's, so cancelling a rollover's parent stops
 * every copy shard. A Redis error propagates: the job fails and is retried,
 * as it would on any other Redis error between batches.
 */
export function createCancellationFlags(deps: Pick<Deps, 'redis' | 'keys'>): CancellationFlags {
  return {
    async isCancelled(queue: QueueName, job: Job) {
      const keys = [cancelFlagKey(deps, queue, jobIdOf(job))];
      const parentQueue = job.parent ? queueOfKey(job.parent.queueKey) : undefined;
      if (job.parent?.id && parentQueue) keys.push(cancelFlagKey(deps, parentQueue, job.parent.id));
      return (await deps.redis.exists(...keys)) > 0;
    },
  };
}
