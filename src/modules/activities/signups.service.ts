import type { Participation } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import type { Emit, Tx } from '../outbox/index.js';
import { appError, ErrorCode, forbidden, notFound } from '../../lib/app-error.js';
import { activityNotFound } from './access.js';
import { seatStatus, type ActivityStatus } from './lifecycle.js';
import { recordStatusChange } from './status-changes.js';
import { announcePromotions, lockSeats, promoteFromWaitlist, signupOpen, type SeatState } from './waitlist.js';

type SignupDeps = Pick<Deps, 'events' | 'now'>;

/** Why a join neither took a seat nor queued; decided under the activity lock. */
function joinRefusal(activity: SeatState, now: Date, waitlist: boolean) {
  const full =
    activity.status === 'FULL' || activity.waitlistCount > 0 || (activity.capacity !== null && activity.participantCount >= activity.capacity);
  if (activity.status === 'SIGNUP_OPEN' || activity.status === 'FULL') {
    if (full && !waitlist) {
      const queue = signupOpen(activity, now) ? ' Join with `waitlist: true` to queue for a seat.' : '';
      return appError(ErrorCode.ACTIVITY_FULL, `This activity is full: all ${activity.capacity} seats are taken.${queue}`);
    }
    return appError(ErrorCode.INVALID_STATE, `Sign-ups closed at ${activity.signupEndsAt.toISOString()}.`);
  }
  return appError(ErrorCode.INVALID_STATE, `Sign-ups are not open: this activity is ${activity.status}.`);
}

/**
 * Takes a seat, or with `waitlist` a place in the waitlist of a full
 * activity. Never overbooks and never lets a newcomer past the queue: under
 * the activity's row lock (`lockSeats`) a seat is free only while sign-ups
 * are open, a seat is left and nobody is waiting; the counter UPDATE re-checks
 * it and the `participant_count <= capacity` constraint backs both. Otherwise
 * the join queues (`waitlist`, sign-ups open) or is refused: ACTIVITY_FULL, or
 * INVALID_STATE when sign-ups are not open. Joining twice returns the existing
 * participation, JOINED or WAITLISTED.
 */
export async function joinActivity(
  deps: SignupDeps,
  input: { activityId: number; userId: number; waitlist?: boolean },
): Promise<Participation> {
  const { activityId, userId } = input;
  return deps.events.transaction(async (tx, emit) => {
    const activity = await lockSeats(tx, activityId);
    if (!activity) throw activityNotFound();
    // Read under the lock, so times follow the order in which joins were decided.
    const now = deps.now();
    // Rows of this activity are inserted and deleted only under the lock just taken: this read is final.
    const existing = await tx.participation.findUnique({ where: { activityId_userId: { activityId, userId } } });
    if (existing) return existing;

    const { capacity, participantCount, waitlistCount } = activity;
    const seatFree = activity.status === 'SIGNUP_OPEN' && signupOpen(activity, now) && waitlistCount === 0 && (capacity === null || participantCount < capacity);
    if (seatFree) {
      const [inserted] = await tx.$queryRaw<Array<{ id: number }>>`
        INSERT INTO participations (activity_id, user_id, joined_at) VALUES (${activityId}, ${userId}, ${now}) RETURNING id`;
      const [seat] = await tx.$queryRaw<Array<{ status: ActivityStatus; version: number }>>`
        UPDATE activities SET participant_count = participant_count + 1,
          status = CASE WHEN capacity IS NOT NULL AND participant_count + 1 >= capacity THEN 'FULL'::"ActivityStatus" ELSE status END,
          version = version + 1, updated_at = ${now}
        WHERE id = ${activityId} AND status = 'SIGNUP_OPEN' AND waitlist_count = 0
          AND (capacity IS NULL OR participant_count < capacity)
        RETURNING status::text AS status, version`;
      if (!inserted || !seat) throw new Error(`Activity ${activityId} is locked by this transaction, yet its seat changed under the lock.`);
      if (seat.status === 'FULL') {
        await recordStatusChange(tx, emit, { activityId, version: seat.version, from: 'SIGNUP_OPEN', to: 'FULL', at: now });
      }
      emit({ type: 'activity.joined', payload: { activityId, userId, participationId: inserted.id }, occurredAt: now });
      return tx.participation.findUniqueOrThrow({ where: { id: inserted.id } });
    }

    if (!input.waitlist || !signupOpen(activity, now)) throw joinRefusal(activity, now, input.waitlist ?? false);
    // Never before the last in line: the queue's (waitlisted_at, id) order is the order of the lock, even if
    // clocks of two processes disagree; `id` is drawn under the lock, so it breaks ties in that order too.
    const [queued] = await tx.$queryRaw<Array<{ id: number }>>`
      INSERT INTO participations (activity_id, user_id, status, joined_at, waitlisted_at)
      SELECT ${activityId}, ${userId}, 'WAITLISTED', ${now}, GREATEST(${now}::timestamptz, max(waitlisted_at))
      FROM participations WHERE activity_id = ${activityId} AND status = 'WAITLISTED'
      RETURNING id`;
    if (!queued) throw new Error(`Activity ${activityId}: the waitlist insert returned no row.`);
    await tx.$executeRaw`UPDATE activities SET waitlist_count = waitlist_count + 1, version = version + 1, updated_at = ${now} WHERE id = ${activityId}`;
    emit({ type: 'activity.waitlistJoined', payload: { activityId, userId, participationId: queued.id }, occurredAt: now });
    return tx.participation.findUniqueOrThrow({ where: { id: queued.id } });
  });
}

