import type { Activity } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import { appError, badInput, ErrorCode } from '../../lib/app-error.js';
import { lockForManagement, type Actor } from './access.js';
import type { BoundaryTimesPayload } from './activities.events.js';
import { BOUNDARIES, crossedBoundaries, seatStatus, timeOrderMessage, timeOrderProblems, type ActivityTimes } from './lifecycle.js';
import { advanceActivity } from './lifecycle.service.js';
import { recordStatusChange } from './status-changes.js';
import { announcePromotions, promoteFromWaitlist, signupOpen } from './waitlist.js';

/** What an organizer describes; validated at the GraphQL boundary (activities.validation.ts). */
export interface ActivityDetails extends ActivityTimes {
  title: string;
  description: string;
  category: string;
  /** Null means unlimited. */
  capacity: number | null;
}

/** A partial edit: absent fields stay as they are; `capacity: null` makes it unlimited. */
export type ActivityChanges = Partial<ActivityDetails>;

function assertTimeOrder(times: Partial<ActivityTimes>): void {
  const problems = timeOrderProblems(times);
  if (problems.length > 0) throw badInput(timeOrderMessage(problems), { fields: [...BOUNDARIES] });
}

/** Creates a DRAFT: nothing is scheduled and nobody else sees it until it is published. */
export async function createActivity(deps: Pick<Deps, 'db'>, input: ActivityDetails & { organizerId: number }): Promise<Activity> {
  assertTimeOrder(input);
  return deps.db.activity.create({
    data: {
      organizerId: input.organizerId,
      title: input.title,
      description: input.description,
      category: input.category,
      capacity: input.capacity,
      signupStartsAt: input.signupStartsAt,
      signupEndsAt: input.signupEndsAt,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
    },
  });
}

const toPayload = (times: ActivityTimes): BoundaryTimesPayload => ({
  signupStartsAt: times.signupStartsAt.toISOString(),
  signupEndsAt: times.signupEndsAt.toISOString(),
  startsAt: times.startsAt.toISOString(),
  endsAt: times.endsAt.toISOString(),
});

/**
 * Edits an activity the actor manages, if it is still at `version`
 * (VERSION_CONFLICT otherwise). Boundaries already crossed are history and
 * cannot move; moving the others re-plans the transition jobs (through
 * `activity.updated`) and applies at once any step the new times make due.
 * Raising the capacity while sign-ups are open promotes the first in the
 * waitlist into the new seats, in the same transaction.
 */
export async function updateActivity(
  deps: Pick<Deps, 'db' | 'events' | 'now'>,
  input: { activityId: number; actor: Actor; version: number; changes: ActivityChanges },
): Promise<void> {
  const { changes } = input;
  const timesChanged = await deps.events.transaction(async (tx, emit) => {
    const current = await lockForManagement(tx, input.activityId, input.actor);
    if (current.version !== input.version) {
      throw appError(
        ErrorCode.VERSION_CONFLICT,
        `The activity changed since you loaded it (it is at version ${current.version}, not ${input.version}); reload it and try again.`,
        { currentVersion: current.version },
      );
    }
    if (current.status === 'ENDED' || current.status === 'CANCELLED') {
      throw appError(ErrorCode.INVALID_STATE, `An activity that is ${current.status} can no longer be changed.`);
    }
    const moved = BOUNDARIES.filter((b) => changes[b] !== undefined && changes[b].getTime() !== current[b].getTime());
    const frozen = moved.filter((b) => crossedBoundaries(current.status).includes(b));
    if (frozen.length > 0) {
      throw appError(ErrorCode.INVALID_STATE, `${frozen.join(', ')} already passed for this ${current.status} activity and can no longer change.`);
    }
    assertTimeOrder(Object.fromEntries(BOUNDARIES.map((b) => [b, changes[b] ?? current[b]])));
    if (changes.capacity != null && changes.capacity < current.participantCount) {
      throw badInput(`capacity cannot be below the ${current.participantCount} participants who already joined.`, { fields: ['capacity'] });
    }
    const capacity = changes.capacity === undefined ? current.capacity : changes.capacity;
    const at = deps.now();
    // Seats added while sign-ups are open (by the new signupEndsAt) go to the waitlist first, in this transaction.
    const signupEndsAt = changes.signupEndsAt ?? current.signupEndsAt;
    const freeSeats = capacity === null ? current.waitlistCount : capacity - current.participantCount;
    const promotions = signupOpen({ status: current.status, signupEndsAt }, at)
      ? await promoteFromWaitlist(tx, { activityId: current.id, seats: Math.min(freeSeats, current.waitlistCount), at })
      : [];
    const participantCount = current.participantCount + promotions.length;
    const status = seatStatus(current.status, participantCount, capacity);
    const { version } = await tx.activity.update({
      where: { id: current.id },
      data: { ...changes, status, participantCount, waitlistCount: { decrement: promotions.length }, version: { increment: 1 } },
      select: { version: true },
    });
    if (status !== current.status) {
      await recordStatusChange(tx, emit, { activityId: current.id, version, from: current.status, to: status, at });
    }
    emit({
      type: 'activity.updated',
      payload: { activityId: current.id, version, previousTimes: moved.length > 0 ? toPayload(current) : null },
      occurredAt: at,
    });
    announcePromotions(emit, current.id, promotions, at);
    return moved.length > 0;
  });
  if (timesChanged) await advanceActivity(deps, { activityId: input.activityId });
}
