/**
 * Lua shared by the read scripts of one sorted set and of one bucket
 * (board-read-scripts.ts, bucketed/bucket-read-lua.ts): how a position's rank
 * is counted in each rank mode. Expects the locals `mode` (ARGV rank mode),
 * `board` (the sorted set) and `scores` (its distinct sort scores).
 *
 * ORDINAL = position + 1; COMPETITION = 1 + the members with a better sort
 * score (ZCOUNT on the board); DENSE = 1 + the distinct better sort scores
 * (ZCOUNT on `scores`). Along a run of consecutive positions the ranks follow
 * from the first one and the score changes, so a page costs one ZCOUNT, not
 * one per entry.
 */
export const RANK_LUA = `
local function rankOf(position, score)
  if mode == 'COMPETITION' then return 1 + redis.call('ZCOUNT', board, '-inf', '(' .. score) end
  if mode == 'DENSE' then return 1 + redis.call('ZCOUNT', scores, '-inf', '(' .. score) end
  return position + 1
end

-- Entries of the consecutive positions from 'first' (a ZRANGE WITHSCORES reply), flattened: member, score, position, rank.
local function rankRun(first, reply)
  local out = {}
  local rank, previous
  for i = 1, #reply, 2 do
    local position = first + (i - 1) / 2
    local score = reply[i + 1]
    if not rank then
      rank = rankOf(position, score)
    elseif mode == 'ORDINAL' then
      rank = position + 1
    elseif score ~= previous then
      if mode == 'COMPETITION' then rank = position + 1 else rank = rank + 1 end
    end
    previous = score
    out[#out + 1] = reply[i]
    out[#out + 1] = score
    out[#out + 1] = position
    out[#out + 1] = rank
  end
  return out
end
`;