/** Takes a WAITLISTED row (already deleted) off the counter: no seat is freed, so nobody is promoted. */
async function leftWaitlist(tx: Tx, emit: Emit, input: { activityId: number; userId: number; participationId: number; at: Date }) {
  const { activityId, userId, participationId, at } = input;
  await tx.$executeRaw`UPDATE activities SET waitlist_count = waitlist_count - 1, version = version + 1, updated_at = ${at} WHERE id = ${activityId}`;
  // Not `activity.quit`: that reverses join points, and a waitlisted user never earned any.
  emit({ type: 'activity.waitlistLeft', payload: { activityId, userId, participationId }, occurredAt: at });
}

/**
 * Gives the seat back, until `startsAt`. While sign-ups are open the freed
 * seat goes to the first in the waitlist, in this same transaction (so the
 * activity stays FULL); with nobody waiting FULL becomes SIGNUP_OPEN again.
 * Quitting without a seat changes nothing; quitting while WAITLISTED is
 * {@link leaveWaitlist} (allowed whenever the row exists, never `activity.quit`).
 */
export async function quitActivity(deps: SignupDeps, input: { activityId: number; userId: number }): Promise<void> {
  const { activityId, userId } = input;
  await deps.events.transaction(async (tx, emit) => {
    const now = deps.now();
    const before = await lockSeats(tx, activityId);
    if (!before) throw activityNotFound();
    const [deleted] = await tx.$queryRaw<Array<{ id: number; status: 'JOINED' | 'WAITLISTED' }>>`
      DELETE FROM participations WHERE activity_id = ${activityId} AND user_id = ${userId} RETURNING id, status::text AS status`;
    if (deleted?.status === 'WAITLISTED') {
      await leftWaitlist(tx, emit, { activityId, userId, participationId: deleted.id, at: now });
      return;
    }
    const quittable = ['SIGNUP_OPEN', 'FULL', 'SIGNUP_CLOSED'].includes(before.status) && before.startsAt > now;
    if (!quittable) {
      const why = before.startsAt <= now ? `it started at ${before.startsAt.toISOString()}` : `it is ${before.status}`;
      throw appError(ErrorCode.INVALID_STATE, `You can no longer quit this activity: ${why}.`);
    }
    if (!deleted) return;

    const promotions = signupOpen(before, now) ? await promoteFromWaitlist(tx, { activityId, seats: Math.min(1, before.waitlistCount), at: now }) : [];
    const participantCount = before.participantCount - 1 + promotions.length;
    const status = signupOpen(before, now) ? seatStatus(before.status, participantCount, before.capacity) : before.status;
    const [seat] = await tx.$queryRaw<Array<{ version: number }>>`
      UPDATE activities SET participant_count = ${participantCount}, waitlist_count = waitlist_count - ${promotions.length},
        status = ${status}::"ActivityStatus", version = version + 1, updated_at = ${now}
      WHERE id = ${activityId} RETURNING version`;
    if (!seat) throw new Error(`Activity ${activityId} is locked by this transaction, yet its UPDATE returned no row.`);
    if (status !== before.status) {
      await recordStatusChange(tx, emit, { activityId, version: seat.version, from: before.status, to: status, at: now });
    }
    emit({ type: 'activity.quit', payload: { activityId, userId, participationId: deleted.id }, occurredAt: now });
    announcePromotions(emit, activityId, promotions, now);
  });
}

