import { z } from 'zod';
import type { Deps } from '../../lib/app-deps.js';
import type { JobHandler } from '../../infra/queues.js';
import { syncPendingStandings } from './board-sync.js';
import { reconcileBoard } from './reconcile.js';
import { rolloverJobs } from './rollover.jobs.js';
import { isSeasonId } from '../../lib/calendar.js';
import { seasonIdOf } from './seasons.service.js';

const reconcileDataSchema = z
  .object({ seasonId: z.string().refine(isSeasonId, 'seasonId must be a season id, YYYY-MM').optional() })
  .strict();

/**
 * The leaderboards queue's jobs:
 * - `leaderboard.sync`: the outbox of the Redis board. Every award writes its
 *   standing to Redis right after commit; this pushes whatever that missed
 *   (Redis down, process died) and rebuilds a board Redis lost.
 * - `leaderboard.reconcile`: hourly, checks the current board against the
 *   points records and repairs drift (or the season in `data.seasonId`).
 * - the season rollover's three jobs (rollover.jobs.ts).
 */
export const leaderboardJobs: JobHandler<Deps>[] = [
  {
    queue: 'leaderboards',
    name: 'leaderboard.sync',
    schedule: { every: 5_000 },
    process: (_job, deps) => syncPendingStandings(deps),
  },
  {
    queue: 'leaderboards',
    name: 'leaderboard.reconcile',
    description:
      'Rebuilds the current season board from the points records, repairs and reports drift (liveboard_leaderboard_drift_total).',
    schedule: { pattern: '0 * * * *' },
    options: { attempts: 3, backoff: { type: 'exponential', delay: 10_000 } },
    dataSchema: reconcileDataSchema,
    process: (job, deps) => {
      const data = reconcileDataSchema.parse(job.data ?? {});
      return reconcileBoard(deps, { seasonId: data.seasonId ?? seasonIdOf(deps, deps.now()) });
    },
  },
  ...rolloverJobs,
];
