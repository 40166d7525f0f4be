import type { Season } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import { archiveBoard } from './archive-board.js';
import type { BoardSource, RankedStanding } from './board-source.js';
import { BoardNotReadyError, redisBoard } from './board-store.js';
import { postgresBoard } from './postgres-board.js';
import { existingUserIds } from '../users/index.js';
import { resolveSeason } from './seasons.service.js';

type ReadDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'config' | 'now' | 'seasonCache'>;
type PageDeps = ReadDeps & Pick<Deps, 'metrics' | 'userCache'>;

const MAX_USER_ID = 2_147_483_647;

/** Most entries one leaderboard page, or users one standings call, may ask for. */
export const MAX_LEADERBOARD_PAGE = 100;
/** Largest `radius` of leaderboardAround: at most 101 entries. */
export const MAX_AROUND_RADIUS = 50;

/**
 * Where a season's board is read from. Live seasons (CURRENT, and CLOSING
 * while the rollover copies its frozen board) are read from Redis; an
 * ARCHIVED season's board has left Redis and is served from its archive in
 * PostgreSQL, with the same ranks.
 */
export function boardSourceFor(deps: ReadDeps, season: Pick<Season, 'state'>): BoardSource {
  return season.state === 'ARCHIVED' ? archiveBoard(deps) : redisBoard(deps);
}

/** Whether PostgreSQL holds standings with points for the season, i.e. a board that lacks them is wrong. */
async function hasStandings(deps: ReadDeps, seasonId: string): Promise<boolean> {
  const [row] = await deps.db.$queryRaw<Array<{ found: boolean }>>`
    SELECT EXISTS (SELECT 1 FROM season_standings WHERE season_id = ${seasonId} AND points <> 0) AS found`;
  return row?.found ?? false;
}

/**
 * Reads a board from its source. When Redis cannot be read, the same answer is
 * computed from PostgreSQL's standings (exact as of the last commit, only
 * slower) and flagged `stale: true`: the live path is degraded, so the client
 * should not expect live updates to keep it current. So is a board that is not
 * whole (Redis lost it and the rebuild has not finished: see boardReadyKey)
 * while PostgreSQL has standings for the season; an empty season reads the same
 * from either and is not stale.
 */
async function readBoard<T>(deps: ReadDeps, season: Season, read: (source: BoardSource) => Promise<T>) {
  const source = boardSourceFor(deps, season);
  try {
    return { value: await read(source), stale: false };
  } catch (error) {
    if (season.state === 'ARCHIVED') throw error;
    if (error instanceof BoardNotReadyError) {
      const [value, stale] = await Promise.all([read(postgresBoard(deps)), hasStandings(deps, season.id)]);
      if (stale) deps.logger.debug({ seasonId: season.id }, 'season board is being rebuilt in Redis; serving it from PostgreSQL');
      return { value, stale };
    }
    deps.logger.warn({ err: error, seasonId: season.id }, 'season board unreadable in Redis; serving it from PostgreSQL');
    return { value: await read(postgresBoard(deps)), stale: true };
  }
}

/**
 * Leaves out board entries that are not users: a member that is no user id
 * (garbage written to Redis by hand) or the id of no user (a deleted one).
 * Checked through the users' process cache, which then names them for free. Such a read is flagged `stale`: the
 * board is wrong until leaderboard.reconcile removes the member, and the
 * ranks below it count it.
 */
async function onlyUsers(deps: PageDeps, seasonId: string, entries: RankedStanding[]): Promise<{ entries: RankedStanding[]; skipped: boolean }> {
  const ids = entries.map((entry) => entry.userId).filter((id) => Number.isInteger(id) && id > 0 && id <= MAX_USER_ID);
  const known = await existingUserIds(deps, ids);
  const kept = entries.filter((entry) => known.has(entry.userId));
  const skipped = entries.length - kept.length;
  if (skipped === 0) return { entries, skipped: false };
  deps.metrics.leaderboardForeignMembers.inc(skipped);
  deps.logger.warn({ seasonId, skipped }, 'season board has members that are not users; skipped them until leaderboard.reconcile removes them');
  return { entries: kept, skipped: true };
}

/** A page of a season's leaderboard, its size, and the viewer's standing (null when they have no points). */
export async function getLeaderboard(
  deps: PageDeps,
  input: { seasonId?: string | null; first: number; offset: number; viewerId: number | null },
) {
  const season = await resolveSeason(deps, input.seasonId);
  const { value, stale } = await readBoard(deps, season, (source) =>
    source.page(season.id, { offset: input.offset, limit: input.first, viewerId: input.viewerId }),
  );
  const { entries, skipped } = await onlyUsers(deps, season.id, value.entries);
  return { season, entries, totalParticipants: value.total, viewer: value.viewer, stale: stale || skipped };
}

/** A user's standing with up to `radius` entries above and below; no entries when the user has no points. */
export async function getLeaderboardAround(deps: PageDeps, input: { seasonId?: string | null; userId: number; radius: number }) {
  const season = await resolveSeason(deps, input.seasonId);
  const { value, stale } = await readBoard(deps, season, (source) => source.around(season.id, input.userId, input.radius));
  const { entries, skipped } = await onlyUsers(deps, season.id, value.entries);
  return { season, entries, totalParticipants: value.total, standing: value.standing, stale: stale || skipped };
}

/** Standings of the given users in a season (those on its board), and whether they came from the fallback. */
function standingsIn(deps: ReadDeps, season: Season, userIds: readonly number[]) {
  return readBoard(deps, season, (source) => source.standings(season.id, userIds));
}

/**
 * Standings of up to 100 users, in the order asked (duplicates dropped): one
 * Redis round trip, or one SQL query on the fallback. Users without points
 * have no rank and 0 points.
 */
export async function getStandings(deps: ReadDeps, input: { seasonId?: string | null; userIds: readonly number[] }) {
  const season = await resolveSeason(deps, input.seasonId);
  const userIds = [...new Set(input.userIds)];
  const { value, stale } = await standingsIn(deps, season, userIds);
  const standings = userIds.map((userId) => ({ userId, rank: value.get(userId)?.rank ?? null, points: value.get(userId)?.points ?? 0 }));
  return { season, standings, stale };
}

/** One user's standing in a season, or null when they have no points there. */
export async function getStanding(
  deps: ReadDeps,
  season: Season,
  userId: number,
): Promise<{ standing: RankedStanding | null; stale: boolean }> {
  const { value, stale } = await standingsIn(deps, season, [userId]);
  return { standing: value.get(userId) ?? null, stale };
}
