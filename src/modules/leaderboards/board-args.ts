import { badInput } from '../../lib/app-error.js';
import type { Deps } from '../../lib/app-deps.js';
import { POINTS_BOARD } from './board-definition.js';
import { seasonIdArg } from './board-node-ids.js';
import { getBoard, resolvePeriod, type ResolvedPeriod } from './board-periods.service.js';

/** How the `board` argument is described everywhere. */
export const boardArgDescription = 'The leaderboard\'s key (see `leaderboards`); the built-in monthly points board `points` when absent.';
/** How the `period` argument is described everywhere. */
export const periodArgDescription =
  'A period of the board: `2026-11-30` (DAILY), `2026-W49` (WEEKLY, ISO week), `2026-11` (MONTHLY) or `all` (ALL_TIME); the current one when absent.';
/** How every `season: ID` argument is described. */
export const seasonArgDescription =
  'A season of the `points` board: its `periodId` (`YYYY-MM`) or its global `id`; the current season when absent. Same as `period`.';

type ArgDeps = Pick<Deps, 'db' | 'config' | 'now' | 'redis' | 'keys' | 'logger' | 'boardCache'>;

const idText = (value: string | number | null | undefined) => (value === null || value === undefined ? null : String(value));

/**
 * Resolves the `board`, `period` and deprecated `season` arguments of a read:
 * `season` is the `period` of the `points` board, kept for clients written
 * when it was the only one.
 */
export async function resolveBoardArgs(
  deps: ArgDeps,
  args: { board?: string | null; period?: string | number | null; season?: string | number | null },
): Promise<ResolvedPeriod> {
  const key = args.board ?? POINTS_BOARD;
  const period = idText(args.period);
  const season = seasonIdArg(args.season);
  if (period !== null && season !== null) throw badInput('Give period or season, not both: season is the old name of period.', { field: 'season' });
  if (season !== null && key !== POINTS_BOARD) throw badInput('season applies to the points board only; use period.', { field: 'season' });
  return resolvePeriod(deps, await getBoard(deps, key), period ?? season);
}
