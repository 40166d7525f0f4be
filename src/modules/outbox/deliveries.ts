import type { Db } from '../../infra/prisma.js';
import { retryDelayMs, type RetryPolicy } from './retry-policy.js';

/** A consumer as the delivery table knows it: the event type it takes and its name. */
export interface ConsumerKey {
  type: string;
  consumer: string;
}

/** A delivery this process has claimed: nobody else takes it until `next_attempt_at` (the claim's end). */
export interface ClaimedDelivery {
  eventId: bigint;
  consumer: string;
  /** The attempt this claim is, counted at the claim so a consumer that kills its process still runs out of attempts. */
  attempts: number;
  type: string;
  payload: unknown;
  occurredAt: Date;
}

/** What one attempt came to; `error` is null when the consumer succeeded. */
export interface DeliveryOutcome {
  eventId: bigint;
  consumer: string;
  attempts: number;
  error: string | null;
}

const consumerArrays = (consumers: readonly ConsumerKey[]) => [consumers.map((c) => c.type), consumers.map((c) => c.consumer)] as const;

/**
 * Claims up to `limit` deliveries that are due, oldest due first, in one
 * statement (so no transaction stays open while consumers run): `SKIP LOCKED`
 * lets drains run side by side, and moving `next_attempt_at` to the claim's end
 * keeps other drains off them until then. Only consumers this process has are
 * taken, so a deployment that renamed or added one never marks another's dead.
 */
export async function claimDueDeliveries(
  db: Db,
  options: { now: Date; limit: number; claimMs: number; consumers: readonly ConsumerKey[] },
): Promise<ClaimedDelivery[]> {
  const [types, names] = consumerArrays(options.consumers);
  const claimUntil = new Date(options.now.getTime() + options.claimMs);
  const rows = await db.$queryRaw<Array<{ event_id: bigint; consumer: string; attempts: number; type: string; payload: unknown; occurred_at: Date }>>`
    WITH due AS (
      SELECT d.event_id, d.consumer FROM outbox_deliveries d
      JOIN outbox_events e ON e.id = d.event_id
      JOIN unnest(${types}::text[], ${names}::text[]) AS c(type, consumer) ON c.type = e.type AND c.consumer = d.consumer
      WHERE d.state = 'PENDING' AND d.next_attempt_at <= ${options.now}::timestamptz
      ORDER BY d.next_attempt_at, d.event_id
      LIMIT ${options.limit}
      FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE outbox_deliveries d SET attempts = d.attempts + 1, next_attempt_at = ${claimUntil}::timestamptz
    FROM due, outbox_events e
    WHERE d.event_id = due.event_id AND d.consumer = due.consumer AND e.id = d.event_id
    RETURNING d.event_id, d.consumer, d.attempts, e.type, e.payload, e.occurred_at`;
  return rows
    .map((row) => ({ eventId: row.event_id, consumer: row.consumer, attempts: row.attempts, type: row.type, payload: row.payload, occurredAt: row.occurred_at }))
    .sort((a, b) => (a.eventId === b.eventId ? a.consumer.localeCompare(b.consumer) : a.eventId < b.eventId ? -1 : 1));
}

/**
 * Records attempts in one short transaction: a success marks the delivery
 * DELIVERED; a failure schedules the next attempt after the backoff, or marks it
 * DEAD when it was the last. A failure is only recorded while the claim is still
 * ours (same attempt count), so a late drain never overwrites a newer claim.
 * Then each event's summary is refreshed under its row lock: processed once all
 * its consumers have it.
 */
