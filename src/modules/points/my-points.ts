import type { PointsType } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import { getStanding, resolveSeason } from '../leaderboards/index.js';
import { localDay } from '../../lib/calendar.js';
import { POINTS_RULES, POINTS_TYPES, roomUnderCap } from './points-rules.js';
import { currentStreak } from './sign-in.js';

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
 * APP_TIMEZONE), a season's total and rank (the current season unless
 * `seasonId` names another; an archived one is read from its archive), and
 * the sign-in streak.
 */
export async function myPoints(
  deps: Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'config' | 'now' | 'seasonCache'>,
  input: { userId: number; seasonId?: string | null },
) {
  const now = deps.now();
  const day = localDay(now, deps.config.timeZone);
  const season = await resolveSeason(deps, input.seasonId, now);
  const [rows, streak, { standing, stale }] = await Promise.all([
    deps.db.$queryRaw<Array<{ type: PointsType; net: bigint; counted: bigint | null }>>`
      SELECT type, sum(points) AS net, sum(points) FILTER (WHERE points > 0) AS counted
      FROM points_records WHERE user_id = ${input.userId} AND day = ${day}::date GROUP BY type`,
    currentStreak(deps, { userId: input.userId, day }),
    getStanding(deps, season, input.userId),
  ]);
  const byType = new Map(rows.map((row) => [row.type, row]));
  const today: TodayPoints[] = POINTS_TYPES.map((type) => {
    const row = byType.get(type);
    const remaining = roomUnderCap(type, Number(row?.counted ?? 0));
    return { type, points: Number(row?.net ?? 0), cap: POINTS_RULES[type].dailyCap, remaining };
  });
  return {
    day,
    season,
    today,
    seasonTotal: standing?.points ?? 0,
    rank: standing?.rank ?? null,
    signInStreak: streak.streakDay,
    signedInToday: streak.signedInToday,
    stale,
  };
}
