import type { Deps } from './infra/deps.js';
import type { EventHandler } from './infra/events.js';
import { activityConsumers } from './modules/activities/activities.consumers.js';
import { hotEventHandlers } from './modules/hot/hot-refresh.js';
import { pointsConsumers } from './modules/points/points.consumers.js';

/** Every consumer of domain events, gathered from the domain modules' `*.consumers.ts`. */
export const eventHandlers: EventHandler<Deps>[] = [
  ...activityConsumers,
  ...pointsConsumers,
  // Every change that can move an activity's heat or visibility refreshes its place on the hot boards.
  ...hotEventHandlers([
    'activity.published',
    'activity.updated',
    'activity.joined',
    'activity.quit',
    'activity.checkedIn',
    'activity.favorited',
    'activity.unfavorited',
    'activity.viewed',
    'activity.statusChanged',
    'activity.cancelled',
  ]),
];
