import type { Job } from 'bullmq';
import { z } from 'zod';
import { scheduledTime } from '../../infra/queues.js';
import { isSeasonId, previousSeasonId, seasonIdAt } from '../../lib/calendar.js';

/** Copy shards cover this many ranks each by default (fewer shards if that would make too many). */
export const DEFAULT_SHARD_SIZE = 25_000;
/** Ranks one copy statement inserts. */
export const DEFAULT_BATCH_SIZE = 5_000;

/**
 * What a `season.rollover` job may carry: nothing for a scheduled tick, or
 * (from `runJob` or a test) the season to roll over and how to split it.
 */
export const rolloverDataSchema = z
  .object({
    seasonId: z.string().refine(isSeasonId, 'seasonId must be a season id, YYYY-MM').optional(),
    shardSize: z.number().int().min(100).max(10_000_000).optional(),
    batchSize: z.number().int().min(100).max(50_000).optional(),
  })
  .strict();

/** A parsed {@link rolloverDataSchema}. */
export type RolloverData = z.infer<typeof rolloverDataSchema>;

/**
 * The season a rollover run closes: the one its data names, or else the
 * season before the one its tick falls in, in APP_TIMEZONE. The tick (the
 * scheduler's `prevMillis`, or when a manual run was added) decides, never
 * the time a worker gets to it: a tick of 00:00 on 1 December processed late
 * still closes November.
 */
export function closedSeasonOf(job: Pick<Job, 'opts' | 'timestamp'>, data: RolloverData, timeZone: string): string {
  return data.seasonId ?? previousSeasonId(seasonIdAt(scheduledTime(job), timeZone));
}

/**
 * A key for one rollover run, made of the job's id (stable across its
 * retries, new for every tick or manual run). BullMQ ids cannot contain ':'.
 */
export function runKeyOf(job: Pick<Job, 'id' | 'opts' | 'timestamp'>): string {
  return (job.id ?? String(scheduledTime(job).getTime())).replace(/[^A-Za-z0-9_.-]/g, '_');
}
