/**
 * The read side of a board period, independent of where it is stored: the
 * live board in Redis (board-store.ts), the same shapes from PostgreSQL's
 * standings when Redis is unreachable or being rebuilt (postgres-board.ts),
 * and closed periods from their archive (archive-board.ts).
 *
 * Order everywhere: the best score first (highest on a DESC board, lowest on
 * an ASC one), then who reached that score first (lower seq), which makes
 * every position unique. Only ranked standings are on a board (a points total
 * of 0 is not).
 */
import type { BoardTarget } from './board-definition.js';

/**
 * How equal scores are ranked:
 * - ORDINAL: unique ranks 1, 2, 3, …; equal scores in the order they were reached;
 * - COMPETITION: equal scores share a rank and the next rank skips (1, 1, 3);
 * - DENSE: equal scores share a rank and the next rank follows (1, 1, 2).
 */
export type RankMode = 'ORDINAL' | 'COMPETITION' | 'DENSE';

/** A user's place on a board. */
export interface RankedStanding {
  userId: number;
  /** In the rank mode asked for; from 1. */
  rank: number;
  /** The unique position (ORDINAL rank), whatever the mode. */
  position: number;
  score: number;
  /** board_seq of the change that set the score, as a decimal string (it may exceed 2^53). */
  seq: string;
}

/**
 * Where a cursor walk is: after the entry with this sort position, skipping
 * every entry whose score changed after the walk began (`snapshot`, the
 * largest seq on the board at the first page). So a walk never returns a
 * member twice, and returns every member whose score did not change.
 */
export interface BoardCursor {
  /** The last entry returned: its score, seq and user id. */
  score: number;
  seq: string;
  userId: number;
  /** Largest seq on the board when the walk began: later changes are skipped. */
  snapshot: string;
}

/** One page of a board, and the viewer's own standing when they are on it. */
export interface BoardPage {
  entries: RankedStanding[];
  /** How many users are on the board. */
  total: number;
  viewer: RankedStanding | null;
  /** The largest seq on the board as read: a walk that starts from this page's cursors goes on from it. */
  snapshot: string;
}

/** A page read by cursor, with the snapshot the walk goes on from. */
export interface BoardCursorPage extends BoardPage {
  /** Whether entries follow the last one returned. */
  hasNextPage: boolean;
}

/** Standings of some users on a board, by user id, and how many users the board holds. */
export interface BoardStandings {
  byUser: Map<number, RankedStanding>;
  total: number;
}

/** A user's standing with the entries around it. */
export interface BoardWindow {
  /** The user and up to `radius` entries above and below; empty when the user is not on the board. */
  entries: RankedStanding[];
  total: number;
  standing: RankedStanding | null;
}

export interface BoardSource {
  page(target: BoardTarget, options: { offset: number; limit: number; viewerId: number | null; rankMode: RankMode }): Promise<BoardPage>;
  /** The `limit` entries after `after` (from the top when null) that did not change since the walk began. */
  pageAfter(
    target: BoardTarget,
    options: { after: BoardCursor | null; limit: number; viewerId: number | null; rankMode: RankMode },
  ): Promise<BoardCursorPage>;
  /** Standings of the given users (those on the board), and the board's size, in one round trip or one query each. */
  standings(target: BoardTarget, userIds: readonly number[], rankMode: RankMode): Promise<BoardStandings>;
  around(target: BoardTarget, userId: number, radius: number, rankMode: RankMode): Promise<BoardWindow>;
}
