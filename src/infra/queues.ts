import { Queue, Worker, type Job, type JobsOptions, type RepeatOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from './logger.js';

/** One queue per domain. */
export const QUEUE_NAMES = ['activities', 'events', 'hot', 'leaderboards', 'points'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** A named job a domain processes; `process` receives the shared dependencies. */
export interface JobHandler<D> {
  queue: QueueName;
  name: string;
  process(job: Job, deps: D): Promise<unknown>;
  /** Periodic jobs: a BullMQ job scheduler with this stable id runs each tick once across all workers. */
  schedule?: { every: number } | { pattern: string };
  options?: JobsOptions;
}

export type Queues = Record<QueueName, Queue>;

/** Default retry policy: a failed run is retried with backoff, and history is kept bounded. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { count: 1_000, age: 24 * 3600 },
  removeOnFail: { count: 5_000, age: 7 * 24 * 3600 },
};

/**
 * API-side queues share one fail-fast connection: adding a job while Redis is
 * down errors at once instead of hanging a request.
 */
export function createQueues(connection: Redis, prefix: string): Queues {
  return Object.fromEntries(
    QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS })]),
  ) as Queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
}

/** Registers every periodic job; `upsertJobScheduler` with a stable id is idempotent across instances. */
export async function registerSchedulers<D>(queues: Queues, handlers: JobHandler<D>[], timeZone: string): Promise<void> {
  for (const handler of handlers) {
    if (!handler.schedule) continue;
    const repeat: RepeatOptions =
      'every' in handler.schedule ? { every: handler.schedule.every } : { pattern: handler.schedule.pattern, tz: timeZone };
    await queues[handler.queue].upsertJobScheduler(handler.name, repeat, { name: handler.name, opts: handler.options });
  }
}

/**
 * Starts one worker per queue that has handlers. Each worker dispatches by
 * job name; an unknown name fails the job loudly rather than dropping it.
 */
export function startWorkers<D>(options: {
  handlers: JobHandler<D>[];
  deps: D;
  connection: () => Redis;
  prefix: string;
  logger: Logger;
  concurrency?: number;
}): Worker[] {
  const byQueue = new Map<QueueName, Map<string, JobHandler<D>>>();
  for (const handler of options.handlers) {
    const names = byQueue.get(handler.queue) ?? new Map<string, JobHandler<D>>();
    names.set(handler.name, handler);
    byQueue.set(handler.queue, names);
  }
  return [...byQueue].map(([queue, names]) => {
    const worker = new Worker(
      queue,
      async (job) => {
        const handler = names.get(job.name);
        if (!handler) throw new Error(`No handler for job "${job.name}" on queue "${queue}"`);
        return handler.process(job, options.deps);
      },
      { connection: options.connection(), prefix: options.prefix, concurrency: options.concurrency ?? 4 },
    );
    worker.on('failed', (job, error) =>
      options.logger.warn({ err: error, queue, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade }, 'job failed'),
    );
    worker.on('error', (error) => options.logger.error({ err: error, queue }, 'worker error'));
    return worker;
  });
}
