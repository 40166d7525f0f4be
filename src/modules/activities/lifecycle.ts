/**
 * The status lifecycle of docs/product.md ("Activities") as pure functions of an activity's times,
 * status and the clock. The transition jobs, the sweep, publishing and the
 * time checks of create/update all call these, so they never disagree.
 *
 * DRAFT --publish--> UPCOMING --signupStartsAt--> SIGNUP_OPEN <--> FULL
 * SIGNUP_OPEN/FULL --signupEndsAt--> SIGNUP_CLOSED --startsAt--> ONGOING --endsAt--> ENDED
 * any state before ENDED --cancel--> CANCELLED
 */
import type { ActivityStatus } from '../../generated/prisma/client.js';

export type { ActivityStatus };

/** The four boundaries, in the order the clock crosses them. */
export const BOUNDARIES = ['signupStartsAt', 'signupEndsAt', 'startsAt', 'endsAt'] as const;
export type Boundary = (typeof BOUNDARIES)[number];
export type ActivityTimes = Record<Boundary, Date>;

/** Statuses the clock moves on; DRAFT waits for publish, ENDED and CANCELLED are final. */
export const SCHEDULED_STATUSES: readonly ActivityStatus[] = ['UPCOMING', 'SIGNUP_OPEN', 'FULL', 'SIGNUP_CLOSED', 'ONGOING'];

/** The boundary each scheduled status leaves by, and the status it leads to. */
const EXIT: Partial<Record<ActivityStatus, { boundary: Boundary; to: ActivityStatus }>> = {
  UPCOMING: { boundary: 'signupStartsAt', to: 'SIGNUP_OPEN' },
  SIGNUP_OPEN: { boundary: 'signupEndsAt', to: 'SIGNUP_CLOSED' },
  FULL: { boundary: 'signupEndsAt', to: 'SIGNUP_CLOSED' },
  SIGNUP_CLOSED: { boundary: 'startsAt', to: 'ONGOING' },
  ONGOING: { boundary: 'endsAt', to: 'ENDED' },
};

/** How many boundaries an activity in this status has already crossed. */
const CROSSED: Record<ActivityStatus, number> = {
  DRAFT: 0,
  UPCOMING: 0,
  SIGNUP_OPEN: 1,
  FULL: 1,
  SIGNUP_CLOSED: 2,
  ONGOING: 3,
  ENDED: 4,
  CANCELLED: 4,
};

export interface TimeStep {
  from: ActivityStatus;
  to: ActivityStatus;
  /** When the step became due: the boundary time, which is also the event time. */
  at: Date;
}

/**
 * The one step the clock says is due now, or null. Only one: a late job
 * applies them one at a time, so every intermediate status is recorded and
 * announced in order and none is skipped.
 */
export function nextTimeStep(activity: { status: ActivityStatus } & ActivityTimes, now: Date): TimeStep | null {
  const exit = EXIT[activity.status];
  if (!exit) return null;
  const at = activity[exit.boundary];
  return at.getTime() <= now.getTime() ? { from: activity.status, to: exit.to, at } : null;
}

/** Boundaries the status has not crossed yet, i.e. those a transition job is still needed for. */
export function pendingBoundaries(status: ActivityStatus): Boundary[] {
  return status === 'DRAFT' ? [...BOUNDARIES] : BOUNDARIES.slice(CROSSED[status]);
}

/** Boundaries already crossed: they are history and can no longer change. */
export function crossedBoundaries(status: ActivityStatus): Boundary[] {
  return BOUNDARIES.slice(0, CROSSED[status]);
}

/**
 * Problems with `signupStartsAt < signupEndsAt <= startsAt < endsAt`, each
 * naming its fields; empty when the times are valid. Pairs with a missing
 * side are skipped, so partial updates can be checked before merging.
 */
export function timeOrderProblems(times: Partial<ActivityTimes>): string[] {
  const problems: string[] = [];
  const { signupStartsAt, signupEndsAt, startsAt, endsAt } = times;
  if (signupStartsAt && signupEndsAt && !(signupStartsAt < signupEndsAt)) problems.push('signupEndsAt must be after signupStartsAt');
  if (signupEndsAt && startsAt && !(signupEndsAt <= startsAt)) problems.push('startsAt must not be before signupEndsAt');
  if (startsAt && endsAt && !(startsAt < endsAt)) problems.push('endsAt must be after startsAt');
  return problems;
}

/** The message clients see for bad times: the rule, then what broke it. */
export function timeOrderMessage(problems: string[]): string {
  return `Times must satisfy signupStartsAt < signupEndsAt <= startsAt < endsAt: ${problems.join('; ')}.`;
}

/** SIGNUP_OPEN or FULL, whichever the seat count says, for statuses where seats matter. */
export function seatStatus(status: ActivityStatus, participantCount: number, capacity: number | null): ActivityStatus {
  if (status !== 'SIGNUP_OPEN' && status !== 'FULL') return status;
  return capacity !== null && participantCount >= capacity ? 'FULL' : 'SIGNUP_OPEN';
}
