import type { Deps } from '../../lib/app-deps.js';
import type { EventHandler } from '../outbox/index.js';
import { enqueueActivityFanOut } from './activity-fan-out.js';
import { insertOne } from './batch-sql.js';
import { publishAdded } from './fan-out.js';
import { cancelledText, fullText, promotedText } from './notification-text.js';

/**
 * Cancellation and rescheduling may concern thousands of people: the
 * consumer only queues the fan-out job (idempotent by job id and dedupe
 * key), so event delivery stays fast and the fan-out survives crashes.
 */
const onCancelled: EventHandler<Deps, 'activity.cancelled'> = {
  name: 'notifications.cancelled',
  type: 'activity.cancelled',
  handle: (event, deps) => enqueueActivityFanOut(deps, { kind: 'ACTIVITY_CANCELLED', activityId: event.payload.activityId, version: 0 }),
};

const onRescheduled: EventHandler<Deps, 'activity.updated'> = {
  name: 'notifications.rescheduled',
  type: 'activity.updated',
  async handle(event, deps) {
    if (!event.payload.previousTimes) return;
    await enqueueActivityFanOut(deps, { kind: 'ACTIVITY_RESCHEDULED', activityId: event.payload.activityId, version: event.payload.version });
  },
};

/** One recipient: written right here, deduped per status change (its version). */
const onFull: EventHandler<Deps, 'activity.statusChanged'> = {
  name: 'notifications.full',
  type: 'activity.statusChanged',
  async handle(event, deps) {
    const { activityId, to, version } = event.payload;
    if (to !== 'FULL') return;
    const activity = await deps.db.activity.findUnique({ where: { id: activityId }, select: { organizerId: true, title: true } });
    if (!activity) return;
    const id = await insertOne(deps.db, {
      userId: activity.organizerId,
      kind: 'ACTIVITY_FULL',
      dedupeKey: `full:${activityId}:v${version}`,
      ...fullText(activity.title),
      activityId,
      createdAt: deps.now(),
    });
    if (id !== null) await publishAdded(deps, [{ id, userId: activity.organizerId }]);
  },
};

/** Deduped per outbox event: a person promoted, demoted and promoted again hears of it twice. */
const onPromoted: EventHandler<Deps, 'activity.waitlistPromoted'> = {
  name: 'notifications.waitlist-promoted',
  type: 'activity.waitlistPromoted',
  async handle(event, deps) {
    const { activityId, userId, participationId } = event.payload;
    const activity = await deps.db.activity.findUnique({ where: { id: activityId }, select: { title: true } });
    if (!activity) return;
    const id = await insertOne(deps.db, {
      userId,
      kind: 'WAITLIST_PROMOTED',
      dedupeKey: `promoted:${participationId}:e${event.id}`,
      ...promotedText(activity.title),
      activityId,
      createdAt: deps.now(),
    });
    if (id !== null) await publishAdded(deps, [{ id, userId }]);
  },
};

/** Waiting-line places a cancellation removed: at most a few thousand, written in slices of this many. */
const WAITLIST_SLICE = 1_000;

/**
 * The waiting line closes with the cancellation, in the same transaction, so
 * the fan-out job (which reads the activity's participations later) no longer
 * sees those people: the closing event names them, and they get the same
 * notification, under the same dedupe key.
 */
const onWaitlistCancelled: EventHandler<Deps, 'activity.waitlistClosed'> = {
  name: 'notifications.waitlist-cancelled',
  type: 'activity.waitlistClosed',
  async handle(event, deps) {
    const { activityId, to, userIds } = event.payload;
    if (to !== 'CANCELLED' || userIds.length === 0) return;
    const activity = await deps.db.activity.findUnique({ where: { id: activityId }, select: { title: true, cancelReason: true } });
    if (!activity) return;
    const text = cancelledText(activity.title, activity.cancelReason);
    for (let start = 0; start < userIds.length; start += WAITLIST_SLICE) {
      const rows = await deps.db.$queryRaw<Array<{ id: number; user_id: number }>>`
        INSERT INTO notifications (user_id, kind, dedupe_key, title, body, activity_id, reason, created_at)
        SELECT u.id, 'ACTIVITY_CANCELLED'::"NotificationKind", ${`cancelled:${activityId}`}, ${text.title}, ${text.body}, ${activityId}, ${activity.cancelReason}, ${deps.now()}
        FROM unnest(${userIds.slice(start, start + WAITLIST_SLICE)}::int[]) AS u(id)
        ON CONFLICT (user_id, dedupe_key) DO NOTHING
        RETURNING id, user_id`;
      await publishAdded(deps, rows.map((row) => ({ id: row.id, userId: row.user_id })));
    }
  },
};

/** Every consumer of the notifications module, registered in src/events.ts. */
export const notificationConsumers = [onCancelled, onRescheduled, onFull, onPromoted, onWaitlistCancelled] as EventHandler<Deps>[];
