import type { Deps } from './infra/deps.js';
import type { EventHandler } from './infra/events.js';

/** Every consumer of domain events, gathered from the domain modules' `*.consumers.ts`. */
export const eventHandlers: EventHandler<Deps>[] = [];
