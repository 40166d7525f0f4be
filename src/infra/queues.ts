import { FlowProducer, Queue, UnrecoverableError, Worker, type Job, type JobsOptions, type RepeatOptions } from 'bullmq';
import type { Redis } from './redis.js';
import type { ZodType } from 'zod';
import type { Logger } from './logger.js';

/** One queue per domain; `system` carries the service's own housekeeping. */
export const QUEUE_NAMES = ['activities', 'events', 'hot', 'leaderboards', 'points', 'system'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** When a periodic job runs: every `every` ms, or on a cron `pattern` read in the app's time zone. */
export type JobScheduleSpec = { every: number } | { pattern: string };

/**
 * Thrown by {@link JobControl.checkpoint} when an admin cancelled the job (or
 * the flow it belongs to). It is an `UnrecoverableError`, so BullMQ fails the
 * job without retrying it; the run is recorded as CANCELLED.
 */
export class JobCancelledError extends UnrecoverableError {
  constructor(jobId: string | undefined) {
    super(`Job ${jobId ?? ''} was cancelled by an admin.`.replace('  ', ' '));
  }
}

/** Whether an error is a cancellation, also across module copies (by name). */
export function isCancellation(error: unknown): boolean {
  return error instanceof JobCancelledError || (error instanceof Error && error.name === 'JobCancelledError');
}

/** What a processor gets besides the job and the dependencies: cooperative cancellation and progress. */
export interface JobControl {
  /**
   * Throws {@link JobCancelledError} when an admin has cancelled this job or
   * its flow's parent. Long jobs call it between batches, where stopping
   * leaves nothing half-done.
   */
  checkpoint(): Promise<void>;
  /** Reports progress (a number, usually percent, or a small object); `jobQueue` shows it. */
  progress(value: number | object): Promise<void>;
}

/** A control that never cancels and drops progress: for calling processors outside a worker (tests, scripts). */
export const NO_JOB_CONTROL: JobControl = { checkpoint: async () => {}, progress: async () => {} };

/** A named job a domain processes; `process` receives the shared dependencies. */
export interface JobHandler<D> {
  queue: QueueName;
  name: string;
  /** One line for operators (the `jobs` query and the docs). */
  description?: string;
  /** `control` is given by workers; a processor called directly (tests) runs without it: use {@link NO_JOB_CONTROL}. */
  process(job: Job, deps: D, control?: JobControl): Promise<unknown>;
  /** Periodic jobs: a BullMQ job scheduler with this stable id runs each tick once across all workers. */
  schedule?: JobScheduleSpec;
  options?: JobsOptions;
  /**
   * The data an operator may give a manual run (`runJob`), validated before
   * the job is queued. Jobs without it take no data.
   */
  dataSchema?: ZodType<Record<string, unknown>>;
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
 * The BullMQ key prefix of a deployment. The braces make it a hash tag: every
 * queue's keys share one Redis Cluster slot, as BullMQ's scripts (and flows,
 * whose parent and children live in different queues) require.
 */
export function queuePrefix(prefix: string): string {
  return `{${prefix}:bull}`;
}

/**
 * API-side queues share one fail-fast connection: adding a job while Redis is
 * down errors at once instead of hanging a request.
 */
export function createQueues(connection: Redis, prefix: string, logger: Logger): Queues {
  return Object.fromEntries(
    QUEUE_NAMES.map((name) => {
      const queue = new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
      // Without a listener BullMQ prints connection errors raw to stderr during a Redis outage.
      queue.on('error', (error) => logger.debug({ err: error, queue: name }, 'queue connection error'));
      return [name, queue];
    }),
  ) as Queues;
}

/**
 * Adds BullMQ flows (a parent job that runs once all its child jobs are done),
 * on the same fail-fast connection and prefix as the queues.
 */
export function createFlowProducer(connection: Redis, prefix: string, logger: Logger): FlowProducer {
  const flows = new FlowProducer({ connection, prefix });
  flows.on('error', (error) => logger.debug({ err: error }, 'flow producer connection error'));
  return flows;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
}

/**
 * When a run was due: a job scheduler's jobs carry their tick in `opts.prevMillis`;
 * a job added by hand (e.g. `runJob`) is due when it was added.
 */
export function scheduledTime(job: Pick<Job, 'opts' | 'timestamp'>): Date {
  const tick = job.opts?.prevMillis;
  return new Date(typeof tick === 'number' && tick > 0 ? tick : job.timestamp);
}

/** The scheduler's repeat options; `tz` is always explicit, so a cron tick never depends on the server's zone. */
export function repeatOptionsOf(schedule: JobScheduleSpec, timeZone: string): RepeatOptions {
  return 'every' in schedule ? { every: schedule.every, tz: timeZone } : { pattern: schedule.pattern, tz: timeZone };
}

/**
 * Creates or updates the job scheduler whose stable id is the handler's name,
 * with `schedule` (an admin's, from PostgreSQL) or else the handler's own.
 * Idempotent: every instance calls it at start and the schedule is not
 * shifted; a changed schedule replaces the pending tick at once.
 */
export async function upsertScheduler<D>(
  queues: Queues,
  handler: JobHandler<D>,
  timeZone: string,
  schedule: JobScheduleSpec | undefined = handler.schedule,
): Promise<void> {
  if (!schedule) return;
  await queues[handler.queue].upsertJobScheduler(handler.name, repeatOptionsOf(schedule, timeZone), {
    name: handler.name,
    opts: handler.options,
  });
}

/** Timing of one attempt, measured around the processor. */
export interface RunTiming {
  startedAt: Date;
  durationMs: number;
}

/**
 * Sees every attempt a worker makes: for run history and metrics. Its errors
 * are logged and never fail a job; bookkeeping must not break the work.
 */
export interface JobObserver {
  /** False skips the attempt without running it (e.g. its schedule was paused after the tick was due). */
  shouldRun(queue: QueueName, job: Job): Promise<boolean>;
  started(queue: QueueName, job: Job, startedAt: Date): Promise<void>;
  completed(queue: QueueName, job: Job, timing: RunTiming): Promise<void>;
  failed(queue: QueueName, job: Job, error: Error, timing: RunTiming): Promise<void>;
  /** A worker found the job's lock expired (its worker died): BullMQ handed it back, or failed it if it stalled too often. */
  stalled(queue: QueueName, jobId: string, at: Date): Promise<void>;
}

/** Where workers learn that an admin cancelled a job (a flag per job id in Redis). */
export interface CancellationFlags {
  /** True when `jobId` on `queue`, or (for a flow's child) its parent, was cancelled. */
  isCancelled(queue: QueueName, job: Job): Promise<boolean>;
}

/** The queue name in a BullMQ queue key (`<prefix>:<queue>`), e.g. of a child's parent. */
export function queueOfKey(queueKey: string): QueueName | undefined {
  const name = queueKey.slice(queueKey.lastIndexOf(':') + 1);
  return (QUEUE_NAMES as readonly string[]).includes(name) ? (name as QueueName) : undefined;
}

export interface WorkerOptions<D> {
  handlers: readonly JobHandler<D>[];
  deps: D;
  connection: () => Redis;
  prefix: string;
  logger: Logger;
  observer?: JobObserver;
  /** Read by each job's `checkpoint()`; without it, jobs are never cancelled. */
  cancellation?: CancellationFlags;
  /** Shown in Bull Board and recorded with each run (`host:pid`). */
  workerName?: string;
  concurrency?: number;
  /** A dead worker's job is handed back after its lock expires and a stalled check runs. */
  lockDuration?: number;
  stalledInterval?: number;
}

/**
 * Starts one worker per queue that has handlers. Each worker dispatches by
 * job name; an unknown name fails the job loudly rather than dropping it.
 */
export function startWorkers<D>(options: WorkerOptions<D>): Worker[] {
  const byQueue = new Map<QueueName, Map<string, JobHandler<D>>>();
  for (const handler of options.handlers) {
    const names = byQueue.get(handler.queue) ?? new Map<string, JobHandler<D>>();
    names.set(handler.name, handler);
    byQueue.set(handler.queue, names);
  }
  const { observer, logger, cancellation } = options;
  const controlOf = (queue: QueueName, job: Job): JobControl => ({
    async checkpoint() {
      if (cancellation && (await cancellation.isCancelled(queue, job))) throw new JobCancelledError(job.id);
    },
    progress: (value) => job.updateProgress(value),
  });
  const observe = async (what: string, job: Job, call: () => Promise<void>) => {
    try {
      await call();
    } catch (error) {
      logger.warn({ err: error, job: job.name, jobId: job.id }, `could not record the job's ${what}`);
    }
  };

  return [...byQueue].map(([queue, names]) => {
    const worker = new Worker(
      queue,
      async (job) => {
        const handler = names.get(job.name);
        if (!handler) throw new Error(`No handler for job "${job.name}" on queue "${queue}"`);
        // If the check itself fails (PostgreSQL down) the tick runs: skipping work silently is worse.
        if (observer && !(await observer.shouldRun(queue, job).catch(() => true))) {
          logger.info({ queue, job: job.name, jobId: job.id }, 'skipped a tick of a paused schedule');
          return { skipped: 'paused' };
        }
        const startedAt = new Date();
        const start = performance.now();
        if (observer) await observe('start', job, () => observer.started(queue, job, startedAt));
        try {
          const control = controlOf(queue, job);
          // A job cancelled before it started (e.g. the rest of a cancelled flow) stops here.
          await control.checkpoint();
          const result = await handler.process(job, options.deps, control);
          const timing = { startedAt, durationMs: Math.round(performance.now() - start) };
          if (observer) await observe('completion', job, () => observer.completed(queue, job, timing));
          return result;
        } catch (error) {
          const timing = { startedAt, durationMs: Math.round(performance.now() - start) };
          const failure = error instanceof Error ? error : new Error(String(error));
          if (observer) await observe('failure', job, () => observer.failed(queue, job, failure, timing));
          throw error;
        }
      },
      {
        connection: options.connection(),
        prefix: options.prefix,
        name: options.workerName,
        concurrency: options.concurrency ?? 4,
        lockDuration: options.lockDuration,
        stalledInterval: options.stalledInterval,
      },
    );
    worker.on('failed', (job, error) =>
      logger.warn({ err: error, queue, job: job?.name, jobId: job?.id, attempt: job?.attemptsStarted }, 'job failed'),
    );
    worker.on('stalled', (jobId) => {
      logger.warn({ queue, jobId }, 'job stalled: its worker stopped without finishing it');
      if (observer) observer.stalled(queue, jobId, new Date()).catch((error) => logger.warn({ err: error, jobId }, 'could not record a stalled job'));
    });
    worker.on('error', (error) => logger.error({ err: error, queue }, 'worker error'));
    return worker;
  });
}
