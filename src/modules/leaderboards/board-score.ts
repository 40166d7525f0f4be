/**
 * Sorted-set scores for the season board. One score carries the whole tie order
 * (points descending, then who reached that total first), so ZREVRANGE and
 * ZREVRANK return final ranks without a second lookup.
 *
 * score = points · 2^32 + (2^32 − 1 − seq)
 *
 * `seq` is the PostgreSQL sequence value of the award that last changed the
 * user's total; smaller means the total was reached earlier. The low 32 bits hold
 * its complement, so at equal points the earlier total scores higher; since the
 * low part is always below 2^32, one more point outweighs any seq. Seqs are
 * unique, so no two members ever share a score.
 *
 * Redis scores are IEEE doubles, exact for integers up to 2^53. With |points| ≤
 * 2^21 − 1 the largest magnitude is (2^21 − 1) · 2^32 + 2^32 − 1 = 2^53 − 1,
 * i.e. Number.MAX_SAFE_INTEGER, so every score in range is exact.
 */

const SEQ_SPAN = 2 ** 32;
const NUMERIC_RE = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;

/** Largest absolute season total the board can hold (2^21 − 1 = 2,097,151). */
export const MAX_BOARD_POINTS = 2 ** 21 - 1;

/** Largest award sequence number the board can hold (2^32 − 1). */
export const MAX_BOARD_SEQ = SEQ_SPAN - 1;

/** A board entry's season total and the sequence number of the award that set it. */
export interface BoardStanding {
  points: number;
  seq: number;
}

/**
 * Encodes a standing into its sorted-set score.
 * @throws RangeError when `points` is not an integer within ±{@link MAX_BOARD_POINTS}
 * or `seq` is not an integer in 0..{@link MAX_BOARD_SEQ}.
 */
export function encodeBoardScore(points: number, seq: number): number {
  if (!Number.isInteger(points) || Math.abs(points) > MAX_BOARD_POINTS) {
    throw new RangeError(`Board points must be an integer within ±${MAX_BOARD_POINTS}, got ${points}`);
  }
  if (!Number.isInteger(seq) || seq < 0 || seq > MAX_BOARD_SEQ) {
    throw new RangeError(`Board seq must be an integer in 0..${MAX_BOARD_SEQ}, got ${seq}`);
  }
  return points * SEQ_SPAN + (MAX_BOARD_SEQ - seq);
}

/**
 * Decodes a sorted-set score (a number, or the string Redis replies with).
 * @throws RangeError when the value is not a score {@link encodeBoardScore} can produce.
 */
export function decodeBoardScore(score: number | string): BoardStanding {
  // Number('') and Number(' ') are 0, so strings must look like a number first.
  const value = typeof score === 'number' || NUMERIC_RE.test(score) ? Number(score) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`Not a board score: ${String(score)}`);
  }
  // Division by a power of two is exact; floor keeps the low part non-negative for negative totals.
  const points = Math.floor(value / SEQ_SPAN);
  const seq = MAX_BOARD_SEQ - (value - points * SEQ_SPAN);
  if (Math.abs(points) > MAX_BOARD_POINTS) {
    throw new RangeError(`Not a board score: ${String(score)}`);
  }
  // `+ 0` normalises the -0 that a '-0' reply would otherwise decode to.
  return { points: points + 0, seq };
}
