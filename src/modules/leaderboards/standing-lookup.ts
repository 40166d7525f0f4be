import type { Deps } from '../../lib/app-deps.js';
import { parsePeriodRef, type BoardTarget } from './board-definition.js';
import type { BoardStandings } from './board-source.js';
import { layoutOf } from './board-layout.js';
import { getBoard } from './board-periods.service.js';
import { liveBoardOf } from './board-storage.js';
import { BoardNotReadyError } from './board-store.js';
import { requestBucketRebuild } from './bucket-rebuild.js';
import { BucketBoardBrokenError } from './bucketed/index.js';
import { MAX_STANDINGS_USERS } from './board-read-limits.js';
import { postgresBoard } from './postgres-board.js';

/** What `myStanding` and `standingChanged` push: a place on a board, with the board's size; null when not on it. */
export interface LiveStanding {
  rank: number;
  score: number;
  total: number;
}

type LookupDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'boardCache' | 'now' | 'queues'>;

/**
 * Standings of many users in one board period, in the order asked, with the
 * board's size. This is the StandingWatcher's lookup, run once per window per
 * period for every user watched on this instance, so its cost does not grow
 * with the number of writes. Users are read MAX_STANDINGS_USERS at a time
 * (what one read takes; one Redis round trip each, or one per bucket and user
 * shard touched on a bucketed board), the reads sent together: one instance
 * may watch 10,000 users of a period, and a read over the limit would fail
 * every time, leaving every one of them without updates.
 *
 * When Redis cannot be read, or holds no whole board for the period (lost
 * before `leaderboard.sync` rebuilds it, or archived), PostgreSQL answers
 * instead: a missing board must not read as "nobody is on it".
 */
export async function lookupStandings(deps: LookupDeps, ref: string, userIds: readonly number[]): Promise<Array<LiveStanding | null>> {
  if (userIds.length === 0) return [];
  const board = await getBoard(deps, parsePeriodRef(ref).boardKey);
  // The archive month is not needed: live standings are read from Redis or from board_standings.
  const target: BoardTarget = { ref, order: board.order, archiveMonth: '', layout: layoutOf(board) };
  const chunks: Array<readonly number[]> = [];
  for (let start = 0; start < userIds.length; start += MAX_STANDINGS_USERS) chunks.push(userIds.slice(start, start + MAX_STANDINGS_USERS));
  return (await Promise.all(chunks.map((chunk) => lookupChunk(deps, target, chunk)))).flat();
}

/** At most MAX_STANDINGS_USERS standings, from Redis or else PostgreSQL. */
async function lookupChunk(deps: LookupDeps, target: BoardTarget, userIds: readonly number[]): Promise<Array<LiveStanding | null>> {
  let standings: BoardStandings | null = null;
  try {
    standings = await liveBoardOf(deps, target).standings(target, userIds, 'ORDINAL');
  } catch (error) {
    if (error instanceof BucketBoardBrokenError) await requestBucketRebuild(deps, target.ref);
    if (!(error instanceof BoardNotReadyError)) deps.logger.warn({ err: error, ref: target.ref }, 'standings unreadable in Redis; reading them from PostgreSQL');
  }
  standings ??= await postgresBoard(deps).standings(target, userIds, 'ORDINAL');
  const { byUser, total } = standings;
  return userIds.map((userId) => {
    const standing = byUser.get(userId);
    return standing ? { rank: standing.rank, score: standing.score, total } : null;
  });
}
