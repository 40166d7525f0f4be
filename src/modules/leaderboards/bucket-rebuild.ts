import type { Deps } from '../../lib/app-deps.js';
import { layoutOf } from './board-layout.js';
import { rebuildBucketedBoard } from './bucketed/index.js';

/** The job that rebuilds a bucketed board period from PostgreSQL (a move died half-way). */
export const BUCKET_REBUILD_JOB = 'leaderboard.bucket-rebuild';

/** One job id per period: BullMQ ignores a second add while the first is queued or running, so many readers ask once. */
export const bucketRebuildJobId = (ref: string) => `bucket-rebuild-${ref.replace(/[^a-z0-9-]/g, '-')}`;

/**
 * Asks a worker to rebuild a bucketed board period: what a reader does when
 * it finds the board broken (BucketBoardBrokenError). Deduplicated by job id;
 * never throws (the reader has already answered stale from PostgreSQL, and
 * the next stuck read asks again).
 */
export async function requestBucketRebuild(deps: Pick<Deps, 'queues' | 'logger'>, ref: string): Promise<void> {
  try {
    await deps.queues.leaderboards.add(BUCKET_REBUILD_JOB, { ref }, { jobId: bucketRebuildJobId(ref), removeOnComplete: true, removeOnFail: true });
    deps.logger.warn({ ref }, 'bucketed board has a stuck move; rebuild requested');
  } catch (error) {
    deps.logger.warn({ err: error, ref }, 'bucketed board rebuild could not be requested');
  }
}

/**
 * Rebuilds a live bucketed board period from its standings in PostgreSQL
 * (bucket-heal.ts). Archived periods have left Redis, unbucketed boards have
 * no moves: both are skipped.
 */
export async function rebuildBucketedPeriod(deps: Pick<Deps, 'db' | 'redis' | 'keys' | 'logger'>, ref: string): Promise<{ members?: number; skipped?: string }> {
  const period = await deps.db.boardPeriod.findUnique({ where: { ref }, include: { board: true } });
  if (!period) return { skipped: 'no such board period' };
  const layout = layoutOf(period.board);
  if (!layout) return { skipped: 'the board is not bucketed' };
  if (period.state === 'ARCHIVED') return { skipped: 'the period is archived' };
  const members = await rebuildBucketedBoard(deps, { ref, order: period.board.order }, layout);
  deps.logger.info({ ref, members }, 'bucketed board rebuilt from PostgreSQL');
  return { members };
}
