/**
 * Lua shared by the standing writer (board-script.ts) and the repair writer
 * (board-repair.ts), so both keep the board, its members hash, its distinct
 * scores and its max seq in step the same way.
 *
 * KEYS = [board, members, versions, scores, scoreCounts, maxSeq, (sealed)]
 *
 * The text a score is known by in `scores` and `scoreCounts` is Redis's own
 * reply to ZSCORE for the member just added: removing a member later reads
 * the same text back with ZSCORE, whatever way Redis formats doubles, so the
 * count is always decremented under the key it was incremented under.
 */
export const WRITE_LUA_HELPERS = `local board, members, versions, scores, scoreCounts, maxSeq = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]

-- Seqs are 16 hex digits; compared in two 32-bit halves, exact in Lua numbers
-- and independent of the locale that string comparison would use.
local function hexLess(a, b)
  local ah, bh = tonumber(string.sub(a, 1, 8), 16) or 0, tonumber(string.sub(b, 1, 8), 16) or 0
  if ah ~= bh then return ah < bh end
  return (tonumber(string.sub(a, 9, 16), 16) or 0) < (tonumber(string.sub(b, 9, 16), 16) or 0)
end

-- Takes a member off the board and releases its score.
local function removeMember(member)
  local text = redis.call('ZSCORE', board, member)
  if not text then return end
  redis.call('ZREM', board, member)
  if redis.call('HINCRBY', scoreCounts, text, -1) <= 0 then
    redis.call('HDEL', scoreCounts, text)
    redis.call('ZREM', scores, text)
  end
end

local function addMember(userId, sortScore, member)
  redis.call('ZADD', board, sortScore, member)
  redis.call('HSET', members, userId, member)
  local text = redis.call('ZSCORE', board, member)
  redis.call('HINCRBY', scoreCounts, text, 1)
  redis.call('ZADD', scores, sortScore, text)
end

-- Counts a score again from the board (repairs: a damaged board may hold wrong counts).
local function recount(text)
  if not text then return end
  local held = redis.call('ZCOUNT', board, text, text)
  if held == 0 then
    redis.call('HDEL', scoreCounts, text)
    redis.call('ZREM', scores, text)
  else
    redis.call('HSET', scoreCounts, text, held)
    redis.call('ZADD', scores, text, text)
  end
end

local function raiseMaxSeq(seqHex)
  local current = redis.call('GET', maxSeq)
  if not current or hexLess(current, seqHex) then redis.call('SET', maxSeq, seqHex) end
end
`;
