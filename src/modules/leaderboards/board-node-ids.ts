import { badInput } from '../../lib/app-error.js';
import { isSeasonId } from '../../lib/calendar.js';
import { rawIdOf } from '../../graphql/ids.js';
import type { RankMode } from './board-source.js';

/**
 * The raw parts of the global ids of board types. They are built from what
 * identifies the entity, never from how it was fetched, so a `leaderboard`
 * query and a `leaderboardChanged` event name the same entries with the same
 * ids and a normalized client cache merges them:
 *
 * - a view of a board: `<board>:<period>:<rankMode>` (ranks depend on the mode);
 * - `LeaderboardEntry` and `Standing`: the view and the user, `<view>:<userId>`;
 * - `Leaderboard`: the view and the window shown, `<view>:<window>`, where the
 *   window is `top:<first>` (from the top: `leaderboard(first:)` and
 *   `leaderboardChanged(first:)` alike), `offset:<offset>:<first>`,
 *   `after:<first>:<cursor>` or `users:<id,id,…>`.
 */
export interface BoardView {
  board: string;
  periodId: string;
  rankMode: RankMode;
}

/** The page arguments a Leaderboard window stands for (user ids decoded). */
export interface WindowArgs {
  first?: number;
  offset?: number;
  after?: string;
  userIds?: number[];
}

const RANK_MODES: readonly RankMode[] = ['ORDINAL', 'COMPETITION', 'DENSE'];
const COUNT = /^\d{1,7}$/;

export const viewKey = (view: BoardView): string => `${view.board}:${view.periodId}:${view.rankMode}`;

/** The window of a `leaderboard` read (or of a `leaderboardChanged` top N). */
export function windowOf(args: WindowArgs): string {
  const first = args.first ?? 20;
  if (args.userIds) return `users:${[...new Set(args.userIds)].sort((a, b) => a - b).join(',')}`;
  if (args.after !== undefined) return `after:${first}:${args.after}`;
  return (args.offset ?? 0) > 0 ? `offset:${args.offset}:${first}` : `top:${first}`;
}

const malformed = () => badInput('This is not an id of a leaderboard, entry or standing.');

/** Splits `<board>:<period>:<rankMode>:<rest>`; BAD_USER_INPUT for anything else. */
function splitView(raw: string): { view: BoardView; rest: string } {
  const [board, periodId, rankMode, ...rest] = raw.split(':');
  if (!board || !periodId || !RANK_MODES.includes(rankMode as RankMode) || rest.length === 0) throw malformed();
  return { view: { board, periodId, rankMode: rankMode as RankMode }, rest: rest.join(':') };
}

/** The view and user of a `LeaderboardEntry` or `Standing` raw id. */
export function parseMemberId(raw: string): { view: BoardView; userId: number } {
  const { view, rest } = splitView(raw);
  if (!/^\d{1,10}$/.test(rest) || Number(rest) > 2_147_483_647) throw malformed();
  return { view, userId: Number(rest) };
}

/** The view and page arguments of a `Leaderboard` raw id. */
export function parseLeaderboardId(raw: string): { view: BoardView; window: WindowArgs; windowKey: string } {
  const parsed = splitView(raw);
  return { ...parsed, window: parseWindow(parsed.rest), windowKey: parsed.rest };
}

function parseWindow(rest: string): WindowArgs {
  const [kind, a = '', ...tail] = rest.split(':');
  const b = tail.join(':');
  if (kind === 'top' && COUNT.test(a) && tail.length === 0) return { first: Number(a) };
  if (kind === 'offset' && COUNT.test(a) && COUNT.test(b)) return { offset: Number(a), first: Number(b) };
  if (kind === 'after' && COUNT.test(a) && b !== '') return { first: Number(a), after: b };
  if (kind === 'users' && /^\d{1,10}(,\d{1,10})*$/.test(a) && tail.length === 0) return { userIds: a.split(',').map(Number) };
  throw malformed();
}

/**
 * A `season: ID` argument: a season id (`2026-11`), as `Season.id` was before
 * it became a global id, or a Season's global id. Both are accepted so that
 * clients written against either keep working.
 */
export function seasonIdArg(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value);
  const raw = rawIdOf('Season', text);
  if (raw !== null && !isSeasonId(raw)) throw badInput('This Season id does not name a season.', { field: 'season' });
  return raw ?? text;
}
