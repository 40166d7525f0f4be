import type { Deps } from '../../lib/app-deps.js';
import { appError, ErrorCode } from '../../lib/app-error.js';
import { lockForManagement, type Actor } from './access.js';
import { nextTimeStep, SCHEDULED_STATUSES, type TimeStep } from './lifecycle.js';
import { recordStatusChange } from './status-changes.js';

type LifecycleDeps = Pick<Deps, 'db' | 'events' | 'now'>;

/** Enough for the five clock steps plus retries after concurrent sign-ups bump the version. */
const WALK_LIMIT = 25;

/**
 * Applies every step the clock says is due, in order, one transaction per
 * step. Each step is an `UPDATE … WHERE id = $1 AND version = $2`: when two
 * workers (or a retried job) race, exactly one update matches and the other
 * re-reads and carries on from the new status, so no step is applied twice
 * and none is skipped. "Due" is decided by `now` (default `deps.now()`).
 * Returns the steps this call applied.
 */
export async function advanceActivity(deps: LifecycleDeps, input: { activityId: number; now?: Date }): Promise<TimeStep[]> {
  const applied: TimeStep[] = [];
  for (let round = 0; round < WALK_LIMIT; round += 1) {
    const activity = await deps.db.activity.findUnique({
      where: { id: input.activityId },
      select: { status: true, version: true, signupStartsAt: true, signupEndsAt: true, startsAt: true, endsAt: true },
    });
    const step = activity && nextTimeStep(activity, input.now ?? deps.now());
    if (!activity || !step) return applied;
    if (await applyTimeStep(deps, input.activityId, activity.version, step)) applied.push(step);
  }
  return applied;
}

async function applyTimeStep(deps: LifecycleDeps, activityId: number, version: number, step: TimeStep): Promise<boolean> {
  return deps.events.transaction(async (tx, emit) => {
    const at = deps.now();
    const [row] = await tx.$queryRaw<Array<{ version: number }>>`
      UPDATE activities SET status = ${step.to}::"ActivityStatus", version = version + 1, updated_at = ${at}
      WHERE id = ${activityId} AND version = ${version} AND status = ${step.from}::"ActivityStatus"
      RETURNING version`;
    if (!row) return false;
    await recordStatusChange(tx, emit, { activityId, version: row.version, from: step.from, to: step.to, at, occurredAt: step.at });
    return true;
  });
}

/**
 * Every activity with a step due, advanced. The safety net behind the
 * per-boundary jobs: keyset batches, so it never loads every activity.
 */
export async function sweepDueActivities(deps: LifecycleDeps, options: { now?: Date; batchSize?: number } = {}): Promise<number> {
  const now = options.now ?? deps.now();
  const batchSize = options.batchSize ?? 200;
  let afterId = 0;
  let steps = 0;
  for (;;) {
    const due = await deps.db.activity.findMany({
      where: {
        id: { gt: afterId },
        status: { in: [...SCHEDULED_STATUSES] },
        OR: [
          { status: 'UPCOMING', signupStartsAt: { lte: now } },
          { status: { in: ['SIGNUP_OPEN', 'FULL'] }, signupEndsAt: { lte: now } },
          { status: 'SIGNUP_CLOSED', startsAt: { lte: now } },
          { status: 'ONGOING', endsAt: { lte: now } },
        ],
      },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: batchSize,
    });
    for (const { id } of due) steps += (await advanceActivity(deps, { activityId: id, now })).length;
    const last = due.at(-1);
    if (!last || due.length < batchSize) return steps;
    afterId = last.id;
  }
}

/**
 * The row an `UPDATE activities … WHERE id = … RETURNING` wrote. The activity
 * was locked (`lockForManagement`) earlier in the same transaction, so it
 * cannot have gone away: no row means that lock was broken.
 */
function updatedRow<T>(activityId: number, rows: T[]): T {
  const [row] = rows;
  if (!row) throw new Error(`Activity ${activityId} is locked by this transaction, yet its UPDATE returned no row.`);
  return row;
}

/**
 * DRAFT → UPCOMING, then straight on to whatever the clock says (times in
 * the past are walked through step by step, each step recorded).
 */
export async function publishActivity(deps: LifecycleDeps, input: { activityId: number; actor: Actor }): Promise<void> {
  await deps.events.transaction(async (tx, emit) => {
    const activity = await lockForManagement(tx, input.activityId, input.actor);
    if (activity.status !== 'DRAFT') {
      throw appError(ErrorCode.INVALID_STATE, `Only a draft can be published; this activity is ${activity.status}.`);
    }
    const at = deps.now();
    const row = updatedRow(
      activity.id,
      await tx.$queryRaw<Array<{ version: number; category: string }>>`
        UPDATE activities SET status = 'UPCOMING', published_at = ${at}, version = version + 1, updated_at = ${at}
        WHERE id = ${activity.id} RETURNING version, category`,
    );
    await recordStatusChange(tx, emit, { activityId: activity.id, version: row.version, from: 'DRAFT', to: 'UPCOMING', at });
    emit({ type: 'activity.published', payload: { activityId: activity.id, organizerId: activity.organizerId, category: row.category }, occurredAt: at });
  });
  await advanceActivity(deps, { activityId: input.activityId });
}

/**
 * Cancels from any state before ENDED. Participants keep their rows (they are
 * told through `activity.cancelled` and `activityChanged`); sign-ups stop at
 * once because every sign-up update requires SIGNUP_OPEN; the waitlist is
 * closed (`activity.waitlistClosed`).
 */
export async function cancelActivity(deps: LifecycleDeps, input: { activityId: number; actor: Actor; reason: string | null }): Promise<void> {
  await deps.events.transaction(async (tx, emit) => {
    const activity = await lockForManagement(tx, input.activityId, input.actor);
    if (activity.status === 'ENDED' || activity.status === 'CANCELLED') {
      throw appError(ErrorCode.INVALID_STATE, `An activity that is ${activity.status} cannot be cancelled.`);
    }
    const at = deps.now();
    const row = updatedRow(
      activity.id,
      await tx.$queryRaw<Array<{ version: number }>>`
        UPDATE activities SET status = 'CANCELLED', cancelled_at = ${at}, cancel_reason = ${input.reason},
          version = version + 1, updated_at = ${at}
        WHERE id = ${activity.id} RETURNING version`,
    );
    // Seats only: the waitlist is closed (its rows deleted) by the status change below, with its own event.
    const participants = await tx.participation.findMany({
      where: { activityId: activity.id, status: 'JOINED' },
      select: { userId: true },
      orderBy: { id: 'asc' },
    });
    await recordStatusChange(tx, emit, { activityId: activity.id, version: row.version, from: activity.status, to: 'CANCELLED', at });
    emit({
      type: 'activity.cancelled',
      payload: { activityId: activity.id, reason: input.reason, participantIds: participants.map((p) => p.userId) },
      occurredAt: at,
    });
  });
}
