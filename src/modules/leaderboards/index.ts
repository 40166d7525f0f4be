/** Season leaderboards: boards in Redis, seasons, standings, sync, reconcile and rollover. */
import type { StandingWatcher } from '../../graphql/live/standing-watcher.js';
import type { LiveStanding } from './standing-lookup.js';
import './leaderboards.topics.js';
import './leaderboards.schema.js';
import './leaderboard-live.schema.js';
import './rollover.schema.js';

export { MAX_BOARD_POINTS } from './board-score.js';
export { boardKeys } from './board-store.js';
export { publishStanding, type StandingChange } from './board-sync.js';
export { getStanding } from './leaderboards.service.js';
export { leaderboardJobs } from './leaderboards.jobs.js';
export { SeasonRef } from './leaderboards.schema.js';
export { ensureSeason, resolveSeason, seasonIdOf } from './seasons.service.js';
export { lookupStandings, type LiveStanding } from './standing-lookup.js';

declare module '../../lib/app-deps.js' {
  interface Deps {
    /**
     * Season standings watched by this instance's `myStanding` / `standingChanged`
     * subscribers (scope = season id, member = user id): passive rank changes
     * ("someone overtook you") without per-award work per subscriber.
     */
    standings: StandingWatcher<LiveStanding | null>;
  }
}
