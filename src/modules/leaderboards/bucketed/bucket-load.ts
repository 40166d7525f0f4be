import type { Deps } from '../../../lib/app-deps.js';
import { isCluster, type Redis } from '../../../infra/redis.js';
import type { BoardTarget } from '../board-definition.js';
import { boardMember, sortScoreOf } from '../board-entry.js';
import { allBucketedKeys, bucketHomeKeys, bucketKeys, shardKeys } from './bucket-keys.js';
import { bucketCount, bucketOf, shardOf, type BucketLayout } from './bucket-layout.js';

/** A ranked standing to load: what PostgreSQL's board_standings holds for it. */
export interface LoadedStanding {
  userId: number;
  version: number;
  score: number;
  seq: string;
}

type Command = [name: string, key: string, ...args: Array<string | number>];

/** Arguments per command: large enough to be fast, small enough not to block Redis for long. */
const CHUNK = 2_000;

/**
 * Sends commands in large pipelines. On a cluster a pipeline must stay in one
 * slot, so commands are grouped by key (every key here has its own hash tag
 * group, and a group's keys share a slot).
 */
async function send(redis: Redis, commands: readonly Command[]): Promise<void> {
  if (isCluster(redis)) {
    const byKey = new Map<string, Command[]>();
    for (const command of commands) byKey.set(command[1], [...(byKey.get(command[1]) ?? []), command]);
    await Promise.all([...byKey.values()].map((group) => redis.pipeline(group.map(([name, key, ...args]) => [name, key, ...args])).exec()));
    return;
  }
  for (let index = 0; index < commands.length; index += 10_000) {
    await redis.pipeline(commands.slice(index, index + 10_000).map(([name, key, ...args]) => [name, key, ...args])).exec();
  }
}

/** Pushes `key field value …` or `key score member …` commands CHUNK pairs at a time. */
function chunked(out: Command[], name: string, key: string, pairs: Array<string | number>): void {
  for (let index = 0; index < pairs.length; index += CHUNK * 2) out.push([name, key, ...pairs.slice(index, index + CHUNK * 2)]);
}

/**
 * Replaces a bucketed board period with `standings`: its ready marker goes
 * first (readers answer stale from PostgreSQL meanwhile), every key is
 * deleted, the buckets, shards and counts are written, and the marker comes
 * back. Used by the repair of a board whose move died half-way and by the
 * bench's bulk load. Writes racing a rebuild may be lost; the board's
 * reconcile against PostgreSQL puts them back.
 */
export async function loadBucketedBoard(
  deps: Pick<Deps, 'redis' | 'keys'>,
  target: Pick<BoardTarget, 'ref' | 'order'>,
  layout: BucketLayout,
  standings: Iterable<LoadedStanding>,
): Promise<number> {
  const buckets = bucketCount(layout);
  const home = bucketHomeKeys(deps.keys, target.ref);
  await deps.redis.del(home.ready);
  const stale = allBucketedKeys(deps.keys, target.ref, buckets, layout.userShards).filter((key) => key !== home.sealed);
  await send(deps.redis, stale.map((key) => ['del', key] as Command));

  const boards = Array.from({ length: buckets }, () => [] as Array<string | number>);
  const owners = Array.from({ length: buckets }, () => [] as string[]);
  const distinct = Array.from({ length: buckets }, () => new Map<number, number>());
  const maxSeq = new Array<bigint>(buckets).fill(-1n);
  const versions = Array.from({ length: layout.userShards }, () => [] as Array<string | number>);
  const at = Array.from({ length: layout.userShards }, () => [] as Array<string | number>);
  let loaded = 0;
  for (const standing of standings) {
    const sortScore = sortScoreOf(target.order, standing.score);
    const member = boardMember(standing.seq, standing.userId);
    const bucket = bucketOf(layout, sortScore);
    const shard = shardOf(layout, standing.userId);
    boards[bucket]?.push(sortScore, member);
    owners[bucket]?.push(String(standing.userId), `${standing.version}|${member}`);
    distinct[bucket]?.set(sortScore, (distinct[bucket]?.get(sortScore) ?? 0) + 1);
    if (BigInt(standing.seq) > (maxSeq[bucket] ?? -1n)) maxSeq[bucket] = BigInt(standing.seq);
    versions[shard]?.push(standing.userId, standing.version);
    at[shard]?.push(standing.userId, bucket);
    loaded += 1;
  }

  const commands: Command[] = [];
  const counts: Array<string | number> = [];
  for (let bucket = 0; bucket < buckets; bucket += 1) {
    const keys = bucketKeys(deps.keys, target.ref, bucket);
    chunked(commands, 'zadd', keys.board, boards[bucket] ?? []);
    chunked(commands, 'hset', keys.owners, owners[bucket] ?? []);
    // The text a score is known by is Redis's reply format for it: integers print as integers.
    const scores = [...(distinct[bucket] ?? new Map<number, number>()).entries()];
    chunked(commands, 'zadd', keys.scores, scores.flatMap(([score]) => [score, String(score)]));
    chunked(commands, 'hset', keys.scoreCounts, scores.flatMap(([score, held]) => [String(score), held]));
    const seq = maxSeq[bucket] ?? -1n;
    if (seq >= 0n) commands.push(['set', keys.maxSeq, boardMember(seq, 1).slice(0, 16)]);
    counts.push(bucket, (boards[bucket]?.length ?? 0) / 2);
  }
  for (let shard = 0; shard < layout.userShards; shard += 1) {
    const keys = shardKeys(deps.keys, target.ref, shard);
    chunked(commands, 'hset', keys.versions, versions[shard] ?? []);
    chunked(commands, 'hset', keys.at, at[shard] ?? []);
  }
  commands.push(['hset', home.counts, ...counts]);
  await send(deps.redis, commands);
  await deps.redis.set(home.ready, '1');
  return loaded;
}

/** Deletes every key of a bucketed board period. */
export async function deleteBucketedBoard(deps: Pick<Deps, 'redis' | 'keys'>, ref: string, layout: BucketLayout): Promise<void> {
  await send(deps.redis, allBucketedKeys(deps.keys, ref, bucketCount(layout), layout.userShards).map((key) => ['del', key] as Command));
}
