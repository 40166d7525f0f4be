import type { Job } from 'bullmq';
import { z } from 'zod';
import { scheduledTime } from '../../infra/queues.js';
import { isSeasonId, previousSeasonId, seasonIdAt } from '../../lib/calendar.js';
import { isBoardKey, parsePeriodRef, periodRef, POINTS_BOARD } from './board-definition.js';

/** Copy shards cover this many ranks each by default (fewer shards if that would make too many). */
export const DEFAULT_SHARD_SIZE = 25_000;
/** Ranks one copy statement inserts. */
export const DEFAULT_BATCH_SIZE = 5_000;

/** Longest period ref (the column is VARCHAR(52)). */
const MAX_REF_LENGTH = 52;

/** True for a string shaped like a period ref (`<board key>/<period id>`); whether the period exists is not checked. */
export function isPeriodRefLike(ref: string): boolean {
  if (ref.length > MAX_REF_LENGTH) return false;
  try {
    const { boardKey, periodId } = parsePeriodRef(ref);
    return isBoardKey(boardKey) && /^[A-Za-z0-9-]{1,10}$/.test(periodId);
  } catch {
    return false;
  }
}

/**
 * What a `season.rollover` job may carry: nothing for the monthly tick of the
 * `points` board, or (from the rollover tick, `closePeriodNow`, `runJob` or a
 * test) the period to roll over, as a `ref` or, for the `points` board, a
 * `seasonId`; and how to split it.
 */
export const rolloverDataSchema = z
  .object({
    seasonId: z.string().refine(isSeasonId, 'seasonId must be a season id, YYYY-MM').optional(),
    ref: z.string().refine(isPeriodRefLike, 'ref must be a board period ref, <board key>/<period id>').optional(),
    shardSize: z.number().int().min(100).max(10_000_000).optional(),
    batchSize: z.number().int().min(100).max(50_000).optional(),
  })
  .strict()
  .refine((data) => data.seasonId === undefined || data.ref === undefined, 'give either seasonId or ref, not both');

/** A parsed {@link rolloverDataSchema}. */
export type RolloverData = z.infer<typeof rolloverDataSchema>;

/** The ref of a period of the built-in `points` board (a season). */
export function pointsRef(seasonId: string): string {
  return periodRef(POINTS_BOARD, seasonId);
}

/**
 * The board period a rollover run closes: the one its data names (`ref`, or
 * `seasonId` of the points board), or else the points season before the one
 * its tick falls in, in APP_TIMEZONE. The tick (the scheduler's `prevMillis`,
 * or when a manual run was added) decides, never the time a worker gets to
 * it: a tick of 00:00 on 1 December processed late still closes November.
 */
export function closedPeriodOf(job: Pick<Job, 'opts' | 'timestamp'>, data: RolloverData, timeZone: string): string {
  if (data.ref !== undefined) return data.ref;
  return pointsRef(data.seasonId ?? previousSeasonId(seasonIdAt(scheduledTime(job), timeZone)));
}

/** A period ref (or any text) as a part of a BullMQ job id: ids cannot contain ':', and '/' is kept out too. */
export function jobIdPart(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** Job id prefix of the automatic rollover job of a period (see {@link autoRolloverJobId}). */
const AUTO_JOB_PREFIX = 'season.rollover.';

/**
 * The run key of the automatic rollover of a period. The rollover tick, the
 * monthly cron of the points board and `closePeriodNow` all use it, so when
 * they overlap they are one run: the same freeze and the same flow job ids
 * (which hold the ref), which BullMQ adds once. Manual runs get their own key.
 */
export const AUTO_RUN_KEY = 'auto';

/** The id of the `season.rollover` job the tick or `closePeriodNow` adds for `ref`: BullMQ adds it once while it exists. */
export function autoRolloverJobId(ref: string): string {
  return `${AUTO_JOB_PREFIX}${jobIdPart(ref)}`;
}

/**
 * A key for one rollover run: {@link AUTO_RUN_KEY} for scheduled ticks and
 * the jobs of {@link autoRolloverJobId}, else made of the job's id (stable
 * across its retries, new for every manual run). BullMQ ids cannot contain ':'.
 */
export function runKeyOf(job: Pick<Job, 'id' | 'opts' | 'timestamp'>): string {
  const scheduled = typeof job.opts?.prevMillis === 'number' && job.opts.prevMillis > 0;
  if (scheduled || job.id?.startsWith(AUTO_JOB_PREFIX)) return AUTO_RUN_KEY;
  return jobIdPart(job.id ?? String(scheduledTime(job).getTime()));
}
