/**
 * The transactional outbox: domain events written in the same transaction as
 * the change that caused them, delivered to their consumers after commit.
 */
import type { EventBus } from './event-bus.js';
import './outbox.schema.js';

export {
  createEventBus,
  type DomainEvent,
  type DomainEventMap,
  type Emit,
  type EventBus,
  type EventHandler,
  type EventType,
  type RecordedEvent,
  type Tx,
} from './event-bus.js';
export { countDeliveries } from './deliveries.js';
export { outboxJobs } from './outbox.jobs.js';

declare module '../../lib/app-deps.js' {
  interface Deps {
    /** Transactions that emit domain events through the outbox. */
    events: EventBus;
  }
}
