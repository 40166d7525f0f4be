import type { KeySpace, Redis } from '../../../infra/redis.js';
import { runScript, type ScriptCall } from '../../../lib/lua-script.js';
import type { BoardTarget } from '../board-definition.js';
import { parseBoardMember, scoreOfSortScore } from '../board-entry.js';
import type { RankedStanding, RankMode } from '../board-source.js';
import { BoardNotReadyError } from '../board-store.js';
import { bucketHomeKeys, bucketKeys, shardKeys } from './bucket-keys.js';
import { bucketCount, shardOf, type BucketLayout } from './bucket-layout.js';
import { READ_AT, READ_BUCKET, READ_HOME } from './bucket-read-lua.js';

export interface BucketReadDeps {
  redis: Redis;
  keys: KeySpace;
}

/** How often a read starts again when a move overlapped it, before answering "not whole" (stale, from PostgreSQL). */
export const READ_ATTEMPTS = 5;
/**
 * A move registered longer than this (by Redis's clock) died half-way: the
 * board needs its repair. A move whose writer saw it fail is marked stuck at
 * once (bucket-write.ts).
 */
export const STUCK_MOVE_MS = 10_000;

/**
 * A bucketed board that only a rebuild from PostgreSQL makes whole again:
 * readers answer stale and ask for it (bucket-rebuild.ts).
 */
export class BucketBoardBrokenError extends BoardNotReadyError {
  constructor(ref: string) {
    super(ref);
    this.name = 'BucketBoardBrokenError';
  }
}

/** A bucketed board whose move died half-way (see bucket-write.ts). */
export class BucketMovesStuckError extends BucketBoardBrokenError {
  constructor(ref: string, readonly ageMs: number) {
    super(ref);
    this.name = 'BucketMovesStuckError';
  }
}

/**
 * A bucketed board whose buckets disagree with its home counts or user shards
 * while no move is in flight (every change of a move happens while it is
 * registered): e.g. a script a client re-sent after a lost reply, or slots a
 * node lost. No later write mends it.
 */
export class BucketBoardInconsistentError extends BucketBoardBrokenError {
  constructor(ref: string) {
    super(ref);
    this.name = 'BucketBoardInconsistentError';
  }
}

/** The board as the home slot states it while no move is registered. */
export interface BucketHome {
  started: string;
  counts: number[];
  /** before[b]: members in the buckets better than b. */
  before: number[];
  total: number;
}

/** A signal from a read body: a move overlapped, start again. */
export const RETRY = Symbol('retry');

type RawEntry = [string, string, number, number];
export type BucketReply = [number, number, string, Array<RawEntry | false>];

async function readHome(deps: BucketReadDeps, target: BoardTarget, layout: BucketLayout): Promise<BucketHome | typeof RETRY> {
  const home = bucketHomeKeys(deps.keys, target.ref);
  const [reply] = await runScript(deps.redis, READ_HOME, [{ keys: [home.ready, home.moves, home.started, home.counts], args: [] }]);
  const [ready, moves, started, oldestAge, flat] = reply as [number, number, string, string, string[]];
  if (ready !== 1) throw new BoardNotReadyError(target.ref);
  if (moves > 0) {
    const age = Number(oldestAge);
    if (age > STUCK_MOVE_MS) throw new BucketMovesStuckError(target.ref, age);
    return RETRY;
  }
  const counts = new Array<number>(bucketCount(layout)).fill(0);
  for (let index = 0; index + 1 < flat.length; index += 2) counts[Number(flat[index])] = Number(flat[index + 1]);
  const before: number[] = [];
  let total = 0;
  for (const count of counts) {
    before.push(total);
    total += count;
  }
  return { started, counts, before, total };
}

/**
 * Runs a read under the seqlock: the home state, the body's bucket reads, the
 * home state again. The answer is kept only when no move was registered at
 * the first read and none began by the second, so every bucket was read
 * between two instants with no member in motion: no member counted twice or
 * missed. Otherwise it starts again; after {@link READ_ATTEMPTS} it throws
 * BoardNotReadyError and the caller answers from PostgreSQL (stale). A body
 * that saw the buckets disagree while no move was in flight throws
 * {@link BucketBoardInconsistentError} at once: only a rebuild mends that.
 */
