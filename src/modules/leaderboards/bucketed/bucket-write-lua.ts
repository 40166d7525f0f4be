import { defineLuaScript } from '../../../lib/lua-script.js';

/**
 * The scripts of a bucketed write (see bucket-write.ts for the protocol).
 * Each touches one hash tag only, so each is atomic in Redis Cluster too.
 */

/**
 * Shard, local path. KEYS = [versions, at]; ARGV = [userId, version, target bucket or ''].
 * Claims the write when the user already sits, settled, in the target bucket
 * (or is off the board and stays off): the write then changes one bucket only.
 * Returns 1 claimed, 0 refused (stale version), -1 not local (take the move path).
 */
export const CLAIM_LOCAL = defineLuaScript(
  `local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored and tonumber(stored) >= tonumber(ARGV[2]) then return 0 end
local at = redis.call('HGET', KEYS[2], ARGV[1]) or ''
if at ~= ARGV[3] then return -1 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`,
  2,
);

/**
 * Shard, move path (run after the move is registered at home).
 * KEYS = [versions, at]; ARGV = [userId, version, target bucket or ''].
 * Returns {0} refused, or {1, previous bucket or ''}; marks the target pending (`*`).
 */
export const CLAIM_MOVE = defineLuaScript(
  `local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored and tonumber(stored) >= tonumber(ARGV[2]) then return {0} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local at = redis.call('HGET', KEYS[2], ARGV[1]) or ''
local previous = string.gsub(at, '%*', '')
if ARGV[3] == '' then redis.call('HDEL', KEYS[2], ARGV[1]) else redis.call('HSET', KEYS[2], ARGV[1], ARGV[3] .. '*') end
return {1, previous}`,
  2,
);

/** Shard: clears the pending mark once the move's bucket writes are done, unless a newer write claimed since. KEYS = [versions, at]; ARGV = [userId, version]. */
export const SETTLE = defineLuaScript(
  `if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
local at = redis.call('HGET', KEYS[2], ARGV[1])
if at then redis.call('HSET', KEYS[2], ARGV[1], (string.gsub(at, '%*', ''))) end
return 1`,
  2,
);

/**
 * Home: registers a move (KEYS = [moves, started, sealed]; ARGV = [move id, honour seal '1'|'0']).
 * Its start is Redis's TIME (ms), the clock a reader measures its age by
 * (READ_HOME): one clock, whatever the clocks of the app instances say.
 * Returns 0 when the board is sealed and the seal is honoured.
 */
export const BEGIN_MOVE = defineLuaScript(
  `if ARGV[2] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local now = redis.call('TIME')
redis.call('HSET', KEYS[1], ARGV[1], string.format('%.0f', tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)))
redis.call('INCR', KEYS[2])
return 1`,
  3,
);

/**
 * Home: what a writer whose move failed half-way does to it (KEYS = [moves];
 * ARGV = [move id]): its start becomes 0, so the next reader finds it stuck
 * at once and asks for the board's rebuild. Left alone when the move is not
 * registered any more (a rebuild already replaced the board).
 */
export const MOVE_FAILED = defineLuaScript(
  `if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], '0')
return 1`,
  1,
);

/** Home: applies a move's count change and/or ends it. KEYS = [moves, counts]; ARGV = [move id, from bucket or '', to bucket or '', finish '1'|'0']. */
export const COUNT_MOVE = defineLuaScript(
  `if ARGV[2] ~= '' then redis.call('HINCRBY', KEYS[2], ARGV[2], -1) end
if ARGV[3] ~= '' then redis.call('HINCRBY', KEYS[2], ARGV[3], 1) end
if ARGV[4] == '1' then redis.call('HDEL', KEYS[1], ARGV[1]) end
return 1`,
  2,
);

/**
 * Bucket: sets or removes a user's member. KEYS = [board, scores, scoreCounts, owners, maxSeq];
 * ARGV = [userId, version, '1' add | '0' remove, sortScore, member, seqHex].
 * Each bucket keeps its own largest seq (the board's is the largest of them),
 * so an in-bucket write never touches the home slot.
 * Refused (0) when the bucket saw a same or newer version of the user: writes
 * of one user reach a bucket in any order and the newest wins. A removal
 * leaves `<version>|` behind so an older add arriving late stays refused.
 */
export const BUCKET_WRITE = defineLuaScript(
  `local board, scores, scoreCounts, owners = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local function hexLess(a, b)
  local ah, bh = tonumber(string.sub(a, 1, 8), 16) or 0, tonumber(string.sub(b, 1, 8), 16) or 0
  if ah ~= bh then return ah < bh end
  return (tonumber(string.sub(a, 9, 16), 16) or 0) < (tonumber(string.sub(b, 9, 16), 16) or 0)
end
local owned = redis.call('HGET', owners, ARGV[1])
local bar = owned and string.find(owned, '|', 1, true)
if owned and tonumber(string.sub(owned, 1, bar - 1)) >= tonumber(ARGV[2]) then return 0 end
if owned and bar < #owned then
  local old = string.sub(owned, bar + 1)
  local text = redis.call('ZSCORE', board, old)
  if text then
    redis.call('ZREM', board, old)
    if redis.call('HINCRBY', scoreCounts, text, -1) <= 0 then
      redis.call('HDEL', scoreCounts, text)
      redis.call('ZREM', scores, text)
    end
  end
end
if ARGV[3] == '1' then
  redis.call('ZADD', board, ARGV[4], ARGV[5])
  local text = redis.call('ZSCORE', board, ARGV[5])
  redis.call('HINCRBY', scoreCounts, text, 1)
  redis.call('ZADD', scores, ARGV[4], text)
  redis.call('HSET', owners, ARGV[1], ARGV[2] .. '|' .. ARGV[5])
  local current = redis.call('GET', KEYS[5])
  if not current or hexLess(current, ARGV[6]) then redis.call('SET', KEYS[5], ARGV[6]) end
else
  redis.call('HSET', owners, ARGV[1], ARGV[2] .. '|')
end
return 1`,
  5,
);
