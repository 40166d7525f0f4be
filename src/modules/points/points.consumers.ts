import type { Deps } from '../../lib/app-deps.js';
import { AppError, ErrorCode } from '../../lib/app-error.js';
import type { EventHandler } from '../outbox/index.js';
import { awardCheckIn, awardHost, awardJoin, reverseCheckIn, reverseJoin } from './activity-awards.js';

/**
 * Runs an automatic award, and lets a refusal for a suspended user end it:
 * the event is done (nothing is recorded, so unsuspending does not replay it)
 * instead of being retried until the outbox gives up.
 */
async function unlessSuspended(deps: Pick<Deps, 'logger'>, what: string, award: () => Promise<unknown>): Promise<void> {
  try {
    await award();
  } catch (error) {
    if (error instanceof AppError && error.code === ErrorCode.FORBIDDEN && error.extensions.reason === 'USER_SUSPENDED') {
      deps.logger.info({ err: error, what }, 'points not awarded: user suspended');
      return;
    }
    throw error;
  }
}

/** The organizer of an activity, or null when it does not exist. */
async function organizerOf(deps: Pick<Deps, 'db'>, activityId: number): Promise<number | null> {
  const activity = await deps.db.activity.findUnique({ where: { id: activityId }, select: { organizerId: true } });
  return activity?.organizerId ?? null;
}

/**
 * Points driven by the activity domain events. Each award carries an
 * idempotency key, so an event delivered twice (after commit, then by the
 * outbox drain) awards once; day and season come from the event time.
 * Organizers earn nothing for joining or checking in at their own activity.
 */
/** Reversals a cancellation runs at once; each is one award statement. */
const CANCEL_CONCURRENCY = 8;

export const pointsConsumers: EventHandler<Deps>[] = [
  {
    name: 'points.join',
    type: 'activity.joined',
    async handle(event, deps) {
      if ((await organizerOf(deps, event.payload.activityId)) === event.payload.userId) return;
      await unlessSuspended(deps, 'join', () => awardJoin(deps, { ...event.payload, occurredAt: event.occurredAt }));
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
      if ((await organizerOf(deps, event.payload.activityId)) === event.payload.userId) return;
      await unlessSuspended(deps, 'check-in', () => awardCheckIn(deps, { ...event.payload, occurredAt: event.occurredAt }));
    },
  } satisfies EventHandler<Deps, 'activity.checkedIn'>,
  {
    name: 'points.cancel',
    type: 'activity.cancelled',
    async handle(event, deps) {
      // Participations outlive the cancellation. Each reversal has its own key
      // (the join's is shared with a quit), so a retry takes nothing twice.
      const participations = await deps.db.participation.findMany({
        where: { activityId: event.payload.activityId },
        select: { id: true, userId: true, checkedInAt: true },
        orderBy: { id: 'asc' },
      });
      const reason = 'activity cancelled';
      // Different users' reversals touch different rows: a few at a time, so a big activity does not take one award's latency per seat.
      for (let start = 0; start < participations.length; start += CANCEL_CONCURRENCY) {
        await Promise.all(
          participations.slice(start, start + CANCEL_CONCURRENCY).map(async (p) => {
            const input = { userId: p.userId, activityId: event.payload.activityId, participationId: p.id, occurredAt: event.occurredAt, reason };
            await reverseJoin(deps, input);
            if (p.checkedInAt) await reverseCheckIn(deps, input);
          }),
        );
      }
    },
  } satisfies EventHandler<Deps, 'activity.cancelled'>,
  {
    name: 'points.host',
    type: 'activity.statusChanged',
    async handle(event, deps) {
      if (event.payload.to !== 'ENDED') return;
      const organizerId = await organizerOf(deps, event.payload.activityId);
      if (organizerId === null) return;
      // Counted when the activity ended: check-ins are only possible while it is ONGOING.
      // The organizer's own check-in does not count: hosting oneself earns nothing.
      const others = await deps.db.participation.count({
        where: { activityId: event.payload.activityId, checkedInAt: { not: null }, userId: { not: organizerId } },
      });
      if (others < deps.config.points.hostMinCheckedIn) return;
      await unlessSuspended(deps, 'host', () =>
        awardHost(deps, { organizerId, activityId: event.payload.activityId, occurredAt: event.occurredAt }),
      );
    },
  } satisfies EventHandler<Deps, 'activity.statusChanged'>,
] as EventHandler<Deps>[];
