import type { Deps } from '../../lib/app-deps.js';
import type { Db } from '../../infra/prisma.js';
import { upsertScheduler, type JobHandler } from '../../infra/queues.js';

type ScheduleDeps = Pick<Deps, 'db' | 'queues' | 'config' | 'logger'>;
type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/**
 * Locks the job's row in `job_schedules` (creating it unpaused on first
 * sight) until the transaction ends. Every change to a scheduler in Redis
 * happens under this lock, so an instance starting up and an admin pausing
 * at the same moment cannot leave a paused job ticking or a resumed one dead.
 */
async function lockSchedule(tx: Tx, name: string): Promise<{ paused: boolean }> {
  await tx.$executeRaw`INSERT INTO "job_schedules" ("name", "updated_at") VALUES (${name}, now()) ON CONFLICT ("name") DO NOTHING`;
  const rows = await tx.$queryRaw<Array<{ paused: boolean }>>`SELECT "paused" FROM "job_schedules" WHERE "name" = ${name} FOR UPDATE`;
  return rows[0]!;
}

async function applyToRedis(deps: ScheduleDeps, handler: JobHandler<Deps>, paused: boolean): Promise<void> {
  if (paused) await deps.queues[handler.queue].removeJobScheduler(handler.name);
  else await upsertScheduler(deps.queues, handler, deps.config.timeZone);
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
  for (const handler of periodic) {
    await deps.db.$transaction(async (tx) => {
      const { paused } = await lockSchedule(tx, handler.name);
      await applyToRedis(deps, handler, paused);
    });
  }
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
    await lockSchedule(tx, handler.name);
    await tx.jobSchedule.update({
      where: { name: handler.name },
      data: { paused, pausedAt: paused ? new Date() : null, changedBy },
    });
    // Inside the transaction: if Redis refuses, the flag is rolled back and the admin sees the error.
    await applyToRedis(deps, handler, paused);
  });
  deps.logger.info({ job: handler.name, paused, changedBy }, paused ? 'job schedule paused' : 'job schedule resumed');
}

/** Whether an operator paused this job; a tick that was already due when it was paused is skipped by the worker. */
export async function isSchedulePaused(deps: Pick<Deps, 'db'>, name: string): Promise<boolean> {
  const row = await deps.db.jobSchedule.findUnique({ where: { name }, select: { paused: true } });
  return row?.paused ?? false;
}

/** The names of every paused job. */
export async function pausedJobNames(deps: Pick<Deps, 'db'>): Promise<Set<string>> {
  const rows = await deps.db.jobSchedule.findMany({ where: { paused: true }, select: { name: true } });
  return new Set(rows.map((row) => row.name));
}
