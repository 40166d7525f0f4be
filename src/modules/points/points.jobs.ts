import type { Deps } from '../../lib/app-deps.js';
import { scheduledTime, type JobHandler } from '../../infra/queues.js';
import { ensureUpcomingPointsPartitions } from './points-partitions.js';

/**
 * `points.partitions`: daily, keeps the points_records partitions of the
 * current season and the next few ready, months before a season starts.
 * Idempotent.
 */
export const pointsJobs: JobHandler<Deps>[] = [
  {
    queue: 'points',
    name: 'points.partitions',
    description: 'Creates the points_records partitions of the current season and the next 3 ahead of time.',
    schedule: { pattern: '20 0 * * *' },
    options: { attempts: 5, backoff: { type: 'exponential', delay: 5_000 } },
    process: async (job, deps) => ({ created: await ensureUpcomingPointsPartitions(deps, scheduledTime(job)) }),
  },
];
