import type { Prisma } from '../../generated/prisma/client.js';
import type { Logger } from '../../infra/logger.js';
import type { Db } from '../../infra/prisma.js';

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
 */
export interface EventHandler<D, K extends EventType = EventType> {
  name: string;
  type: K;
  handle(event: RecordedEvent<K>, deps: D): Promise<void>;
}

/** The untyped envelope the outbox stores and the bus moves around. */
interface StoredEvent {
  id: bigint;
  type: string;
  payload: unknown;
  occurredAt: Date;
}

export type Tx = Prisma.TransactionClient;
export type Emit = (event: DomainEvent) => void;

export interface EventBus {
  /**
   * Runs `work` in a transaction; the events it emits are written to the
   * outbox in the same transaction and dispatched after commit. A crash after
   * commit loses nothing: the drain job delivers what is left.
   */
  transaction<T>(work: (tx: Tx, emit: Emit) => Promise<T>, options?: { isolationLevel?: Prisma.TransactionIsolationLevel }): Promise<T>;
  /** Delivers committed events now; failures stay in the outbox for the drain job. */
  dispatch(events: RecordedEvent[]): Promise<void>;
  /** Delivers events left undelivered for at least `olderThanMs`; returns how many were delivered. */
  drain(options?: { olderThanMs?: number; batchSize?: number }): Promise<number>;
}

export function createEventBus<D>(options: {
  db: Db;
  logger: Logger;
  handlers: EventHandler<D>[];
  deps: () => D;
  /** The domain clock: the event time of events emitted without `occurredAt`. */
  now: () => Date;
}): EventBus {
  const { db, logger } = options;
  const byType = new Map<string, EventHandler<D>[]>();
  for (const handler of options.handlers) byType.set(handler.type, [...(byType.get(handler.type) ?? []), handler]);

  /** Runs every handler of the event; returns the first error, after trying them all. */
  async function deliver(event: StoredEvent): Promise<Error | undefined> {
    let failure: Error | undefined;
    for (const handler of byType.get(event.type) ?? []) {
      try {
        await handler.handle(event as never, options.deps());
      } catch (error) {
        failure ??= error as Error;
        logger.warn({ err: error, event: event.type, eventId: String(event.id), handler: handler.name }, 'event handler failed');
      }
    }
    return failure;
  }

  /**
   * Records one delivery attempt. `processed_at` is PostgreSQL's time, like
   * `created_at`: outbox bookkeeping and retention are housekeeping, not
   * domain time, so a test that moves `deps.now()` never ages or purges it.
   */
  async function recordDelivery(client: Db | Tx, id: bigint, failure: Error | undefined): Promise<void> {
    if (failure) {
      await client.outboxEvent.update({ where: { id }, data: { attempts: { increment: 1 }, lastError: failure.message.slice(0, 2000) } });
    } else {
      await client.$executeRaw`UPDATE outbox_events SET processed_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ${id}`;
    }
  }

  async function dispatchStored(events: StoredEvent[]): Promise<void> {
    for (const event of events) {
      try {
        const failure = await deliver(event);
        await recordDelivery(db, event.id, failure);
      } catch (error) {
        // The outbox row stays unprocessed; the drain job retries it.
        logger.warn({ err: error, eventId: String(event.id) }, 'could not record event delivery');
      }
    }
  }

  return {
    async transaction(work, txOptions) {
      const emitted: Array<{ type: string; payload: unknown; occurredAt?: Date }> = [];
      let recorded: StoredEvent[] = [];
      const result = await db.$transaction(
        async (tx) => {
          const value = await work(tx, (event) => emitted.push(event as (typeof emitted)[number]));
          recorded = await Promise.all(
            emitted.map(async (event) => {
              const occurredAt = event.occurredAt ?? options.now();
              const row = await tx.outboxEvent.create({
                data: { type: event.type, payload: event.payload as Prisma.InputJsonValue, occurredAt },
                select: { id: true },
              });
              return { id: row.id, type: event.type, payload: event.payload, occurredAt };
            }),
          );
          return value;
        },
        { isolationLevel: txOptions?.isolationLevel, timeout: 15_000, maxWait: 10_000 },
      );
      if (recorded.length > 0) await dispatchStored(recorded);
      return result;
    },

    dispatch: (events) => dispatchStored(events as StoredEvent[]),

    async drain({ olderThanMs = 5_000, batchSize = 200 } = {}) {
      // SKIP LOCKED lets several workers drain side by side without delivering one event twice at once.
      return db.$transaction(
        async (tx) => {
          const rows = await tx.$queryRaw<Array<{ id: bigint; type: string; payload: unknown; occurred_at: Date }>>`
            SELECT id, type, payload, occurred_at FROM outbox_events
            WHERE processed_at IS NULL AND created_at < now() - make_interval(secs => ${olderThanMs / 1000})
            ORDER BY id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`;
          for (const row of rows) {
            const failure = await deliver({ id: row.id, type: row.type, payload: row.payload, occurredAt: row.occurred_at });
            await recordDelivery(tx, row.id, failure);
          }
          return rows.length;
        },
        { timeout: 120_000, maxWait: 10_000 },
      );
    },
  };
}
