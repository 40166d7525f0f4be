import type { BoardOrder } from '../../generated/prisma/client.js';

/**
 * How a standing sits in a board's sorted set, for any score and any number of
 * writes:
 *
 * - the sorted-set score is the *sort score*: the score itself on an ASC board,
 *   its negation on a DESC board, so the best entry is always first in
 *   ascending order (ZRANGE, ZRANK). Scores are integers within ±(2^53 − 1),
 *   which IEEE doubles (Redis scores) hold exactly, negated too;
 * - the member is `<seq>:<userId>`, `seq` written as 16 hex digits. Redis orders
 *   equal scores by member, byte by byte, so among equal scores the lower seq
 *   (who reached that score first) comes first. `seq` is the PostgreSQL BIGINT
 *   sequence value of the change that set the score: 2^63 − 1 values, no 32-bit
 *   ceiling, and unique, so no two members ever tie.
 */

/** Largest absolute score a board holds: 2^53 − 1 (Number.MAX_SAFE_INTEGER). */
export const MAX_BOARD_SCORE = Number.MAX_SAFE_INTEGER;

const SEQ_DIGITS = 16;
const MAX_SEQ = 2n ** 63n - 1n;
const MEMBER_RE = /^([0-9a-f]{16}):([1-9]\d{0,9})$/;

/** True for an integer within ±{@link MAX_BOARD_SCORE}. */
export function isBoardScore(score: number): boolean {
  return Number.isSafeInteger(score);
}

/** The sorted-set score of `score` on a board of `order`. */
export function sortScoreOf(order: BoardOrder, score: number): number {
  if (!isBoardScore(score)) throw new RangeError(`A board score must be an integer within ±${MAX_BOARD_SCORE}, got ${score}`);
  // `+ 0` turns the -0 of a DESC zero into 0: Redis would store both as 0 anyway.
  return order === 'DESC' ? -score + 0 : score;
}

/** The score a sort score stands for. */
export function scoreOfSortScore(order: BoardOrder, sortScore: number | string): number {
  const value = Number(sortScore);
  if (!isBoardScore(value)) throw new RangeError(`Not a board sort score: ${String(sortScore)}`);
  return order === 'DESC' ? -value + 0 : value;
}

/** The member of a user whose score was set by the change numbered `seq`. */
export function boardMember(seq: bigint | string | number, userId: number): string {
  const value = BigInt(seq);
  if (value < 0n || value > MAX_SEQ) throw new RangeError(`seq must be within 0..2^63 − 1, got ${String(seq)}`);
  if (!Number.isInteger(userId) || userId <= 0 || userId > 2_147_483_647) throw new RangeError(`Not a user id: ${userId}`);
  return `${value.toString(16).padStart(SEQ_DIGITS, '0')}:${userId}`;
}

/** The seq (as a decimal string: it may exceed 2^53) and user id of a member; null for anything else. */
export function parseBoardMember(member: string): { seq: string; userId: number } | null {
  const match = MEMBER_RE.exec(member);
  if (!match) return null;
  const userId = Number(match[2]);
  if (userId > 2_147_483_647) return null;
  return { seq: BigInt(`0x${match[1]}`).toString(), userId };
}