export async function underSeqlock<T>(
  deps: BucketReadDeps,
  target: BoardTarget,
  layout: BucketLayout,
  body: (home: BucketHome) => Promise<T | typeof RETRY>,
): Promise<T> {
  for (let attempt = 0; attempt < READ_ATTEMPTS; attempt += 1) {
    const first = await readHome(deps, target, layout);
    if (first !== RETRY) {
      if (first.total === 0) throw new BoardNotReadyError(target.ref);
      const value = await body(first);
      const second = await readHome(deps, target, layout);
      const calm = second !== RETRY && second.started === first.started;
      if (value !== RETRY && calm) return value;
      // The body saw the buckets disagree, and no move was registered or began meanwhile: retrying cannot help.
      if (calm) throw new BucketBoardInconsistentError(target.ref);
    }
    // Let the overlapping move's next step run before looking again.
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new BoardNotReadyError(target.ref);
}

export function bucketCall(deps: BucketReadDeps, target: BoardTarget, bucket: number, args: readonly string[]): ScriptCall {
  const keys = bucketKeys(deps.keys, target.ref, bucket);
  return { keys: [keys.board, keys.scores, keys.owners, keys.maxSeq], args };
}

/** Reads buckets: one script per call, one round trip on a single server. */
export async function readBuckets(deps: BucketReadDeps, calls: readonly ScriptCall[]): Promise<BucketReply[]> {
  return (await runScript(deps.redis, READ_BUCKET, calls)) as BucketReply[];
}

/** The bucket of each user ('' off the board, `<b>*` moving), from their shards. */
export async function readUserBuckets(deps: BucketReadDeps, target: BoardTarget, layout: BucketLayout, userIds: readonly number[]): Promise<Map<number, string>> {
  const byShard = new Map<number, number[]>();
  for (const userId of userIds) byShard.set(shardOf(layout, userId), [...(byShard.get(shardOf(layout, userId)) ?? []), userId]);
  const shards = [...byShard.entries()];
  const replies = await runScript(
    deps.redis,
    READ_AT,
    shards.map(([shard, ids]) => ({ keys: [shardKeys(deps.keys, target.ref, shard).at], args: ids.map(String) })),
  );
  const at = new Map<number, string>();
  shards.forEach(([, ids], index) => ids.forEach((userId, position) => at.set(userId, String((replies[index] as string[])[position] ?? ''))));
  return at;
}

/**
 * Turns an entry read in bucket `bucket` into a board standing: position and
 * COMPETITION rank move down by the members of better buckets, DENSE rank by
 * their distinct scores (no score spans two buckets).
 */
export function globalStanding(target: BoardTarget, home: BucketHome, distinctBefore: readonly number[] | null, bucket: number, raw: RawEntry, mode: RankMode): RankedStanding {
  const [member, sortScore, local, localRank] = raw;
  const parsed = parseBoardMember(member);
  const position = (home.before[bucket] ?? 0) + local + 1;
  const rank = mode === 'ORDINAL' ? position : mode === 'COMPETITION' ? (home.before[bucket] ?? 0) + localRank : (distinctBefore?.[bucket] ?? 0) + localRank;
  const score = Number(sortScore);
  if (!parsed || !Number.isSafeInteger(score)) return { userId: Number.NaN, rank, position, score: 0, seq: '0' };
  return { userId: parsed.userId, rank, position, score: scoreOfSortScore(target.order, score), seq: parsed.seq };
}

/**
 * Distinct scores in the buckets better than each bucket, from the summaries
 * of buckets 0..n − 1: n + 1 values, the last one for bucket n.
 */
export function distinctBefore(summaries: readonly BucketReply[]): number[] {
  const out: number[] = [];
  let sum = 0;
  for (const summary of summaries) {
    out.push(sum);
    sum += Number(summary[1]);
  }
  out.push(sum);
  return out;
}

/** The board's largest seq (decimal) from every bucket's summary. */
export function snapshotOf(summaries: readonly BucketReply[]): string {
  let best = 0n;
  for (const summary of summaries) {
    if (summary[2] !== '') {
      const seq = BigInt(`0x${summary[2]}`);
      if (seq > best) best = seq;
    }
  }
  return best.toString();
}
