import type { Context } from '../../graphql/context.js';
import type { Deps } from '../../lib/app-deps.js';
import { decodeId } from '../../graphql/ids.js';
import { isSeasonId } from '../../lib/calendar.js';
import { decodeBoardCursor } from './board-cursor.js';
import { periodRef, POINTS_BOARD } from './board-definition.js';
import { parseLeaderboardId, parseMemberId, type BoardView, type WindowArgs } from './board-node-ids.js';
import { resolveBoardArgs } from './board-args.js';
import type { ResolvedPeriod } from './board-periods.service.js';
import type { RankedStanding } from './board-source.js';
import { getLeaderboard, type BoardRead, type PageRequest } from './leaderboards.service.js';
import { seasonOf, type SeasonShape } from './season-shape.js';

/** The shape behind `Leaderboard`: a board read and the window it shows (see board-node-ids.ts). */
export type LeaderboardShape = BoardRead & { window: string };

/** The shape behind `LeaderboardEntry`: a ranked standing with what its cursor, percentile and id need. */
export type EntryShape = RankedStanding & { rankInSet?: number; ref: string; snapshot: string | null; total: number; view: BoardView };

/** The view (board, period, rank mode) of a read. */
export const viewOf = (read: { resolved: ResolvedPeriod; rankMode: BoardView['rankMode'] }): BoardView => ({
  board: read.resolved.board.key,
  periodId: read.resolved.period.periodId,
  rankMode: read.rankMode,
});

/** The page a window (or a `leaderboard` call) asks for; `after`, `offset` and `userIds` exclude one another. */
export function pageRequest(resolved: ResolvedPeriod, args: WindowArgs): PageRequest {
  const first = args.first ?? 20;
  if (args.userIds) return { kind: 'users', userIds: args.userIds };
  if (args.after !== undefined) return { kind: 'cursor', after: decodeBoardCursor(resolved.target.ref, args.after), first };
  // From the top too: an offset page costs less than a walk's first page, and its cursors carry the same snapshot.
  return { kind: 'offset', offset: args.offset ?? 0, first };
}

const resolveView = (ctx: Context, view: BoardView) => resolveBoardArgs(ctx.deps, { board: view.board, period: view.periodId });

/** `node(id:)` of a Leaderboard: the same window read again, for the viewer asking. */
export async function loadLeaderboard(ctx: Context, raw: string): Promise<LeaderboardShape> {
  const { view, window, windowKey } = parseLeaderboardId(raw);
  const resolved = await resolveView(ctx, view);
  const read = await getLeaderboard(ctx.deps, { resolved, request: pageRequest(resolved, window), rankMode: view.rankMode, viewerId: ctx.viewer?.id ?? null });
  return { ...read, window: windowKey };
}

/** One user's place in a view, or null when they are not on the board. */
async function memberOf(ctx: Context, raw: string) {
  const { view, userId } = parseMemberId(raw);
  const resolved = await resolveView(ctx, view);
  const read = await getLeaderboard(ctx.deps, { resolved, request: { kind: 'users', userIds: [userId] }, rankMode: view.rankMode, viewerId: null });
  const entry = read.entries.find((candidate) => candidate.userId === userId);
  return entry ? { read, entry, view } : null;
}

/** `node(id:)` of a LeaderboardEntry: the user's place on the whole board (no set rank, no cursor). */
export async function loadEntry(ctx: Context, raw: string): Promise<EntryShape | null> {
  const found = await memberOf(ctx, raw);
  if (!found) return null;
  const { rankInSet: _inSet, ...entry } = found.entry;
  return { ...entry, ref: found.read.resolved.target.ref, snapshot: null, total: found.read.totalParticipants, view: found.view };
}

/** `node(id:)` of a Standing. */
export async function loadStanding(ctx: Context, raw: string) {
  const found = await memberOf(ctx, raw);
  return found ? { rank: found.entry.rank, score: found.entry.score, total: found.read.totalParticipants, view: found.view, userId: found.entry.userId } : null;
}

/** `node(id:)` of a Season: a period of the `points` board that exists. */
export async function loadSeason(deps: Pick<Deps, 'db'>, id: string): Promise<SeasonShape | null> {
  if (!isSeasonId(id)) return null;
  const period = await deps.db.boardPeriod.findUnique({ where: { ref: periodRef(POINTS_BOARD, id) } });
  return period ? seasonOf(period) : null;
}

/** Decodes `userIds: [ID!]` arguments (global User ids). */
export const userIdsOf = (ids: ReadonlyArray<string | number>) => ids.map((id) => decodeId('User', String(id)));
