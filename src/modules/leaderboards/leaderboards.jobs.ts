import type { Deps } from '../../infra/deps.js';
import type { JobHandler } from '../../infra/queues.js';
import { syncPendingStandings } from './board-sync.js';

/**
 * `leaderboard.sync`: the outbox of the Redis board. Every award writes its
 * standing to Redis right after commit; this pushes whatever that missed
 * (Redis down, process died) and rebuilds a board Redis lost.
 */
export const leaderboardJobs: JobHandler<Deps>[] = [
  {
    queue: 'leaderboards',
    name: 'leaderboard.sync',
    schedule: { every: 5_000 },
    process: (_job, deps) => syncPendingStandings(deps),
  },
];
