import type { Deps } from '../../lib/app-deps.js';
import { periodRef, POINTS_BOARD } from './board-definition.js';
import { markNewBoardReady } from './board-periods.service.js';

/** The ref of a season (`YYYY-MM`) of the `points` board. */
export function pointsBoardRef(seasonId: string): string {
  return periodRef(POINTS_BOARD, seasonId);
}

/**
 * Marks the boards of periods a write just created as whole (an empty board
 * is), and remembers them as existing; see ensurePeriod.
 */
export async function publishNewPeriods(deps: Pick<Deps, 'redis' | 'keys' | 'logger' | 'now' | 'boardCache'>, refs: readonly string[]): Promise<void> {
  for (const ref of refs) deps.boardCache.ensured.add(ref);
  await Promise.all(refs.map((ref) => markNewBoardReady(deps, ref)));
}
