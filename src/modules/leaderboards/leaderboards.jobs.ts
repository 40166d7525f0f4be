import { z } from 'zod';
import type { Deps } from '../../lib/app-deps.js';
import type { JobHandler } from '../../infra/queues.js';
import { isSeasonId } from '../../lib/calendar.js';
import { syncPendingStandings } from './board-sync.js';
import { BUCKET_REBUILD_JOB, rebuildBucketedPeriod } from './bucket-rebuild.js';
import { reconcileAllBoards, reconcileBoard } from './reconcile.js';
import { rolloverJobs } from './rollover.jobs.js';
import { isPeriodRefLike, pointsRef } from './rollover-period.js';

const reconcileDataSchema = z
  .object({
    seasonId: z.string().refine(isSeasonId, 'seasonId must be a season id, YYYY-MM').optional(),
    ref: z.string().refine(isPeriodRefLike, 'ref must be a board period ref, <board key>/<period id>').optional(),
  })
  .strict()
  .refine((data) => data.seasonId === undefined || data.ref === undefined, 'give either seasonId or ref, not both');

const rebuildDataSchema = z.object({ ref: z.string().refine(isPeriodRefLike, 'ref must be a board period ref, <board key>/<period id>') }).strict();

/**
 * The leaderboards queue's jobs:
 * - `leaderboard.sync`: the outbox of the Redis boards. Every write puts its
 *   standing in Redis right after commit; this pushes whatever that missed
 *   (Redis down, process died) and rebuilds a board Redis lost.
 * - `leaderboard.reconcile`: hourly, checks every current board period
 *   against its truth and repairs drift (or only the period in `data.ref`,
 *   or the points season in `data.seasonId`).
 * - `leaderboard.bucket-rebuild`: rebuilds one bucketed board period from
 *   PostgreSQL; queued (once per period at a time) by a read that found a
 *   move stuck.
 * - the rollover's jobs (rollover.jobs.ts), the per-minute tick among them.
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
      'Checks every current board period against its truth (points records, or submitted standings), repairs and reports drift (liveboard_leaderboard_drift_total).',
    schedule: { pattern: '0 * * * *' },
    options: { attempts: 3, backoff: { type: 'exponential', delay: 10_000 } },
    dataSchema: reconcileDataSchema,
    process: (job, deps) => {
      const data = reconcileDataSchema.parse(job.data ?? {});
      const ref = data.ref ?? (data.seasonId === undefined ? undefined : pointsRef(data.seasonId));
      return ref === undefined ? reconcileAllBoards(deps) : reconcileBoard(deps, { ref });
    },
  },
  {
    queue: 'leaderboards',
    name: BUCKET_REBUILD_JOB,
    description: 'Rebuilds a bucketed board period from PostgreSQL after a move died half-way (queued by the read that found it).',
    options: { attempts: 3, backoff: { type: 'exponential', delay: 5_000 } },
    dataSchema: rebuildDataSchema,
    process: (job, deps) => rebuildBucketedPeriod(deps, rebuildDataSchema.parse(job.data).ref),
  },
  ...rolloverJobs,
];
