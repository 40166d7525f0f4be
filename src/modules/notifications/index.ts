/**
 * Notifications: a per-user inbox written by fan-out jobs from domain events
 * (cancellation, rescheduling, waitlist promotion, a full activity, the end of
 * a points season), read and marked through GraphQL, announced live by
 * `notificationAdded`. Other modules, the registries and the schema use only
 * what is exported here.
 */
import './notifications.schema.js';

export { notificationConsumers } from './notifications.consumers.js';
export { notificationJobs } from './notifications.jobs.js';
export { requeueCancellationFanOuts } from './activity-fan-out.js';
