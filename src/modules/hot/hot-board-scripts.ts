import { defineLuaScript } from '../../lib/lua-script.js';

/**
 * Lua scripts of the hot boards. Each runs atomically, so a reader never sees
 * a board between two of its commands. Category boards are addressed as
 * `<category prefix><category>` built inside the scripts (a category's board
 * is found from the category an activity had before), so these scripts assume
 * a single Redis, not Redis Cluster.
 *
 * Tie data (`ties` hash, activity id → "s|publishedAtMs|category") lets a
 * reader order members whose scores are exactly equal by compareHotEntries
 * instead of by Redis's member-byte order.
 */

/** HMGET in chunks: `unpack` of thousands of members would overflow Lua's stack. */
const HMGET_ALL = `
local function hmgetAll(key, members)
  local out = {}
  for i = 1, #members, 1000 do
    local chunk = {}
    for j = i, math.min(i + 999, #members) do chunk[#chunk + 1] = members[j] end
    local values = redis.call('HMGET', key, unpack(chunk))
    for j = 1, #values do out[#out + 1] = values[j] end
  end
  return out
end
`;

/**
 * KEYS = [board, ties, meta]; ARGV = [start, stop, meta field of the board]
 * Returns [ready, computedAt, above, members, scores, ties]: ranks start..stop
 * by score, widened to the complete groups of equal score at both ends, and
 * `above` = how many members score strictly higher than the first group.
 */
export const READ_RANGE = defineLuaScript(
  `${HMGET_ALL}
local ready = redis.call('HGET', KEYS[3], 'ready')
local at = redis.call('HGET', KEYS[3], ARGV[3])
local top = redis.call('ZREVRANGE', KEYS[1], ARGV[1], ARGV[2], 'WITHSCORES')
if #top == 0 then return { ready, at, 0, {}, {}, {} } end
local hi, lo = top[2], top[#top]
local members, scores, seen = {}, {}, {}
local function add(list)
  for i = 1, #list, 2 do
    if not seen[list[i]] then
      seen[list[i]] = true
      members[#members + 1] = list[i]
      scores[#scores + 1] = list[i + 1]
    end
  end
end
add(redis.call('ZREVRANGEBYSCORE', KEYS[1], hi, hi, 'WITHSCORES'))
add(top)
if lo ~= hi then add(redis.call('ZREVRANGEBYSCORE', KEYS[1], lo, lo, 'WITHSCORES')) end
local above = redis.call('ZCOUNT', KEYS[1], '(' .. hi, '+inf')
return { ready, at, above, members, scores, hmgetAll(KEYS[2], members) }`,
  3,
);

/**
 * KEYS = [board, ties, meta]; ARGV = [activity id]
 * Returns [0] when the board is not ready, [1] when the activity is not on it,
 * else [1, above, score, members with that score, their ties].
 */
export const READ_RANK = defineLuaScript(
  `${HMGET_ALL}
if not redis.call('HGET', KEYS[3], 'ready') then return { 0 } end
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score then return { 1 } end
local above = redis.call('ZCOUNT', KEYS[1], '(' .. score, '+inf')
local group = redis.call('ZRANGEBYSCORE', KEYS[1], score, score)
return { 1, above, score, group, hmgetAll(KEYS[2], group) }`,
  3,
);

/**
 * KEYS = [global board, ties, categories, meta, touched]
 * ARGV = [id, visible 1|0, score, tie value, category, category board prefix,
 *         board size, computedAt ms, touched retention ms]
 * Writes one activity's absolute score (or removes it), moves it out of the
 * board of a category it no longer has, trims the boards to the board size and
 * records the write in `touched` for a recompute running at the same time,
 * scored by the Redis server's clock (TIME), which every instance shares.
 * Returns the meta fields (`global`, `c:<category>`) of the boards whose
 * contents changed: a score, tie data or membership, so `hot:changed` is only
 * published when a reader could see a difference.
 */
