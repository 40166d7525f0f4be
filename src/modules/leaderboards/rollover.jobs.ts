import type { Deps } from '../../lib/app-deps.js';
import { NO_JOB_CONTROL, type JobHandler } from '../../infra/queues.js';
import { parsePeriodRef, POINTS_BOARD } from './board-definition.js';
import { copyShard, type AfterBatch } from './rollover-copy.js';
import { shardDigestsOf } from './rollover-digest.js';
import { finishRollover } from './rollover-finish.js';
import {
  COPY_JOB,
  COPY_JOB_OPTIONS,
  FINISH_JOB,
  FINISH_JOB_OPTIONS,
  ROLLOVER_JOB,
  ROLLOVER_JOB_OPTIONS,
  ROLLOVER_TICK_JOB,
  type CopyShardData,
  type FinishData,
} from './rollover-flow.js';
import { closedPeriodOf, rolloverDataSchema, runKeyOf } from './rollover-period.js';
import { startDueRollovers, startRollover } from './rollover-schedule.js';

/** `{ seasonId }` next to the ref of a points-board period, so the monthly run reads as before. */
function seasonOfRef(ref: string): { seasonId?: string } {
  const { boardKey, periodId } = parsePeriodRef(ref);
  return boardKey === POINTS_BOARD ? { seasonId: periodId } : {};
}

/**
 * `season.rollover`: rolls one board period over: prepares it, then starts the
 * copy flow. Its monthly cron (00:00 on the 1st in APP_TIMEZONE) closes the
 * `points` season that just ended; with data it closes `{ ref }` (any board
 * period: what the rollover tick and `closePeriodNow` add) or `{ seasonId }`
 * (a points season).
 */
export const seasonRolloverJob: JobHandler<Deps> = {
  queue: 'leaderboards',
  name: ROLLOVER_JOB,
  description:
    'Archives a board period that ended (monthly: the points season): freezes its board, copies it to PostgreSQL in parallel shards, verifies, deletes it.',
  schedule: { pattern: '0 0 1 * *' },
  options: ROLLOVER_JOB_OPTIONS,
  dataSchema: rolloverDataSchema,
  async process(job, deps) {
    const data = rolloverDataSchema.parse(job.data ?? {});
    const ref = closedPeriodOf(job, data, deps.config.timeZone);
    const started = await startRollover(deps, { ref, runKey: runKeyOf(job), shardSize: data.shardSize, batchSize: data.batchSize });
    return { ...seasonOfRef(ref), ...started };
  },
};

/**
 * `leaderboard.rollover.tick`: every minute, starts the rollover of every
 * board period that has ended (see startDueRollovers).
 */
export const rolloverTickJob: JobHandler<Deps> = {
  queue: 'leaderboards',
  name: ROLLOVER_TICK_JOB,
  description: 'Every minute: starts the rollover of every board period (daily, weekly, monthly) whose end has passed.',
  schedule: { every: 60_000 },
  options: { attempts: 1 },
  process: (_job, deps) => startDueRollovers(deps),
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
    description: 'One shard of a board period rollover: copies a rank range of the frozen board into the archive (idempotent).',
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

/**
 * `season.rollover.finish`, the parent of the rollover flow: verify, ARCHIVED,
 * delete the board, announce. Its children's return values (kept by BullMQ
 * on the parent, even once a child is removed) carry the shards' digests.
 */
export const rolloverFinishJob: JobHandler<Deps> = {
  queue: 'leaderboards',
  name: FINISH_JOB,
  description: 'Last step of a board period rollover: verifies the archive against the board, marks the period ARCHIVED, deletes the board.',
  options: FINISH_JOB_OPTIONS,
  process: async (job, deps) =>
    finishRollover(deps, { ref: (job.data as FinishData).ref, shards: shardDigestsOf(Object.values(await job.getChildrenValues())) }),
};

/** The rollover's jobs: the per-period run, the tick that starts due ones, and the flow's children and parent. */
export const rolloverJobs: JobHandler<Deps>[] = [seasonRolloverJob, rolloverTickJob, rolloverCopyJob(), rolloverFinishJob];
