import type { Redis, KeySpace } from '../../infra/redis.js';
import { defineLuaScript, runScript } from '../../lib/lua-script.js';
import { writeArgs, writeKeys, type StandingWrite, type WriteTarget } from './board-script.js';
import { WRITE_LUA_HELPERS } from './board-write-lua.js';

/**
 * ARGV as the writer's: [userId, version, ranked, sortScore, member, seqHex].
 *
 * Like the writer, but for repairs: the standing's own version may be
 * re-asserted (only a newer stored version wins), since a damaged board can
 * hold a wrong entry under the right version. The board is checked again
 * inside the script, so an entry that is right by now (a live write got there
 * first) is left alone and not counted. Returns 1 when it changed the board.
 *
 * A damaged board may also hold wrong counts in `scoreCounts` (e.g. an entry
 * whose score was changed behind the writer's back), so the scores a repair
 * touches are counted again from the board (ZCOUNT) rather than adjusted.
 */
const REPAIR_STANDING = defineLuaScript(
  `${WRITE_LUA_HELPERS}
local stored = redis.call('HGET', versions, ARGV[1])
if stored and tonumber(stored) > tonumber(ARGV[2]) then
  return 0
end
local old = redis.call('HGET', members, ARGV[1])
local oldScore = old and redis.call('ZSCORE', board, old)
if ARGV[3] == '1' then
  if old == ARGV[5] and oldScore and tonumber(oldScore) == tonumber(ARGV[4]) then return 0 end
  if old then removeMember(old) end
  addMember(ARGV[1], ARGV[4], ARGV[5])
  recount(redis.call('ZSCORE', board, ARGV[5]))
else
  if not old then return 0 end
  removeMember(old)
  redis.call('HDEL', members, ARGV[1])
end
recount(oldScore)
if not stored or tonumber(stored) < tonumber(ARGV[2]) then
  redis.call('HSET', versions, ARGV[1], ARGV[2])
end
raiseMaxSeq(ARGV[6])
return 1`,
  6,
);

/**
 * Puts each standing on the board period as given (unranked removes the
 * member), unless the board holds a newer version of it or is right already.
 * Ignores the seal: reconcile repairs what a board holds. One pipelined round trip.
 * @returns per standing, whether the board was changed.
 * @throws RangeError for out-of-range input (nothing is sent to Redis).
 */
export async function repairStandings(
  redis: Redis,
  keySpace: KeySpace,
  target: WriteTarget,
  writes: readonly StandingWrite[],
): Promise<boolean[]> {
  const keys = writeKeys(keySpace, target.ref, false);
  const calls = writes.map((write) => ({ keys, args: writeArgs(target, write) }));
  const replies = await runScript(redis, REPAIR_STANDING, calls);
  return replies.map((reply) => reply === 1);
}

/**
 * KEYS as the writer's; ARGV = pairs [member, userId or ''].
 * Removes members that are on the board but are not the entry the members
 * hash gives their user (or name no user at all): strays that only a write
 * behind the script's back can leave. Checked inside the script, so the
 * entry a live write has just made for the user is never removed. The scores
 * they held are counted again from the board.
 */
const REMOVE_STRAYS = defineLuaScript(
  `${WRITE_LUA_HELPERS}
local removed = 0
for i = 1, #ARGV, 2 do
  local member, userId = ARGV[i], ARGV[i + 1]
  local current = userId ~= '' and redis.call('HGET', members, userId)
  local held = redis.call('ZSCORE', board, member)
  if held and current ~= member then
    redis.call('ZREM', board, member)
    recount(held)
    removed = removed + 1
  end
end
return removed`,
  6,
);

/**
 * Removes stray members of a board period (see REMOVE_STRAYS): `userId` null
 * for a member that names no user. One round trip.
 * @returns how many were removed.
 */
export async function removeStrays(
  redis: Redis,
  keySpace: KeySpace,
  target: WriteTarget,
  strays: ReadonlyArray<{ member: string; userId: number | null }>,
): Promise<number> {
  if (strays.length === 0) return 0;
  const keys = writeKeys(keySpace, target.ref, false);
  const args = strays.flatMap((stray) => [stray.member, stray.userId === null ? '' : String(stray.userId)]);
  const [removed] = await runScript(redis, REMOVE_STRAYS, [{ keys, args }]);
  return Number(removed);
}
