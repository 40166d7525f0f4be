import type { Deps } from '../../lib/app-deps.js';
import { parsePeriodRef, type BoardDefinition } from './board-definition.js';
import { ensurePeriod, forgetBoard } from './board-periods.service.js';
import { boardsToFreeze, markArchived, type BoardActor } from './definitions.service.js';
import { closePeriodNow } from './rollover-schedule.js';

/**
 * Archives a board: ARCHIVED in PostgreSQL (once), then its current period is
 * sealed at once and rolled over into the archive (`closePeriodNow`), so no
 * later write reaches it and its history stays readable. Idempotent: a repeated
 * call (or a retry after the seal failed) seals the same period again, which
 * `closePeriodNow` treats as a no-op once sealed.
 * `actor` null is the system (an activity's end).
 */
export async function archiveLeaderboard(deps: Deps, actor: BoardActor | null, key: string): Promise<BoardDefinition> {
  const { board, ref } = await markArchived(deps, actor, key);
  // The frozen period may never have been used: its (empty) row is what the archive and reads point at.
  await ensurePeriod(deps, board, parsePeriodRef(ref).periodId);
  await closePeriodNow(deps, ref, 'archived');
  forgetBoard(deps, key);
  return board;
}

/**
 * Freezes the ACTIVITY boards of an activity that ended or was cancelled at
 * `occurredAt` (see {@link boardsToFreeze}).
 * @returns the keys of the boards archived (or sealed again).
 */
export async function freezeActivityBoards(deps: Deps, activityId: number, occurredAt: Date): Promise<string[]> {
  const boards = await boardsToFreeze(deps.db, activityId, occurredAt);
  for (const board of boards) await archiveLeaderboard(deps, null, board.key);
  return boards.map((board) => board.key);
}
