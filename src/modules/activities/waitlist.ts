/**
 * The waitlist of a full activity, as steps of a larger transaction: the
 * caller has locked the activity row (`lockSeats`) and moves its counters.
 * Rules in docs/product.md ("Waitlists").
 */
import type { Emit, Tx } from '../outbox/index.js';
import type { ActivityStatus } from './lifecycle.js';
import './activities.events.js';

/** The seat-relevant columns of an activity, read under its row lock. */
export interface SeatState {
  status: ActivityStatus;
  capacity: number | null;
  participantCount: number;
  waitlistCount: number;
  signupEndsAt: Date;
  startsAt: Date;
}

/**
 * Locks the activity row for the rest of the transaction and reads its seats;
 * null for an unknown id. Every sign-up change (join, quit, leaving the
 * waitlist, check-in, a capacity change, the close of sign-ups) takes this
 * lock before touching participations, so seats and the queue are decided
 * one transaction at a time per activity, always in the same lock order
 * (activity, then participations): strict FIFO and no deadlocks between them.
 * NO KEY UPDATE, so inserts into other tables referencing the activity
 * (favorites, views) are not blocked.
 */
export async function lockSeats(tx: Tx, activityId: number): Promise<SeatState | null> {
  const [row] = await tx.$queryRaw<SeatState[]>`
    SELECT status::text AS status, capacity, participant_count AS "participantCount", waitlist_count AS "waitlistCount",
           signup_ends_at AS "signupEndsAt", starts_at AS "startsAt"
    FROM activities WHERE id = ${activityId} FOR NO KEY UPDATE`;
  return row ?? null;
}

/** Sign-ups take joins and waitlist entries, and freed seats go to the queue: SIGNUP_OPEN or FULL, before `signupEndsAt`. */
export function signupOpen(activity: Pick<SeatState, 'status' | 'signupEndsAt'>, now: Date): boolean {
  return (activity.status === 'SIGNUP_OPEN' || activity.status === 'FULL') && activity.signupEndsAt > now;
}

/** A participation the waitlist just promoted to JOINED. */
export interface Promotion {
  participationId: number;
  userId: number;
}

/**
 * Gives up to `seats` freed seats to the first in line, in queue order
 * (`waitlisted_at`, then `id`): their rows become JOINED with `joinedAt = at`.
 * The caller adds them to `participant_count`, takes them off
 * `waitlist_count`, and announces them with {@link announcePromotions}.
 */
export async function promoteFromWaitlist(tx: Tx, input: { activityId: number; seats: number; at: Date }): Promise<Promotion[]> {
  if (input.seats <= 0) return [];
  // The activity lock already serialises this; FOR UPDATE keeps the rows stable even for a writer that skipped it.
  const rows = await tx.$queryRaw<Array<Promotion & { waitlistedAt: Date | null }>>`
    WITH next_in_line AS (
      SELECT id FROM participations
      WHERE activity_id = ${input.activityId} AND status = 'WAITLISTED'
      ORDER BY waitlisted_at, id LIMIT ${input.seats}
      FOR UPDATE
    )
    UPDATE participations p SET status = 'JOINED', joined_at = ${input.at}
    FROM next_in_line WHERE p.id = next_in_line.id
    RETURNING p.id AS "participationId", p.user_id AS "userId", p.waitlisted_at AS "waitlistedAt"`;
  // RETURNING has no order: announce in queue order.
  rows.sort((a, b) => (a.waitlistedAt?.getTime() ?? 0) - (b.waitlistedAt?.getTime() ?? 0) || a.participationId - b.participationId);
  return rows.map(({ participationId, userId }) => ({ participationId, userId }));
}

/**
 * `activity.joined` (the seat is taken now: join points are earned now, not
 * when the user queued) and `activity.waitlistPromoted` for each promotion.
 */
export function announcePromotions(emit: Emit, activityId: number, promotions: readonly Promotion[], at: Date): void {
  for (const { participationId, userId } of promotions) {
    const payload = { activityId, userId, participationId };
    emit({ type: 'activity.joined', payload, occurredAt: at });
    emit({ type: 'activity.waitlistPromoted', payload, occurredAt: at });
  }
}

/**
 * Ends the waitlist when sign-ups end (the activity row is locked by the
 * status change): every WAITLISTED row is deleted, so nobody still waiting
 * is ever taken for a participant, and `activity.waitlistClosed` names them.
 */
export async function closeWaitlist(tx: Tx, emit: Emit, input: { activityId: number; to: ActivityStatus; at: Date }): Promise<void> {
  const removed = await tx.$queryRaw<Array<{ userId: number; waitlistedAt: Date | null; id: number }>>`
    DELETE FROM participations WHERE activity_id = ${input.activityId} AND status = 'WAITLISTED'
    RETURNING user_id AS "userId", waitlisted_at AS "waitlistedAt", id`;
  if (removed.length === 0) return;
  await tx.$executeRaw`UPDATE activities SET waitlist_count = 0 WHERE id = ${input.activityId}`;
  removed.sort((a, b) => (a.waitlistedAt?.getTime() ?? 0) - (b.waitlistedAt?.getTime() ?? 0) || a.id - b.id);
  emit({
    type: 'activity.waitlistClosed',
    payload: { activityId: input.activityId, to: input.to, userIds: removed.map((row) => row.userId) },
    occurredAt: input.at,
  });
}
