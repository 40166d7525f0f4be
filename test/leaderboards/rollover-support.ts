import type { Job } from 'bullmq';
import type { BoardOrder } from '../../src/generated/prisma/client.js';
import { parsePeriodRef } from '../../src/modules/leaderboards/board-definition.js';
import { boardMember, parseBoardMember, scoreOfSortScore, sortScoreOf } from '../../src/modules/leaderboards/board-entry.js';
import { boardKeys } from '../../src/modules/leaderboards/board-keys.js';
import { ensurePeriod, getBoard } from '../../src/modules/leaderboards/board-periods.service.js';
import { FINISH_JOB } from '../../src/modules/leaderboards/rollover-flow.js';
import type { TestContext } from '../support/harness.js';
import { waitFor } from '../support/wait.js';

/** One place on a board or in an archive, in rank order. */
export interface Place {
  rank: number;
  userId: number;
  score: number;
  /** BIGINT as a decimal string. */
  seq: string;
}

/** The period row of `ref` (created if needed, as a first write would); returns the board's order. */
export async function ensureRef(t: TestContext, ref: string): Promise<BoardOrder> {
  const { boardKey, periodId } = parsePeriodRef(ref);
  const board = await getBoard(t.deps, boardKey);
  await ensurePeriod(t.deps, board, periodId);
  return board.order;
}

/**
 * Puts one member on a period's Redis board directly, as the write script
 * would leave it (sorted set and members hash; the dense-rank sets are not
 * kept): for filling boards fast and for making drift on purpose. Replaces
 * the user's member if any.
 */
export async function putMember(t: TestContext, ref: string, order: BoardOrder, userId: number, score: number, seq: bigint | number | string): Promise<void> {
  const keys = boardKeys(t.deps.keys, ref);
  const old = await t.deps.redis.hget(keys.members, String(userId));
  const multi = t.deps.redis.multi();
  if (old) multi.zrem(keys.board, old);
  const member = boardMember(seq, userId);
  multi.zadd(keys.board, sortScoreOf(order, score), member).hset(keys.members, String(userId), member);
  await multi.exec();
}

/** Takes a user off a period's Redis board directly (drift on purpose). */
export async function dropMember(t: TestContext, ref: string, userId: number): Promise<void> {
  const keys = boardKeys(t.deps.keys, ref);
  const member = await t.deps.redis.hget(keys.members, String(userId));
  if (member) await t.deps.redis.zrem(keys.board, member);
  await t.deps.redis.hdel(keys.members, String(userId));
  await t.deps.redis.hdel(keys.versions, String(userId));
}

/**
 * Fills a period's Redis board directly with `members` users (ids from
 * `firstUserId`, 1 by default) and creates its period row, as the live writes
 * would have left it: many equal scores, told apart by unique seqs. Pipelined,
 * 5,000 members a command.
 */
export async function fillBoard(t: TestContext, ref: string, members: number, options: { firstUserId?: number } = {}): Promise<void> {
  const order = await ensureRef(t, ref);
  const keys = boardKeys(t.deps.keys, ref);
  const firstUserId = options.firstUserId ?? 1;
  const pipeline = t.deps.redis.pipeline();
  for (let start = 0; start < members; start += 5_000) {
    const zargs: Array<string | number> = [];
    const hargs: string[] = [];
    for (let index = start; index < Math.min(start + 5_000, members); index += 1) {
      // ~1,000 distinct scores: most members share theirs with others.
      const score = 1 + ((index * 7_919) % 1_000);
      const member = boardMember(1_000_000 + ((index * 104_729) % 4_000_000), firstUserId + index);
      zargs.push(sortScoreOf(order, score), member);
      hargs.push(String(firstUserId + index), member);
    }
    pipeline.zadd(keys.board, ...zargs);
    pipeline.hset(keys.members, ...hargs);
  }
  const replies = (await pipeline.exec()) ?? [];
  for (const [error] of replies) if (error) throw error;
}

