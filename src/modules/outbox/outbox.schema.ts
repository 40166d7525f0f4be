import { resolveCursorConnection } from '@pothos/plugin-relay';
import { builder, MAX_PAGE_SIZE } from '../../graphql/builder.js';
import {
  deliveryCursor,
  listDeadDeliveries,
  parseEventId,
  retryAllDeadDeliveries,
  retryDeadDelivery,
  type DeliveryView,
} from './dead-deliveries.service.js';

const OutboxDeliveryStateEnum = builder.enumType('OutboxDeliveryState', {
  description: "Where one consumer's delivery of a domain event stands.",
  values: {
    PENDING: { description: 'Not delivered yet: due at `nextAttemptAt`, or being delivered.' },
    DELIVERED: { description: 'The consumer handled the event.' },
    DEAD: { description: 'The consumer failed OUTBOX_MAX_ATTEMPTS times; nothing retries it until an admin does.' },
  } as const,
});

const OutboxDeliveryRef = builder.objectRef<DeliveryView>('OutboxDelivery').implement({
  description: "One consumer's delivery of one domain event from the outbox; each consumer is retried on its own.",
  fields: (t) => ({
    eventId: t.id({ description: 'The outbox event id (a decimal number).', resolve: (delivery) => String(delivery.eventId) }),
    eventType: t.exposeString('eventType', { description: 'The event type, e.g. `activity.joined`.' }),
    consumer: t.exposeString('consumer', { description: 'The name of the consumer this delivery is for, e.g. `points.join`.' }),
    state: t.expose('state', { type: OutboxDeliveryStateEnum, description: 'Pending, delivered or dead.' }),
    attempts: t.exposeInt('attempts', { description: 'Attempts so far, the one right after commit included; reset to 0 by a retry.' }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'The error message of the latest failed attempt.' }),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true, description: 'When the latest attempt finished.' }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', description: 'When a pending delivery is due next; meaningless once delivered or dead.' }),
    payload: t.expose('payload', { type: 'JSONObject', description: "The event's payload, as its consumers receive it." }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When the event happened.' }),
  }),
});

builder.queryField('deadEvents', (t) =>
  t.connection({
    type: OutboxDeliveryRef,
    authScopes: { admin: true },
    description: '(admin) Deliveries of domain events that failed OUTBOX_MAX_ATTEMPTS times, by event id then consumer.',
    // Its cursors are (event id, consumer) pairs, checked by listDeadDeliveries (see graphql/input-guards.ts).
    extensions: { ownCursors: true },
    resolve: (_root, args, ctx) =>
      resolveCursorConnection<Promise<DeliveryView[]>>({ args, toCursor: deliveryCursor, defaultSize: 20, maxSize: MAX_PAGE_SIZE }, (page) => listDeadDeliveries(ctx.deps, page)),
  }, { name: 'OutboxDeliveryConnection', description: 'A page of outbox deliveries.' }, { name: 'OutboxDeliveryEdge', description: 'An outbox delivery in a page, with its cursor.' }),
);

builder.mutationFields((t) => ({
  retryDeadEvent: t.field({
    type: OutboxDeliveryRef,
    authScopes: { admin: true },
    description: "(admin) Puts one dead delivery back to PENDING, due now, with a fresh attempt budget; the next `events.drain` tick runs that consumer only. NOT_FOUND when it is not dead.",
    args: {
      eventId: t.arg.id({ required: true, description: 'The event id, as `OutboxDelivery.eventId` shows it.' }),
      consumer: t.arg.string({ required: true, description: 'The consumer name, as `OutboxDelivery.consumer` shows it.' }),
    },
    resolve: (_root, { eventId, consumer }, ctx) => retryDeadDelivery(ctx.deps, { eventId: parseEventId(String(eventId)), consumer }),
  }),
  retryDeadEvents: t.int({
    authScopes: { admin: true },
    description: '(admin) Puts every dead delivery back to PENDING, due now, with a fresh attempt budget; returns how many.',
    resolve: (_root, _args, ctx) => retryAllDeadDeliveries(ctx.deps),
  }),
}));
