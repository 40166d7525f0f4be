import type { Deps } from '../../infra/deps.js';
import type { Tx } from '../../infra/events.js';
import { localDay } from '../leaderboards/season-calendar.js';
import { POINTS_RULES, QUIT_ACTIVITY_POINTS } from './points-rules.js';
import { applyAward, commitAward, findAward, recordAward, type AwardOutcome } from './points.service.js';

/**
 * Awards for what users do with activities. The activities module calls these
 * from its domain-event consumers; each is idempotent through its key, so an
 * event delivered twice (outbox retry) counts once.
 */

type AwardDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'config'>;

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
 * What the join award granted. If the quit is processed before the join (events
 * delivered out of order), a zero join record is written under the join's key,
 * so the late join award becomes a no-op instead of outliving the quit.
 */
async function joinGrant(tx: Tx, timeZone: string, input: { userId: number; activityId: number; occurredAt: Date }): Promise<number> {
  const key = joinKey(input.activityId, input.userId);
  const day = localDay(input.occurredAt, timeZone);
  await tx.$executeRaw`
    INSERT INTO points_records (user_id, type, requested, points, idempotency_key, season_id, day, occurred_at, reason, activity_id)
    VALUES (${input.userId}, 'JOIN_ACTIVITY', ${rulePoints('JOIN_ACTIVITY')}, 0, ${key}, ${day.slice(0, 7)}, ${day}::date,
            ${input.occurredAt}, 'voided: quit before the join was awarded', ${input.activityId})
    ON CONFLICT (idempotency_key) DO NOTHING`;
  const [row] = await tx.$queryRaw<Array<{ points: number }>>`SELECT points FROM points_records WHERE idempotency_key = ${key}`;
  return row?.points ?? 0;
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
  const timeZone = deps.config.timeZone;
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
  // The usual case: the join was awarded long before. A committed record never changes, so no lock is needed.
  const join = await findAward(deps.db, joinKey(input.activityId, input.userId));
  if (join) return recordAward(deps, reversal(join.granted));
  return commitAward(deps, input.occurredAt, async (tx) => applyAward(tx, timeZone, reversal(await joinGrant(tx, timeZone, input))));
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
