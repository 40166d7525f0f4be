import type { Deps } from './infra/deps.js';
import type { EventHandler } from './infra/events.js';
import { activityConsumers } from './modules/activities/activities.consumers.js';

/** Every consumer of domain events, gathered from the domain modules' `*.consumers.ts`. */
export const eventHandlers: EventHandler<Deps>[] = [...activityConsumers];
