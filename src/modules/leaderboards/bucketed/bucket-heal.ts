import type { Deps } from '../../../lib/app-deps.js';
import type { BoardTarget } from '../board-definition.js';
import { loadBucketedBoard, type LoadedStanding } from './bucket-load.js';
import type { BucketLayout } from './bucket-layout.js';

/** Standings read per query: a board of any size is rebuilt in bounded memory. */
const PAGE = 5_000;

/**
 * The ranked standings of period `ref`, page by page in user order (the
 * primary key, so each page is an index range). Not one snapshot: a standing
 * written meanwhile is read as it was or as it is, once, and the write path
 * or reconcile brings the board up to date after the rebuild either way.
 */
export async function* rankedStandings(deps: Pick<Deps, 'db'>, ref: string, page = PAGE): AsyncGenerator<LoadedStanding> {
  let after = 0;
  for (;;) {
    const rows = await deps.db.boardStanding.findMany({
      where: { periodRef: ref, ranked: true, userId: { gt: after } },
      orderBy: { userId: 'asc' },
      take: page,
      select: { userId: true, version: true, score: true, seq: true },
    });
    for (const row of rows) yield { userId: row.userId, version: row.version, score: Number(row.score), seq: row.seq.toString() };
    const last = rows.at(-1);
    if (!last || rows.length < page) return;
    after = last.userId;
  }
}

/**
 * Rebuilds a bucketed board period from PostgreSQL, the source of truth:
 * what a reader's BucketBoardBrokenError (a move that died half-way, buckets
 * inconsistent with no move in flight) calls for.
 * @returns how many members the board holds again.
 */
export async function rebuildBucketedBoard(
  deps: Pick<Deps, 'db' | 'redis' | 'keys'>,
  target: Pick<BoardTarget, 'ref' | 'order'>,
  layout: BucketLayout,
): Promise<number> {
  return loadBucketedBoard(deps, target, layout, rankedStandings(deps, target.ref));
}
