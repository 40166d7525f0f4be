import type { Deps } from '../../lib/app-deps.js';
import { Prisma } from '../../infra/prisma.js';
import type { BoardTarget } from './board-definition.js';
import { checkCursorPage, checkPage, checkRadius, checkUserIds } from './board-read-limits.js';
import type { BoardCursorPage, BoardSource, BoardWindow, RankedStanding, RankMode } from './board-source.js';
import { afterCursorSql, orderSql, toStanding, type RankedRow } from './board-sql.js';

type Db = Prisma.TransactionClient;

/**
 * Ranked standings of `board_standings` rows of a period picked by `where`
 * (a condition on `s`), in board order, at most `limit` of them from `offset`.
 * Position and rank are counted per row returned (the inner query picks the
 * rows first, so only those are counted), using the
 * (period_ref, score DESC, seq) index:
 * - position: 1 + rows better (better score, or same score and lower seq);
 * - COMPETITION: 1 + rows with a better score;
 * - DENSE: 1 + distinct better scores.
 */
async function rankedRows(db: Db, target: BoardTarget, rankMode: RankMode, where: Prisma.Sql, offset: number, limit: number): Promise<RankedStanding[]> {
  if (limit <= 0) return [];
  const { direction, better } = orderSql(target.order);
  const ahead = Prisma.sql`o.period_ref = p.period_ref AND o.ranked AND (o.score ${better} p.score OR (o.score = p.score AND (o.seq, o.user_id) < (p.seq, p.user_id)))`;
  const position = Prisma.sql`1 + (SELECT count(*) FROM board_standings o WHERE ${ahead})`;
  const rank =
    rankMode === 'COMPETITION'
      ? Prisma.sql`1 + (SELECT count(*) FROM board_standings o WHERE o.period_ref = p.period_ref AND o.ranked AND o.score ${better} p.score)`
      : rankMode === 'DENSE'
        ? Prisma.sql`1 + (SELECT count(DISTINCT o.score) FROM board_standings o WHERE o.period_ref = p.period_ref AND o.ranked AND o.score ${better} p.score)`
        : position;
  const rows = await db.$queryRaw<RankedRow[]>`
    SELECT p.user_id, p.score, p.seq, ${position} AS position, ${rank} AS rank
    FROM (
      SELECT s.period_ref, s.user_id, s.score, s.seq FROM board_standings s
      WHERE s.period_ref = ${target.ref} AND s.ranked AND ${where}
      ORDER BY s.score ${direction}, s.seq, s.user_id
      OFFSET ${offset} LIMIT ${limit}
    ) p
    ORDER BY p.score ${direction}, p.seq, p.user_id`;
  return rows.map(toStanding);
}

async function count(db: Db, ref: string): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ total: bigint }>>`
    SELECT count(*) AS total FROM board_standings WHERE period_ref = ${ref} AND ranked`;
  return Number(row?.total ?? 0);
}

async function ofUsers(db: Db, target: BoardTarget, userIds: readonly number[], rankMode: RankMode): Promise<RankedStanding[]> {
  if (userIds.length === 0) return [];
  return rankedRows(db, target, rankMode, Prisma.sql`s.user_id = ANY(${[...userIds]}::int[])`, 0, userIds.length);
}

/** The snapshot of a walk's first page: the largest seq of any standing of the period (0 when none), as Redis keeps it. */
async function maxSeq(db: Db, ref: string): Promise<string> {
  const [row] = await db.$queryRaw<Array<{ seq: bigint }>>`SELECT coalesce(max(seq), 0)::bigint AS seq FROM board_standings WHERE period_ref = ${ref}`;
  return (row?.seq ?? 0n).toString();
}

/**
 * A board period computed from `board_standings`, the standings PostgreSQL
 * keeps in step with their sources. Exact, but slower than Redis: the
 * fallback while Redis is unreachable or its board is being rebuilt. Same
 * order, ranks and cursor walk as the Redis board (board-store.ts).
 */
export function postgresBoard(deps: Pick<Deps, 'db'>): BoardSource {
  /**
   * A read's queries (entries, total, viewer, snapshot) see one snapshot of
   * the standings: run apart, writes landing between them gave a page whose
   * total disagreed with its entries. Read-only, so REPEATABLE READ never
   * fails to serialize.
   */
  const inSnapshot = <T>(read: (db: Db) => Promise<T>): Promise<T> =>
    deps.db.$transaction(read, { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, maxWait: 10_000, timeout: 15_000 });
  return {
    async page(target, { offset, limit, viewerId, rankMode }) {
      checkPage(offset, limit);
      return inSnapshot(async (db) => {
        const [entries, total, viewer, snapshot] = await Promise.all([
          rankedRows(db, target, rankMode, Prisma.sql`TRUE`, offset, limit),
          count(db, target.ref),
          viewerId === null ? [] : ofUsers(db, target, [viewerId], rankMode),
          maxSeq(db, target.ref),
        ]);
        return { entries, total, viewer: viewer[0] ?? null, snapshot };
      });
    },

    async pageAfter(target, { after, limit, viewerId, rankMode }): Promise<BoardCursorPage> {
      checkCursorPage(limit);
      return inSnapshot(async (db) => {
        const snapshot = after ? after.snapshot : await maxSeq(db, target.ref);
        const where = after
          ? Prisma.sql`${afterCursorSql(target.order, 's', after)} AND s.seq <= ${BigInt(snapshot)}`
          : Prisma.sql`s.seq <= ${BigInt(snapshot)}`;
        // One more than asked for tells whether a next page exists.
        const [rows, total, viewer] = await Promise.all([
          rankedRows(db, target, rankMode, where, 0, limit + 1),
          count(db, target.ref),
          viewerId === null ? [] : ofUsers(db, target, [viewerId], rankMode),
        ]);
        return { entries: rows.slice(0, limit), total, viewer: viewer[0] ?? null, snapshot, hasNextPage: rows.length > limit };
      });
    },

    async standings(target, userIds, rankMode) {
      checkUserIds(userIds);
      return inSnapshot(async (db) => {
        const [rows, total] = await Promise.all([ofUsers(db, target, userIds, rankMode), count(db, target.ref)]);
        return { byUser: new Map(rows.map((row) => [row.userId, row])), total };
      });
    },

    async around(target, userId, radius, rankMode): Promise<BoardWindow> {
      checkRadius(radius);
      return inSnapshot(async (db) => {
        const [[standing], total] = await Promise.all([ofUsers(db, target, [userId], rankMode), count(db, target.ref)]);
        if (!standing) return { entries: [], total, standing: null };
        const first = Math.max(standing.position - 1 - radius, 0);
        const entries = await rankedRows(db, target, rankMode, Prisma.sql`TRUE`, first, standing.position - first + radius);
        return { entries, total, standing };
      });
    },
  };
}
