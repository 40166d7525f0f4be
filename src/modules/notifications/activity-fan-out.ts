import type { Deps } from '../../lib/app-deps.js';
import type { JobControl } from '../../infra/queues.js';
import { participantsBatch, type ActivityNotificationRow } from './batch-sql.js';
import { runFanOut, type AfterFanOutBatch, type FanOutResult } from './fan-out.js';
import { cancelledText, rescheduledText } from './notification-text.js';

export const ACTIVITY_FAN_OUT_JOB = 'notifications.activity-fan-out';

/** Data of `notifications.activity-fan-out`: which change of which activity to tell its participants about. */
export interface ActivityFanOutData {
  kind: 'ACTIVITY_CANCELLED' | 'ACTIVITY_RESCHEDULED';
  activityId: number;
  /** The activity version the change produced: a second rescheduling is a second notification. */
  version: number;
}

/** One notification per activity and change: what a retried or re-enqueued fan-out dedupes on. */
export function activityDedupeKey(data: ActivityFanOutData): string {
  return data.kind === 'ACTIVITY_CANCELLED' ? `cancelled:${data.activityId}` : `rescheduled:${data.activityId}:v${data.version}`;
}

/**
 * Deterministic per change, so an event delivered twice (after commit, then
 * by the outbox drain) enqueues one job while the first is kept by BullMQ;
 * later duplicates run again and insert nothing. BullMQ ids cannot contain ':'.
 */
export function activityFanOutJobId(data: ActivityFanOutData): string {
  return data.kind === 'ACTIVITY_CANCELLED' ? `notify-cancelled-${data.activityId}` : `notify-rescheduled-${data.activityId}-v${data.version}`;
}

/** Queues the fan-out of one activity change. */
export async function enqueueActivityFanOut(deps: Pick<Deps, 'queues'>, data: ActivityFanOutData): Promise<void> {
  await deps.queues.activities.add(ACTIVITY_FAN_OUT_JOB, data, { jobId: activityFanOutJobId(data) });
}

/**
 * Notifies every participant of the activity (rows of any status, read now
 * rather than taken from the event) about its cancellation or new times.
 * The text is rendered once, from the activity as it is when the job starts.
 * A rescheduling whose activity was cancelled or ended since is skipped: the
 * new times no longer matter.
 */
export async function fanOutActivity(
  deps: Pick<Deps, 'db' | 'pubsub' | 'now' | 'config'>,
  data: ActivityFanOutData,
  options: { control: JobControl; attempt: number; startAfter?: number; batchSize?: number; afterBatch?: AfterFanOutBatch },
): Promise<FanOutResult | { skipped: string }> {
  const activity = await deps.db.activity.findUnique({
    where: { id: data.activityId },
    select: { title: true, status: true, cancelReason: true, startsAt: true, endsAt: true },
  });
  if (!activity) return { skipped: 'activity not found' };
  if (data.kind === 'ACTIVITY_RESCHEDULED' && (activity.status === 'CANCELLED' || activity.status === 'ENDED')) {
    return { skipped: `activity is ${activity.status}` };
  }
  const text =
    data.kind === 'ACTIVITY_CANCELLED'
      ? cancelledText(activity.title, activity.cancelReason)
      : rescheduledText(activity.title, activity.startsAt, activity.endsAt, deps.config.timeZone);
  const row: ActivityNotificationRow = {
    kind: data.kind,
    dedupeKey: activityDedupeKey(data),
    ...text,
    activityId: data.activityId,
    reason: data.kind === 'ACTIVITY_CANCELLED' ? activity.cancelReason : null,
    // One time for every recipient, so the whole fan-out sorts together in each inbox.
    createdAt: deps.now(),
  };
  const result = await runFanOut(deps, (after, limit) => participantsBatch(deps.db, row, after, limit), options);
  // Done to the end: what requeueCancellationFanOuts looks for after Redis lost queued fan-outs.
  const key = fanOutRecordKey(data);
  await deps.db.notificationFanout.upsert({
    where: { key },
    create: { key, completedAt: deps.now(), recipients: result.recipients },
    update: { completedAt: deps.now(), recipients: result.recipients },
  });
  return result;
}

/** The `notification_fanouts` key of a finished activity fan-out. */
function fanOutRecordKey(data: ActivityFanOutData): string {
  return `activity:${activityDedupeKey(data)}`;
}

/** Cancellations older than this are not announced again after a Redis loss: the news is stale by then. */
const HEAL_WINDOW_DAYS = 7;

/**
 * Queues again the fan-out of every cancellation (within HEAL_WINDOW_DAYS)
 * that has not run to its end: a self-healing step after Redis lost its
 * data, since the queued job lived only there. Deterministic job ids make it
 * a no-op for a fan-out still queued, running or failed for good (retry that
 * with `retryJob`); a repeated fan-out writes nothing twice (dedupe key).
 * Reschedulings are not recovered: which versions of an activity were
 * reschedulings is not kept.
 * @returns the activities whose fan-out was queued.
 */
export async function requeueCancellationFanOuts(deps: Pick<Deps, 'db' | 'queues' | 'now'>): Promise<number[]> {
  const since = new Date(deps.now().getTime() - HEAL_WINDOW_DAYS * 24 * 3600_000);
  const rows = await deps.db.$queryRaw<Array<{ id: number; version: number }>>`
    SELECT a.id, a.version FROM activities a
    WHERE a.status = 'CANCELLED' AND a.cancelled_at >= ${since}
      AND NOT EXISTS (SELECT 1 FROM notification_fanouts f WHERE f.key = 'activity:cancelled:' || a.id)
    ORDER BY a.id`;
  const queued: number[] = [];
  for (const row of rows) {
    const data: ActivityFanOutData = { kind: 'ACTIVITY_CANCELLED', activityId: row.id, version: row.version };
    if (await deps.queues.activities.getJob(activityFanOutJobId(data))) continue;
    await enqueueActivityFanOut(deps, data);
    queued.push(row.id);
  }
  return queued;
}
