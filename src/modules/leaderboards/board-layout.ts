import type { BoardDefinition } from './board-definition.js';
import { sortScoreOf } from './board-entry.js';
import type { BucketLayout } from './bucketed/index.js';

/**
 * The bucket layout of a board's periods, or null for one sorted set. The
 * definition stores bounds as board scores, best first (descending on a DESC
 * board, ascending on an ASC one); the store cuts by sort score
 * (board-entry.ts). This is the one place that turns the one into the other.
 */
/** The definition fields a layout is made of, for a Prisma `select`. */
export const LAYOUT_FIELDS = { order: true, bucketBounds: true, userShards: true } as const;

export function layoutOf(board: Pick<BoardDefinition, 'order' | 'bucketBounds' | 'userShards'>): BucketLayout | null {
  if (board.bucketBounds.length === 0 || board.userShards === null) return null;
  return { bounds: board.bucketBounds.map((bound) => sortScoreOf(board.order, Number(bound))), userShards: board.userShards };
}
