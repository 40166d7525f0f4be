import type { Deps } from '../../lib/app-deps.js';
import { archiveBoard } from './archive-board.js';
import type { BoardCursor, BoardSource, RankedStanding, RankMode } from './board-source.js';
import { liveBoardOf } from './board-storage.js';
import { BoardNotReadyError } from './board-store.js';
import { requestBucketRebuild } from './bucket-rebuild.js';
import { BucketBoardBrokenError } from './bucketed/index.js';
import { postgresBoard } from './postgres-board.js';
import { existingUserIds } from '../users/index.js';
import type { ResolvedPeriod } from './board-periods.service.js';

type ReadDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'config' | 'now' | 'boardCache' | 'queues'>;
type PageDeps = ReadDeps & Pick<Deps, 'metrics' | 'userCache'>;

const MAX_USER_ID = 2_147_483_647;

/** Most entries one leaderboard page may ask for. */
export const MAX_LEADERBOARD_PAGE = 100;
/** Most users one `standings` call, or one `userIds` board (friends, a club), may name. */
export const MAX_BOARD_USERS = 1_000;
/** Largest `radius` of leaderboardAround: at most 101 entries. */
export const MAX_AROUND_RADIUS = 50;

/**
 * Where a period's board is read from. Live periods (CURRENT, and CLOSING
 * while the rollover copies its frozen board) are read from Redis; an
 * ARCHIVED period's board has left Redis and is served from its archive in
 * PostgreSQL, with the same ranks.
 */
function boardSourceFor(deps: ReadDeps, resolved: ResolvedPeriod): BoardSource {
  return resolved.period.state === 'ARCHIVED' ? archiveBoard(deps) : liveBoardOf(deps, resolved.target);
}

/** Whether PostgreSQL holds ranked standings for the period, i.e. a board that lacks them is wrong. */
async function hasStandings(deps: ReadDeps, ref: string): Promise<boolean> {
  const [row] = await deps.db.$queryRaw<Array<{ found: boolean }>>`
    SELECT EXISTS (SELECT 1 FROM board_standings WHERE period_ref = ${ref} AND ranked) AS found`;
  return row?.found ?? false;
}

/**
 * Reads a board from its source. When Redis cannot be read, the same answer is
 * computed from PostgreSQL's standings (exact as of the last commit, only
 * slower) and flagged `stale: true`: the live path is degraded, so the client
 * should not expect live updates to keep it current. So is a board that is not
 * whole (Redis lost it and the rebuild has not finished: see board-store.ts)
 * while PostgreSQL has standings for the period; an empty period reads the same
 * from either and is not stale. A bucketed board that only a rebuild mends
 * (BucketBoardBrokenError: a move died half-way, or its buckets disagree with
 * no move in flight) is also asked to be rebuilt.
 */
async function readBoard<T>(deps: ReadDeps, resolved: ResolvedPeriod, read: (source: BoardSource) => Promise<T>) {
  const { ref } = resolved.target;
  try {
    return { value: await read(boardSourceFor(deps, resolved)), stale: false };
  } catch (error) {
    if (resolved.period.state === 'ARCHIVED') throw error;
    if (error instanceof BucketBoardBrokenError) await requestBucketRebuild(deps, ref);
    if (error instanceof BoardNotReadyError) {
      const [value, stale] = await Promise.all([read(postgresBoard(deps)), hasStandings(deps, ref)]);
      if (stale) deps.logger.debug({ ref }, 'board is being rebuilt in Redis; serving it from PostgreSQL');
      return { value, stale };
    }
    deps.logger.warn({ err: error, ref }, 'board unreadable in Redis; serving it from PostgreSQL');
    return { value: await read(postgresBoard(deps)), stale: true };
  }
}

/**
 * Leaves out board entries that are not users: the id of no user (a deleted
 * one, or garbage written to Redis by hand). Checked through the users'
 * process cache, which then names them for free. Such a read is flagged
 * `stale`: the board is wrong until leaderboard.reconcile removes the member,
 * and the ranks below it count it.
 */
async function onlyUsers(deps: PageDeps, ref: string, entries: RankedStanding[]): Promise<{ entries: RankedStanding[]; skipped: boolean }> {
  const ids = entries.map((entry) => entry.userId).filter((id) => Number.isInteger(id) && id > 0 && id <= MAX_USER_ID);
  const known = await existingUserIds(deps, ids);
  const kept = entries.filter((entry) => known.has(entry.userId));
  const skipped = entries.length - kept.length;
  if (skipped === 0) return { entries, skipped: false };
  deps.metrics.leaderboardForeignMembers.inc(skipped);
  deps.logger.warn({ ref, skipped }, 'board has members that are not users; skipped them until leaderboard.reconcile removes them');
  return { entries: kept, skipped: true };
}

/** A board entry among a set of users: its rank in the set beside its rank on the whole board. */
export interface SetStanding extends RankedStanding {
  rankInSet: number;
}

/**
 * Ranks within a set of standings by the board's own order (their positions),
 * in the rank mode asked: equal scores share a rank in COMPETITION and DENSE.
 */
