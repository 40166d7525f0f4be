import type { Deps } from '../../lib/app-deps.js';
import { NO_JOB_CONTROL, type JobHandler } from '../../infra/queues.js';
import { copyShard, type AfterBatch } from './rollover-copy.js';
import { finishRollover } from './rollover-finish.js';
import {
  COPY_JOB,
  COPY_JOB_OPTIONS,
  FINISH_JOB,
  FINISH_JOB_OPTIONS,
  ROLLOVER_JOB,
  startRolloverFlow,
  type CopyShardData,
  type FinishData,
} from './rollover-flow.js';
import { prepareRollover } from './rollover-prepare.js';
import { closedSeasonOf, rolloverDataSchema, runKeyOf } from './rollover-season.js';

/**
 * `season.rollover`: at 00:00 on the 1st in APP_TIMEZONE, closes the season
 * that just ended (or the one in `data.seasonId`): prepares it, then starts
 * the copy flow. Also keeps the points partitions of the coming months ready.
 */
export const seasonRolloverJob: JobHandler<Deps> = {
  queue: 'leaderboards',
  name: ROLLOVER_JOB,
  description:
    'Archives the season that just ended: freezes its board, copies it to PostgreSQL in parallel shards, verifies, deletes it.',
  schedule: { pattern: '0 0 1 * *' },
  options: { attempts: 5, backoff: { type: 'exponential', delay: 5_000 } },
  dataSchema: rolloverDataSchema,
  async process(job, deps) {
    const data = rolloverDataSchema.parse(job.data ?? {});
    const seasonId = closedSeasonOf(job, data, deps.config.timeZone);
    const runKey = runKeyOf(job);
    const plan = await prepareRollover(deps, { seasonId, runKey });
    if (plan.archived) return { seasonId, skipped: 'the season is archived already' };
    const flow = await startRolloverFlow(deps, { ...plan, ...data, runKey });
    return { seasonId, members: plan.members, ...flow };
  },
};

/**
 * `season.rollover.copy`, a child of the rollover flow. After each inserted
 * batch it reports progress and passes a checkpoint: a cancelled shard (or
 * flow) stops there, leaving only whole batches of rows that a later run
 * keeps or clears (see freezeBoard) and a board it never touched.
 * `afterBatch` observes each batch; tests make a shard fail halfway with it.
 */
export function rolloverCopyJob(
  afterBatch?: (progress: Parameters<AfterBatch>[0] & { attempt: number }) => void | Promise<void>,
): JobHandler<Deps> {
  return {
    queue: 'leaderboards',
    name: COPY_JOB,
    description: 'One shard of a season rollover: copies a rank range of the frozen board into the archive (idempotent).',
    options: COPY_JOB_OPTIONS,
    process: (job, deps, control = NO_JOB_CONTROL) => {
      const data = job.data as CopyShardData;
      const ranks = data.toRank - data.fromRank + 1;
      return copyShard(deps, data, async (progress) => {
        await afterBatch?.({ ...progress, attempt: job.attemptsMade + 1 });
        const copied = progress.throughRank - data.fromRank + 1;
        await control.progress({ percent: Math.round((100 * copied) / ranks), throughRank: progress.throughRank, batch: progress.batch });
        await control.checkpoint();
      });
    },
  };
}

/** `season.rollover.finish`, the parent of the rollover flow: verify, ARCHIVED, delete the board, announce. */
export const rolloverFinishJob: JobHandler<Deps> = {
  queue: 'leaderboards',
  name: FINISH_JOB,
  description: 'Last step of a season rollover: verifies the archive against the board, marks the season ARCHIVED, deletes the board.',
  options: FINISH_JOB_OPTIONS,
  process: (job, deps) => finishRollover(deps, { seasonId: (job.data as FinishData).seasonId }),
};

/** The rollover's three jobs: the scheduler's, and the flow's children and parent. */
export const rolloverJobs: JobHandler<Deps>[] = [seasonRolloverJob, rolloverCopyJob(), rolloverFinishJob];
