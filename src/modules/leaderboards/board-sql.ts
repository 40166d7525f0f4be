import { Prisma } from '../../infra/prisma.js';
import type { BoardOrder } from '../../generated/prisma/client.js';
import type { BoardCursor, RankedStanding } from './board-source.js';

/**
 * SQL pieces shared by the PostgreSQL sources of a board (postgres-board.ts,
 * archive-board.ts), so both order and page exactly like the Redis board:
 * best score first, then lower seq (who reached it first), then user id.
 */

/** Comparison operators and sort direction of a board's order (fixed text, never input). */
export function orderSql(order: BoardOrder): { direction: Prisma.Sql; better: Prisma.Sql; worse: Prisma.Sql } {
  return order === 'DESC'
    ? { direction: Prisma.raw('DESC'), better: Prisma.raw('>'), worse: Prisma.raw('<') }
    : { direction: Prisma.raw('ASC'), better: Prisma.raw('<'), worse: Prisma.raw('>') };
}

/** Rows after the cursor's place in board order (`alias` names the table), whether or not the cursor's row is still there. */
export function afterCursorSql(order: BoardOrder, alias: string, cursor: BoardCursor): Prisma.Sql {
  const { worse } = orderSql(order);
  const a = Prisma.raw(alias);
  const score = BigInt(cursor.score);
  return Prisma.sql`(${a}.score ${worse} ${score} OR (${a}.score = ${score} AND (${a}.seq, ${a}.user_id) > (${BigInt(cursor.seq)}, ${cursor.userId})))`;
}

/** A row as the queries select it: BIGINT and count columns arrive as bigint. */
export interface RankedRow {
  user_id: number;
  score: bigint;
  seq: bigint;
  position: bigint | number;
  rank: bigint | number;
}

/** Scores are within ±(2^53 − 1), so Number is exact; seqs may exceed 2^53 and stay text. */
export function toStanding(row: RankedRow): RankedStanding {
  return { userId: row.user_id, rank: Number(row.rank), position: Number(row.position), score: Number(row.score), seq: row.seq.toString() };
}
