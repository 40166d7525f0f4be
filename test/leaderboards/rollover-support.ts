import type { Job } from 'bullmq';
import { decodeBoardScore, encodeBoardScore } from '../../src/modules/leaderboards/board-score.js';
import { boardKeys } from '../../src/modules/leaderboards/board-store.js';
import { ensureSeason } from '../../src/modules/leaderboards/seasons.service.js';
import type { TestContext } from '../support/harness.js';
import { waitFor } from '../support/wait.js';

/** One place on a board or in an archive, in rank order. */
export interface Place {
  rank: number;
  userId: number;
  points: number;
  seq: number;
}

/**
 * Fills a season's Redis board directly with `members` users (ids 1..n) and
 * its season row, as the live writes would have left it: many equal totals,
 * told apart by unique seqs. Pipelined ZADDs of 5,000 members each.
 */
export async function fillBoard(t: TestContext, seasonId: string, members: number, options: { firstUserId?: number } = {}): Promise<void> {
  await ensureSeason(t.deps, seasonId);
  const { board } = boardKeys(t.deps.keys, seasonId);
  const firstUserId = options.firstUserId ?? 1;
  const pipeline = t.deps.redis.pipeline();
  for (let start = 0; start < members; start += 5_000) {
    const args: Array<string | number> = [];
    for (let index = start; index < Math.min(start + 5_000, members); index += 1) {
      // ~1,000 distinct totals: most members share theirs with others.
      const points = 1 + ((index * 7_919) % 1_000);
      args.push(encodeBoardScore(points, 1_000_000 + ((index * 104_729) % 4_000_000)), String(firstUserId + index));
    }
    pipeline.zadd(board, ...args);
  }
  const replies = (await pipeline.exec()) ?? [];
  for (const [error] of replies) if (error) throw error;
}

/** The whole board, best first. */
export async function boardPlaces(t: TestContext, seasonId: string): Promise<Place[]> {
  const reply = await t.deps.redis.zrevrange(boardKeys(t.deps.keys, seasonId).board, 0, -1, 'WITHSCORES');
  const places: Place[] = [];
  for (let index = 0; index + 1 < reply.length; index += 2) {
    places.push({ rank: index / 2 + 1, userId: Number(reply[index]), ...decodeBoardScore(reply[index + 1]!) });
  }
  return places;
}

/** The season's archive rows by rank. */
export async function archivePlaces(t: TestContext, seasonId: string): Promise<Place[]> {
  const rows = await t.deps.db.seasonArchiveEntry.findMany({ where: { seasonId }, orderBy: { rank: 'asc' } });
  return rows.map((row) => ({ rank: row.rank, userId: row.userId, points: row.points, seq: Number(row.seq) }));
}

/** Index of the first place where the two lists differ, or -1 (a readable failure for lists of 200,000). */
export function firstDifference(actual: readonly Place[], expected: readonly Place[]): number {
  const length = Math.max(actual.length, expected.length);
  for (let index = 0; index < length; index += 1) {
    const a = actual[index];
    const e = expected[index];
    if (!a || !e || a.rank !== e.rank || a.userId !== e.userId || a.points !== e.points || a.seq !== e.seq) return index;
  }
  return -1;
}

/** Redis keys of the season's board that exist, by suffix (board, versions, synced, sealed). */
export async function boardKeysPresent(t: TestContext, seasonId: string): Promise<string[]> {
  const names = ['board', 'versions', 'synced', 'sealed'];
  const pipeline = t.deps.redis.pipeline();
  for (const name of names) pipeline.exists(t.deps.keys.key('lb', `{${seasonId}}`, name));
  const replies = (await pipeline.exec()) ?? [];
  return names.filter((_name, index) => replies[index]?.[1] === 1);
}

/** Waits until the season is ARCHIVED (the rollover flow finished). */
export function waitArchived(t: TestContext, seasonId: string, timeoutMs = 60_000): Promise<true> {
  return waitFor(
    async () => (await t.deps.db.season.findUnique({ where: { id: seasonId } }))?.state === 'ARCHIVED' || undefined,
    { timeoutMs, what: `season ${seasonId} to be archived` },
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
