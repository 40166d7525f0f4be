import type { Redis } from 'ioredis';
import { encodeBoardScore } from './board-score.js';
import { defineLuaScript, runScript } from '../../lib/lua-script.js';
import type { BoardKeys, StandingWrite } from './board-script.js';

/**
 * KEYS = [board, versions]; ARGV = [userId, version, points, score].
 *
 * Like the writer, but for repairs: the standing's own version may be
 * re-asserted (only a newer stored version wins), since a damaged board can
 * hold a wrong score under the right version. The board is checked again
 * inside the script, so an entry that is right by now (a live write got there
 * first) is left alone and not counted. Returns 1 when it changed the board.
 */
const REPAIR_STANDING = defineLuaScript(
  `local stored = redis.call('HGET', KEYS[2], ARGV[1])
if stored and tonumber(stored) > tonumber(ARGV[2]) then
  return 0
end
local current = redis.call('ZSCORE', KEYS[1], ARGV[1])
if tonumber(ARGV[3]) == 0 then
  if not current then return 0 end
  redis.call('ZREM', KEYS[1], ARGV[1])
else
  if current and tonumber(current) == tonumber(ARGV[4]) then return 0 end
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
end
if tonumber(ARGV[2]) > 0 and (not stored or tonumber(stored) < tonumber(ARGV[2])) then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
end
return 1`,
  2,
);

/**
 * Puts each standing on the board as given (points 0 removes the member),
 * unless the board holds a newer version of it or is right already. One
 * pipelined round trip.
 * @returns per standing, whether the board was changed.
 */
export async function repairStandings(redis: Redis, keys: BoardKeys, standings: readonly StandingWrite[]): Promise<boolean[]> {
  const calls = standings.map(({ userId, version, points, seq }) => ({
    keys: [keys.board, keys.versions],
    args: [userId, String(version), String(points), String(encodeBoardScore(points, seq))],
  }));
  const replies = await runScript(redis, REPAIR_STANDING, calls);
  return replies.map((reply) => reply === 1);
}
