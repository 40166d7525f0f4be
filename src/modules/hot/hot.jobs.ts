import type { Deps } from '../../lib/app-deps.js';
import { NO_JOB_CONTROL, scheduledTime, type JobHandler } from '../../infra/queues.js';
import { recomputeHotBoards } from './hot-recompute.js';
import { takeHotSnapshot } from './hot-snapshot.js';

/** How often the full recompute runs: the decay step of `hackernews`, the repair bound of `reddit`. */
export const HOT_RECOMPUTE_EVERY_MS = 60_000;

/** The hot ranking's periodic jobs, on the `hot` queue; both are idempotent. */
export const hotJobs: JobHandler<Deps>[] = [
  {
    queue: 'hot',
    name: 'hot.recompute',
    schedule: { every: HOT_RECOMPUTE_EVERY_MS },
    async process(_job, deps, control = NO_JOB_CONTROL) {
      // A cancelled recompute stops between batches, before its swap: the live boards stay as they were.
      const result = await recomputeHotBoards(deps, {
        afterBatch: async (scanned) => {
          await control.progress({ scanned });
          await control.checkpoint();
        },
      });
      return { ...result, computedAt: result.computedAt.toISOString() };
    },
  },
  {
    queue: 'hot',
    name: 'hot.snapshot',
    // Midnight in APP_TIMEZONE: registerSchedulers passes the zone with every cron pattern.
    schedule: { pattern: '0 0 * * *' },
    async process(job, deps) {
      return takeHotSnapshot(deps, { at: scheduledTime(job) });
    },
  },
];
