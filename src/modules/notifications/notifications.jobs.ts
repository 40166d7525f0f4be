import { z } from 'zod';
import type { Deps } from '../../lib/app-deps.js';
import { NO_JOB_CONTROL, type JobHandler } from '../../infra/queues.js';
import { ACTIVITY_FAN_OUT_JOB, fanOutActivity, type ActivityFanOutData } from './activity-fan-out.js';
import { resumePoint, type AfterFanOutBatch } from './fan-out.js';
import { notifySeasonEnded, SEASON_ENDED_JOB, seasonsToAnnounce } from './season-ended.js';

const SEASON_ID = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'seasonId is a month such as 2026-11.');

/**
 * `notifications.activity-fan-out`: one activity change to every participant,
 * in batches. A retry resumes after the last batch its previous attempt
 * saved as progress; repeating a batch writes nothing (dedupe key).
 * `afterBatch` lets tests kill an attempt halfway.
 */
export function activityFanOutJob(afterBatch?: AfterFanOutBatch): JobHandler<Deps> {
  return {
    queue: 'activities',
    name: ACTIVITY_FAN_OUT_JOB,
    description: 'Notifies every participant of an activity that was cancelled or rescheduled, 1,000 per statement.',
    options: { attempts: 5, backoff: { type: 'exponential', delay: 1_000 } },
    process: (job, deps, control = NO_JOB_CONTROL) =>
      fanOutActivity(deps, job.data as ActivityFanOutData, { control, attempt: job.attemptsStarted, startAfter: resumePoint(job.progress), afterBatch }),
  };
}

/**
 * `notifications.season-ended`: hourly, finds points seasons archived in the
 * last SEASON_SWEEP_WINDOW_DAYS that were not announced to the end, and tells
 * each member their final rank. Durable where the `season:rolledOver`
 * pub/sub message is not: a missed message, a crash or Redis outage only
 * delays the announcement to the next tick. `runJob` with `{ seasonId }`
 * (re)announces one season.
 */
export function seasonEndedJob(afterBatch?: AfterFanOutBatch): JobHandler<Deps> {
  return {
    queue: 'leaderboards',
    name: SEASON_ENDED_JOB,
    description: 'Tells every member of a newly archived points season their final rank (hourly; idempotent).',
    schedule: { pattern: '17 * * * *' },
    options: { attempts: 5, backoff: { type: 'exponential', delay: 5_000 } },
    dataSchema: z.object({ seasonId: SEASON_ID.optional() }),
    async process(job, deps, control = NO_JOB_CONTROL) {
      const given = (job.data as { seasonId?: string } | undefined)?.seasonId;
      const seasons = given ? [given] : await seasonsToAnnounce(deps);
      const results: Record<string, unknown> = {};
      for (const seasonId of seasons) {
        results[seasonId] = await notifySeasonEnded(deps, seasonId, { control, attempt: job.attemptsStarted, afterBatch });
      }
      return results;
    },
  };
}

/** Every job of the notifications module, registered in src/jobs.ts. */
export const notificationJobs: JobHandler<Deps>[] = [activityFanOutJob(), seasonEndedJob()];
