import type { Deps } from '../../lib/app-deps.js';
import type { JobControl } from '../../infra/queues.js';
import './notifications.topics.js';

/** Recipients per batch: each batch is one short INSERT … SELECT statement of its own. */
export const FAN_OUT_BATCH_SIZE = 1_000;

/** A notification row as a batch inserted it. */
export interface InsertedNotification {
  id: number;
  userId: number;
}

/** What one batch read and wrote. `lastKey` is the keyset position of its last recipient (null when it read none). */
export interface BatchOutcome {
  read: number;
  lastKey: number | null;
  inserted: InsertedNotification[];
}

/**
 * Writes the notifications of the recipients after `after` (in the source's
 * key order), at most `limit` of them, in one statement that skips rows that
 * exist already (ON CONFLICT (user_id, dedupe_key) DO NOTHING).
 */
export type WriteBatch = (after: number, limit: number) => Promise<BatchOutcome>;

/** Where a fan-out is after a batch committed; tests use it to kill a run halfway. */
export interface FanOutProgress {
  /** 1 for the first batch of this attempt. */
  batch: number;
  /** The BullMQ attempt (1 for the first). */
  attempt: number;
  /** Keyset position reached. */
  after: number;
  inserted: number;
}

export type AfterFanOutBatch = (progress: FanOutProgress) => void | Promise<void>;

/** Totals of one run of a fan-out (this attempt only). */
export interface FanOutResult {
  recipients: number;
  inserted: number;
  batches: number;
  /** The keyset position this attempt started after (0, or where an earlier attempt got to). */
  resumedAfter: number;
}

/**
 * Runs a fan-out batch by batch, keyset-paginated, with no transaction held
 * across batches. After each batch commits, every newly inserted row is
 * announced on its user's `notification:added` channel (one PUBLISH each,
 * pipelined on one connection: ~10,000 for a 10,000-person fan-out, a few
 * tens of ms of Redis time), then the position is saved as job progress so a
 * retry resumes there. A retry that repeats a batch (killed between commit and
 * progress) inserts nothing for it: the dedupe key makes each write once.
 */
export async function runFanOut(
  deps: Pick<Deps, 'pubsub'>,
  writeBatch: WriteBatch,
  options: { control: JobControl; attempt: number; startAfter?: number; batchSize?: number; afterBatch?: AfterFanOutBatch },
): Promise<FanOutResult> {
  const batchSize = options.batchSize ?? FAN_OUT_BATCH_SIZE;
  const resumedAfter = options.startAfter ?? 0;
  const result: FanOutResult = { recipients: 0, inserted: 0, batches: 0, resumedAfter };
  let after = resumedAfter;
  for (let batch = 1; ; batch += 1) {
    // Stopping between batches leaves nothing half-done.
    await options.control.checkpoint();
    const outcome = await writeBatch(after, batchSize);
    if (outcome.lastKey === null) break;
    await publishAdded(deps, outcome.inserted);
    after = outcome.lastKey;
    result.recipients += outcome.read;
    result.inserted += outcome.inserted.length;
    result.batches = batch;
    await options.control.progress({ after, recipients: result.recipients, inserted: result.inserted });
    await options.afterBatch?.({ batch, attempt: options.attempt, after, inserted: outcome.inserted.length });
    if (outcome.read < batchSize) break;
  }
  return result;
}

/** Announces new notifications to their users' live streams; best effort (publish never throws). */
export async function publishAdded(deps: Pick<Deps, 'pubsub'>, rows: readonly InsertedNotification[]): Promise<void> {
  await Promise.all(rows.map((row) => deps.pubsub.publish('notification:added', row.userId, { userId: row.userId, notificationId: row.id })));
}

/** The keyset position a retried job resumes after: what its last attempt saved as progress, else 0. */
export function resumePoint(progress: unknown): number {
  if (progress && typeof progress === 'object' && 'after' in progress) {
    const after = progress.after;
    if (typeof after === 'number' && Number.isSafeInteger(after) && after > 0) return after;
  }
  return 0;
}
