import type { Deps } from '../../lib/app-deps.js';
import type { KeySpace } from '../../infra/redis.js';
import type { BoardPage, BoardSource, BoardWindow, RankedStanding } from './board-source.js';
import { decodeBoardScore } from './board-score.js';
import { defineLuaScript, runScript } from '../../lib/lua-script.js';
import { execPipeline } from '../../lib/redis-pipeline.js';
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

/**
 * Present while the season's board in Redis is whole: written when the
 * season is created (an empty board is whole) and when `leaderboard.sync`
 * finishes rebuilding a board Redis lost. Redis losing its data takes the
 * marker with it, so a board that live writes have started again is not
 * mistaken for a whole one. Same hash tag as the board: same cluster slot.
 */
export function boardReadyKey(keys: KeySpace, seasonId: string): string {
  return keys.key('lb', `{${seasonId}}`, 'ready');
}

/**
 * Thrown by a Redis board read when the board is not known to be whole: its
 * ready marker is missing (Redis lost its data and the rebuild has not
 * finished) or the board is empty (never written, or evicted). The reader
 * answers from PostgreSQL instead (leaderboards.service.ts).
 */
export class BoardNotReadyError extends Error {
  constructor(readonly seasonId: string) {
    super(`The Redis board of season ${seasonId} is not whole`);
    this.name = 'BoardNotReadyError';
  }
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


function standingOf(userId: number, rank: unknown, score: unknown): RankedStanding | null {
  if (rank === null || score === null || rank === undefined || score === undefined) return null;
  return { userId, rank: Number(rank) + 1, points: decodeBoardScore(score as string).points };
}

/**
 * Standings of the given users (those on the board) in ONE Redis round trip:
 * a pipeline of the two facts that make the board whole (its size and its
 * ready marker), then ZREVRANK + ZSCORE per user. Null when the board is not
 * whole (lost, or partly written again by live awards before
 * `leaderboard.sync` rebuilt it), so a caller can tell a lost board from
 * "nobody of them has points".
 */
export async function readStandings(
  deps: Pick<Deps, 'redis' | 'keys'>,
  seasonId: string,
  userIds: readonly number[],
): Promise<Map<number, RankedStanding> | null> {
  const { board } = boardKeys(deps.keys, seasonId);
  const pipeline = deps.redis.pipeline().zcard(board).exists(boardReadyKey(deps.keys, seasonId));
  for (const userId of userIds) pipeline.zrevrank(board, String(userId)).zscore(board, String(userId));
  const replies = await execPipeline(pipeline);
  if (Number(replies[0]) === 0 || replies[1] !== 1) return null;
  const result = new Map<number, RankedStanding>();
  userIds.forEach((userId, index) => {
    const standing = standingOf(userId, replies[2 + 2 * index], replies[3 + 2 * index]);
    if (standing) result.set(userId, standing);
  });
  return result;
}

/**
 * KEYS = [board, ready marker]; ARGV = [userId, radius]. One atomic call, so
 * the window and the user's rank come from the same state of the board.
 * Returns {-2} when the board is not whole (no ready marker, or empty).
 */
const AROUND = defineLuaScript(
  `local total = redis.call('ZCARD', KEYS[1])
if total == 0 or redis.call('EXISTS', KEYS[2]) == 0 then return {-2} end
local rank = redis.call('ZREVRANK', KEYS[1], ARGV[1])
if not rank then return {-1, total, 0, {}} end
local radius = tonumber(ARGV[2])
local first = math.max(rank - radius, 0)
return {rank, total, first, redis.call('ZREVRANGE', KEYS[1], first, rank + radius, 'WITHSCORES')}`,
  2,
);

/**
 * The live board of a season: its Redis sorted set, whose score order is the
 * final rank order. Every read checks, in the same round trip, that the board
 * is whole, and throws {@link BoardNotReadyError} when it is not.
 */
export function redisBoard(deps: Pick<Deps, 'redis' | 'keys'>): BoardSource {
  const { redis } = deps;
  /** Starts a read's pipeline with the two facts that make the board whole: its size and its ready marker. */
  const checked = (seasonId: string) => {
    const { board } = boardKeys(deps.keys, seasonId);
    return { board, pipeline: redis.pipeline().zcard(board).exists(boardReadyKey(deps.keys, seasonId)) };
  };
  const whole = (seasonId: string, replies: unknown[]) => {
    if (Number(replies[0]) === 0 || replies[1] !== 1) throw new BoardNotReadyError(seasonId);
    return Number(replies[0]);
  };
  return {
    async page(seasonId, { offset, limit, viewerId }): Promise<BoardPage> {
      const { board, pipeline } = checked(seasonId);
      // ZREVRANGE 0 -1 would mean "everything", so an empty page is not asked for at all.
      if (limit > 0) pipeline.zrevrange(board, offset, offset + limit - 1, 'WITHSCORES');
      if (viewerId !== null) pipeline.zrevrank(board, String(viewerId)).zscore(board, String(viewerId));
      const replies = await execPipeline(pipeline);
      const total = whole(seasonId, replies);
      const entries = limit > 0 ? toStandings(replies[2] as string[], offset + 1) : [];
      const at = limit > 0 ? 3 : 2;
      const viewer = viewerId === null ? null : standingOf(viewerId, replies[at], replies[at + 1]);
      return { entries, total, viewer };
    },

    async standings(seasonId, userIds) {
      if (userIds.length === 0) return new Map();
      const standings = await readStandings(deps, seasonId, userIds);
      if (!standings) throw new BoardNotReadyError(seasonId);
      return standings;
    },

    async around(seasonId, userId, radius): Promise<BoardWindow> {
      const { board } = boardKeys(deps.keys, seasonId);
      const [reply] = await runScript(redis, AROUND, [{ keys: [board, boardReadyKey(deps.keys, seasonId)], args: [String(userId), String(radius)] }]);
      const [rank, total, first, window] = reply as [number, number, number, string[]];
      if (rank === -2) throw new BoardNotReadyError(seasonId);
      if (rank < 0) return { entries: [], total, standing: null };
      const entries = toStandings(window, first + 1);
      return { entries, total, standing: entries.find((entry) => entry.userId === userId) ?? null };
    },
  };
}
