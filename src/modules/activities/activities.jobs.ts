import { setTimeout as sleep } from 'node:timers/promises';
import type { Deps } from '../../lib/app-deps.js';
import type { JobHandler } from '../../infra/queues.js';
import type { BoundaryTimesPayload } from './activities.events.js';
import { BOUNDARIES, pendingBoundaries, SCHEDULED_STATUSES, type Boundary } from './lifecycle.js';
import { advanceActivity, sweepDueActivities } from './lifecycle.service.js';

export const TRANSITION_JOB = 'activities.transition';
export const SWEEP_JOB = 'activities.sweep';

/** Payload of `activities.transition`: the activity, and the boundary time the job was planned for. */
export interface TransitionJobData {
  activityId: number;
  boundary: Boundary;
  /** ISO time of the boundary. */
  at: string;
}

/**
 * Deterministic per activity, boundary and time: planning the same schedule
 * twice (two instances, a redelivered event) adds one job, and a moved
 * boundary gets a new id while the old one is removed. BullMQ ids cannot contain ':'.
 */
export function transitionJobId(activityId: number, boundary: Boundary, at: Date): string {
  return `activity-${activityId}-${boundary}-${at.getTime()}`;
}

/**
 * Makes the queue match the activity: one delayed job per boundary it has
 * not crossed yet, none once it is ENDED or CANCELLED. `previousTimes` names
 * jobs of an earlier schedule to remove. Idempotent, so it can run at least
 * once from the outbox. A job that is running right now cannot be removed;
 * it is harmless, because the walk reads the times from PostgreSQL.
 */
export async function planTransitions(
  deps: Pick<Deps, 'db' | 'queues' | 'now'>,
  input: { activityId: number; previousTimes?: BoundaryTimesPayload | null },
): Promise<number> {
  const queue = deps.queues.activities;
  const activity = await deps.db.activity.findUnique({
    where: { id: input.activityId },
    select: { status: true, signupStartsAt: true, signupEndsAt: true, startsAt: true, endsAt: true },
  });
  if (!activity) return 0;
  const wanted = activity.status === 'DRAFT' ? [] : pendingBoundaries(activity.status);
  const stale = new Set<string>();
  for (const boundary of BOUNDARIES) {
    if (!wanted.includes(boundary)) stale.add(transitionJobId(input.activityId, boundary, activity[boundary]));
    const previous = input.previousTimes?.[boundary];
    if (previous && Date.parse(previous) !== activity[boundary].getTime()) {
      stale.add(transitionJobId(input.activityId, boundary, new Date(previous)));
    }
  }
  await Promise.all([...stale].map((jobId) => queue.remove(jobId)));
  const now = deps.now().getTime();
  await Promise.all(
    wanted.map((boundary) => {
      const at = activity[boundary];
      const data: TransitionJobData = { activityId: input.activityId, boundary, at: at.toISOString() };
      return queue.add(TRANSITION_JOB, data, {
        jobId: transitionJobId(input.activityId, boundary, at),
        delay: Math.max(0, at.getTime() - now),
      });
    }),
  );
  return wanted.length;
}

/**
 * Plans the transition jobs of every activity the clock still moves
 * (SCHEDULED_STATUSES), in keyset batches: after Redis lost its data, the
 * delayed jobs went with it while PostgreSQL still holds the times. Jobs that
 * exist are kept (same job id); a boundary already due gets a job with no
 * delay. Returns how many jobs were planned.
 */
export async function replanAllTransitions(deps: Pick<Deps, 'db' | 'queues' | 'now'>, options: { batchSize?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? 200;
  let afterId = 0;
  let planned = 0;
  for (;;) {
    const batch = await deps.db.activity.findMany({
      where: { id: { gt: afterId }, status: { in: [...SCHEDULED_STATUSES] } },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: batchSize,
    });
    const counts = await Promise.all(batch.map(({ id }) => planTransitions(deps, { activityId: id })));
    planned += counts.reduce((sum, count) => sum + count, 0);
    const last = batch.at(-1);
    if (!last || batch.length < batchSize) return planned;
    afterId = last.id;
  }
}

/** Time-driven status changes: a delayed job per boundary, and a sweep every minute as the safety net. */
export const activityJobs: JobHandler<Deps>[] = [
  {
    queue: 'activities',
    name: TRANSITION_JOB,
    async process(job, deps) {
      const data = job.data as TransitionJobData;
      if (!Number.isSafeInteger(data?.activityId)) throw new Error(`${TRANSITION_JOB} needs an activityId`);
      // Timers may fire a hair early against this process's clock; wait rather than find nothing due.
      const early = Date.parse(data.at) - deps.now().getTime();
      if (early > 0) await sleep(Math.min(early, 2_000));
      const steps = await advanceActivity(deps, { activityId: data.activityId });
      return { applied: steps.map((step) => `${step.from}->${step.to}`) };
    },
  },
  {
    queue: 'activities',
    name: SWEEP_JOB,
    schedule: { every: 60_000 },
    async process(_job, deps) {
      return { steps: await sweepDueActivities(deps) };
    },
  },
];
