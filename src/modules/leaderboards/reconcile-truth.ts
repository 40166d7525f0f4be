import type { BoardPeriod } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import { Prisma } from '../../infra/prisma.js';
import { localDay } from '../../lib/calendar.js';
import { POINTS_BOARD, type BoardDefinition } from './board-definition.js';

/** One user of a board period as the truth has it, with their standing's sync state. */
export interface TruthRow {
  user_id: number;
  /** The score the truth gives (null: no score: off the board). */
  score: bigint | null;
  /** Whether the truth puts the user on the board. */
  ranked: boolean;
  /** The standing's seq (the tie order), null without a standing. */
  seq: bigint | null;
  version: number | null;
  /** The standing has a version not yet confirmed on the board: left to leaderboard.sync. */
  pending: boolean;
}

/**
 * Which points records feed a POINTS board period, mirroring what an award
 * feeds (`apply_awards`, migration 20261201500000_apply_awards):
 * - the `points` board: every record of its season (`season_id`, one partition);
 * - any other: records of the board's point types (all when null), of its
 *   scope (global; an activity of its category; its activity, but not for
 *   hosting it), whose local day falls in the period, recorded since the board
 *   was created (awards before it fed nothing). `season_id` bounds the scan to
 *   the partitions of the months the period spans.
 */
function recordsFilter(board: BoardDefinition, period: Pick<BoardPeriod, 'periodId' | 'startsAt' | 'endsAt'>, timeZone: string): Prisma.Sql {
  if (board.key === POINTS_BOARD) return Prisma.sql`r.season_id = ${period.periodId}`;
  const scope = Prisma.sql`
    (cardinality(b.point_types) = 0 OR r.type = ANY(b.point_types))
    AND (b.scope = 'GLOBAL'
         OR (b.scope = 'CATEGORY' AND b.category = (SELECT a.category FROM activities a WHERE a.id = r.activity_id))
         OR (b.scope = 'ACTIVITY' AND b.activity_id = r.activity_id AND r.type <> 'HOST_ACTIVITY'))
    AND r.created_at >= b.created_at`;
  if (period.endsAt === null) return scope; // ALL_TIME: every day since the board exists.
  const firstDay = localDay(period.startsAt, timeZone);
  // endsAt is the next period's first instant: its local day is the first day not in this period.
  const endDay = localDay(period.endsAt, timeZone);
  const lastMonth = localDay(new Date(period.endsAt.getTime() - 1), timeZone).slice(0, 7);
  return Prisma.sql`${scope}
    AND r.season_id BETWEEN ${firstDay.slice(0, 7)} AND ${lastMonth}
    AND r.day >= ${firstDay}::date AND r.day < ${endDay}::date`;
}

/**
 * The expected board of a period, user by user, joined with the stored
 * standings (for the version a repair asserts and the pending flag):
 * - POINTS boards: the score is the sum of the matching points records, the
 *   seq the standing's (the change that set the score: who got there first);
 *   a sum of 0 is off the board;
 * - SUBMITTED boards: the standings are the truth (score, ranked, seq).
 */
export async function expectedBoard(
  deps: Pick<Deps, 'db' | 'config'>,
  board: BoardDefinition,
  period: Pick<BoardPeriod, 'ref' | 'periodId' | 'startsAt' | 'endsAt'>,
): Promise<TruthRow[]> {
  const { ref } = period;
  if (board.source === 'SUBMITTED') {
    return deps.db.$queryRaw<TruthRow[]>`
      SELECT user_id, CASE WHEN ranked THEN score END AS score, ranked, seq, version, version > synced_version AS pending
      FROM board_standings WHERE period_ref = ${ref}`;
  }
  return deps.db.$queryRaw<TruthRow[]>`
    WITH totals AS (
      SELECT r.user_id, sum(r.points)::bigint AS score
      FROM points_records r, leaderboards b
      WHERE b.id = ${board.id} AND ${recordsFilter(board, period, deps.config.timeZone)}
      GROUP BY r.user_id
    ), standings AS (
      SELECT user_id, seq, version, synced_version FROM board_standings WHERE period_ref = ${ref}
    )
    SELECT coalesce(t.user_id, s.user_id) AS user_id, nullif(t.score, 0) AS score, coalesce(t.score, 0) <> 0 AS ranked,
           s.seq, s.version, coalesce(s.version > s.synced_version, false) AS pending
    FROM totals t FULL JOIN standings s ON s.user_id = t.user_id`;
}