export function rankWithin(standings: readonly RankedStanding[], rankMode: RankMode): SetStanding[] {
  const sorted = [...standings].sort((a, b) => a.position - b.position);
  let dense = 0;
  let runStart = 0;
  return sorted.map((standing, index) => {
    const tied = index > 0 && sorted[index - 1]?.score === standing.score;
    if (!tied) {
      dense += 1;
      runStart = index + 1;
    }
    return { ...standing, rankInSet: rankMode === 'ORDINAL' ? index + 1 : rankMode === 'DENSE' ? dense : runStart };
  });
}

/** How a page is asked for: by offset, by cursor, or among a set of users. */
export type PageRequest =
  | { kind: 'offset'; offset: number; first: number }
  | { kind: 'cursor'; after: BoardCursor | null; first: number }
  | { kind: 'users'; userIds: readonly number[] };

/** What every board read returns beside its entries. */
export interface BoardRead {
  resolved: ResolvedPeriod;
  entries: Array<RankedStanding & { rankInSet?: number }>;
  totalParticipants: number;
  viewer: RankedStanding | null;
  stale: boolean;
  rankMode: RankMode;
  /** Cursor pages: the snapshot the walk goes on from, and whether entries follow. */
  snapshot: string | null;
  hasNextPage: boolean;
}

/** A page of a board period: by offset, by cursor, or the board among a set of users, and the viewer's standing. */
export async function getLeaderboard(
  deps: PageDeps,
  input: { resolved: ResolvedPeriod; request: PageRequest; rankMode: RankMode; viewerId: number | null },
): Promise<BoardRead> {
  const { resolved, request, rankMode, viewerId } = input;
  const { target } = resolved;
  const base = { resolved, rankMode, snapshot: null as string | null, hasNextPage: false };
  if (request.kind === 'users') {
    const userIds = [...new Set(request.userIds)];
    const asked = viewerId === null || userIds.includes(viewerId) ? userIds : [...userIds, viewerId];
    const { value, stale } = await readBoard(deps, resolved, (source) => source.standings(target, asked, rankMode));
    const inSet = userIds.flatMap((userId) => value.byUser.get(userId) ?? []);
    const { entries, skipped } = await onlyUsers(deps, target.ref, rankWithin(inSet, rankMode));
    const viewer = viewerId === null ? null : (value.byUser.get(viewerId) ?? null);
    return { ...base, entries, totalParticipants: value.total, viewer, stale: stale || skipped };
  }
  const { value, stale } = await readBoard(deps, resolved, async (source) => {
    if (request.kind === 'cursor') return source.pageAfter(target, { after: request.after, limit: request.first, viewerId, rankMode });
    const page = await source.page(target, { offset: request.offset, limit: request.first, viewerId, rankMode });
    return { ...page, hasNextPage: request.offset + page.entries.length < page.total };
  });
  const { entries, skipped } = await onlyUsers(deps, target.ref, value.entries);
  return {
    ...base,
    entries,
    totalParticipants: value.total,
    viewer: value.viewer,
    stale: stale || skipped,
    snapshot: value.snapshot,
    hasNextPage: value.hasNextPage,
  };
}

/** A user's standing with up to `radius` entries above and below; no entries when the user is not on the board. */
export async function getLeaderboardAround(deps: PageDeps, input: { resolved: ResolvedPeriod; userId: number; radius: number; rankMode: RankMode }) {
  const { resolved } = input;
  const { value, stale } = await readBoard(deps, resolved, (source) => source.around(resolved.target, input.userId, input.radius, input.rankMode));
  const { entries, skipped } = await onlyUsers(deps, resolved.target.ref, value.entries);
  return { resolved, rankMode: input.rankMode, entries, totalParticipants: value.total, standing: value.standing, stale: stale || skipped };
}

/**
 * Standings of the given users in one period, in the order asked (duplicates
 * dropped), with the board's size: one Redis round trip, or SQL on the
 * fallback. Users not on the board have no rank and score 0.
 */
export async function getStandings(deps: ReadDeps, input: { resolved: ResolvedPeriod; userIds: readonly number[]; rankMode: RankMode }) {
  const { resolved } = input;
  const userIds = [...new Set(input.userIds)];
  const { value, stale } = await readBoard(deps, resolved, (source) => source.standings(resolved.target, userIds, input.rankMode));
  const standings = userIds.map((userId) => ({ userId, standing: value.byUser.get(userId) ?? null }));
  return { resolved, standings, totalParticipants: value.total, stale };
}

/** One user's standing in a period, or null when they are not on its board, with the board's size. */
export async function getStanding(deps: ReadDeps, resolved: ResolvedPeriod, userId: number) {
  const result = await getStandings(deps, { resolved, userIds: [userId], rankMode: 'ORDINAL' });
  return { standing: result.standings[0]?.standing ?? null, totalParticipants: result.totalParticipants, stale: result.stale };
}

/**
 * The share of the board at or above a rank, in percent (rank 3 of 100 is
 * 3: "top 3%"), rounded up to two decimals so the first place of a big board
 * is not "top 0%".
 */
export function percentileOf(rank: number, total: number): number | null {
  if (total <= 0 || rank <= 0) return null;
  return Math.ceil((10_000 * rank) / total) / 100;
}
