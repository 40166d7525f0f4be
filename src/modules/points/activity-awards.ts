import type { Deps } from '../../lib/app-deps.js';
import { localDay } from '../../lib/calendar.js';
import { POINTS_RULES } from './points-rules.js';
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

/** One take-back of a check-in award (a cancellation), per participation. */
export const uncheckInKey = (participationId: number) => `uncheckin:${participationId}`;

/**
 * Voids an award that was never made (its reversal is processed first: events
 * delivered out of order) by writing a zero record under the award's key, so
 * the late award becomes a no-op instead of outliving its reversal. Does
 * nothing if the key is used, so an award in flight simply wins.
 */
async function voidMissing(
  deps: AwardDeps,
  input: { key: string; type: 'JOIN_ACTIVITY' | 'CHECK_IN'; userId: number; activityId: number; participationId: number | null; occurredAt: Date; why: string },
): Promise<void> {
  const day = localDay(input.occurredAt, deps.config.timeZone);
  // The key is claimed first, with the record's id drawn ahead, and the record
  // is written only if the claim succeeded: a key already used writes nothing.
  await deps.db.$executeRaw`
    WITH claimed AS (
      INSERT INTO points_idempotency_keys (idempotency_key, record_id, season_id)
      VALUES (${input.key}, nextval('points_records_id_seq'), ${day.slice(0, 7)})
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING record_id, season_id
    )
    INSERT INTO points_records (id, user_id, type, requested, points, idempotency_key, season_id, day, occurred_at, reason, activity_id, participation_id)
    SELECT record_id, ${input.userId}, ${input.type}::"PointsType", ${rulePoints(input.type)}, 0, ${input.key}, season_id, ${day}::date,
           ${input.occurredAt}, ${`voided: ${input.why} before it was awarded`}, ${input.activityId}, ${input.participationId}
    FROM claimed`;
}

/**
 * Takes back what the award under `awardKey` granted, once (`reversalKey`):
 * dated at the award's own event time, so it lands in the award's day and
 * season (never in a later season), and clamped so the season total does not
 * go below zero; nothing once that season is sealed. An award not made yet is
 * voided first (see {@link voidMissing}).
 */
async function takeBack(
  deps: AwardDeps,
  input: {
    awardKey: string;
    reversalKey: string;
    type: 'JOIN_ACTIVITY' | 'CHECK_IN';
    userId: number;
    activityId: number;
    participationId: number | null;
    occurredAt: Date;
    reason: string;
  },
): Promise<AwardOutcome> {
  // A committed record never changes, so reading the award needs no lock or transaction.
  let award = await findAward(deps.db, input.awardKey);
  if (!award) {
    // A crash after voiding is harmless: the retry finds the voided award and takes nothing.
    await voidMissing(deps, { key: input.awardKey, type: input.type, userId: input.userId, activityId: input.activityId,
      participationId: input.participationId, occurredAt: input.occurredAt, why: input.reason });
    award = await findAward(deps.db, input.awardKey);
  }
  const granted = Math.max(award?.granted ?? 0, 0);
  return recordAward(deps, {
    userId: input.userId,
    type: input.type,
    points: -granted,
    idempotencyKey: input.reversalKey,
    occurredAt: award?.occurredAt ?? input.occurredAt,
    reason: input.reason,
    activityId: input.activityId,
    participationId: input.participationId,
    clampAtZero: true,
  });
}

/**
 * The JOIN_ACTIVITY reversal for `activity.quit` (and for a cancellation):
 * −10, or less if the join award was capped (never more than it gave), and
 * never more than the season total. Dated at the join award, so it counts in
 * the join's day and season; it does not lower the day's cap counter, so
 * quitting never makes room for another join award. Keyed per user and
 * activity, like the join award it reverses, so rejoining and quitting again,
 * or a quit and a cancellation, take it back once.
 */
export async function reverseJoin(
  deps: AwardDeps,
  input: { userId: number; activityId: number; participationId?: number; occurredAt: Date; reason?: string },
): Promise<AwardOutcome> {
  return takeBack(deps, {
    awardKey: joinKey(input.activityId, input.userId),
    reversalKey: quitKey(input.activityId, input.userId),
    type: 'JOIN_ACTIVITY',
    userId: input.userId,
    activityId: input.activityId,
    participationId: input.participationId ?? null,
    occurredAt: input.occurredAt,
    reason: input.reason ?? 'quit',
  });
}

/** The CHECK_IN reversal of a cancelled activity: what the participation's check-in granted, once. */
export async function reverseCheckIn(
  deps: AwardDeps,
  input: { userId: number; activityId: number; participationId: number; occurredAt: Date; reason: string },
): Promise<AwardOutcome> {
  return takeBack(deps, {
    awardKey: checkInKey(input.participationId),
    reversalKey: uncheckInKey(input.participationId),
    type: 'CHECK_IN',
    userId: input.userId,
    activityId: input.activityId,
    participationId: input.participationId,
    occurredAt: input.occurredAt,
    reason: input.reason,
  });
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
 * to ENDED; the caller checks that enough other participants checked in (HOST_MIN_CHECKED_IN).
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
