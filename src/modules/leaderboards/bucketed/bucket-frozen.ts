import type { KeySpace, Redis } from '../../../infra/redis.js';
import { bucketHomeKeys, bucketKeys } from './bucket-keys.js';
import { bucketCount, type BucketLayout } from './bucket-layout.js';

type FrozenDeps = { redis: Redis; keys: KeySpace };

/**
 * A sealed (frozen) bucketed board period read as one sorted set, for the
 * rollover's copy and verification: nothing writes to it any more, so the
 * home counts are exact and a position maps to one bucket. A move left
 * registered (it died before the seal) makes the counts untrustworthy: the
 * read throws, and the rollover retries after the board's rebuild.
 */
async function frozenCounts(deps: FrozenDeps, ref: string, layout: BucketLayout): Promise<number[]> {
  const home = bucketHomeKeys(deps.keys, ref);
  const [moves, flat] = await Promise.all([deps.redis.hlen(home.moves), deps.redis.hgetall(home.counts)]);
  if (moves > 0) throw new Error(`Bucketed board ${ref} has ${moves} unfinished moves; it must be rebuilt before it is copied`);
  const counts = new Array<number>(bucketCount(layout)).fill(0);
  for (const [bucket, count] of Object.entries(flat)) counts[Number(bucket)] = Number(count);
  return counts;
}

/** How many members a frozen bucketed board holds (ZCARD of the board it stands for). */
export async function frozenBucketedSize(deps: FrozenDeps, ref: string, layout: BucketLayout): Promise<number> {
  return (await frozenCounts(deps, ref, layout)).reduce((sum, count) => sum + count, 0);
}

/**
 * `ZRANGE start stop WITHSCORES` (0-based, inclusive, best first) of the
 * board a frozen bucketed board stands for: one ZRANGE per bucket the
 * positions span, concatenated in bucket order.
 */
export async function frozenBucketedRange(deps: FrozenDeps, ref: string, layout: BucketLayout, start: number, stop: number): Promise<string[]> {
  const counts = await frozenCounts(deps, ref, layout);
  const out: string[] = [];
  let before = 0;
  for (const [bucket, count] of counts.entries()) {
    const from = Math.max(start, before);
    const to = Math.min(stop, before + count - 1);
    if (from <= to) out.push(...(await deps.redis.zrange(bucketKeys(deps.keys, ref, bucket).board, from - before, to - before, 'WITHSCORES')));
    before += count;
  }
  return out;
}