/** The whole board, best first (ascending ZRANGE: see board-entry.ts). */
export async function boardPlaces(t: TestContext, ref: string): Promise<Place[]> {
  const { boardKey } = parsePeriodRef(ref);
  const { order } = await getBoard(t.deps, boardKey);
  const reply = await t.deps.redis.zrange(boardKeys(t.deps.keys, ref).board, 0, -1, 'WITHSCORES');
  const places: Place[] = [];
  for (let index = 0; index + 1 < reply.length; index += 2) {
    const parsed = parseBoardMember(reply[index]!);
    if (!parsed) throw new Error(`not a board member: ${reply[index]}`);
    places.push({ rank: index / 2 + 1, userId: parsed.userId, score: scoreOfSortScore(order, reply[index + 1]!), seq: parsed.seq });
  }
  return places;
}

/** The period's archive rows by rank. */
export async function archivePlaces(t: TestContext, ref: string): Promise<Place[]> {
  const rows = await t.deps.db.boardArchiveEntry.findMany({ where: { periodRef: ref }, orderBy: { rank: 'asc' } });
  return rows.map((row) => ({ rank: row.rank, userId: row.userId, score: Number(row.score), seq: String(row.seq) }));
}

/** Index of the first place where the two lists differ, or -1 (a readable failure for lists of 200,000). */
export function firstDifference(actual: readonly Place[], expected: readonly Place[]): number {
  const length = Math.max(actual.length, expected.length);
  for (let index = 0; index < length; index += 1) {
    const a = actual[index];
    const e = expected[index];
    if (!a || !e || a.rank !== e.rank || a.userId !== e.userId || a.score !== e.score || a.seq !== e.seq) return index;
  }
  return -1;
}

/** Redis keys of the period's board that exist, by name (board, members, versions, …, sealed, ready, synced). */
export async function boardKeysPresent(t: TestContext, ref: string): Promise<string[]> {
  const entries = Object.entries(boardKeys(t.deps.keys, ref));
  const pipeline = t.deps.redis.pipeline();
  for (const [, key] of entries) pipeline.exists(key);
  const replies = (await pipeline.exec()) ?? [];
  return entries.filter((_entry, index) => replies[index]?.[1] === 1).map(([name]) => name);
}

/** The state of a board period (undefined without a row). */
export async function periodState(t: TestContext, ref: string): Promise<string | undefined> {
  return (await t.deps.db.boardPeriod.findUnique({ where: { ref } }))?.state;
}

/** Waits until the period is ARCHIVED (the rollover flow finished). */
export function waitArchived(t: TestContext, ref: string, timeoutMs = 60_000): Promise<true> {
  return waitFor(async () => (await periodState(t, ref)) === 'ARCHIVED' || undefined, { timeoutMs, what: `board period ${ref} to be archived` });
}

/**
 * Waits until `count` finish steps are recorded COMPLETED and returns them. The period turns ARCHIVED inside the
 * finish step, and its run record is written just after the step returns, so a test that saw ARCHIVED waits here.
 */
export function completedFinishRuns(t: TestContext, count = 1, timeoutMs = 20_000) {
  return waitFor(
    async () => {
      const runs = await t.deps.db.jobRun.findMany({ where: { name: FINISH_JOB, state: 'COMPLETED' } });
      return runs.length >= count ? runs : undefined;
    },
    { timeoutMs, what: `${count} finish step(s) to be recorded COMPLETED` },
  );
}

/** Waits until a job has completed and returns its return value; fails fast if it failed for good. */
export async function jobResult(t: TestContext, queue: 'leaderboards', jobId: string, timeoutMs = 30_000): Promise<any> {
  return waitFor(
    async () => {
      // The state first, then the job: a job read before it completed has no return value yet.
      const state = await t.deps.queues[queue].getJobState(jobId);
      if (state !== 'completed' && state !== 'failed') return undefined;
      const job = (await t.deps.queues[queue].getJob(jobId)) as Job;
      if (state === 'failed') throw new Error(`job ${jobId} failed: ${job.failedReason}`);
      return { value: job.returnvalue };
    },
    { timeoutMs, what: `job ${jobId} to complete` },
  ).then((result) => result.value);
}
