import type { BoardOrder } from '../../generated/prisma/client.js';
import { badInput } from '../../lib/app-error.js';
import { MAX_BUCKETS, MAX_USER_SHARDS } from './bucketed/index.js';

/** The `buckets` of a new board, as asked for. */
export interface BucketsInput {
  /** Score bounds in board order, best first. */
  bounds: readonly number[];
  /** Default {@link DEFAULT_USER_SHARDS}. */
  userShards?: number | null;
}

/** User shards of a bucketed board that does not say: enough to spread a big board's per-user hashes over a cluster. */
export const DEFAULT_USER_SHARDS = 16;

/**
 * Checks a bucket layout against the board's order and returns it as stored
 * (board-layout.ts turns it into sort-score bounds). Bounds are safe integers,
 * strictly better to worse: descending on a DESC board, ascending on an ASC
 * one, so each bucket holds the scores between two of them.
 * @throws BAD_USER_INPUT naming the rule broken.
 */
export function normalizeBuckets(order: BoardOrder, buckets: BucketsInput | null | undefined): { bucketBounds: bigint[]; userShards: number | null } {
  if (!buckets) return { bucketBounds: [], userShards: null };
  const { bounds } = buckets;
  if (bounds.length < 1 || bounds.length > MAX_BUCKETS - 1) throw badInput(`buckets.bounds lists 1–${MAX_BUCKETS - 1} bounds.`);
  bounds.forEach((bound, index) => {
    if (!Number.isSafeInteger(bound)) throw badInput(`buckets.bounds[${index}] is not a safe integer.`);
    const previous = bounds[index - 1];
    if (previous !== undefined && (order === 'DESC' ? bound >= previous : bound <= previous)) {
      throw badInput(`buckets.bounds go from the best score to the worst: strictly ${order === 'DESC' ? 'descending' : 'ascending'} on a ${order} board.`);
    }
  });
  const userShards = buckets.userShards ?? DEFAULT_USER_SHARDS;
  if (!Number.isInteger(userShards) || userShards < 1 || userShards > MAX_USER_SHARDS) throw badInput(`buckets.userShards is 1–${MAX_USER_SHARDS}.`);
  return { bucketBounds: bounds.map(BigInt), userShards };
}
