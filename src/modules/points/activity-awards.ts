import type { Deps } from '../../lib/app-deps.js';
import { localDay } from '../../lib/calendar.js';
import { POINTS_RULES, QUIT_ACTIVITY_POINTS } from './points-rules.js';
import { findAward, recordAward, type AwardOutcome } from './points.service.js';

/**
 * Awards for what users do with activities. The activities module calls these
 * from its domain-event consumers; each is idempotent through its key, so an
 * event delivered twice (outbox retry) counts once.
 */

type AwardDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'config' | 'pubsub' | 'now' | 'boardCache'>;

/** Joining is rewarded once per user and activity, ever: rejoining after quitting earns nothing. */
export const joinKey = (activityId: number, userId: number) => `join:${activityId}:${userId}`;
/** One reversal per join award, whatever participation the quit came from. */
export const quitKey = (activityId: number, userId: number) => `quit:${activityId}:${userId}`;
/** One check-in award per participation. */
export const checkInKey = (participationId: number) => `checkin:${participationId}`;
/** One hosting award per activity. */
export const hostKey = (activityId: number) => `host:${activityId}`;

function rulePoints(type: 'JOIN_ACTIVITY' | 'CHECK_IN' | 'HOST_ACTIVITY'): number {
  return POINTS_RULES[type].points ?? 0;
}

/** JOIN_ACTIVITY (+10, daily cap 30) for `activity.joined`. */
export function awardJoin(
  deps: AwardDeps,
  input: { userId: number; activityId: number; participationId?: number; occurredAt: Date },
): Promise<AwardOutcome> {
  return recordAward(deps, {
    userId: input.userId,
    type: 'JOIN_ACTIVITY',
    points: rulePoints('JOIN_ACTIVITY'),
    idempotencyKey: joinKey(input.activityId, input.userId),
    occurredAt: input.occurredAt,
    activityId: input.activityId,
    participationId: input.participationId ?? null,
  });
}

/**
 * Voids a join award that was never made (the quit is processed before the
 * join: events delivered out of order) by writing a zero record under the
 * join's key, so the late join award becomes a no-op instead of outliving the
 * quit. Waits for a join award in flight; does nothing if one exists.
 */
async function voidMissingJoin(deps: AwardDeps, input: { userId: number; activityId: number; occurredAt: Date }): Promise<void> {
  const day = localDay(input.occurredAt, deps.config.timeZone);
  const key = joinKey(input.activityId, input.userId);
  // The key is claimed first, with the record's id drawn ahead, and the record
  // is written only if the claim succeeded: a key already used writes nothing.
  await deps.db.$executeRaw`
    WITH claimed AS (
      INSERT INTO points_idempotency_keys (idempotency_key, record_id, season_id)
      VALUES (${key}, nextval('points_records_id_seq'), ${day.slice(0, 7)})
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING record_id, season_id
    )
    INSERT INTO points_records (id, user_id, type, requested, points, idempotency_key, season_id, day, occurred_at, reason, activity_id)
    SELECT record_id, ${input.userId}, 'JOIN_ACTIVITY', ${rulePoints('JOIN_ACTIVITY')}, 0, ${key}, season_id, ${day}::date,
           ${input.occurredAt}, 'voided: quit before the join was awarded', ${input.activityId}
    FROM claimed`;
}

/**
 * The JOIN_ACTIVITY reversal for `activity.quit`: −10, or less if the join
 * award was capped (never more than it gave). Counted on the day and season of
 * the quit, and it does not lower the day's cap counter, so quitting never
 * makes room for another join award. Keyed per user and activity, like the
 * join award it reverses, so rejoining and quitting again takes nothing more.
 */
export async function reverseJoin(
  deps: AwardDeps,
  input: { userId: number; activityId: number; participationId?: number; occurredAt: Date },
): Promise<AwardOutcome> {
  const reversal = (joinGranted: number) => ({
    userId: input.userId,
    type: 'JOIN_ACTIVITY' as const,
    points: Math.max(QUIT_ACTIVITY_POINTS, -Math.max(joinGranted, 0)),
    idempotencyKey: quitKey(input.activityId, input.userId),
    occurredAt: input.occurredAt,
    reason: 'quit',
    activityId: input.activityId,
    participationId: input.participationId ?? null,
  });
  // A committed record never changes, so reading the join award needs no lock or transaction.
  const key = joinKey(input.activityId, input.userId);
  let join = await findAward(deps.db, key);
  if (!join) {
    // A crash after voiding is harmless: the retried quit finds the voided join and takes nothing.
    await voidMissingJoin(deps, input);
    join = await findAward(deps.db, key);
  }
  return recordAward(deps, reversal(join?.granted ?? 0));
}

/** CHECK_IN (+20, daily cap 60) for `activity.checkedIn`, once per participation. */
export function awardCheckIn(
  deps: AwardDeps,
  input: { userId: number; participationId: number; activityId?: number; occurredAt: Date },
): Promise<AwardOutcome> {
  return recordAward(deps, {
    userId: input.userId,
    type: 'CHECK_IN',
    points: rulePoints('CHECK_IN'),
    idempotencyKey: checkInKey(input.participationId),
    occurredAt: input.occurredAt,
    activityId: input.activityId ?? null,
    participationId: input.participationId,
  });
}

/**
 * HOST_ACTIVITY (+50, daily cap 100) to the organizer, for `activity.statusChanged`
 * to ENDED; the caller checks that the activity had at least one check-in.
 */
export function awardHost(
  deps: AwardDeps,
  input: { organizerId: number; activityId: number; occurredAt: Date },
): Promise<AwardOutcome> {
  return recordAward(deps, {
    userId: input.organizerId,
    type: 'HOST_ACTIVITY',
    points: rulePoints('HOST_ACTIVITY'),
    idempotencyKey: hostKey(input.activityId),
    occurredAt: input.occurredAt,
    activityId: input.activityId,
  });
}
