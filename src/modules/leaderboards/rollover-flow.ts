import type { JobsOptions } from 'bullmq';
import type { BoardOrder } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import { DEFAULT_JOB_OPTIONS } from '../../infra/queues.js';
import { DEFAULT_BATCH_SIZE, DEFAULT_SHARD_SIZE, jobIdPart } from './rollover-period.js';

/** Rolls one board period over: prepares it, starts the flow (the monthly cron of the points board, or any period by `ref`). */
export const ROLLOVER_JOB = 'season.rollover';
/** Every minute: starts the rollover of every board period that has ended. */
export const ROLLOVER_TICK_JOB = 'leaderboard.rollover.tick';
/** A child of the flow: copies one rank range of the frozen board. */
export const COPY_JOB = 'season.rollover.copy';
/** The parent of the flow, run once every copy is done: verify, archive, delete the board. */
export const FINISH_JOB = 'season.rollover.finish';

/** More shards than this only add overhead: shards grow instead. */
export const MAX_SHARDS = 32;

/** Payload of {@link COPY_JOB}: ranks `fromRank`..`toRank` (inclusive, from 1) of the period's board. */
export interface CopyShardData {
  ref: string;
  /** The archive partition the rows go to (the month the period began). */
  month: string;
  /** The board's order: how a sort score reads back as a score. */
  order: BoardOrder;
  fromRank: number;
  toRank: number;
  batchSize: number;
}

/** Payload of {@link FINISH_JOB}. */
export interface FinishData {
  ref: string;
  /** ZCARD of the frozen board when the flow started (for operators; verification reads it again). */
  members: number;
}

/** Retried with backoff: every step of prepare is idempotent (and a run that finds another preparing waits its turn). */
export const ROLLOVER_JOB_OPTIONS: JobsOptions = { ...DEFAULT_JOB_OPTIONS, attempts: 5, backoff: { type: 'exponential', delay: 5_000 } };
/** Retried with backoff: a shard is idempotent, so a retry redoes only what is missing. */
export const COPY_JOB_OPTIONS: JobsOptions = { ...DEFAULT_JOB_OPTIONS, attempts: 5, backoff: { type: 'exponential', delay: 1_000 } };
/** Retried with backoff: verification is read-only, and each later step is idempotent. */
export const FINISH_JOB_OPTIONS: JobsOptions = { ...DEFAULT_JOB_OPTIONS, attempts: 5, backoff: { type: 'exponential', delay: 2_000 } };

/** Splits ranks 1..members into contiguous ranges of about `shardSize`, at most {@link MAX_SHARDS}. */
export function planShards(members: number, shardSize = DEFAULT_SHARD_SIZE): Array<{ fromRank: number; toRank: number }> {
  if (members <= 0) return [];
  const size = Math.max(shardSize, Math.ceil(members / MAX_SHARDS));
  const shards: Array<{ fromRank: number; toRank: number }> = [];
  for (let fromRank = 1; fromRank <= members; fromRank += size) {
    shards.push({ fromRank, toRank: Math.min(fromRank + size - 1, members) });
  }
  return shards;
}

/** The job id of a {@link FINISH_JOB} or {@link COPY_JOB} (without its shard number) of run `runKey` of period `ref`. */
export function flowJobId(name: typeof FINISH_JOB | typeof COPY_JOB, ref: string, runKey: string): string {
  return `${name}.${jobIdPart(ref)}.${runKey}`;
}

/**
 * Adds the rollover flow: one {@link FINISH_JOB} parent over N {@link COPY_JOB}
 * children, all on the `leaderboards` queue. Job ids derive from the period
 * ref (sanitized: ids cannot hold ':') and the run, so a retried or repeated
 * start of the same run adds nothing twice, while a new run (a manual re-run)
 * gets a fresh flow. A child that fails for good fails the parent, so a
 * rollover never finishes with a shard missing.
 */
export async function startRolloverFlow(
  deps: Pick<Deps, 'flows'>,
  input: { ref: string; month: string; order: BoardOrder; members: number; runKey: string; shardSize?: number; batchSize?: number },
): Promise<{ finishJobId: string; shards: number }> {
  const { ref, month, order, members, runKey } = input;
  const batchSize = input.batchSize ?? DEFAULT_BATCH_SIZE;
  const finishJobId = flowJobId(FINISH_JOB, ref, runKey);
  const shards = planShards(members, input.shardSize);
  await deps.flows.add({
    name: FINISH_JOB,
    queueName: 'leaderboards',
    data: { ref, members } satisfies FinishData,
    opts: { ...FINISH_JOB_OPTIONS, jobId: finishJobId },
    children: shards.map((shard, index) => ({
      name: COPY_JOB,
      queueName: 'leaderboards',
      data: { ref, month, order, ...shard, batchSize } satisfies CopyShardData,
      opts: { ...COPY_JOB_OPTIONS, jobId: `${flowJobId(COPY_JOB, ref, runKey)}.${index + 1}`, failParentOnFailure: true },
    })),
  });
  return { finishJobId, shards: shards.length };
}
