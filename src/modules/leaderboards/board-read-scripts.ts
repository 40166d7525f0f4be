import { defineLuaScript } from '../../lib/lua-script.js';
import { RANK_LUA } from './board-rank-lua.js';

/**
 * Read-only Lua scripts of a board period: each read is one atomic call, so
 * its entries, ranks and total come from one state of the board, and it is
 * one round trip (EVALSHA, see lib/lua-script.ts).
 *
 * KEYS = [board, scores, ready, members, maxSeq]; ARGV[1] = the rank mode.
 *
 * Every script first checks that the board is whole (ready marker present and
 * board non-empty) and returns {-2} when it is not.
 *
 * An entry is returned as four values: member, sort score (Redis's text),
 * position (0-based) and rank in the mode asked for. A standing is the same
 * four values in a table, or false when the user is not on the board.
 *
 * Ranks: see board-rank-lua.ts (`rankOf`, `rankRun`).
 */
const PRELUDE = `local board, scores, ready, members, maxSeq = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local mode = ARGV[1]
local total = redis.call('ZCARD', board)
if total == 0 or redis.call('EXISTS', ready) == 0 then return {-2} end

${RANK_LUA}
local function standingOf(userId)
  local member = redis.call('HGET', members, userId)
  if not member then return false end
  local position = redis.call('ZRANK', board, member)
  if not position then return false end
  local score = redis.call('ZSCORE', board, member)
  return {member, score, position, rankOf(position, score)}
end
`;

const KEY_COUNT = 5;

/** ARGV = [mode, offset, limit, viewerId or '']. Returns {total, entries, viewer}. */
export const READ_PAGE = defineLuaScript(
  `${PRELUDE}
local offset, limit = tonumber(ARGV[2]), tonumber(ARGV[3])
local entries = {}
-- ZRANGE 0 -1 would mean everything: an empty page is not asked for.
if limit > 0 then entries = rankRun(offset, redis.call('ZRANGE', board, offset, offset + limit - 1, 'WITHSCORES')) end
local viewer = false
if ARGV[4] ~= '' then viewer = standingOf(ARGV[4]) end
return {total, entries, viewer, redis.call('GET', maxSeq) or ''}`,
  KEY_COUNT,
);

/**
 * ARGV = [mode, limit, viewerId or '', cursor sort score or '' (first page),
 * cursor member, snapshot seq as 16 hex digits or '' (first page), scan budget].
 * Returns {total, entries, viewer, snapshot hex, hasNextPage (0/1)}.
 *
 * The walk starts right after the cursor's member. When that member has left
 * the board since (its user's score changed), its place is found all the
 * same: the members with a better sort score (ZCOUNT), plus, by binary search
 * over the members with the same sort score (ordered by member, i.e. by seq),
 * those with a lower seq. Read-only, so it runs on replicas too.
 *
 * Entries whose seq is above the snapshot changed after the walk began and
 * are skipped: each was either returned before its change or is behind the
 * walk, so no member comes twice and every unchanged member comes once. At
 * most 'scan budget' entries are looked at once an entry has been found
 * (before that the walk goes on, so a page never comes back empty while
 * entries remain: the caller needs a last entry to go on from); then fewer
 * than 'limit' come back, with hasNextPage.
 */
export const READ_PAGE_AFTER = defineLuaScript(
  `${PRELUDE}
local limit, budget = tonumber(ARGV[2]), tonumber(ARGV[7])
local function hexLess(a, b)
  local ah, bh = tonumber(string.sub(a, 1, 8), 16) or 0, tonumber(string.sub(b, 1, 8), 16) or 0
  if ah ~= bh then return ah < bh end
  return (tonumber(string.sub(a, 9, 16), 16) or 0) < (tonumber(string.sub(b, 9, 16), 16) or 0)
end

local snapshot = ARGV[6]
if snapshot == '' then snapshot = redis.call('GET', maxSeq) or '7fffffffffffffff' end

local start = 0
if ARGV[4] ~= '' then
  local score, member = ARGV[4], ARGV[5]
  local at = redis.call('ZRANK', board, member)
  if at then
    start = at + 1
  else
    local low = redis.call('ZCOUNT', board, '-inf', '(' .. score)
    local high = low + redis.call('ZCOUNT', board, score, score)
    local seq = string.sub(member, 1, 16)
    while low < high do
      local middle = math.floor((low + high) / 2)
      local found = redis.call('ZRANGE', board, middle, middle)[1]
      if hexLess(string.sub(found, 1, 16), seq) then low = middle + 1 else high = middle end
    end
    start = low
  end
end

local entries = {}
local found, scanned, position = 0, 0, start
local hasNext = 0
local ranks = {}
local chunk = math.max(limit + 1, 64)
while true do
  if found > 0 and scanned >= budget then
    if position < total then hasNext = 1 end
    break
  end
  local reply = redis.call('ZRANGE', board, position, position + chunk - 1, 'WITHSCORES')
  if #reply == 0 then break end
  local stop = false
  for i = 1, #reply, 2 do
    local member, score = reply[i], reply[i + 1]
    if not hexLess(snapshot, string.sub(member, 1, 16)) then
      if found == limit then
        hasNext = 1
        stop = true
        break
      end
      local rank
      if mode == 'ORDINAL' then
        rank = position + 1
      else
        rank = ranks[score]
        if not rank then
          rank = rankOf(position, score)
          ranks[score] = rank
        end
      end
      found = found + 1
      entries[#entries + 1] = member
      entries[#entries + 1] = score
      entries[#entries + 1] = position
      entries[#entries + 1] = rank
    end
    position = position + 1
    scanned = scanned + 1
  end
  if stop then break end
end

local viewer = false
if ARGV[3] ~= '' then viewer = standingOf(ARGV[3]) end
return {total, entries, viewer, snapshot, hasNext}`,
  KEY_COUNT,
);

/** ARGV = [mode, userId, …]. Returns {total, standing per user}. */
export const READ_STANDINGS = defineLuaScript(
  `${PRELUDE}
local out = {total}
for i = 2, #ARGV do out[#out + 1] = standingOf(ARGV[i]) end
return out`,
  KEY_COUNT,
);

/** ARGV = [mode, userId, radius]. Returns {total, standing, entries}: the user and up to radius entries each side. */
export const READ_AROUND = defineLuaScript(
  `${PRELUDE}
local standing = standingOf(ARGV[2])
if not standing then return {total, false, {}} end
local radius = tonumber(ARGV[3])
local first = math.max(standing[3] - radius, 0)
return {total, standing, rankRun(first, redis.call('ZRANGE', board, first, standing[3] + radius, 'WITHSCORES'))}`,
  KEY_COUNT,
);
