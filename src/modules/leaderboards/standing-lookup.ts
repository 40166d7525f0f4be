import type { Deps } from '../../lib/app-deps.js';
import type { RankedStanding } from './board-source.js';
import { readStandings } from './board-store.js';
import { postgresBoard } from './postgres-board.js';

/** What `myStanding` and `standingChanged` push: a place on a season board; null without points. */
export interface LiveStanding {
  rank: number;
  points: number;
}

type LookupDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger'>;

/**
 * Standings of many users in one season, in the order asked, in ONE Redis
 * round trip (see readStandings). This is the StandingWatcher's lookup, run
 * once per window per season for every user watched on this instance, so its
 * cost does not grow with the number of awards.
 *
 * When Redis cannot be read, or holds no board for the season (lost before
 * `leaderboard.sync` rebuilds it, or archived), one PostgreSQL query answers
 * instead: a missing board must not read as "nobody has points".
 */
export async function lookupStandings(
  deps: LookupDeps,
  seasonId: string,
  userIds: readonly number[],
): Promise<Array<LiveStanding | null>> {
  if (userIds.length === 0) return [];
  let standings: Map<number, RankedStanding> | null = null;
  try {
    standings = await readStandings(deps, seasonId, userIds);
  } catch (error) {
    deps.logger.warn({ err: error, seasonId }, 'standings unreadable in Redis; reading them from PostgreSQL');
  }
  standings ??= await postgresBoard(deps).standings(seasonId, userIds);
  return userIds.map((userId) => {
    const standing = standings.get(userId);
    return standing ? { rank: standing.rank, points: standing.points } : null;
  });
}
