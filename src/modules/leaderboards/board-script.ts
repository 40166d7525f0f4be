import type { Redis, KeySpace } from '../../infra/redis.js';
import { defineLuaScript, runScript, type LuaScript, type ScriptCall } from '../../lib/lua-script.js';
import type { BoardTarget } from './board-definition.js';
import { boardMember, sortScoreOf } from './board-entry.js';
import { boardKeys } from './board-keys.js';
import { WRITE_LUA_HELPERS } from './board-write-lua.js';

/**
 * ARGV = [userId, version, ranked ('1' | '0'), sortScore, member, seqHex]
 *
 * The sort score and member come from board-entry.ts, so their formulas exist
 * once and Lua never turns a seq (up to 2^63 − 1) into a number. The version
 * stays in the versions hash after the member is removed, so a late older
 * write cannot bring a removed user back.
 */
const WRITE_BODY = `${WRITE_LUA_HELPERS}
local stored = redis.call('HGET', versions, ARGV[1])
if stored and tonumber(stored) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('HSET', versions, ARGV[1], ARGV[2])
local old = redis.call('HGET', members, ARGV[1])
if old then removeMember(old) end
if ARGV[3] == '1' then
  addMember(ARGV[1], ARGV[4], ARGV[5])
else
  redis.call('HDEL', members, ARGV[1])
end
raiseMaxSeq(ARGV[6])
return 1`;

const WRITE_STANDING = defineLuaScript(WRITE_BODY, 6);

/** The same write with KEYS[7] = the board's seal: refused (0) while the seal exists. */
const WRITE_UNLESS_SEALED = defineLuaScript(
  `if redis.call('EXISTS', KEYS[7]) == 1 then
  return 0
end
${WRITE_BODY}`,
  7,
);

/** A user's absolute standing on one board period, as of one version of it. */
export interface StandingWrite {
  userId: number;
  /** Grows with every change of the standing; a write whose version is not above the stored one is ignored. */
  version: number;
  /** Within ±(2^53 − 1). */
  score: number;
  /** board_seq of the change that set the score, as a decimal string (BIGINT: it may exceed 2^53). */
  seq: string;
  /** False takes the user off the board (e.g. a points total of 0). */
  ranked: boolean;
}

/** How a write treats a sealed board. */
export interface WriteOptions {
  /** Writes even to a sealed board: only the rollover's own last sync, before it freezes the board. */
  throughSeal?: boolean;
}

/** The part of a {@link BoardTarget} a write needs. */
export type WriteTarget = Pick<BoardTarget, 'ref' | 'order'>;

const DECIMAL_RE = /^\d{1,19}$/;

/**
 * Checks a write and turns it into the script's arguments: userId, version,
 * ranked flag, sort score, member and the seq as 16 hex digits.
 * @throws RangeError for out-of-range input.
 */
export function writeArgs(target: WriteTarget, write: StandingWrite): string[] {
  const { userId, version, score, seq, ranked } = write;
  if (!Number.isSafeInteger(version) || version < 0) throw new RangeError(`version must be a non-negative safe integer, got ${version}`);
  if (typeof seq !== 'string' || !DECIMAL_RE.test(seq)) throw new RangeError(`seq must be a decimal BIGINT string, got ${String(seq)}`);
  // Both validate even for unranked writes, whose score and member go unused.
  const sortScore = sortScoreOf(target.order, score);
  const member = boardMember(seq, userId);
  return [String(userId), String(version), ranked ? '1' : '0', String(sortScore), member, member.slice(0, 16)];
}

/** The keys a write script is given, in the order of its KEYS. */
export function writeKeys(keySpace: KeySpace, ref: string, sealed: boolean): string[] {
  const keys = boardKeys(keySpace, ref);
  const base = [keys.board, keys.members, keys.versions, keys.scores, keys.scoreCounts, keys.maxSeq];
  return sealed ? [...base, keys.sealed] : base;
}

function scriptFor(options: WriteOptions): LuaScript {
  return options.throughSeal ? WRITE_STANDING : WRITE_UNLESS_SEALED;
}

/**
 * Writes to several board periods (e.g. one award feeding four boards) in
 * one pipelined round trip, in array order, each write atomic. Every call
 * touches one ref's keys only (one hash tag), so this works in Redis Cluster.
 * Refused (false) while a board is sealed, unless `throughSeal`.
 * @returns per item, whether it was applied (false: stale version, or sealed).
 * @throws RangeError for out-of-range input (nothing is sent to Redis).
 */
export async function writeToBoards(
  redis: Redis,
  keySpace: KeySpace,
  items: ReadonlyArray<{ target: WriteTarget; write: StandingWrite }>,
  options: WriteOptions = {},
): Promise<boolean[]> {
  const sealed = !options.throughSeal;
  const calls: ScriptCall[] = items.map(({ target, write }) => ({ keys: writeKeys(keySpace, target.ref, sealed), args: writeArgs(target, write) }));
  const replies = await runScript(redis, scriptFor(options), calls);
  return replies.map((reply) => reply === 1);
}

/**
 * Sets users' standings on one board period unless a same or newer version
 * was written already, so retried and out-of-order writes never regress the
 * board. One pipelined round trip; writes run in array order, each atomic.
 * @returns per write, whether it was applied.
 * @throws RangeError for out-of-range input (nothing is sent to Redis).
 */
export async function writeStandings(
  redis: Redis,
  keySpace: KeySpace,
  target: WriteTarget,
  writes: readonly StandingWrite[],
  options: WriteOptions = {},
): Promise<boolean[]> {
  return writeToBoards(redis, keySpace, writes.map((write) => ({ target, write })), options);
}

/** {@link writeStandings} for one standing. */
export async function writeStanding(
  redis: Redis,
  keySpace: KeySpace,
  target: WriteTarget,
  write: StandingWrite,
  options: WriteOptions = {},
): Promise<boolean> {
  const [applied] = await writeStandings(redis, keySpace, target, [write], options);
  return applied === true;
}
