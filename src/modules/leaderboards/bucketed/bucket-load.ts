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

/** Standings taken per pass: bounds the loader's memory whatever the board's size. */
const PASS = 200_000;

/**
 * Writes one pass of standings to buckets and shards. Every write is additive
 * (ZADD, HSET, HINCRBY), so passes compose; returns each bucket's largest seq.
 */
async function appendPass(
  deps: Pick<Deps, 'redis' | 'keys'>,
  target: Pick<BoardTarget, 'ref' | 'order'>,
  layout: BucketLayout,
  standings: readonly LoadedStanding[],
  maxSeq: bigint[],
): Promise<void> {
  const buckets = bucketCount(layout);
  const boards = Array.from({ length: buckets }, () => [] as Array<string | number>);
  const owners = Array.from({ length: buckets }, () => [] as string[]);
  const distinct = Array.from({ length: buckets }, () => new Map<number, number>());
  const versions = Array.from({ length: layout.userShards }, () => [] as Array<string | number>);
  const at = Array.from({ length: layout.userShards }, () => [] as Array<string | number>);
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
  }
  const home = bucketHomeKeys(deps.keys, target.ref);
  const commands: Command[] = [];
  for (let bucket = 0; bucket < buckets; bucket += 1) {
    const keys = bucketKeys(deps.keys, target.ref, bucket);
    chunked(commands, 'zadd', keys.board, boards[bucket] ?? []);
    chunked(commands, 'hset', keys.owners, owners[bucket] ?? []);
    // The text a score is known by is Redis's reply format for it: safe integers print as integers.
    const scores = [...(distinct[bucket] ?? new Map<number, number>()).entries()];
    chunked(commands, 'zadd', keys.scores, scores.flatMap(([score]) => [score, String(score)]));
    for (const [score, held] of scores) commands.push(['hincrby', keys.scoreCounts, String(score), held]);
    const added = (boards[bucket]?.length ?? 0) / 2;
    if (added > 0) commands.push(['hincrby', home.counts, bucket, added]);
  }
  for (let shard = 0; shard < layout.userShards; shard += 1) {
    const keys = shardKeys(deps.keys, target.ref, shard);
    chunked(commands, 'hset', keys.versions, versions[shard] ?? []);
    chunked(commands, 'hset', keys.at, at[shard] ?? []);
  }
  await send(deps.redis, commands);
}

/**
 * Replaces a bucketed board period with `standings` (ranked ones, one per
 * user): its ready marker goes first (readers answer stale from PostgreSQL
 * meanwhile), every key is deleted, the buckets, shards and counts are
 * written in passes of {@link PASS}, and the marker comes back. Used by the
 * rebuild of a board whose move died half-way, by reconcile when a bucketed
 * board drifted, and by the bench's bulk load.
 * Writes racing a rebuild may be lost; the board's reconcile against
 * PostgreSQL puts them back.
 * @returns how many members were loaded.
 */
export async function loadBucketedBoard(
  deps: Pick<Deps, 'redis' | 'keys'>,
  target: Pick<BoardTarget, 'ref' | 'order'>,
  layout: BucketLayout,
  standings: Iterable<LoadedStanding> | AsyncIterable<LoadedStanding>,
): Promise<number> {
  const buckets = bucketCount(layout);
  const home = bucketHomeKeys(deps.keys, target.ref);
  await deps.redis.del(home.ready);
  const stale = allBucketedKeys(deps.keys, target.ref, buckets, layout.userShards).filter((key) => key !== home.sealed);
  await send(deps.redis, stale.map((key) => ['del', key] as Command));
  const maxSeq = new Array<bigint>(buckets).fill(-1n);
  let loaded = 0;
  let pass: LoadedStanding[] = [];
  for await (const standing of standings) {
    pass.push(standing);
    if (pass.length === PASS) {
      await appendPass(deps, target, layout, pass, maxSeq);
      loaded += pass.length;
      pass = [];
    }
  }
  await appendPass(deps, target, layout, pass, maxSeq);
  loaded += pass.length;
  const commands: Command[] = [];
  maxSeq.forEach((seq, bucket) => {
    if (seq >= 0n) commands.push(['set', bucketKeys(deps.keys, target.ref, bucket).maxSeq, boardMember(seq, 1).slice(0, 16)]);
  });
  await send(deps.redis, commands);
  await deps.redis.set(home.ready, '1');
  return loaded;
}

/** Deletes every key of a bucketed board period. */
export async function deleteBucketedBoard(deps: Pick<Deps, 'redis' | 'keys'>, ref: string, layout: BucketLayout): Promise<void> {
  await send(deps.redis, allBucketedKeys(deps.keys, ref, bucketCount(layout), layout.userShards).map((key) => ['del', key] as Command));
}
