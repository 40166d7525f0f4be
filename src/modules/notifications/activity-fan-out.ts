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
  return runFanOut(deps, (after, limit) => participantsBatch(deps.db, row, after, limit), options);
}
