/**
 * The read side of a season board, independent of where it is stored. The
 * live board is read from Redis (board-store.ts); PostgreSQL serves the same
 * shapes when Redis is unreachable (postgres-board.ts), and archived seasons
 * can plug in their own source the same way.
 *
 * Order everywhere: points descending, then who reached that total first
 * (lower seq), then user id. Ranks start at 1; users with a zero total are not
 * on the board and have no rank.
 */

/** A user's place on a board. */
export interface RankedStanding {
  userId: number;
  rank: number;
  points: number;
}

/** One page of a board, and the viewer's own standing when they are on it. */
export interface BoardPage {
  entries: RankedStanding[];
  /** How many users are on the board. */
  total: number;
  viewer: RankedStanding | null;
}

/** A user's standing with the entries around it. */
export interface BoardWindow {
  /** The user and up to `radius` entries above and below; empty when the user is not on the board. */
  entries: RankedStanding[];
  total: number;
  standing: RankedStanding | null;
}

export interface BoardSource {
  page(seasonId: string, options: { offset: number; limit: number; viewerId: number | null }): Promise<BoardPage>;
  /** Standings of the given users (those on the board), in one round trip or one query. */
  standings(seasonId: string, userIds: readonly number[]): Promise<Map<number, RankedStanding>>;
  around(seasonId: string, userId: number, radius: number): Promise<BoardWindow>;
}
