import type { Deps } from './lib/app-deps.js';
import { ACTIVITY_CHANGE_EVENTS, activityConsumers } from './modules/activities/index.js';
import { hotEventHandlers } from './modules/hot/index.js';
import type { EventHandler } from './modules/outbox/index.js';
import { activityBoardConsumers } from './modules/leaderboards/index.js';
import { notificationConsumers } from './modules/notifications/index.js';
import { pointsConsumers } from './modules/points/index.js';

/** Every consumer of domain events, gathered from the domain modules' `*.consumers.ts`. */
export const eventHandlers: EventHandler<Deps>[] = [
  ...activityConsumers,
  ...pointsConsumers,
  ...notificationConsumers,
  // A tournament board freezes when its activity ends or is cancelled.
  ...activityBoardConsumers,
  // Publication and cancellation too: each can move an activity's heat or visibility.
  ...hotEventHandlers(['activity.published', 'activity.cancelled', ...ACTIVITY_CHANGE_EVENTS]),
];
