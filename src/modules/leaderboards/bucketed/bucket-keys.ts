import type { KeySpace } from '../../../infra/redis.js';
import { boardKeys, type BoardKeys } from '../board-keys.js';

/**
 * Keys of a bucketed board period, over three kinds of hash tag:
 * - home `{lb:<ref>}`: the unbucketed keys' ready / sealed / max-seq, plus the
 *   bucket counts and the move registry (the seqlock, see bucket-write.ts);
 * - one per bucket `{lb:<ref>:b<i>}`: its sorted set, distinct scores and owners;
 * - one per user shard `{lb:<ref>:u<k>}`: versions and the bucket each user is in.
 */
export interface BucketHomeKeys extends Pick<BoardKeys, 'ready' | 'sealed'> {
  /** Hash bucket index → members in it; exact whenever no move is registered. */
  counts: string;
  /** Hash move id → start time (ms): the moves begun and not finished. */
  moves: string;
  /** String: how many moves ever began; a read that sees it change retries. */
  started: string;
}

export interface BucketKeys {
  board: string;
  /** Sorted set of the bucket's distinct sort scores (dense ranks). */
  scores: string;
  scoreCounts: string;
  /** Hash userId → `<version>|<member>`, or `<version>|` once the user left the bucket (late writes stay refused). */
  owners: string;
  /** String: the largest seq written to the bucket (16 hex digits). */
  maxSeq: string;
}

export interface ShardKeys {
  versions: string;
  /** Hash userId → `<bucket>` or `<bucket>*` while a move to it is unfinished. */
  at: string;
}

export function bucketHomeKeys(keys: KeySpace, ref: string): BucketHomeKeys {
  const base = boardKeys(keys, ref);
  const key = (name: string) => keys.key(`{lb:${ref}}`, name);
  return { ready: base.ready, sealed: base.sealed, counts: key('bucket-counts'), moves: key('bucket-moves'), started: key('bucket-started') };
}

export function bucketKeys(keys: KeySpace, ref: string, bucket: number): BucketKeys {
  const key = (name: string) => keys.key(`{lb:${ref}:b${bucket}}`, name);
  return { board: key('board'), scores: key('scores'), scoreCounts: key('score-counts'), owners: key('owners'), maxSeq: key('max-seq') };
}

export function shardKeys(keys: KeySpace, ref: string, shard: number): ShardKeys {
  const key = (name: string) => keys.key(`{lb:${ref}:u${shard}}`, name);
  return { versions: key('versions'), at: key('at') };
}

/** Every key of the board period, for deleting it (rebuild, bench clean-up). */
export function allBucketedKeys(keys: KeySpace, ref: string, buckets: number, shards: number): string[] {
  const home = bucketHomeKeys(keys, ref);
  const out = [home.ready, home.sealed, home.counts, home.moves, home.started];
  for (let index = 0; index < buckets; index += 1) {
    const bucket = bucketKeys(keys, ref, index);
    out.push(bucket.board, bucket.scores, bucket.scoreCounts, bucket.owners, bucket.maxSeq);
  }
  for (let index = 0; index < shards; index += 1) {
    const shard = shardKeys(keys, ref, index);
    out.push(shard.versions, shard.at);
  }
  return out;
}
