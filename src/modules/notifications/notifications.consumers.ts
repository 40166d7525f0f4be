import type { Deps } from '../../lib/app-deps.js';
import type { EventHandler } from '../outbox/index.js';
import { enqueueActivityFanOut } from './activity-fan-out.js';
import { insertOne } from './batch-sql.js';
import { publishAdded } from './fan-out.js';
import { fullText, promotedText } from './notification-text.js';

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

/** Every consumer of the notifications module, registered in src/events.ts. */
export const notificationConsumers = [onCancelled, onRescheduled, onFull, onPromoted] as EventHandler<Deps>[];
