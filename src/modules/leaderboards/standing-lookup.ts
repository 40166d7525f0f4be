import type { Deps } from '../../lib/app-deps.js';
import { decodeBoardScore } from './board-score.js';
import { boardKeys } from './board-store.js';
import { postgresBoard } from './postgres-board.js';

/** What `myStanding` and `standingChanged` push: a place on a season board; null without points. */
export interface LiveStanding {
  rank: number;
  points: number;
}

type LookupDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger'>;

/** Replies of a pipeline, throwing the first error (e.g. Redis unreachable). */
async function exec(pipeline: ReturnType<Deps['redis']['pipeline']>): Promise<unknown[]> {
  const replies = await pipeline.exec();
  if (!replies) throw new Error('Redis pipeline was discarded');
  return replies.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}

/**
 * Standings of many users in one season, in the order asked, in ONE Redis
 * round trip: a pipeline of EXISTS on the board, then ZREVRANK + ZSCORE per
 * user. This is the StandingWatcher's lookup, run once per window per season
 * for every user watched on this instance, so its cost does not grow with
 * the number of awards.
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
  const { board } = boardKeys(deps.keys, seasonId);
  try {
    const pipeline = deps.redis.pipeline().exists(board);
    for (const userId of userIds) pipeline.zrevrank(board, String(userId)).zscore(board, String(userId));
    const replies = await exec(pipeline);
    if (replies[0] === 1) {
      return userIds.map((_userId, index) => {
        const rank = replies[1 + 2 * index] as number | null;
        const score = replies[2 + 2 * index] as string | null;
        return rank === null || score === null ? null : { rank: rank + 1, points: decodeBoardScore(score).points };
      });
    }
  } catch (error) {
    deps.logger.warn({ err: error, seasonId }, 'standings unreadable in Redis; reading them from PostgreSQL');
  }
  const standings = await postgresBoard(deps).standings(seasonId, userIds);
  return userIds.map((userId) => {
    const standing = standings.get(userId);
    return standing ? { rank: standing.rank, points: standing.points } : null;
  });
}