export const WRITE_ENTRY = defineLuaScript(
  `local id, category, prefix, at = ARGV[1], ARGV[5], ARGV[6], ARGV[8]
local changed = {}
local old = redis.call('HGET', KEYS[2], id)
if old then
  local oldCategory = string.match(old, '^[^|]*|[^|]*|(.*)$')
  if oldCategory and oldCategory ~= category then
    if redis.call('ZREM', prefix .. oldCategory, id) == 1 then changed[#changed + 1] = 'c:' .. oldCategory end
    redis.call('HSET', KEYS[4], 'c:' .. oldCategory, at)
  end
end
local boards, fields = { KEYS[1] }, { 'global' }
if category ~= '' then
  boards[2] = prefix .. category
  fields[2] = 'c:' .. category
end
if ARGV[2] == '1' then
  local keep = tonumber(ARGV[7])
  local tiesChanged = old ~= ARGV[4]
  for i, board in ipairs(boards) do
    local before = redis.call('ZSCORE', board, id)
    redis.call('ZADD', board, ARGV[3], id)
    redis.call('ZREMRANGEBYRANK', board, 0, -keep - 1)
    local after = redis.call('ZSCORE', board, id)
    if before ~= after or (after and tiesChanged) then changed[#changed + 1] = fields[i] end
  end
  redis.call('HSET', KEYS[2], id, ARGV[4])
  if category ~= '' then redis.call('SADD', KEYS[3], category) end
else
  for i, board in ipairs(boards) do
    if redis.call('ZREM', board, id) == 1 then changed[#changed + 1] = fields[i] end
  end
  redis.call('HDEL', KEYS[2], id)
end
redis.call('HSET', KEYS[4], 'global', at)
if category ~= '' then redis.call('HSET', KEYS[4], 'c:' .. category, at) end
local time = redis.call('TIME')
local wall = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZADD', KEYS[5], wall, id)
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', '(' .. (wall - tonumber(ARGV[9])))
return changed`,
  5,
);

/**
 * KEYS = [categories, meta, ties, staged ties, global board, staged global board]
 * ARGV = [category board prefix, staged category prefix, computedAt ms,
 *         global staged 1|0, categories with a staged board...]
 * Replaces every board by its staged copy at once (RENAME), deletes the boards
 * of categories left with no visible activity, and marks the boards ready.
 * Every staged key is checked before the first write: a script that fails
 * half-way keeps what it already did, and the live boards must stay whole.
 * Returns the categories whose boards were deleted.
 */
export const SWAP_BOARDS = defineLuaScript(
  `local prefix, stagedPrefix, at, withGlobal = ARGV[1], ARGV[2], ARGV[3], ARGV[4] == '1'
local keep = {}
for i = 5, #ARGV do
  if redis.call('EXISTS', stagedPrefix .. ARGV[i]) == 0 then
    return redis.error_reply('ERR staged hot board missing: ' .. ARGV[i])
  end
  keep[ARGV[i]] = true
end
if withGlobal and (redis.call('EXISTS', KEYS[6]) == 0 or redis.call('EXISTS', KEYS[4]) == 0) then
  return redis.error_reply('ERR staged global hot board missing')
end
local deleted = {}
for _, category in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if not keep[category] then
    deleted[#deleted + 1] = category
    redis.call('DEL', prefix .. category)
    redis.call('HDEL', KEYS[2], 'c:' .. category)
  end
end
redis.call('DEL', KEYS[1])
for i = 5, #ARGV do
  local board = prefix .. ARGV[i]
  redis.call('RENAME', stagedPrefix .. ARGV[i], board)
  redis.call('PERSIST', board)
  redis.call('SADD', KEYS[1], ARGV[i])
  redis.call('HSET', KEYS[2], 'c:' .. ARGV[i], at)
end
if withGlobal then
  redis.call('RENAME', KEYS[6], KEYS[5])
  redis.call('PERSIST', KEYS[5])
  redis.call('RENAME', KEYS[4], KEYS[3])
  redis.call('PERSIST', KEYS[3])
else
  redis.call('DEL', KEYS[5], KEYS[3])
end
redis.call('HSET', KEYS[2], 'global', at, 'ready', at)
return deleted`,
  6,
);
