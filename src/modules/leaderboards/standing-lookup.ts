import type { Deps } from '../../lib/app-deps.js';
import { parsePeriodRef, type BoardTarget } from './board-definition.js';
import type { RankedStanding } from './board-source.js';
import { readStandings, redisBoard } from './board-store.js';
import { getBoard } from './board-periods.service.js';
import { postgresBoard } from './postgres-board.js';

/** What `myStanding` and `standingChanged` push: a place on a board, with the board's size; null when not on it. */
export interface LiveStanding {
  rank: number;
  score: number;
  total: number | null;
}

type LookupDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'boardCache'>;

/**
 * Standings of many users in one board period, in the order asked, in one
 * Redis round trip (see readStandings) plus the board's size. This is the
 * StandingWatcher's lookup, run once per window per period for every user
 * watched on this instance, so its cost does not grow with the number of
 * writes.
 *
 * When Redis cannot be read, or holds no whole board for the period (lost
 * before `leaderboard.sync` rebuilds it, or archived), PostgreSQL answers
 * instead: a missing board must not read as "nobody is on it".
 */
export async function lookupStandings(deps: LookupDeps, ref: string, userIds: readonly number[]): Promise<Array<LiveStanding | null>> {
  if (userIds.length === 0) return [];
  const board = await getBoard(deps, parsePeriodRef(ref).boardKey);
  // The archive month is not needed: live standings are read from Redis or from board_standings.
  const target: BoardTarget = { ref, order: board.order, archiveMonth: '' };
  let standings: Map<number, RankedStanding> | null = null;
  let total: number | null = null;
  try {
    [standings, total] = await Promise.all([
      readStandings(deps, target, userIds, 'ORDINAL'),
      redisBoard(deps)
        .page(target, { offset: 0, limit: 0, viewerId: null, rankMode: 'ORDINAL' })
        .then((page) => page.total, () => null),
    ]);
  } catch (error) {
    deps.logger.warn({ err: error, ref }, 'standings unreadable in Redis; reading them from PostgreSQL');
  }
  if (!standings) {
    const source = postgresBoard(deps);
    [standings, total] = await Promise.all([
      source.standings(target, userIds, 'ORDINAL'),
      source.page(target, { offset: 0, limit: 0, viewerId: null, rankMode: 'ORDINAL' }).then((page) => page.total),
    ]);
  }
  const found = standings;
  return userIds.map((userId) => {
    const standing = found.get(userId);
    return standing ? { rank: standing.rank, score: standing.score, total } : null;
  });
}
