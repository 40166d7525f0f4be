import type { Deps } from '../../lib/app-deps.js';
import type { BoardSource, BoardWindow, RankedStanding } from './board-source.js';

interface ArchiveRow {
  rank: number;
  user_id: number;
  points: number;
}

const toStanding = (row: ArchiveRow): RankedStanding => ({ userId: row.user_id, rank: row.rank, points: row.points });

/**
 * Members of an archived board. Ranks are exactly 1..n (the rollover verified
 * it), so the largest rank is the count, read from the end of the
 * (season_id, rank) key instead of counting the partition.
 */
async function total(db: Deps['db'], seasonId: string): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ n: number | null }>>`SELECT max(rank) AS n FROM season_archive WHERE season_id = ${seasonId}`;
  return row?.n ?? 0;
}

async function ranks(db: Deps['db'], seasonId: string, from: number, to: number): Promise<RankedStanding[]> {
  if (to < from) return [];
  const rows = await db.$queryRaw<ArchiveRow[]>`
    SELECT rank, user_id, points FROM season_archive
    WHERE season_id = ${seasonId} AND rank BETWEEN ${from} AND ${to} ORDER BY rank`;
  return rows.map(toStanding);
}

async function ofUsers(db: Deps['db'], seasonId: string, userIds: readonly number[]): Promise<RankedStanding[]> {
  if (userIds.length === 0) return [];
  const rows = await db.$queryRaw<ArchiveRow[]>`
    SELECT rank, user_id, points FROM season_archive WHERE season_id = ${seasonId} AND user_id = ANY(${[...userIds]}::int[])`;
  return rows.map(toStanding);
}

/**
 * The final board of an ARCHIVED season, from its `season_archive` partition:
 * the same shapes as the live board, and the same ranks, since they were
 * copied from it (points descending, then who reached the total first). Every
 * read is an index range or lookup on the season's partition.
 */
export function archiveBoard(deps: Pick<Deps, 'db'>): BoardSource {
  const { db } = deps;
  return {
    async page(seasonId, { offset, limit, viewerId }) {
      const [entries, count, viewer] = await Promise.all([
        ranks(db, seasonId, offset + 1, offset + limit),
        total(db, seasonId),
        viewerId === null ? [] : ofUsers(db, seasonId, [viewerId]),
      ]);
      return { entries, total: count, viewer: viewer[0] ?? null };
    },

    async standings(seasonId, userIds) {
      const rows = await ofUsers(db, seasonId, userIds);
      return new Map(rows.map((row) => [row.userId, row]));
    },

    async around(seasonId, userId, radius): Promise<BoardWindow> {
      const [[standing], count] = await Promise.all([ofUsers(db, seasonId, [userId]), total(db, seasonId)]);
      if (!standing) return { entries: [], total: count, standing: null };
      const entries = await ranks(db, seasonId, Math.max(standing.rank - radius, 1), standing.rank + radius);
      return { entries, total: count, standing };
    },
  };
}
