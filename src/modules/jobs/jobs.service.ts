import { randomUUID } from 'node:crypto';
import type { JobSchedulerJson } from 'bullmq';
import { CronExpressionParser } from 'cron-parser';
import type { Deps } from '../../lib/app-deps.js';
import type { JobHandler, JobScheduleSpec, QueueName } from '../../infra/queues.js';
import { appError, badInput, ErrorCode } from '../../lib/app-error.js';
import { MANUAL_JOB_ID_PREFIX } from './job-runs.js';
import { effectiveSchedule, scheduleRows, setSchedule, setSchedulePaused } from './job-schedules.js';

type JobsDeps = Pick<Deps, 'db' | 'queues' | 'config' | 'logger' | 'jobHandlers' | 'now'>;

/** How many coming ticks `jobs` shows. */
export const NEXT_TICKS = 3;
/** The shortest interval an admin may set: shorter ones would flood the queue and the run history. */
export const MIN_EVERY_MS = 1_000;
/** The longest interval: what a GraphQL Int and the `every_ms` column hold (about 24.8 days). Longer schedules are cron patterns. */
export const MAX_EVERY_MS = 2_147_483_647;

/** A job's effective schedule, and who set it when it is not the code's. */
export interface ScheduleInfo {
  every: number | null;
  cron: string | null;
  timeZone: string;
  /** False while the job runs on the schedule in code. */
  custom: boolean;
  updatedBy: number | null;
  updatedAt: Date | null;
}

/** What an operator sees of one job: its definition, its switch and its next tick. */
export interface JobInfo {
  name: string;
  queue: QueueName;
  description: string | null;
  schedule: ScheduleInfo | null;
  paused: boolean;
  nextRunAt: Date | null;
  /** The next {@link NEXT_TICKS} ticks; empty when paused or not periodic. */
  nextRuns: Date[];
}

/** The next `count` ticks of `spec` after `from` (the first one from BullMQ, when it has one queued). */
export function nextTicks(spec: JobScheduleSpec, timeZone: string, from: Date, count: number, first?: number): Date[] {
  if ('every' in spec) {
    const start = first ?? (Math.floor(from.getTime() / spec.every) + 1) * spec.every;
    return Array.from({ length: count }, (_unused, index) => new Date(start + index * spec.every));
  }
  const interval = CronExpressionParser.parse(spec.pattern, { tz: timeZone, currentDate: first !== undefined ? new Date(first - 1) : from });
  return Array.from({ length: count }, () => interval.next().toDate());
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

type Row = Awaited<ReturnType<typeof scheduleRows>> extends Map<string, infer R> ? R : never;

function toInfo(deps: Pick<Deps, 'config' | 'now'>, handler: JobHandler<Deps>, row: Row | undefined, scheduler?: JobSchedulerJson): JobInfo {
  const effective = effectiveSchedule(deps, handler, row);
  const paused = row?.paused ?? false;
  const next = !paused && scheduler?.next !== undefined ? scheduler.next : undefined;
  return {
    name: handler.name,
    queue: handler.queue,
    description: handler.description ?? null,
    schedule: effective
      ? {
          every: 'every' in effective.spec ? effective.spec.every : null,
          cron: 'pattern' in effective.spec ? effective.spec.pattern : null,
          timeZone: effective.timeZone,
          custom: effective.custom,
          updatedBy: row?.updatedBy ?? null,
          updatedAt: row?.scheduleUpdatedAt ?? null,
        }
      : null,
    paused,
    nextRunAt: next !== undefined ? new Date(next) : null,
    nextRuns: effective && !paused ? nextTicks(effective.spec, effective.timeZone, deps.now(), NEXT_TICKS, next) : [],
  };
}

/** Every job this deployment knows, with schedule, paused flag and next tick. One Redis read per queue. */
export async function listJobs(deps: JobsDeps): Promise<JobInfo[]> {
  const rows = await scheduleRows(deps);
  const queues = [...new Set(deps.jobHandlers.map((handler) => handler.queue))];
  const schedulers = new Map<string, JobSchedulerJson>();
  await Promise.all(
    queues.map(async (queue) => {
      for (const scheduler of await deps.queues[queue].getJobSchedulers()) {
        schedulers.set(`${queue}/${scheduler.id ?? scheduler.key}`, scheduler);
      }
    }),
  );
  return deps.jobHandlers.map((handler) => toInfo(deps, handler, rows.get(handler.name), schedulers.get(`${handler.queue}/${handler.name}`)));
}

/** One job's current view. */
export async function getJob(deps: JobsDeps, name: string): Promise<JobInfo> {
  const handler = findJob(deps, name);
  const [rows, scheduler] = await Promise.all([
    scheduleRows(deps),
    handler.schedule ? deps.queues[handler.queue].getJobScheduler(handler.name) : undefined,
  ]);
  return toInfo(deps, handler, rows.get(handler.name), scheduler);
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

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The schedule an admin asked for, checked the way BullMQ will read it (cron-parser, in the zone). */
function validSchedule(input: { pattern?: string | null; everyMs?: number | null; timeZone: string }): JobScheduleSpec | null {
  const { pattern, everyMs, timeZone } = input;
  if (pattern != null && everyMs != null) throw badInput('Give either a cron pattern or an interval (everyMs), not both.', { field: 'pattern' });
  if (everyMs != null) {
    if (!Number.isSafeInteger(everyMs) || everyMs < MIN_EVERY_MS || everyMs > MAX_EVERY_MS) {
      throw badInput(`everyMs must be a whole number of milliseconds from ${MIN_EVERY_MS} to ${MAX_EVERY_MS}.`, { field: 'everyMs' });
    }
    return { every: everyMs };
  }
  if (pattern == null) return null;
  const trimmed = pattern.trim();
  if (trimmed.length === 0 || trimmed.length > 128) throw badInput('A cron pattern is 1-128 characters.', { field: 'pattern' });
  try {
    CronExpressionParser.parse(trimmed, { tz: timeZone, strict: false }).next();
  } catch (error) {
    throw badInput(`"${trimmed}" is not a valid cron pattern: ${error instanceof Error ? error.message : String(error)}`, { field: 'pattern' });
  }
  return { pattern: trimmed };
}

/**
 * Changes a periodic job's schedule (a cron `pattern` or an interval
 * `everyMs`) and time zone on every instance, recording who did it. Neither
 * pattern nor interval puts the job back on the schedule in code; no zone
 * means APP_TIMEZONE. The change applies at once: the pending tick is
 * replaced. It survives restarts (instances re-apply PostgreSQL's rows at
 * start).
 */
export async function updateJobSchedule(
  deps: JobsDeps & Pick<Deps, 'pubsub'>,
  input: { name: string; pattern?: string | null; everyMs?: number | null; timeZone?: string | null; userId: number | null },
): Promise<JobInfo> {
  const handler = periodicJob(deps, input.name);
  const timeZone = input.timeZone ?? null;
  if (timeZone !== null && !isTimeZone(timeZone)) throw badInput(`"${timeZone}" is not an IANA time zone such as UTC or Europe/Paris.`, { field: 'timeZone' });
  const schedule = validSchedule({ pattern: input.pattern, everyMs: input.everyMs, timeZone: timeZone ?? deps.config.timeZone });
  await setSchedule(deps, { handler, schedule, timeZone, changedBy: input.userId });
  return getJob(deps, input.name);
}
