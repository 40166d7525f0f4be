import type { Deps } from '../../lib/app-deps.js';
import type { EventHandler } from '../outbox/index.js';
import { freezeActivityBoards } from './archive-leaderboard.js';

/**
 * Tournament boards freeze with their activity: when it ENDS or is CANCELLED,
 * its ACTIVITY boards are archived as `archiveLeaderboard` would. Each
 * delivery is idempotent (an event delivered after commit and again by the
 * outbox drain archives once). Cancellation is followed by both events; either
 * one suffices. Registered in src/events.ts.
 */
export const activityBoardConsumers: EventHandler<Deps>[] = [
  {
    name: 'leaderboards.activity-ended',
    type: 'activity.statusChanged',
    async handle(event, deps) {
      if (event.payload.to !== 'ENDED' && event.payload.to !== 'CANCELLED') return;
      await freezeActivityBoards(deps, event.payload.activityId, event.occurredAt);
    },
  } satisfies EventHandler<Deps, 'activity.statusChanged'>,
  {
    name: 'leaderboards.activity-cancelled',
    type: 'activity.cancelled',
    async handle(event, deps) {
      await freezeActivityBoards(deps, event.payload.activityId, event.occurredAt);
    },
  } satisfies EventHandler<Deps, 'activity.cancelled'>,
] as EventHandler<Deps>[];
