import type { PointsType } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import { getPointsBoard, getCurrentPeriod, getStanding, resolveBoardArgs, seasonOf, percentileOf } from '../leaderboards/index.js';
import { localDay } from '../../lib/calendar.js';
import { POINTS_RULES, POINTS_TYPES, roomUnderCap } from './points-rules.js';
import { streakOn } from './sign-in.js';

/** Today's points of one type against its daily cap. */
export interface TodayPoints {
  type: PointsType;
  /** Net points of this type today, reversals included. */
  points: number;
  cap: number | null;
  /** What the cap still lets in today (reversals do not give room back); null when uncapped. */
  remaining: number | null;
}

/**
 * The caller's points overview: today's points per type with caps (days in
 * APP_TIMEZONE), their score and rank on a board period (the `points` board's
 * current season unless `board`, `period` or `season` name another; an
 * archived one is read from its archive), and the sign-in streak.
 */
export async function myPoints(
  deps: Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'config' | 'now' | 'boardCache' | 'queues'>,
  input: { userId: number; board: { board?: string | null; period?: string | number | null; season?: string | number | null } },
) {
  const now = deps.now();
  const day = localDay(now, deps.config.timeZone);
  const resolved = await resolveBoardArgs(deps, input.board);
  const season =
    resolved.board.key === 'points' ? seasonOf(resolved.period) : seasonOf(await getCurrentPeriod(deps, await getPointsBoard(deps), now));
  // Today's sums per type and the streak row in one statement: at least one row, the streak repeated on each.
  const [rows, { standing, totalParticipants, stale }] = await Promise.all([
    deps.db.$queryRaw<Array<{ type: PointsType | null; net: bigint | null; counted: bigint | null; last_day: string | null; streak_day: number | null }>>`
      SELECT r.type, r.net, r.counted, to_char(s.last_day, 'YYYY-MM-DD') AS last_day, s.streak_day
      FROM (SELECT 1) AS one
      LEFT JOIN sign_in_streaks s ON s.user_id = ${input.userId}
      LEFT JOIN LATERAL (
        SELECT type, sum(points) AS net, sum(points) FILTER (WHERE points > 0) AS counted
        FROM points_records WHERE user_id = ${input.userId} AND day = ${day}::date GROUP BY type
      ) AS r ON true`,
    getStanding(deps, resolved, input.userId),
  ]);
  const first = rows[0];
  const streak = streakOn(first?.last_day && first.streak_day !== null ? { lastDay: first.last_day, streakDay: first.streak_day } : null, day);
  const byType = new Map(rows.filter((row) => row.type !== null).map((row) => [row.type, row]));
  const today: TodayPoints[] = POINTS_TYPES.map((type) => {
    const row = byType.get(type);
    const remaining = roomUnderCap(type, Number(row?.counted ?? 0));
    return { type, points: Number(row?.net ?? 0), cap: POINTS_RULES[type].dailyCap, remaining };
  });
  return {
    day,
    season,
    today,
    board: resolved.board.key,
    /** The period of `score` and `rank` (its `leaderboard:changed` notices change them). */
    ref: resolved.target.ref,
    periodId: resolved.period.periodId,
    score: standing?.score ?? 0,
    rank: standing?.rank ?? null,
    percentile: standing ? percentileOf(standing.rank, totalParticipants) : null,
    signInStreak: streak.streakDay,
    signedInToday: streak.signedInToday,
    stale,
  };
}
