import type { Deps } from '../../lib/app-deps.js';
import type { Db } from '../../infra/prisma.js';
import { upsertScheduler, type JobHandler, type JobScheduleSpec } from '../../infra/queues.js';
import { SCHEDULES_SCOPE } from './jobs.topics.js';

type ScheduleDeps = Pick<Deps, 'db' | 'queues' | 'config' | 'logger' | 'now'>;
type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/** A job's row in `job_schedules`: the operators' switch and schedule (null = the code's). */
export interface ScheduleRow {
  paused: boolean;
  pattern: string | null;
  everyMs: number | null;
  timeZone: string | null;
}

/** The schedule a periodic job runs on: an admin's from PostgreSQL, else the one in code, in the row's zone or APP_TIMEZONE. */
export function effectiveSchedule(
  deps: Pick<Deps, 'config'>,
  handler: JobHandler<Deps>,
  row: Partial<ScheduleRow> | undefined,
): { spec: JobScheduleSpec; timeZone: string; custom: boolean } | undefined {
  if (!handler.schedule) return undefined;
  const timeZone = row?.timeZone ?? deps.config.timeZone;
  if (row?.pattern) return { spec: { pattern: row.pattern }, timeZone, custom: true };
  if (row?.everyMs) return { spec: { every: row.everyMs }, timeZone, custom: true };
  return { spec: handler.schedule, timeZone, custom: Boolean(row?.timeZone) };
}

/**
 * Locks the job's row in `job_schedules` (creating it unpaused on first
 * sight) until the transaction ends. Every change to a scheduler in Redis
 * happens under this lock, so an instance starting up and an admin pausing
 * at the same moment cannot leave a paused job ticking or a resumed one dead.
 */
async function lockSchedule(tx: Tx, name: string): Promise<ScheduleRow> {
  await tx.$executeRaw`INSERT INTO "job_schedules" ("name", "updated_at") VALUES (${name}, now()) ON CONFLICT ("name") DO NOTHING`;
  const rows = await tx.$queryRaw<ScheduleRow[]>`
    SELECT "paused", "pattern", "every_ms" AS "everyMs", "time_zone" AS "timeZone"
    FROM "job_schedules" WHERE "name" = ${name} FOR UPDATE`;
  // The INSERT above guarantees the row, and nothing deletes it while this transaction runs.
  const [row] = rows;
  if (!row) throw new Error(`The job_schedules row of "${name}" is missing right after it was inserted.`);
  return row;
}

async function applyToRedis(deps: ScheduleDeps, handler: JobHandler<Deps>, row: ScheduleRow): Promise<void> {
  const effective = effectiveSchedule(deps, handler, row);
  if (row.paused || !effective) await deps.queues[handler.queue].removeJobScheduler(handler.name);
  else await upsertScheduler(deps.queues, handler, effective.timeZone, effective.spec);
}

/**
 * Makes one job's scheduler in Redis match its row in PostgreSQL (the
 * truth): run at start for every periodic job, and on every instance when
 * another one announces a change on `jobs:scheduleChanged`.
 */
export async function syncSchedule(deps: ScheduleDeps, handler: JobHandler<Deps>): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    const row = await lockSchedule(tx, handler.name);
    await applyToRedis(deps, handler, row);
  });
}

/**
 * Makes BullMQ's schedulers match the code and the operators' switches: each
 * periodic job gets its scheduler (stable id = job name) unless it is paused
 * in PostgreSQL. Every worker instance runs this at start; it is idempotent.
 *
 * A scheduler whose job is not in this instance's code is only reported, not
 * removed: during a rolling deploy an instance of the previous version must
 * not delete a job the new version just added. Remove a retired job's
 * scheduler in Bull Board.
 */
export async function syncSchedules(deps: ScheduleDeps & Pick<Deps, 'jobHandlers'>): Promise<void> {
  const periodic = deps.jobHandlers.filter((handler) => handler.schedule);
  for (const handler of periodic) await syncSchedule(deps, handler);
  const known = new Set(periodic.map((handler) => `${handler.queue}/${handler.name}`));
  for (const [queueName, queue] of Object.entries(deps.queues)) {
    for (const scheduler of await queue.getJobSchedulers()) {
      const id = scheduler.id ?? scheduler.key;
      if (!known.has(`${queueName}/${id}`)) {
        deps.logger.warn({ queue: queueName, scheduler: id }, 'a job scheduler in Redis has no job in this version of the code');
      }
    }
  }
}

