import type { Prisma } from '../../generated/prisma/client.js';
import type { Logger } from '../../infra/logger.js';
import type { Db } from '../../infra/prisma.js';
import { claimDueDeliveries, recordEventsDelivered, recordOutcomes, type ClaimedDelivery, type ConsumerKey, type DeliveryOutcome } from './deliveries.js';
import type { RetryPolicy } from './retry-policy.js';

/**
 * Every domain event and its payload. Each domain declares its events in its
 * `*.events.ts` by declaration merging, e.g. `'activity.joined': { activityId: number; userId: number }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainEventMap {}

export type EventType = keyof DomainEventMap;

/** An event as a service emits it inside its transaction. */
export type DomainEvent = { [K in EventType]: { type: K; payload: DomainEventMap[K]; occurredAt?: Date } }[EventType];

/** An event as consumers receive it: committed, with its outbox id and event time. */
export type RecordedEvent<K extends EventType = EventType> = {
  [T in K]: { id: bigint; type: T; payload: DomainEventMap[T]; occurredAt: Date };
}[K];

/**
 * A consumer of one event type. Handlers run at least once per event (right
 * after commit, and again from the outbox if that failed), so each must be
 * idempotent: an idempotency key, an absolute write, or a version guard.
 * `name` identifies its deliveries in `outbox_deliveries`: unique per event
 * type, and renaming one leaves the old name's pending deliveries undelivered.
 */
export interface EventHandler<D, K extends EventType = EventType> {
  name: string;
  type: K;
  handle(event: RecordedEvent<K>, deps: D): Promise<void>;
}

export type Tx = Prisma.TransactionClient;
export type Emit = (event: DomainEvent) => void;

export interface EventBus {
  /**
   * Runs `work` in a transaction; the events it emits are written to the
   * outbox, with one delivery per consumer, in the same transaction and
   * delivered after commit. A crash after commit loses nothing: the drain job
   * delivers what is left.
   */
  transaction<T>(work: (tx: Tx, emit: Emit) => Promise<T>, options?: { isolationLevel?: Prisma.TransactionIsolationLevel }): Promise<T>;
  /**
   * Claims up to `batchSize` deliveries due at `now` (default: the bus's clock),
   * runs their consumers and records the outcomes; returns how many it claimed.
   */
  drain(options?: { batchSize?: number; now?: Date }): Promise<number>;
  /** Every (event type, consumer name) this bus delivers to. */
  readonly consumers: readonly ConsumerKey[];
}

/** How long a claimed delivery is left to its claimer; after that another drain may run it again. */
export const DEFAULT_CLAIM_MS = 30_000;

export function createEventBus<D>(options: {
  db: Db;
  logger: Logger;
  handlers: readonly EventHandler<D>[];
  deps: () => D;
  /** The clock of attempts and backoff; deps.now in production, moved by tests. */
  now: () => Date;
  retry: RetryPolicy;
  claimMs?: number;
  random?: () => number;
}): EventBus {
  const { db, logger } = options;
  const claimMs = options.claimMs ?? DEFAULT_CLAIM_MS;
  const byType = new Map<string, Map<string, EventHandler<D>>>();
  for (const handler of options.handlers) {
    const named = byType.get(handler.type) ?? new Map<string, EventHandler<D>>();
    if (named.has(handler.name)) throw new Error(`Two consumers of "${handler.type}" are named "${handler.name}"; names key their deliveries.`);
    byType.set(handler.type, named.set(handler.name, handler));
  }
  const consumers = options.handlers.map((handler) => ({ type: handler.type, consumer: handler.name }));
  const handlersOf = (type: string) => [...(byType.get(type)?.values() ?? [])];

  /**
   * Runs each claimed delivery's consumer (only that one), then records every
   * outcome at once. `wholeEvents`: the claims are every delivery of their
   * events (right after commit), so when all succeed one statement records it.
   */
  async function deliver(claims: readonly ClaimedDelivery[], wholeEvents = false): Promise<void> {
    const outcomes: DeliveryOutcome[] = [];
    for (const claim of claims) {
      const handler = byType.get(claim.type)?.get(claim.consumer);
      if (!handler) continue;
      const event = { id: claim.eventId, type: claim.type, payload: claim.payload, occurredAt: claim.occurredAt };
      try {
        await handler.handle(event as never, options.deps());
        outcomes.push({ eventId: claim.eventId, consumer: claim.consumer, attempts: claim.attempts, error: null });
      } catch (error) {
        logger.warn({ err: error, event: claim.type, eventId: String(claim.eventId), handler: claim.consumer, attempt: claim.attempts }, 'event handler failed');
        const message = error instanceof Error ? error.message : String(error);
        outcomes.push({ eventId: claim.eventId, consumer: claim.consumer, attempts: claim.attempts, error: message.slice(0, 2000) });
      }
    }
    if (wholeEvents && outcomes.every((outcome) => outcome.error === null)) {
      await recordEventsDelivered(db, [...new Set(claims.map((claim) => claim.eventId))], options.now());
      return;
    }
    await recordOutcomes(db, outcomes, { now: options.now(), policy: options.retry, random: options.random });
  }

  return {
    consumers,

    async transaction(work, txOptions) {
      const emitted: Array<{ type: string; payload: unknown; occurredAt?: Date }> = [];
      const claims: ClaimedDelivery[] = [];
      const result = await db.$transaction(
        async (tx) => {
          const value = await work(tx, (event) => emitted.push(event));
          const now = options.now();
          for (const event of emitted) {
            const occurredAt = event.occurredAt ?? now;
            const handlers = handlersOf(event.type);
            // Written as claimed by this process (attempt 1): the drain leaves them alone while they are delivered below.
            const row = await tx.outboxEvent.create({
              data: {
                type: event.type,
                payload: event.payload as Prisma.InputJsonValue,
                occurredAt,
                processedAt: handlers.length === 0 ? now : null,
                deliveries: {
                  createMany: { data: handlers.map((handler) => ({ consumer: handler.name, attempts: 1, nextAttemptAt: new Date(now.getTime() + claimMs) })) },
                },
              },
              select: { id: true },
            });
            for (const handler of handlers) {
              claims.push({ eventId: row.id, consumer: handler.name, attempts: 1, type: event.type, payload: event.payload, occurredAt });
            }
          }
          return value;
        },
        { isolationLevel: txOptions?.isolationLevel, timeout: 15_000, maxWait: 10_000 },
      );
      try {
        await deliver(claims, true);
      } catch (error) {
        // The deliveries stay claimed until their claim runs out; the drain job delivers them then.
        logger.warn({ err: error }, 'could not record event deliveries');
      }
      return result;
    },

    async drain({ batchSize = 200, now = options.now() } = {}) {
      const claims = await claimDueDeliveries(db, { now, limit: batchSize, claimMs, consumers });
      await deliver(claims);
      return claims.length;
    },
  };
}
