import type { BoardOrder, Leaderboard } from '../../generated/prisma/client.js';
import type { BucketLayout } from './bucketed/bucket-layout.js';

/**
 * A leaderboard definition, as stored (see the `Leaderboard` model): key,
 * period kind, scope, source, operator and order.
 */
export type BoardDefinition = Leaderboard;

/** The built-in board: every point, per calendar month (the points season). */
export const POINTS_BOARD = 'points';

/** Board keys are slugs: lower-case letters and digits in words joined by single hyphens, 2–40 characters. */
export const BOARD_KEY_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MAX_BOARD_KEY_LENGTH = 40;

export function isBoardKey(key: string): boolean {
  return key.length >= 2 && key.length <= MAX_BOARD_KEY_LENGTH && BOARD_KEY_RE.test(key);
}

/**
 * The name of one period of one board: `<board key>/<period id>`, e.g.
 * `points/2026-11` or `weekly-checkins/2026-W49`. Standings, archive rows and
 * Redis keys are named by it. Keys never contain `/`, so it splits back.
 */
export function periodRef(boardKey: string, periodId: string): string {
  return `${boardKey}/${periodId}`;
}

/** The board key and period id of a ref. */
export function parsePeriodRef(ref: string): { boardKey: string; periodId: string } {
  const slash = ref.indexOf('/');
  if (slash <= 0) throw new RangeError(`Not a board period ref: ${ref}`);
  return { boardKey: ref.slice(0, slash), periodId: ref.slice(slash + 1) };
}

/**
 * What a read or write of one board period needs to know: its ref, its
 * order, the archive partition (the `YYYY-MM` month the period began) that
 * holds it once archived, and how its Redis board is stored.
 */
export interface BoardTarget {
  ref: string;
  order: BoardOrder;
  archiveMonth: string;
  /** The bucket layout (board-layout.ts), or null for one sorted set. */
  layout: BucketLayout | null;
}
