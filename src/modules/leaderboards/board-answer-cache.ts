import { dependsOn } from '../../graphql/response-cache.js';
import type { ResolvedPeriod } from './board-periods.service.js';

/**
 * How old a cached board answer may be even without a change notice: the
 * definitions and the current period it was resolved from are themselves
 * cached this long (board-periods.service.ts), so this adds no staleness.
 */
const BOARD_ANSWER_MAX_AGE_MS = 5_000;

/** A board read's answer changes when its period's board does: `leaderboard:changed` of that period. */
export function dependsOnBoard(context: object, resolved: ResolvedPeriod): void {
  dependsOnBoardPeriod(context, resolved.target.ref);
}

/** {@link dependsOnBoard} by the period's ref, for other modules' answers that show a standing there (`myPoints`). */
export function dependsOnBoardPeriod(context: object, ref: string): void {
  dependsOn(context, 'leaderboard:changed', ref, BOARD_ANSWER_MAX_AGE_MS);
}
