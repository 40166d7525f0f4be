import { randomUUID } from 'node:crypto';
import type { JobSchedulerJson } from 'bullmq';
import type { Deps } from '../../lib/app-deps.js';
import type { JobHandler, QueueName } from '../../infra/queues.js';
import { appError, badInput, ErrorCode } from '../../lib/app-error.js';
import { MANUAL_JOB_ID_PREFIX } from './job-runs.js';
import { pausedJobNames, setSchedulePaused } from './job-schedules.js';

type JobsDeps = Pick<Deps, 'db' | 'queues' | 'config' | 'logger' | 'jobHandlers'>;

/** What an operator sees of one job: its definition, its switch and its next tick. */
export interface JobInfo {
  name: string;
  queue: QueueName;
  description: string | null;
  schedule: { every: number | null; cron: string | null; timeZone: string } | null;
  paused: boolean;
  nextRunAt: Date | null;
}

/** The job named `name`, or NOT_FOUND. */
export function findJob(deps: Pick<Deps, 'jobHandlers'>, name: string): JobHandler<Deps> {
  const handler = deps.jobHandlers.find((candidate) => candidate.name === name);
  if (!handler) throw appError(ErrorCode.NOT_FOUND, `There is no job named "${name}".`);
  return handler;
}

function periodicJob(deps: Pick<Deps, 'jobHandlers'>, name: string): JobHandler<Deps> {
  const handler = findJob(deps, name);
  if (!handler.schedule) {
    throw appError(ErrorCode.INVALID_STATE, `"${name}" runs on events, not on a schedule; it cannot be started, paused or resumed by hand.`);
  }
  return handler;
}

function toInfo(deps: Pick<Deps, 'config'>, handler: JobHandler<Deps>, paused: boolean, scheduler?: JobSchedulerJson): JobInfo {
  const schedule = handler.schedule;
  return {
    name: handler.name,
    queue: handler.queue,
    description: handler.description ?? null,
    schedule: schedule
      ? {
          every: 'every' in schedule ? schedule.every : null,
          cron: 'pattern' in schedule ? schedule.pattern : null,
          timeZone: deps.config.timeZone,
        }
      : null,
    paused,
    nextRunAt: !paused && scheduler?.next !== undefined ? new Date(scheduler.next) : null,
  };
}

/** Every job this deployment knows, with schedule, paused flag and next tick. One Redis read per queue. */
export async function listJobs(deps: JobsDeps): Promise<JobInfo[]> {
  const paused = await pausedJobNames(deps);
  const queues = [...new Set(deps.jobHandlers.map((handler) => handler.queue))];
  const schedulers = new Map<string, JobSchedulerJson>();
  await Promise.all(
    queues.map(async (queue) => {
      for (const scheduler of await deps.queues[queue].getJobSchedulers()) {
        schedulers.set(`${queue}/${scheduler.id ?? scheduler.key}`, scheduler);
      }
    }),
  );
  return deps.jobHandlers.map((handler) =>
    toInfo(deps, handler, paused.has(handler.name), schedulers.get(`${handler.queue}/${handler.name}`)),
  );
}

/** One job's current view. */
export async function getJob(deps: JobsDeps, name: string): Promise<JobInfo> {
  const handler = findJob(deps, name);
  const [paused, scheduler] = await Promise.all([
    pausedJobNames(deps),
    handler.schedule ? deps.queues[handler.queue].getJobScheduler(handler.name) : undefined,
  ]);
  return toInfo(deps, handler, paused.has(handler.name), scheduler);
}

/** A manual run's data, checked against what the job declares it takes. */
function manualData(handler: JobHandler<Deps>, data: Record<string, unknown> | null | undefined): Record<string, unknown> {
  if (data === null || data === undefined) return {};
  if (!handler.dataSchema) throw badInput(`"${handler.name}" takes no data.`, { field: 'data' });
  const parsed = handler.dataSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => issue.message).join('; ');
    throw badInput(`Invalid data for "${handler.name}": ${problems}`, { field: 'data' });
  }
  return parsed.data;
}

/**
 * Starts one run of a periodic job now, as a one-off job with the job's own
 * options (retries, backoff). The scheduler is not touched, so the next
 * scheduled tick stays where it was; it runs even while the job is paused.
 * `data` is for jobs that declare a `dataSchema` (e.g. `season.rollover`
 * takes `{ seasonId }` to re-run one season).
 */
export async function runJob(
  deps: JobsDeps,
  input: { name: string; requestedBy: number | null; data?: Record<string, unknown> | null },
): Promise<{ jobId: string }> {
  const handler = periodicJob(deps, input.name);
  const data = manualData(handler, input.data);
  const jobId = `${MANUAL_JOB_ID_PREFIX}${randomUUID()}`;
  await deps.queues[handler.queue].add(handler.name, data, { ...handler.options, jobId });
  deps.logger.info({ job: handler.name, jobId, data, requestedBy: input.requestedBy }, 'job started by hand');
  return { jobId };
}

/** Stops a periodic job's ticks on every instance until it is resumed; survives restarts. */
export async function pauseJob(deps: JobsDeps, input: { name: string; userId: number | null }): Promise<JobInfo> {
  const handler = periodicJob(deps, input.name);
  await setSchedulePaused(deps, { handler, paused: true, changedBy: input.userId });
  return getJob(deps, input.name);
}

/** Restarts a paused job's schedule. Resuming a running job changes nothing. */
export async function resumeJob(deps: JobsDeps, input: { name: string; userId: number | null }): Promise<JobInfo> {
  const handler = periodicJob(deps, input.name);
  await setSchedulePaused(deps, { handler, paused: false, changedBy: input.userId });
  return getJob(deps, input.name);
}