/**
 * Pauses or resumes one periodic job on every instance: the flag is stored
 * in PostgreSQL (so it survives restarts) and the scheduler is removed from
 * or put back into Redis (so no instance ticks it). Resuming keeps the
 * job's normal schedule.
 */
export async function setSchedulePaused(
  deps: ScheduleDeps,
  input: { handler: JobHandler<Deps>; paused: boolean; changedBy: number | null },
): Promise<void> {
  const { handler, paused, changedBy } = input;
  await deps.db.$transaction(async (tx) => {
    const row = await lockSchedule(tx, handler.name);
    await tx.jobSchedule.update({
      where: { name: handler.name },
      data: { paused, pausedAt: paused ? deps.now() : null, changedBy },
    });
    // Inside the transaction: if Redis refuses, the flag is rolled back and the admin sees the error.
    await applyToRedis(deps, handler, { ...row, paused });
  });
  deps.logger.info({ job: handler.name, paused, changedBy }, paused ? 'job schedule paused' : 'job schedule resumed');
}

/**
 * Sets (or, with `schedule` null, resets to the code's) a periodic job's
 * schedule and time zone on every instance: the row in PostgreSQL is
 * written and the scheduler in Redis replaced in one transaction under the
 * row's lock, then `jobs:scheduleChanged` tells other instances to re-sync.
 * A paused job keeps its pause; the new schedule applies when resumed.
 */
export async function setSchedule(
  deps: ScheduleDeps & Pick<Deps, 'pubsub' | 'now'>,
  input: { handler: JobHandler<Deps>; schedule: JobScheduleSpec | null; timeZone: string | null; changedBy: number | null },
): Promise<void> {
  const { handler, schedule, timeZone, changedBy } = input;
  const fields = {
    pattern: schedule && 'pattern' in schedule ? schedule.pattern : null,
    everyMs: schedule && 'every' in schedule ? schedule.every : null,
    timeZone,
  };
  await deps.db.$transaction(async (tx) => {
    const row = await lockSchedule(tx, handler.name);
    await tx.jobSchedule.update({
      where: { name: handler.name },
      data: { ...fields, updatedBy: changedBy, scheduleUpdatedAt: deps.now() },
    });
    await applyToRedis(deps, handler, { ...row, ...fields });
  });
  await deps.pubsub.publish('jobs:scheduleChanged', SCHEDULES_SCOPE, { name: handler.name });
  deps.logger.info({ job: handler.name, ...fields, changedBy }, 'job schedule changed');
}

/** Every row of `job_schedules`, by job name, with who changed the schedule and when. */
export async function scheduleRows(
  deps: Pick<Deps, 'db'>,
): Promise<Map<string, ScheduleRow & { updatedBy: number | null; scheduleUpdatedAt: Date | null }>> {
  const rows = await deps.db.jobSchedule.findMany();
  return new Map(rows.map((row) => [row.name, row]));
}

/** Whether an operator paused this job; a tick that was already due when it was paused is skipped by the worker. */
export async function isSchedulePaused(deps: Pick<Deps, 'db'>, name: string): Promise<boolean> {
  const row = await deps.db.jobSchedule.findUnique({ where: { name }, select: { paused: true } });
  return row?.paused ?? false;
}


/**
 * Follows `jobs:scheduleChanged` on this instance: each announced job's
 * scheduler is re-applied from its row (idempotent, so the instance that
 * made the change re-applying it too is harmless). `stop` ends the watch.
 */
export function watchScheduleChanges(deps: ScheduleDeps & Pick<Deps, 'pubsub' | 'jobHandlers'>): { stop(): Promise<void> } {
  const changes = deps.pubsub.subscribe('jobs:scheduleChanged', SCHEDULES_SCOPE);
  const watching = (async () => {
    for await (const { name } of changes) {
      const handler = deps.jobHandlers.find((candidate) => candidate.name === name && candidate.schedule);
      if (!handler) continue;
      await syncSchedule(deps, handler).catch((error: unknown) =>
        deps.logger.warn({ err: error, job: name }, 'could not re-apply a changed job schedule; the next start applies it'),
      );
    }
  })().catch((error: unknown) => deps.logger.warn({ err: error }, 'stopped following job schedule changes'));
  return {
    async stop() {
      await changes.return?.();
      await watching;
    },
  };
}
