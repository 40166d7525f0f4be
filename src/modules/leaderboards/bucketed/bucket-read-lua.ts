import { defineLuaScript } from '../../../lib/lua-script.js';
import { RANK_LUA } from '../board-rank-lua.js';

/**
 * Home: the seqlock's side of a read. KEYS = [ready, moves, started, counts].
 * Returns {ready 0/1, moves registered, started, age in ms of the oldest move or '', counts as a flat HGETALL}.
 * The age is measured by Redis's TIME, the clock BEGIN_MOVE stamped the start with.
 */
export const READ_HOME = defineLuaScript(
  `local oldest = nil
for _, started in ipairs(redis.call('HVALS', KEYS[2])) do
  local at = tonumber(started) or 0
  if not oldest or at < oldest then oldest = at end
end
local age = ''
if oldest then
  local now = redis.call('TIME')
  age = string.format('%.0f', tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - oldest)
end
return {redis.call('EXISTS', KEYS[1]), redis.call('HLEN', KEYS[2]), redis.call('GET', KEYS[3]) or '0', age, redis.call('HGETALL', KEYS[4])}`,
  4,
);

/**
 * Bucket: one read inside one bucket. KEYS = [board, scores, owners, maxSeq];
 * ARGV = [mode, op, …]:
 * - op 'range', start, stop: the entries at those bucket positions;
 * - op 'users', userId…: each user's entry, or false;
 * - op 'summary': no entries.
 * Returns {members, distinct scores, max seq or '', entries}; an entry is
 * {member, sort score, position in bucket, rank in bucket} (rank as the
 * unbucketed scripts count it, within this bucket only).
 */
export const READ_BUCKET = defineLuaScript(
  `local board, scores, owners, maxSeq = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local mode, op = ARGV[1], ARGV[2]
${RANK_LUA}
local entries = {}
if op == 'range' then
  local first = tonumber(ARGV[3])
  local flat = rankRun(first, redis.call('ZRANGE', board, first, tonumber(ARGV[4]), 'WITHSCORES'))
  for i = 1, #flat, 4 do entries[#entries + 1] = {flat[i], flat[i + 1], flat[i + 2], flat[i + 3]} end
elseif op == 'users' then
  for i = 3, #ARGV do
    local owned = redis.call('HGET', owners, ARGV[i])
    local member = owned and string.match(owned, '|(.+)$')
    local position = member and redis.call('ZRANK', board, member)
    if position then
      local score = redis.call('ZSCORE', board, member)
      entries[#entries + 1] = {member, score, position, rankOf(position, score)}
    else
      entries[#entries + 1] = false
    end
  end
end
return {redis.call('ZCARD', board), redis.call('ZCARD', scores), redis.call('GET', maxSeq) or '', entries}`,
  4,
);

/** Shard: the bucket each user is in. KEYS = [at]; ARGV = userIds. Returns per user the bucket text ('' when off the board, `<b>*` while moving). */
export const READ_AT = defineLuaScript(
  `local out = {}
for i = 1, #ARGV do out[i] = redis.call('HGET', KEYS[1], ARGV[i]) or '' end
return out`,
  1,
);
