import type { Deps } from './deps.js';
import type { EventHandler } from './modules/outbox/event-bus.js';
import { activityConsumers } from './modules/activities/activities.consumers.js';
import { ACTIVITY_CHANGE_EVENTS } from './modules/activities/activities.events.js';
import { hotEventHandlers } from './modules/hot/hot-refresh.js';
import { pointsConsumers } from './modules/points/points.consumers.js';

/** Every consumer of domain events, gathered from the domain modules' `*.consumers.ts`. */
export const eventHandlers: EventHandler<Deps>[] = [
  ...activityConsumers,
  ...pointsConsumers,
  // Publication and cancellation too: each can move an activity's heat or visibility.
  ...hotEventHandlers(['activity.published', 'activity.cancelled', ...ACTIVITY_CHANGE_EVENTS]),
];
