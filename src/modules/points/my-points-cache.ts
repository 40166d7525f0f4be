import { dependsOnViewerState, validUntil } from '../../graphql/response-cache.js';
import { addDays, localDayStart } from '../../lib/calendar.js';
import { dependsOnBoardPeriod } from '../leaderboards/index.js';
import type { myPoints } from './my-points.js';

/**
 * Lets the response cache keep a `myPoints` answer for its viewer
 * (graphql/response-cache.ts), with everything it depends on:
 * - the viewer's own writes (awards, reversals, adjustments, sign-ins,
 *   submitted scores) through their state version, replaced on commit on any
 *   instance (lib/user-state-version.ts);
 * - other users' changes to the board period of `rank` and `percentile`,
 *   through its `leaderboard:changed` notices, as board reads are;
 * - the day: today's sums and the streak start over at the next local
 *   midnight (APP_TIMEZONE), when the answer expires.
 * An answer computed from PostgreSQL because the Redis board was unreachable
 * or being rebuilt (`stale`) is not kept.
 */
export function cacheMyPoints(context: object, mine: Awaited<ReturnType<typeof myPoints>>, timeZone: string): void {
  if (mine.stale) return;
  dependsOnViewerState(context);
  dependsOnBoardPeriod(context, mine.ref);
  validUntil(context, localDayStart(addDays(mine.day, 1), timeZone));
}
