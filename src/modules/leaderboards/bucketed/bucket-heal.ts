import type { Deps } from '../../../lib/app-deps.js';
import type { BoardTarget } from '../board-definition.js';
import { loadBucketedBoard } from './bucket-load.js';
import type { BucketLayout } from './bucket-layout.js';

/**
 * Rebuilds a bucketed board period from PostgreSQL, the source of truth:
 * what a reader's BucketMovesStuckError (a move that died half-way) calls for.
 * @returns how many members the board holds again.
 */
export async function rebuildBucketedBoard(
  deps: Pick<Deps, 'db' | 'redis' | 'keys'>,
  target: Pick<BoardTarget, 'ref' | 'order'>,
  layout: BucketLayout,
): Promise<number> {
  const rows = await deps.db.boardStanding.findMany({
    where: { periodRef: target.ref, ranked: true },
    select: { userId: true, version: true, score: true, seq: true },
  });
  return loadBucketedBoard(
    deps,
    target,
    layout,
    rows.map((row) => ({ userId: row.userId, version: row.version, score: Number(row.score), seq: row.seq.toString() })),
  );
}
