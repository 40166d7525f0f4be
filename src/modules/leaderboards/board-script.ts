import type { Redis } from 'ioredis';
import { defineLuaScript, runScript, type LuaScript, type ScriptCall } from '../../lib/lua-script.js';
import { encodeBoardScore } from './board-score.js';

/**
 * KEYS = [board (sorted set), versions (hash userId → version)]
 * ARGV = [userId, version, points, score]
 *
 * The score is encoded by `encodeBoardScore` in TypeScript and passed as a decimal
 * string, so the tie-order formula exists once and Lua never rounds it. The
 * version stays in the hash after a ZREM, so a late older write cannot bring a
 * removed user back.
 */
const WRITE_BODY = `local stored = redis.call('HGET', KEYS[2], ARGV[1])
if stored and tonumber(stored) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if tonumber(ARGV[3]) == 0 then
  redis.call('ZREM', KEYS[1], ARGV[1])
else
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
end
return 1`;

const WRITE_STANDING = defineLuaScript(WRITE_BODY, 2);

/** The same write with KEYS[3] = the board's seal: refused (0) while the seal exists. */
const WRITE_UNLESS_SEALED = defineLuaScript(
  `if redis.call('EXISTS', KEYS[3]) == 1 then
  return 0
end
${WRITE_BODY}`,
  3,
);

/**
 * Redis keys of one season board. In Redis Cluster all must share a hash tag
 * (e.g. `lb:{2026-11}:board` and `lb:{2026-11}:versions`).
 */
export interface BoardKeys {
  board: string;
  versions: string;
  /**
   * Set by the season rollover when the season closes: from then on the board
   * is frozen while it is archived, and writes are refused (reported as
   * stale). Without it, writes are never refused for being sealed.
   */
  sealed?: string;
}

/** How a write treats a sealed board. */
export interface WriteOptions {
  /** Writes even to a sealed board: only the rollover's own last sync, before it freezes the board. */
  throughSeal?: boolean;
}

/** The script a write runs, and the keys it is given (the seal key only to the script that reads it). */
interface WritePlan {
  script: LuaScript;
  keys: readonly string[];
}

function planFor(keys: BoardKeys, options: WriteOptions): WritePlan {
  return keys.sealed && !options.throughSeal
    ? { script: WRITE_UNLESS_SEALED, keys: [keys.board, keys.versions, keys.sealed] }
    : { script: WRITE_STANDING, keys: [keys.board, keys.versions] };
}

/** A user's absolute season standing, as of one version of their total. */
export interface StandingWrite {
  userId: string;
  /**
   * Grows with every change of the user's total (e.g. the award's seq); a write
   * whose version is not above the stored one is ignored.
   */
  version: number;
  /** Season total; 0 removes the user from the board. */
  points: number;
  /** Sequence number of the award that set this total; see `encodeBoardScore`. */
  seq: number;
}

function toCall(plan: WritePlan, standing: StandingWrite): ScriptCall {
  const { userId, version, points, seq } = standing;
  if (userId.length === 0) throw new RangeError('userId must not be empty');
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new RangeError(`version must be a non-negative safe integer, got ${version}`);
  }
  // Validates points and seq even when points is 0 and the score goes unused.
  const score = encodeBoardScore(points, seq);
  return { keys: plan.keys, args: [userId, String(version), String(points), String(score)] };
}

/**
 * Atomically sets a user's standing on a board unless a same or newer version was
 * already written, so retried and out-of-order writes never regress the board.
 * @returns true when the write was applied, false when it was stale (or the board is sealed).
 * @throws RangeError for out-of-range input (nothing is sent to Redis).
 */
export async function writeStanding(redis: Redis, keys: BoardKeys, standing: StandingWrite, options: WriteOptions = {}): Promise<boolean> {
  const plan = planFor(keys, options);
  const [reply] = await runScript(redis, plan.script, [toCall(plan, standing)]);
  return reply === 1;
}

/**
 * {@link writeStanding} for many users in one pipelined round trip; writes run in
 * array order, each atomically.
 * @returns per input, whether it was applied.
 * @throws RangeError for out-of-range input (nothing is sent to Redis).
 */
export async function writeStandings(
  redis: Redis,
  keys: BoardKeys,
  standings: readonly StandingWrite[],
  options: WriteOptions = {},
): Promise<boolean[]> {
  const plan = planFor(keys, options);
  const calls = standings.map((standing) => toCall(plan, standing));
  const replies = await runScript(redis, plan.script, calls);
  return replies.map((reply) => reply === 1);
}
