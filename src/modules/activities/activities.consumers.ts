import type { Deps } from '../../lib/app-deps.js';
import type { EventHandler, RecordedEvent } from '../outbox/index.js';
import { ACTIVITY_CHANGE_EVENTS, WAITLIST_CHANGE_EVENTS } from './activities.events.js';
import { planTransitions } from './activities.jobs.js';
import './activities.topics.js';

/**
 * Tells `activity:changed` subscribers after commit. The current version is
 * read, not taken from the event, so a redelivered old event announces the
 * latest state rather than an outdated one.
 */
function publishChange<K extends (typeof ACTIVITY_CHANGE_EVENTS)[number] | (typeof WAITLIST_CHANGE_EVENTS)[number]>(type: K): EventHandler<Deps, K> {
  return {
    name: 'activities.publish-change',
    type,
    async handle(event: RecordedEvent<K>, deps) {
      const { activityId } = event.payload as { activityId: number };
      const activity = await deps.db.activity.findUnique({ where: { id: activityId }, select: { version: true } });
      if (activity) await deps.pubsub.publish('activity:changed', activityId, { activityId, version: activity.version });
    },
  };
}

const planOnPublish: EventHandler<Deps, 'activity.published'> = {
  name: 'activities.plan-transitions',
  type: 'activity.published',
  handle: async (event, deps) => void (await planTransitions(deps, { activityId: event.payload.activityId })),
};

const replanOnReschedule: EventHandler<Deps, 'activity.updated'> = {
  name: 'activities.replan-transitions',
  type: 'activity.updated',
  async handle(event, deps) {
    if (event.payload.previousTimes) await planTransitions(deps, event.payload);
  },
};

/** A cancelled activity needs no more transition jobs. */
const unplanOnCancel: EventHandler<Deps, 'activity.cancelled'> = {
  name: 'activities.unplan-transitions',
  type: 'activity.cancelled',
  handle: async (event, deps) => void (await planTransitions(deps, { activityId: event.payload.activityId })),
};

/** Every consumer of the activities domain, registered in src/events.ts. */
export const activityConsumers = [
  planOnPublish,
  replanOnReschedule,
  unplanOnCancel,
  ...[...ACTIVITY_CHANGE_EVENTS, ...WAITLIST_CHANGE_EVENTS].map((type) => publishChange(type)),
] as EventHandler<Deps>[];
