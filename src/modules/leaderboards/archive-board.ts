import type { Deps } from '../../lib/app-deps.js';
import { Prisma } from '../../infra/prisma.js';
import type { BoardTarget } from './board-definition.js';
import { checkCursorPage, checkPage, checkRadius, checkUserIds } from './board-read-limits.js';
import type { BoardCursorPage, BoardSource, BoardWindow, RankedStanding, RankMode } from './board-source.js';
import { afterCursorSql, toStanding, type RankedRow } from './board-sql.js';

type Db = Deps['db'];

/** The rows of one archived period, in the partition of the month it began. */
const period = (target: BoardTarget, alias: string) => {
  const a = Prisma.raw(alias);
  return Prisma.sql`${a}.month = ${target.archiveMonth} AND ${a}.period_ref = ${target.ref}`;
};

/**
 * The rank of row `p` in a mode. `rank` is the ordinal position (1..n, board
 * order), so every count is a range of the (month, period_ref, rank) key:
 * - COMPETITION: 1 + the last rank above p with another score (ties sit right above it);
 * - DENSE: 1 + the distinct scores above the first rank holding p's score.
 */
function rankSql(target: BoardTarget, rankMode: RankMode): Prisma.Sql {
  if (rankMode === 'ORDINAL') return Prisma.sql`p.rank`;
  const lastBetter = Prisma.sql`coalesce((SELECT o.rank FROM board_archive o WHERE ${period(target, 'o')} AND o.rank < p.rank AND o.score <> p.score ORDER BY o.rank DESC LIMIT 1), 0)`;
  if (rankMode === 'COMPETITION') return Prisma.sql`1 + ${lastBetter}`;
  return Prisma.sql`1 + (SELECT count(DISTINCT o.score) FROM board_archive o WHERE ${period(target, 'o')} AND o.rank <= ${lastBetter})`;
}

/** Ranked rows of the period picked by `where` (on `s`), in rank order, at most `limit`. */
async function rankedRows(db: Db, target: BoardTarget, rankMode: RankMode, where: Prisma.Sql, limit: number): Promise<RankedStanding[]> {
  if (limit <= 0) return [];
  const rows = await db.$queryRaw<RankedRow[]>`
    SELECT p.user_id, p.score, p.seq, p.rank AS position, ${rankSql(target, rankMode)} AS rank
    FROM (
      SELECT s.month, s.period_ref, s.rank, s.user_id, s.score, s.seq FROM board_archive s
      WHERE ${period(target, 's')} AND ${where}
      ORDER BY s.rank LIMIT ${limit}
    ) p
    ORDER BY p.rank`;
  return rows.map(toStanding);
}

/** Ranks are exactly 1..n (the rollover verified it), so the largest is the count, read from the end of the key. */
async function total(db: Db, target: BoardTarget): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ n: number | null }>>`SELECT max(rank) AS n FROM board_archive s WHERE ${period(target, 's')}`;
  return row?.n ?? 0;
}

const ranks = (db: Db, target: BoardTarget, rankMode: RankMode, from: number, to: number) =>
  rankedRows(db, target, rankMode, Prisma.sql`s.rank BETWEEN ${from} AND ${to}`, to - from + 1);

const ofUsers = (db: Db, target: BoardTarget, userIds: readonly number[], rankMode: RankMode) =>
  userIds.length === 0 ? Promise.resolve([]) : rankedRows(db, target, rankMode, Prisma.sql`s.user_id = ANY(${[...userIds]}::int[])`, userIds.length);

async function maxSeq(db: Db, target: BoardTarget): Promise<string> {
  const [row] = await db.$queryRaw<Array<{ seq: bigint }>>`SELECT coalesce(max(seq), 0)::bigint AS seq FROM board_archive s WHERE ${period(target, 's')}`;
  return (row?.seq ?? 0n).toString();
}

/**
 * The final board of a closed period, from its `board_archive` partition:
 * the same shapes and ranks as the live board, since it was copied from it.
 * ORDINAL reads are ranges or lookups of the period's key; the tie-aware
 * modes count along the same key.
 */
export function archiveBoard(deps: Pick<Deps, 'db'>): BoardSource {
  const { db } = deps;
  return {
    async page(target, { offset, limit, viewerId, rankMode }) {
      checkPage(offset, limit);
      const [entries, count, viewer, snapshot] = await Promise.all([
        ranks(db, target, rankMode, offset + 1, offset + limit),
        total(db, target),
        viewerId === null ? [] : ofUsers(db, target, [viewerId], rankMode),
        maxSeq(db, target),
      ]);
      return { entries, total: count, viewer: viewer[0] ?? null, snapshot };
    },

    async pageAfter(target, { after, limit, viewerId, rankMode }): Promise<BoardCursorPage> {
      checkCursorPage(limit);
      // A closed board does not move; the snapshot still bounds a walk begun on the live board.
      const snapshot = after ? after.snapshot : await maxSeq(db, target);
      const where = after
        ? Prisma.sql`${afterCursorSql(target.order, 's', after)} AND s.seq <= ${BigInt(snapshot)}`
        : Prisma.sql`s.seq <= ${BigInt(snapshot)}`;
      const [rows, count, viewer] = await Promise.all([
        rankedRows(db, target, rankMode, where, limit + 1),
        total(db, target),
        viewerId === null ? [] : ofUsers(db, target, [viewerId], rankMode),
      ]);
      return { entries: rows.slice(0, limit), total: count, viewer: viewer[0] ?? null, snapshot, hasNextPage: rows.length > limit };
    },

    async standings(target, userIds, rankMode) {
      checkUserIds(userIds);
      const [rows, count] = await Promise.all([ofUsers(db, target, userIds, rankMode), total(db, target)]);
      return { byUser: new Map(rows.map((row) => [row.userId, row])), total: count };
    },

    async around(target, userId, radius, rankMode): Promise<BoardWindow> {
      checkRadius(radius);
      const [[standing], count] = await Promise.all([ofUsers(db, target, [userId], rankMode), total(db, target)]);
      if (!standing) return { entries: [], total: count, standing: null };
      const entries = await ranks(db, target, rankMode, Math.max(standing.position - radius, 1), standing.position + radius);
      return { entries, total: count, standing };
    },
  };
}
