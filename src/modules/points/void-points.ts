import type { PointsType } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import { badInput, invalidState, notFound } from '../../lib/app-error.js';
import { isSeasonId } from '../../lib/calendar.js';
import { pointsBoardRef } from '../leaderboards/index.js';
import { recordAward } from './points.service.js';

/** What a void did. */
export interface VoidOutcome {
  userId: number;
  seasonId: string;
  /** Points taken away in total (negative when the user's season total was negative). */
  voided: number;
  /** Correction records written (0 when the season total was already nothing). */
  records: number;
}

interface GroupRow {
  type: PointsType;
  activity_id: number | null;
  day: Date;
  net: bigint;
  at: Date;
  last_id: bigint;
}

/**
 * Removes a user's points of one season from every board of that season
 * (admin). The season's records are grouped by type, activity and local day,
 * and each group with a non-zero net gets one correction record of the same
 * type and activity, dated inside that day: through the normal award path it
 * takes the group's points off exactly the boards they fed — the `points`
 * season, daily and weekly boards, category, tournament and type-filtered
 * boards — and brings the season total to 0. Each correction is keyed by the
 * group's newest record, so repeating a void writes nothing new, and a void
 * after further awards corrects only what changed. The records name the admin
 * (`createdBy`). An archived (or closing) season's boards are final: INVALID_STATE.
 */
export async function voidUserPoints(
  deps: Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'config' | 'pubsub' | 'now' | 'boardCache'>,
  input: { userId: number; seasonId: string; reason: string; adminId: number },
): Promise<VoidOutcome> {
  const reason = input.reason.trim();
  if (reason.length === 0 || reason.length > 480) throw badInput('reason must be 1 to 480 characters.', { field: 'reason' });
  if (!isSeasonId(input.seasonId)) throw badInput('season must be a season id such as 2026-11.', { field: 'season' });
  const [state] = await deps.db.$queryRaw<Array<{ user_exists: boolean; period_state: string | null }>>`
    SELECT EXISTS (SELECT 1 FROM users WHERE id = ${input.userId}) AS user_exists,
           (SELECT state::text FROM board_periods WHERE ref = ${pointsBoardRef(input.seasonId)}) AS period_state`;
  if (!state?.user_exists) throw notFound('There is no such user.');
  if (state.period_state !== null && state.period_state !== 'CURRENT') {
    throw invalidState(`Season ${input.seasonId} is ${state.period_state.toLowerCase()}: its boards are final.`);
  }
  const groups = await deps.db.$queryRaw<GroupRow[]>`
    SELECT type, activity_id, day, sum(points) AS net, max(occurred_at) AS at, max(id) AS last_id
    FROM points_records WHERE season_id = ${input.seasonId} AND user_id = ${input.userId}
    GROUP BY type, activity_id, day HAVING sum(points) <> 0
    ORDER BY day, type, activity_id`;
  let voided = 0;
  for (const group of groups) {
    const net = Number(group.net);
    const day = group.day.toISOString().slice(0, 10);
    await recordAward(deps, {
      userId: input.userId,
      type: group.type,
      points: -net,
      idempotencyKey: `void:${input.userId}:${group.type}:${group.activity_id ?? '-'}:${day}:${group.last_id}`,
      occurredAt: group.at,
      reason: `void: ${reason}`,
      activityId: group.activity_id,
      createdBy: input.adminId,
      correction: true,
    });
    voided += net;
  }
  return { userId: input.userId, seasonId: input.seasonId, voided, records: groups.length };
}
