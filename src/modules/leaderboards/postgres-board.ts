import type { Deps } from '../../lib/app-deps.js';
import type { BoardSource, BoardWindow, RankedStanding } from './board-source.js';

interface StandingRow {
  user_id: number;
  points: number;
  rank: bigint | number;
}

/**
 * Standings (with their rank) of the given users in one query. The rank is
 * one plus the number of users ahead: more points, or as many reached earlier.
 * Uses the (season_id, points DESC, seq) index, so it does not sort the season.
 */
async function rankedStandings(db: Deps['db'], seasonId: string, userIds: readonly number[]): Promise<RankedStanding[]> {
  if (userIds.length === 0) return [];
  const rows = await db.$queryRaw<StandingRow[]>`
    SELECT s.user_id, s.points,
      1 + (SELECT count(*) FROM season_standings o
           WHERE o.season_id = s.season_id AND o.points <> 0
             AND (o.points > s.points OR (o.points = s.points AND (o.seq, o.user_id) < (s.seq, s.user_id)))) AS rank
    FROM season_standings s
    WHERE s.season_id = ${seasonId} AND s.user_id = ANY(${[...userIds]}::int[]) AND s.points <> 0`;
  return rows.map((row) => ({ userId: row.user_id, points: row.points, rank: Number(row.rank) }));
}

async function slice(db: Deps['db'], seasonId: string, offset: number, limit: number): Promise<RankedStanding[]> {
  if (limit <= 0) return [];
  const rows = await db.$queryRaw<Array<{ user_id: number; points: number }>>`
    SELECT user_id, points FROM season_standings
    WHERE season_id = ${seasonId} AND points <> 0
    ORDER BY points DESC, seq ASC, user_id ASC
    OFFSET ${offset} LIMIT ${limit}`;
  return rows.map((row, index) => ({ userId: row.user_id, points: row.points, rank: offset + index + 1 }));
}

async function count(db: Deps['db'], seasonId: string): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ total: bigint }>>`
    SELECT count(*) AS total FROM season_standings WHERE season_id = ${seasonId} AND points <> 0`;
  return Number(row?.total ?? 0);
}

/**
 * A season board computed from `season_standings`, the totals PostgreSQL keeps
 * in step with the points records. Exact, but slower than Redis: the fallback
 * while Redis is unreachable.
 */
export function postgresBoard(deps: Pick<Deps, 'db'>): BoardSource {
  const { db } = deps;
  return {
    async page(seasonId, { offset, limit, viewerId }) {
      const [entries, total, viewer] = await Promise.all([
        slice(db, seasonId, offset, limit),
        count(db, seasonId),
        viewerId === null ? [] : rankedStandings(db, seasonId, [viewerId]),
      ]);
      return { entries, total, viewer: viewer[0] ?? null };
    },

    async standings(seasonId, userIds) {
      const rows = await rankedStandings(db, seasonId, userIds);
      return new Map(rows.map((row) => [row.userId, row]));
    },

    async around(seasonId, userId, radius): Promise<BoardWindow> {
      const [[standing], total] = await Promise.all([rankedStandings(db, seasonId, [userId]), count(db, seasonId)]);
      if (!standing) return { entries: [], total, standing: null };
      const first = Math.max(standing.rank - 1 - radius, 0);
      const entries = await slice(db, seasonId, first, standing.rank - first + radius);
      return { entries, total, standing };
    },
  };
}
