import type { Deps } from '../../lib/app-deps.js';
import type { KeySpace, Redis } from '../../infra/redis.js';
import type { BoardPage, BoardSource, BoardWindow, RankedStanding } from './board-source.js';
import { decodeBoardScore } from './board-score.js';
import { defineLuaScript, runScript } from '../../lib/lua-script.js';
import type { BoardKeys } from './board-script.js';

/**
 * Redis keys of a season's board. The season is the hash tag, so the sorted
 * set, its versions hash and its seal live in one Redis Cluster slot, as the
 * write script needs.
 */
export function boardKeys(keys: KeySpace, seasonId: string): Required<BoardKeys> {
  const tag = `{${seasonId}}`;
  return { board: keys.key('lb', tag, 'board'), versions: keys.key('lb', tag, 'versions'), sealed: keys.key('lb', tag, 'sealed') };
}

/** Pairs `[member, score, member, score, …]` from a WITHSCORES reply into ranked standings. */
function toStandings(reply: readonly string[], firstRank: number): RankedStanding[] {
  const entries: RankedStanding[] = [];
  for (let index = 0; index + 1 < reply.length; index += 2) {
    entries.push({
      userId: Number(reply[index]),
      rank: firstRank + index / 2,
      points: decodeBoardScore(reply[index + 1] as string).points,
    });
  }
  return entries;
}

/** Runs a pipeline and returns its replies, throwing the first error (e.g. Redis unreachable). */
async function execPipeline(pipeline: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
  const replies = await pipeline.exec();
  if (!replies) throw new Error('Redis pipeline was discarded');
  return replies.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}

function standingOf(userId: number, rank: unknown, score: unknown): RankedStanding | null {
  if (rank === null || score === null || rank === undefined || score === undefined) return null;
  return { userId, rank: Number(rank) + 1, points: decodeBoardScore(score as string).points };
}

/**
 * KEYS = [board]; ARGV = [userId, radius]. One atomic call, so the window and
 * the user's rank come from the same state of the board.
 */
const AROUND = defineLuaScript(
  `local rank = redis.call('ZREVRANK', KEYS[1], ARGV[1])
local total = redis.call('ZCARD', KEYS[1])
if not rank then return {-1, total, 0, {}} end
local radius = tonumber(ARGV[2])
local first = math.max(rank - radius, 0)
return {rank, total, first, redis.call('ZREVRANGE', KEYS[1], first, rank + radius, 'WITHSCORES')}`,
  1,
);

/** The live board of a season: its Redis sorted set, whose score order is the final rank order. */
export function redisBoard(deps: Pick<Deps, 'redis' | 'keys'>): BoardSource {
  const { redis } = deps;
  return {
    async page(seasonId, { offset, limit, viewerId }): Promise<BoardPage> {
      const { board } = boardKeys(deps.keys, seasonId);
      const pipeline = redis.pipeline().zcard(board);
      // ZREVRANGE 0 -1 would mean "everything", so an empty page is not asked for at all.
      if (limit > 0) pipeline.zrevrange(board, offset, offset + limit - 1, 'WITHSCORES');
      if (viewerId !== null) pipeline.zrevrank(board, String(viewerId)).zscore(board, String(viewerId));
      const replies = await execPipeline(pipeline);
      const total = Number(replies[0]);
      const entries = limit > 0 ? toStandings(replies[1] as string[], offset + 1) : [];
      const at = limit > 0 ? 2 : 1;
      const viewer = viewerId === null ? null : standingOf(viewerId, replies[at], replies[at + 1]);
      return { entries, total, viewer };
    },

    async standings(seasonId, userIds) {
      const { board } = boardKeys(deps.keys, seasonId);
      const result = new Map<number, RankedStanding>();
      if (userIds.length === 0) return result;
      const pipeline = redis.pipeline();
      for (const userId of userIds) pipeline.zrevrank(board, String(userId)).zscore(board, String(userId));
      const replies = await execPipeline(pipeline);
      userIds.forEach((userId, index) => {
        const standing = standingOf(userId, replies[2 * index], replies[2 * index + 1]);
        if (standing) result.set(userId, standing);
      });
      return result;
    },

    async around(seasonId, userId, radius): Promise<BoardWindow> {
      const { board } = boardKeys(deps.keys, seasonId);
      const [reply] = await runScript(redis, AROUND, [{ keys: [board], args: [String(userId), String(radius)] }]);
      const [rank, total, first, window] = reply as [number, number, number, string[]];
      if (rank < 0) return { entries: [], total, standing: null };
      const entries = toStandings(window, first + 1);
      return { entries, total, standing: entries.find((entry) => entry.userId === userId) ?? null };
    },
  };
}
