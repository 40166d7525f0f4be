/** Leaderboards: definitions, board periods in Redis, standings, sync, reconcile and rollover. */
import type { StandingWatcher } from '../../graphql/live/standing-watcher.js';
import type { BoardCache } from './board-periods.service.js';
import type { LiveStanding } from './standing-lookup.js';
import './leaderboards.topics.js';
import './leaderboards.schema.js';
import './leaderboard-live.schema.js';
import './rollover.schema.js';
import './definitions.schema.js';
import './submit-score.schema.js';

export { MAX_BOARD_SCORE } from './board-entry.js';
export { periodRef, POINTS_BOARD } from './board-definition.js';
export { boardKeys } from './board-keys.js';
export { invalidateLiveBoards, publishStanding, publishStandings, syncPendingStandings, type StandingChange } from './board-sync.js';
export { getStanding, percentileOf } from './leaderboards.service.js';
export { dependsOnBoardPeriod } from './board-answer-cache.js';
export { leaderboardJobs } from './leaderboards.jobs.js';
export { SeasonRef } from './board-read-types.schema.js';
export { seasonIdArg } from './board-node-ids.js';
export { resolveBoardArgs, boardArgDescription, periodArgDescription, seasonArgDescription } from './board-args.js';
export {
  createBoardCache,
  ensurePeriod,
  getBoard,
  getCurrentPeriod,
  getPointsBoard,
  markNewBoardReady,
  type BoardCache,
  type ResolvedPeriod,
} from './board-periods.service.js';
export { seasonOf, type SeasonShape } from './season-shape.js';
export { lookupStandings, type LiveStanding } from './standing-lookup.js';
export { pointsBoardRef, publishNewPeriods } from './award-boards.js';
export { activityBoardConsumers } from './activity-boards.js';
export { closePeriodNow, requeueClosingRollovers } from './rollover-schedule.js';

declare module '../../lib/app-deps.js' {
  interface Deps {
    /**
     * Board standings watched by this instance's `myStanding` / `standingChanged`
     * subscribers (scope = period ref, member = user id): passive rank changes
     * ("someone overtook you") without per-write work per subscriber.
     */
    standings: StandingWatcher<LiveStanding | null>;
    /** Board definitions and periods remembered by this process; see board-periods.service.ts. */
    boardCache: BoardCache;
  }
}
