/**
 * How a bucketed board is cut: `bounds` are ascending sort scores (see
 * board-entry.ts: the best entry has the lowest sort score); bucket 0 holds
 * sort scores below bounds[0], bucket i those in [bounds[i-1], bounds[i]),
 * the last bucket those from the last bound up. Buckets hold disjoint score
 * ranges in board order, so no tie spans two buckets and a global rank is
 * "members (or distinct scores) in better buckets" plus the rank inside.
 *
 * Per-user state (version, bucket) is sharded by user id over `userShards`
 * hash tags, so a 100M board's user hashes do not all sit in one slot.
 */
export interface BucketLayout {
  readonly bounds: readonly number[];
  readonly userShards: number;
}

/** Most buckets a board may have: a DENSE read asks every better bucket for its distinct-score count. */
export const MAX_BUCKETS = 256;
export const MAX_USER_SHARDS = 1024;

/**
 * Checks a layout.
 * @throws RangeError when bounds are not strictly ascending safe integers or there are too many buckets or shards.
 */
export function checkLayout(layout: BucketLayout): BucketLayout {
  const { bounds, userShards } = layout;
  if (bounds.length < 1 || bounds.length + 1 > MAX_BUCKETS) throw new RangeError(`A bucketed board has 2..${MAX_BUCKETS} buckets, got ${bounds.length + 1}`);
  bounds.forEach((bound, index) => {
    if (!Number.isSafeInteger(bound)) throw new RangeError(`Bucket bound ${index} is not a safe integer: ${bound}`);
    const previous = bounds[index - 1];
    if (previous !== undefined && bound <= previous) throw new RangeError('Bucket bounds must be strictly ascending');
  });
  if (!Number.isInteger(userShards) || userShards < 1 || userShards > MAX_USER_SHARDS) {
    throw new RangeError(`userShards must be within 1..${MAX_USER_SHARDS}, got ${userShards}`);
  }
  return layout;
}

export function bucketCount(layout: BucketLayout): number {
  return layout.bounds.length + 1;
}

/** The bucket a sort score falls in (binary search over the bounds). */
export function bucketOf(layout: BucketLayout, sortScore: number): number {
  let low = 0;
  let high = layout.bounds.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sortScore < (layout.bounds[middle] ?? Infinity)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The user shard of a user id. */
export function shardOf(layout: BucketLayout, userId: number): number {
  return userId % layout.userShards;
}

/**
 * Bounds cutting the sort-score range [best, worst] into `buckets` equal
 * ranges: a starting point when the score distribution is unknown.
 */
export function evenBounds(best: number, worst: number, buckets: number): number[] {
  if (!(worst > best) || buckets < 2) throw new RangeError('evenBounds needs worst > best and at least 2 buckets');
  const bounds: number[] = [];
  for (let index = 1; index < buckets; index += 1) bounds.push(Math.round(best + ((worst - best) * index) / buckets));
  return [...new Set(bounds)];
}
