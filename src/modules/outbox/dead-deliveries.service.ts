import type { OutboxDeliveryState } from '../../generated/prisma/client.js';
import type { Db, Prisma } from '../../infra/prisma.js';
import { badInput, notFound } from '../../lib/app-error.js';

/** A consumer's delivery of an event, with the event, as the admin API shows it. */
export interface DeliveryView {
  eventId: bigint;
  eventType: string;
  consumer: string;
  state: OutboxDeliveryState;
  attempts: number;
  lastError: string | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date;
  payload: Record<string, unknown>;
  occurredAt: Date;
}

interface DeliveryKey {
  eventId: bigint;
  consumer: string;
}

type Services = { db: Db; now: () => Date };

const withEvent = { event: { select: { type: true, payload: true, occurredAt: true } } } as const;

function toView(row: Prisma.OutboxDeliveryGetPayload<{ include: typeof withEvent }>): DeliveryView {
  const { event, deliveredAt: _deliveredAt, ...delivery } = row;
  return { ...delivery, eventType: event.type, payload: event.payload as Record<string, unknown>, occurredAt: event.occurredAt };
}

/** The opaque cursor of a delivery in the dead list, which is ordered by event id, then consumer. */
export function deliveryCursor(delivery: DeliveryKey): string {
  return Buffer.from(JSON.stringify([String(delivery.eventId), delivery.consumer])).toString('base64url');
}

function parseCursor(cursor: string): DeliveryKey {
  try {
    const [eventId, consumer] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [unknown, unknown];
    if (typeof eventId === 'string' && /^\d{1,19}$/.test(eventId) && typeof consumer === 'string') return { eventId: BigInt(eventId), consumer };
  } catch {
    // Reported below.
  }
  throw badInput(`"${cursor.slice(0, 40)}" is not a valid cursor.`);
}

/** Parses an event id as the API shows it (a decimal string). */
export function parseEventId(id: string): bigint {
  if (!/^\d{1,19}$/.test(id) || BigInt(id) > 9_223_372_036_854_775_807n) throw badInput(`"${id.slice(0, 40)}" is not a valid event id.`);
  return BigInt(id);
}

/** One page of dead deliveries for a cursor connection (see resolveCursorConnection). */
export async function listDeadDeliveries(
  { db }: Services,
  page: { after?: string; before?: string; limit: number; inverted: boolean },
): Promise<DeliveryView[]> {
  const bounds: Prisma.OutboxDeliveryWhereInput[] = [];
  for (const [cursor, op] of [[page.after, 'gt'], [page.before, 'lt']] as const) {
    if (!cursor) continue;
    const { eventId, consumer } = parseCursor(cursor);
    bounds.push({ OR: [{ eventId: { [op]: eventId } }, { eventId, consumer: { [op]: consumer } }] });
  }
  const direction = page.inverted ? 'desc' : 'asc';
  const rows = await db.outboxDelivery.findMany({
    where: { state: 'DEAD', AND: bounds },
    orderBy: [{ eventId: direction }, { consumer: direction }],
    take: page.limit,
    include: withEvent,
  });
  return rows.map(toView);
}

/** Puts one dead delivery back to PENDING, due now, with a fresh attempt budget; NOT_FOUND when it is not dead. */
export async function retryDeadDelivery({ db, now }: Services, key: DeliveryKey): Promise<DeliveryView> {
  const { count } = await db.outboxDelivery.updateMany({
    where: { ...key, state: 'DEAD' },
    data: { state: 'PENDING', attempts: 0, nextAttemptAt: now() },
  });
  if (count === 0) throw notFound(`Event ${key.eventId} has no dead delivery to "${key.consumer}".`);
  return toView(await db.outboxDelivery.findUniqueOrThrow({ where: { eventId_consumer: key }, include: withEvent }));
}

/** Puts every dead delivery back to PENDING, due now; returns how many. */
export async function retryAllDeadDeliveries({ db, now }: Services): Promise<number> {
  const { count } = await db.outboxDelivery.updateMany({ where: { state: 'DEAD' }, data: { state: 'PENDING', attempts: 0, nextAttemptAt: now() } });
  return count;
}
