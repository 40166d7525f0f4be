import type { Emit, Tx } from '../outbox/index.js';
import type { ActivityStatus } from './lifecycle.js';
import { closeWaitlist } from './waitlist.js';
import './activities.events.js';

const SIGNUP_STATUSES: readonly ActivityStatus[] = ['SIGNUP_OPEN', 'FULL'];

/** A status change that an activity row update (which bumped `version` to this value) has just made. */
export interface StatusChange {
  activityId: number;
  /** The version the guarded update produced. */
  version: number;
  from: ActivityStatus;
  to: ActivityStatus;
  /** When it was applied. */
  at: Date;
  /** The event time, when it differs from `at` (a clock-driven step dates from its boundary). */
  occurredAt?: Date;
}

/**
 * Records a status change in the history table and emits `activity.statusChanged`,
 * inside the transaction that made it. The history is unique on
 * (activity, version), a second guard behind the version check: a step can
 * never be recorded twice. A change that ends sign-ups (SIGNUP_OPEN or FULL to
 * anything else: the clock's SIGNUP_CLOSED, or CANCELLED) also closes the
 * waitlist here, so no path that ends sign-ups can leave anyone waiting.
 */
export async function recordStatusChange(tx: Tx, emit: Emit, change: StatusChange): Promise<void> {
  await tx.activityStatusChange.create({
    data: { activityId: change.activityId, version: change.version, fromStatus: change.from, toStatus: change.to, at: change.at },
  });
  emit({
    type: 'activity.statusChanged',
    payload: { activityId: change.activityId, from: change.from, to: change.to, version: change.version },
    occurredAt: change.occurredAt ?? change.at,
  });
  if (SIGNUP_STATUSES.includes(change.from) && !SIGNUP_STATUSES.includes(change.to)) {
    await closeWaitlist(tx, emit, { activityId: change.activityId, to: change.to, at: change.occurredAt ?? change.at });
  }
}