export async function recordOutcomes(
  db: Db,
  outcomes: readonly DeliveryOutcome[],
  options: { now: Date; policy: RetryPolicy; random?: () => number },
): Promise<void> {
  if (outcomes.length === 0) return;
  const { now, policy } = options;
  const ordered = [...outcomes].sort((a, b) => (a.eventId === b.eventId ? a.consumer.localeCompare(b.consumer) : a.eventId < b.eventId ? -1 : 1));
  const eventIds = [...new Set(ordered.map((outcome) => String(outcome.eventId)))];
  const delivered = ordered.filter((outcome) => outcome.error === null);
  await db.$transaction(async (tx) => {
    if (delivered.length > 0) {
      // The common case, one statement: a success counts even if this claim ran out and another drain holds the delivery now.
      await tx.$executeRaw`
        UPDATE outbox_deliveries d SET state = 'DELIVERED', delivered_at = ${now}::timestamptz, last_attempt_at = ${now}::timestamptz, last_error = NULL
        FROM unnest(${delivered.map((o) => String(o.eventId))}::bigint[], ${delivered.map((o) => o.consumer)}::text[]) AS s(event_id, consumer)
        WHERE d.event_id = s.event_id AND d.consumer = s.consumer AND d.state <> 'DELIVERED'`;
    }
    for (const { eventId, consumer, attempts, error } of ordered) {
      if (error === null) continue;
      const dead = attempts >= policy.maxAttempts;
      await tx.outboxDelivery.updateMany({
        where: { eventId, consumer, state: 'PENDING', attempts },
        data: dead
          ? { state: 'DEAD', lastAttemptAt: now, lastError: error }
          : { lastAttemptAt: now, lastError: error, nextAttemptAt: new Date(now.getTime() + retryDelayMs(policy, attempts, options.random)) },
      });
    }
    // Lock the events in id order: two drains finishing consumers of one event then see each other's results.
    await tx.$queryRaw`SELECT id FROM outbox_events WHERE id = ANY(${eventIds}::bigint[]) ORDER BY id FOR UPDATE`;
    await tx.$executeRaw`
      UPDATE outbox_events e SET
        attempts = GREATEST(e.attempts, s.attempts),
        last_error = s.last_error,
        processed_at = CASE WHEN s.open = 0 THEN COALESCE(e.processed_at, ${now}::timestamptz) END
      FROM (
        SELECT event_id, max(attempts) AS attempts, count(*) FILTER (WHERE state <> 'DELIVERED') AS open,
          (array_agg(last_error ORDER BY last_attempt_at DESC NULLS LAST) FILTER (WHERE state <> 'DELIVERED' AND last_error IS NOT NULL))[1] AS last_error
        FROM outbox_deliveries WHERE event_id = ANY(${eventIds}::bigint[]) GROUP BY event_id
      ) s
      WHERE e.id = s.event_id`;
  });
}

/**
 * The common case after commit in one statement: every consumer of these
 * events has just had them, so the deliveries and the events are done.
 */
export async function recordEventsDelivered(db: Db, eventIds: readonly bigint[], now: Date): Promise<void> {
  if (eventIds.length === 0) return;
  const ids = eventIds.map(String);
  await db.$executeRaw`
    WITH delivered AS (
      UPDATE outbox_deliveries SET state = 'DELIVERED', delivered_at = ${now}::timestamptz, last_attempt_at = ${now}::timestamptz, last_error = NULL
      WHERE event_id = ANY(${ids}::bigint[]) AND state <> 'DELIVERED'
    )
    UPDATE outbox_events SET processed_at = ${now}::timestamptz, attempts = GREATEST(attempts, 1), last_error = NULL
    WHERE id = ANY(${ids}::bigint[]) AND processed_at IS NULL`;
}

/**
 * Gives deliveries to unprocessed events that have none — written by a version
 * before per-consumer deliveries (during an upgrade) — one per consumer of its
 * type, due now; an event no consumer takes is marked processed. Events younger
 * than a minute are left to the instance that wrote them.
 */
export async function adoptUntrackedEvents(db: Db, options: { now: Date; consumers: readonly ConsumerKey[] }): Promise<number> {
  const [types, names] = consumerArrays(options.consumers);
  const olderThan = new Date(options.now.getTime() - 60_000);
  const rows = await db.$queryRaw<Array<{ id: bigint }>>`
    WITH untracked AS (
      SELECT e.id, e.type FROM outbox_events e
      WHERE e.processed_at IS NULL AND e.created_at < ${olderThan}::timestamptz
        AND NOT EXISTS (SELECT 1 FROM outbox_deliveries d WHERE d.event_id = e.id)
      ORDER BY e.id LIMIT 1000
    ), added AS (
      INSERT INTO outbox_deliveries (event_id, consumer, next_attempt_at)
      SELECT u.id, c.consumer, ${options.now}::timestamptz
      FROM untracked u JOIN unnest(${types}::text[], ${names}::text[]) AS c(type, consumer) ON c.type = u.type
      ON CONFLICT DO NOTHING
      RETURNING event_id
    ), unconsumed AS (
      UPDATE outbox_events SET processed_at = ${options.now}::timestamptz
      WHERE id IN (SELECT id FROM untracked) AND id NOT IN (SELECT event_id FROM added)
    )
    SELECT id FROM untracked`;
  return rows.length;
}

/** How many deliveries are in `state`, across the deployment (the state index answers it). */
export function countDeliveries(db: Db, state: 'PENDING' | 'DEAD'): Promise<number> {
  return db.outboxDelivery.count({ where: { state } });
}
