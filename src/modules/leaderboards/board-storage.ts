import type { Deps } from '../../lib/app-deps.js';
import type { BoardTarget } from './board-definition.js';
import { writeToBoards, type StandingWrite, type WriteOptions } from './board-script.js';
import type { BoardSource } from './board-source.js';
import { redisBoard } from './board-store.js';
import { bucketedBoard, writeBucketedStanding } from './bucketed/index.js';

/**
 * Where a board period lives in Redis: one sorted set (board-store.ts) or
 * score buckets (bucketed/), as its board's layout says. Every live read and
 * write goes through here, so nothing else asks which one a board uses.
 */
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
