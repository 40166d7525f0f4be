import type { Participation } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import type { Tx } from '../outbox/index.js';
import { appError, ErrorCode, forbidden } from '../../lib/app-error.js';
import { activityNotFound } from './access.js';
import type { ActivityStatus } from './lifecycle.js';
import { recordStatusChange } from './status-changes.js';

type SignupDeps = Pick<Deps, 'events'>;
type SeatRow = { status: ActivityStatus; version: number };

/** Why a seat update matched no row; read inside the transaction, after the update decided. */
async function joinRefusal(tx: Tx, activityId: number, now: Date) {
  const activity = await tx.activity.findUnique({ where: { id: activityId } });
  if (!activity) return activityNotFound();
  const full = activity.status === 'FULL' || (activity.capacity !== null && activity.participantCount >= activity.capacity);
  if (full && (activity.status === 'SIGNUP_OPEN' || activity.status === 'FULL')) {
    return appError(ErrorCode.ACTIVITY_FULL, `This activity is full: all ${activity.capacity} seats are taken.`);
  }
  if (activity.status === 'SIGNUP_OPEN' && activity.signupEndsAt <= now) {
    return appError(ErrorCode.INVALID_STATE, `Sign-ups closed at ${activity.signupEndsAt.toISOString()}.`);
  }
  return appError(ErrorCode.INVALID_STATE, `Sign-ups are not open: this activity is ${activity.status}.`);
}

/**
 * Takes a seat. Never overbooks: the participation row is inserted with
 * ON CONFLICT DO NOTHING, then the counter moves only through a conditional
 * UPDATE that PostgreSQL re-checks under the row lock; if it matches nothing
 * the transaction rolls back with ACTIVITY_FULL or INVALID_STATE. Joining
 * twice returns the existing participation.
 */
export async function joinActivity(deps: SignupDeps, input: { activityId: number; userId: number }): Promise<Participation> {
  const { activityId, userId } = input;
  return deps.events.transaction(async (tx, emit) => {
    const now = new Date();
    // WHERE EXISTS keeps an unknown id from surfacing as a foreign-key error without a separate round trip;
    // it only checks the activity exists, the seat check is the UPDATE below.
    const [inserted] = await tx.$queryRaw<Array<{ id: number }>>`
      INSERT INTO participations (activity_id, user_id, joined_at)
      SELECT ${activityId}, ${userId}, ${now} WHERE EXISTS (SELECT 1 FROM activities WHERE id = ${activityId})
      ON CONFLICT (activity_id, user_id) DO NOTHING RETURNING id`;
    if (!inserted) {
      const existing = await tx.participation.findUnique({ where: { activityId_userId: { activityId, userId } } });
      if (!existing) throw activityNotFound();
      return existing;
    }

    const [seat] = await tx.$queryRaw<SeatRow[]>`
      UPDATE activities SET participant_count = participant_count + 1,
        status = CASE WHEN capacity IS NOT NULL AND participant_count + 1 >= capacity THEN 'FULL'::"ActivityStatus" ELSE status END,
        version = version + 1, updated_at = ${now}
      WHERE id = ${activityId} AND status = 'SIGNUP_OPEN' AND signup_ends_at > ${now}
        AND (capacity IS NULL OR participant_count < capacity)
      RETURNING status::text AS status, version`;
    if (!seat) throw await joinRefusal(tx, activityId, now);
    if (seat.status === 'FULL') {
      await recordStatusChange(tx, emit, { activityId, version: seat.version, from: 'SIGNUP_OPEN', to: 'FULL', at: now });
    }
    emit({ type: 'activity.joined', payload: { activityId, userId, participationId: inserted.id }, occurredAt: now });
    return tx.participation.findUniqueOrThrow({ where: { id: inserted.id } });
  });
}

/**
 * Gives the seat back, until `startsAt`. FULL becomes SIGNUP_OPEN again while
 * sign-ups are still open. Quitting without a seat changes nothing.
 */
export async function quitActivity(deps: SignupDeps, input: { activityId: number; userId: number }): Promise<void> {
  const { activityId, userId } = input;
  await deps.events.transaction(async (tx, emit) => {
    const now = new Date();
    const [deleted] = await tx.$queryRaw<Array<{ id: number }>>`
      DELETE FROM participations WHERE activity_id = ${activityId} AND user_id = ${userId} RETURNING id`;
    // Locked so the status before the update is known exactly (PostgreSQL 15 has no RETURNING OLD); NO KEY
    // UPDATE, like the UPDATE itself, so concurrent joins' foreign-key checks are not blocked.
    const [before] = await tx.$queryRaw<Array<{ status: ActivityStatus; startsAt: Date }>>`
      SELECT status::text AS status, starts_at AS "startsAt" FROM activities WHERE id = ${activityId} FOR NO KEY UPDATE`;
    if (!before) throw activityNotFound();
    const [seat] = deleted
      ? await tx.$queryRaw<SeatRow[]>`
          UPDATE activities SET participant_count = participant_count - 1,
            status = CASE WHEN status = 'FULL' AND signup_ends_at > ${now} THEN 'SIGNUP_OPEN'::"ActivityStatus" ELSE status END,
            version = version + 1, updated_at = ${now}
          WHERE id = ${activityId} AND status IN ('SIGNUP_OPEN', 'FULL', 'SIGNUP_CLOSED') AND starts_at > ${now}
          RETURNING status::text AS status, version`
      : [];
    const quittable = ['SIGNUP_OPEN', 'FULL', 'SIGNUP_CLOSED'].includes(before.status) && before.startsAt > now;
    if (deleted ? !seat : !quittable) {
      const why = before.startsAt <= now ? `it started at ${before.startsAt.toISOString()}` : `it is ${before.status}`;
      throw appError(ErrorCode.INVALID_STATE, `You can no longer quit this activity: ${why}.`);
    }
    if (!deleted || !seat) return;
    if (seat.status !== before.status) {
      await recordStatusChange(tx, emit, { activityId, version: seat.version, from: before.status, to: seat.status, at: now });
    }
    emit({ type: 'activity.quit', payload: { activityId, userId, participationId: deleted.id }, occurredAt: now });
  });
}

/**
 * Marks a participant present while the activity is ONGOING. Once: a second
 * check-in returns the participation unchanged and counts nothing.
 */
export async function checkIn(deps: SignupDeps, input: { activityId: number; userId: number }): Promise<Participation> {
  const { activityId, userId } = input;
  return deps.events.transaction(async (tx, emit) => {
    const now = new Date();
    const [marked] = await tx.$queryRaw<Array<{ id: number }>>`
      UPDATE participations SET checked_in_at = ${now}
      WHERE activity_id = ${activityId} AND user_id = ${userId} AND checked_in_at IS NULL RETURNING id`;
    if (!marked) {
      const existing = await tx.participation.findUnique({ where: { activityId_userId: { activityId, userId } } });
      if (existing) return existing;
      if (!(await tx.activity.findUnique({ where: { id: activityId }, select: { id: true } }))) throw activityNotFound();
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
