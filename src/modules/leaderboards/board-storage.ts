/**
 * Where a board period lives in Redis: one sorted set (board-store.ts) or
 * score buckets (bucketed/), as its board's layout says. Every live read and
 * write goes through here, so nothing else asks which one a board uses.
 */
import type { Deps } from '../../lib/app-deps.js';
import type { BoardTarget } from './board-definition.js';
import { writeToBoards, type StandingWrite, type WriteOptions } from './board-script.js';
import type { BoardSource } from './board-source.js';
import { redisBoard } from './board-store.js';
import { boardKeys } from './board-keys.js';
import { LAYOUT_FIELDS, layoutOf } from './board-layout.js';
import {
  allBucketedKeys,
  bucketCount,
  bucketedBoard,
  frozenBucketedRange,
  frozenBucketedSize,
  writeBucketedStanding,
  type BucketLayout,
} from './bucketed/index.js';

type StorageDeps = Pick<Deps, 'redis' | 'keys' | 'now'>;

/** What a write needs to know of a board period. */
export type StoredTarget = Pick<BoardTarget, 'ref' | 'order' | 'layout'>;

/** The live (Redis) read side of a board period. */
export function liveBoardOf(deps: StorageDeps, target: Pick<BoardTarget, 'layout'>): BoardSource {
  return target.layout ? bucketedBoard(deps, target.layout) : redisBoard(deps);
}

/**
 * Writes standings to their board periods, newest version wins, refused
 * while a board is sealed unless `throughSeal`. Unbucketed writes go in one
 * pipelined round trip; a bucketed write is a few scripts (a move, see
 * bucket-write.ts), run concurrently.
 * @returns per item, whether it was applied.
 * @throws RangeError for out-of-range input.
 */
export async function writeLiveBoards(
  deps: StorageDeps,
  items: ReadonlyArray<{ target: StoredTarget; write: StandingWrite }>,
  options: WriteOptions = {},
): Promise<boolean[]> {
  const plain = items.flatMap((item, index) => (item.target.layout ? [] : [{ ...item, index }]));
  const applied = new Array<boolean>(items.length).fill(false);
  const [plainApplied] = await Promise.all([
    plain.length > 0 ? writeToBoards(deps.redis, deps.keys, plain, options) : Promise.resolve([]),
    ...items.map(async ({ target, write }, index) => {
      if (target.layout) applied[index] = await writeBucketedStanding(deps, target, target.layout, write, options);
    }),
  ]);
  plain.forEach((item, position) => {
    applied[item.index] = plainApplied[position] === true;
  });
  return applied;
}

/**
 * The size of a period's board, and a range of it as `ZRANGE … WITHSCORES`
 * (best first), whichever way it is stored: what the rollover copies and
 * verifies once the board is frozen.
 */
export function frozenBoardOf(deps: Pick<Deps, 'redis' | 'keys'>, ref: string, layout: BucketLayout | null) {
  const { board } = boardKeys(deps.keys, ref);
  return {
    size: (): Promise<number> => (layout ? frozenBucketedSize(deps, ref, layout) : deps.redis.zcard(board)),
    range: (start: number, stop: number): Promise<string[]> =>
      layout ? frozenBucketedRange(deps, ref, layout, start, stop) : deps.redis.zrange(board, start, stop, 'WITHSCORES'),
  };
}

/**
 * Forgets what Redis holds of the bucketed periods among `periods` (all but
 * the seal), before `leaderboard.sync` pushes every standing again. A
 * bucketed period spans many slots: a node that lost some of them (a
 * restart, a failover to a replica that lagged) can leave user shards that
 * still claim versions their buckets no longer hold, and a re-push of those
 * versions would be refused as old, so the board would come back missing
 * members yet marked whole. Starting from nothing, every re-push applies.
 * One-set boards need nothing: their keys share one slot and are lost together.
 */
export async function forgetBucketedPeriods(
  deps: Pick<Deps, 'redis' | 'keys'>,
  periods: ReadonlyArray<{ ref: string; board: Parameters<typeof layoutOf>[0] }>,
): Promise<void> {
  await Promise.all(
    periods.map(async ({ ref, board }) => {
      const layout = layoutOf(board);
      if (!layout) return;
      const { sealed, ready } = boardKeys(deps.keys, ref);
      // The ready marker first: a reader that still found it would take the half-deleted buckets for a broken board.
      await deps.redis.del(ready);
      const keys = allBucketedKeys(deps.keys, ref, bucketCount(layout), layout.userShards).filter((key) => key !== sealed && key !== ready);
      // One DEL per key: they are in many slots.
      await Promise.all(keys.map((key) => deps.redis.del(key)));
    }),
  );
}

/** The bucket layout of a period's board, read from its definition (for jobs that carry only the ref). */
export async function layoutOfPeriod(db: Deps['db'], ref: string): Promise<BucketLayout | null> {
  const period = await db.boardPeriod.findUniqueOrThrow({ where: { ref }, select: { board: { select: LAYOUT_FIELDS } } });
  return layoutOf(period.board);
}

/**
 * Every Redis key of a period's board but its seal (the tombstone a
 * released board keeps): what the rollover deletes.
 */
export function boardKeysToRelease(deps: Pick<Deps, 'keys'>, ref: string, layout: BucketLayout | null): string[] {
  const { sealed, ...rest } = boardKeys(deps.keys, ref);
  const bucketed = layout ? allBucketedKeys(deps.keys, ref, bucketCount(layout), layout.userShards) : [];
  return [...new Set([...Object.values(rest), ...bucketed])].filter((key) => key !== sealed);
}
