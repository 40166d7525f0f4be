import type { Season } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import { archiveBoard } from './archive-board.js';
import type { BoardSource, RankedStanding } from './board-source.js';
import { redisBoard } from './board-store.js';
import { postgresBoard } from './postgres-board.js';
import { resolveSeason } from './seasons.service.js';

type ReadDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'config'>;

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

/**
 * Reads a board from its source. When Redis cannot be read, the same answer is
 * computed from PostgreSQL's standings (exact as of the last commit, only
 * slower) and flagged `stale: true`: the live path is degraded, so the client
 * should not expect live updates to keep it current.
 */
async function readBoard<T>(deps: ReadDeps, season: Season, read: (source: BoardSource) => Promise<T>) {
  const source = boardSourceFor(deps, season);
  try {
    return { value: await read(source), stale: false };
  } catch (error) {
    if (season.state === 'ARCHIVED') throw error;
    deps.logger.warn({ err: error, seasonId: season.id }, 'season board unreadable in Redis; serving it from PostgreSQL');
    return { value: await read(postgresBoard(deps)), stale: true };
  }
}

/** A page of a season's leaderboard, its size, and the viewer's standing (null when they have no points). */
export async function getLeaderboard(
  deps: ReadDeps,
  input: { seasonId?: string | null; first: number; offset: number; viewerId: number | null },
) {
  const season = await resolveSeason(deps, input.seasonId);
  const { value, stale } = await readBoard(deps, season, (source) =>
    source.page(season.id, { offset: input.offset, limit: input.first, viewerId: input.viewerId }),
  );
  return { season, entries: value.entries, totalParticipants: value.total, viewer: value.viewer, stale };
}

/** A user's standing with up to `radius` entries above and below; no entries when the user has no points. */
export async function getLeaderboardAround(deps: ReadDeps, input: { seasonId?: string | null; userId: number; radius: number }) {
  const season = await resolveSeason(deps, input.seasonId);
  const { value, stale } = await readBoard(deps, season, (source) => source.around(season.id, input.userId, input.radius));
  return { season, entries: value.entries, totalParticipants: value.total, standing: value.standing, stale };
}

/**
 * Standings of up to 100 users, in the order asked (duplicates dropped): one
 * Redis round trip, or one SQL query on the fallback. Users without points
 * have no rank and 0 points.
 */
export async function getStandings(deps: ReadDeps, input: { seasonId?: string | null; userIds: readonly number[] }) {
  const season = await resolveSeason(deps, input.seasonId);
  const userIds = [...new Set(input.userIds)];
  const { value, stale } = await readBoard(deps, season, (source) => source.standings(season.id, userIds));
  const standings = userIds.map((userId) => ({ userId, rank: value.get(userId)?.rank ?? null, points: value.get(userId)?.points ?? 0 }));
  return { season, standings, stale };
}

/** One user's standing in a season, or null when they have no points there. */
export async function getStanding(
  deps: ReadDeps,
  season: Season,
  userId: number,
): Promise<{ standing: RankedStanding | null; stale: boolean }> {
  const { value, stale } = await readBoard(deps, season, (source) => source.standings(season.id, [userId]));
  return { standing: value.get(userId) ?? null, stale };
}
