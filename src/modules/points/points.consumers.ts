import type { Deps } from '../../lib/app-deps.js';
import type { EventHandler } from '../outbox/index.js';
import { awardCheckIn, awardHost, awardJoin, reverseJoin } from './activity-awards.js';

/**
 * Points driven by the activity domain events. Each award carries an
 * idempotency key, so an event delivered twice (after commit, then by the
 * outbox drain) awards once; day and season come from the event time.
 */
export const pointsConsumers: EventHandler<Deps>[] = [
  {
    name: 'points.join',
    type: 'activity.joined',
    async handle(event, deps) {
      await awardJoin(deps, { ...event.payload, occurredAt: event.occurredAt });
    },
  } satisfies EventHandler<Deps, 'activity.joined'>,
  {
    name: 'points.quit',
    type: 'activity.quit',
    async handle(event, deps) {
      await reverseJoin(deps, { ...event.payload, occurredAt: event.occurredAt });
    },
  } satisfies EventHandler<Deps, 'activity.quit'>,
  {
    name: 'points.check-in',
    type: 'activity.checkedIn',
    async handle(event, deps) {
      await awardCheckIn(deps, { ...event.payload, occurredAt: event.occurredAt });
    },
  } satisfies EventHandler<Deps, 'activity.checkedIn'>,
  {
    name: 'points.host',
    type: 'activity.statusChanged',
    async handle(event, deps) {
      if (event.payload.to !== 'ENDED') return;
      // Counted when the activity ended: check-ins are only possible while it is ONGOING.
      const activity = await deps.db.activity.findUnique({
        where: { id: event.payload.activityId },
        select: { organizerId: true, checkInCount: true },
      });
      if (!activity || activity.checkInCount === 0) return;
      await awardHost(deps, { organizerId: activity.organizerId, activityId: event.payload.activityId, occurredAt: event.occurredAt });
    },
  } satisfies EventHandler<Deps, 'activity.statusChanged'>,
] as EventHandler<Deps>[];