/**
 * Leaves the waitlist: the WAITLISTED row is deleted and everyone behind
 * moves up one place. NOT_FOUND when the user is not waiting (including an
 * unknown activity); INVALID_STATE when they hold a seat (quitActivity gives
 * a seat back). Allowed in any status: a waitlist exists only while sign-ups
 * are open.
 */
export async function leaveWaitlist(deps: SignupDeps, input: { activityId: number; userId: number }): Promise<void> {
  const { activityId, userId } = input;
  await deps.events.transaction(async (tx, emit) => {
    const now = deps.now();
    if (!(await lockSeats(tx, activityId))) throw activityNotFound();
    const [deleted] = await tx.$queryRaw<Array<{ id: number }>>`
      DELETE FROM participations WHERE activity_id = ${activityId} AND user_id = ${userId} AND status = 'WAITLISTED' RETURNING id`;
    if (!deleted) {
      const seat = await tx.participation.findUnique({ where: { activityId_userId: { activityId, userId } }, select: { id: true } });
      if (seat) throw appError(ErrorCode.INVALID_STATE, 'You hold a seat in this activity, not a place in its waitlist; quitActivity gives the seat back.');
      throw notFound('You are not on the waitlist of this activity.');
    }
    await leftWaitlist(tx, emit, { activityId, userId, participationId: deleted.id, at: now });
  });
}

/**
 * Marks a participant (JOINED, never WAITLISTED) present while the activity
 * is ONGOING. Once: a second check-in returns the participation unchanged and
 * counts nothing.
 */
export async function checkIn(deps: SignupDeps, input: { activityId: number; userId: number }): Promise<Participation> {
  const { activityId, userId } = input;
  return deps.events.transaction(async (tx, emit) => {
    const now = deps.now();
    // The activity first, like every sign-up change: a quit of the same user cannot deadlock with this.
    if (!(await lockSeats(tx, activityId))) throw activityNotFound();
    const [marked] = await tx.$queryRaw<Array<{ id: number }>>`
      UPDATE participations SET checked_in_at = ${now}
      WHERE activity_id = ${activityId} AND user_id = ${userId} AND status = 'JOINED' AND checked_in_at IS NULL RETURNING id`;
    if (!marked) {
      const existing = await tx.participation.findUnique({ where: { activityId_userId: { activityId, userId } } });
      if (existing?.status === 'JOINED') return existing;
      if (existing) throw forbidden('Only participants can check in; you are on the waitlist, not in a seat.');
      throw forbidden('Only participants can check in; join the activity first.');
    }
    const [counted] = await tx.$queryRaw<Array<{ id: number }>>`
      UPDATE activities SET check_in_count = check_in_count + 1, updated_at = ${now}
      WHERE id = ${activityId} AND status = 'ONGOING' AND ends_at > ${now} RETURNING id`;
    if (!counted) {
      const activity = await tx.activity.findUniqueOrThrow({ where: { id: activityId }, select: { status: true } });
      throw appError(ErrorCode.INVALID_STATE, `Check-in is open only while the activity is ONGOING; it is ${activity.status}.`);
    }
    emit({ type: 'activity.checkedIn', payload: { activityId, userId, participationId: marked.id }, occurredAt: now });
    return tx.participation.findUniqueOrThrow({ where: { id: marked.id } });
  });
}
