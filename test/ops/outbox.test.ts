import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../../src/deps.js';
import type { EventHandler } from '../../src/modules/outbox/event-bus.js';
import { outboxJobs } from '../../src/modules/outbox/outbox.jobs.js';
import { RETRY_JITTER } from '../../src/modules/outbox/retry-policy.js';
import { createTestContext, type TestContext } from '../support/harness.js';

const MAX_ATTEMPTS = 5;
const BASE_MS = 1_000;
const POISON = 666;

/** Every call of a test consumer, as `consumer:eventId`. */
const calls: string[] = [];
const broken = { fixed: false };
const consumer = (name: string, fails: (activityId: number) => boolean): EventHandler<Deps> =>
  ({
    name,
    type: 'activity.favorited',
    handle(event: { id: bigint; payload: { activityId: number } }) {
      calls.push(`${name}:${event.id}`);
      if (fails(event.payload.activityId)) return Promise.reject(new Error(`cannot handle activity ${event.payload.activityId}`));
      return Promise.resolve();
    },
  }) as unknown as EventHandler<Deps>;
/** Fails on the poison event until it is fixed; handles every other event. */
const brokenConsumer = consumer('test.broken', (activityId) => activityId === POISON && !broken.fixed);
const steadyConsumer = consumer('test.steady', () => false);

let t: TestContext;
let clock: Date;
let admin: string;
const drainJob = outboxJobs.find((job) => job.name === 'events.drain')!;

beforeAll(async () => {
  t = await createTestContext(
    { OUTBOX_MAX_ATTEMPTS: String(MAX_ATTEMPTS), OUTBOX_RETRY_BASE_MS: String(BASE_MS), OUTBOX_RETRY_MAX_MS: '600000' },
    { eventHandlers: [brokenConsumer, steadyConsumer] },
  );
  clock = new Date('2031-03-01T00:00:00Z');
  t.deps.now = () => clock;
  admin = (await t.createUser({ role: 'ADMIN' })).token;
});
afterAll(async () => {
  await t.cleanup();
});
beforeEach(async () => {
  calls.length = 0;
  broken.fixed = false;
  await t.deps.db.outboxEvent.deleteMany();
});

const at = (ms: number) => {
  clock = new Date(ms);
};
const runDrainJob = () => drainJob.process({} as never, t.deps) as Promise<{ adopted: number; taken: number; purged: number }>;
const callsOf = (name: string, eventId: bigint) => calls.filter((call) => call === `${name}:${eventId}`).length;
const delivery = (eventId: bigint, name: string) => t.deps.db.outboxDelivery.findUniqueOrThrow({ where: { eventId_consumer: { eventId, consumer: name } } });

/** Emits an event the normal way: written in a transaction, delivered right after commit. */
async function emitFavorite(activityId: number): Promise<bigint> {
  await t.deps.events.transaction((_tx, emit) => {
    emit({ type: 'activity.favorited', payload: { activityId, userId: 1 }, occurredAt: clock });
    return Promise.resolve();
  });
  return (await t.deps.db.outboxEvent.findFirstOrThrow({ orderBy: { id: 'desc' } })).id;
}

/** An event whose process died right after commit: written with its deliveries, never dispatched. */
async function committedButNotDispatched(activityId: number): Promise<bigint> {
  const event = await t.deps.db.outboxEvent.create({
    data: {
      type: 'activity.favorited',
      payload: { activityId, userId: 1 },
      occurredAt: clock,
      deliveries: { createMany: { data: ['test.broken', 'test.steady'].map((name) => ({ consumer: name, nextAttemptAt: clock })) } },
    },
  });
  return event.id;
}

async function gauge(name: string): Promise<number> {
  return (await t.deps.metrics.registry.getSingleMetric(name)!.get()).values[0]!.value;
}

describe('outbox deliveries', () => {
  it('a consumer that always fails: the event ends dead after N attempts with growing backoff; newer events are delivered meanwhile; a retry after fixing it delivers once; the other consumer ran once', async () => {
    const poison = await emitFavorite(POISON);
    // Right after commit: the steady consumer has it, the broken one failed its first attempt.
    expect(await delivery(poison, 'test.steady')).toMatchObject({ state: 'DELIVERED', attempts: 1 });
    expect(await delivery(poison, 'test.broken')).toMatchObject({ state: 'PENDING', attempts: 1, lastError: `cannot handle activity ${POISON}` });

    const delays: number[] = [];
    const newer: bigint[] = [];
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt += 1) {
      const pending = await delivery(poison, 'test.broken');
      expect(pending.state).toBe('PENDING');
      const delay = pending.nextAttemptAt.getTime() - pending.lastAttemptAt!.getTime();
      const full = BASE_MS * 2 ** (attempt - 1);
      expect(delay, `wait after attempt ${attempt}`).toBeGreaterThanOrEqual(full * (1 - RETRY_JITTER));
      expect(delay, `wait after attempt ${attempt}`).toBeLessThanOrEqual(full);
      delays.push(delay);

      // Just before the poison is due again, a newer event left by a crash is delivered by the drain job; the poison is not touched.
      at(pending.nextAttemptAt.getTime() - 1);
      const fresh = await committedButNotDispatched(attempt);
      newer.push(fresh);
      const brokenCalls = callsOf('test.broken', poison);
      expect((await runDrainJob()).taken).toBe(2);
      expect(callsOf('test.broken', poison)).toBe(brokenCalls);
      expect(await t.deps.db.outboxEvent.findUniqueOrThrow({ where: { id: fresh } })).toMatchObject({ processedAt: clock });

      // Once it is due, the next tick tries it again (and only that consumer).
      at(pending.nextAttemptAt.getTime());
      expect((await runDrainJob()).taken).toBe(1);
      expect(callsOf('test.broken', poison)).toBe(brokenCalls + 1);
    }
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
    expect(new Set(delays).size).toBe(delays.length);

    const dead = await delivery(poison, 'test.broken');
    expect(dead).toMatchObject({ state: 'DEAD', attempts: MAX_ATTEMPTS, lastError: `cannot handle activity ${POISON}` });
    expect(callsOf('test.broken', poison)).toBe(MAX_ATTEMPTS);
    expect(await t.deps.db.outboxEvent.findUniqueOrThrow({ where: { id: poison } })).toMatchObject({ processedAt: null, attempts: MAX_ATTEMPTS });
    // Dead is dead: however late it gets, no drain takes it again.
    at(clock.getTime() + 24 * 3600 * 1000);
    expect((await runDrainJob()).taken).toBe(0);
    expect(callsOf('test.broken', poison)).toBe(MAX_ATTEMPTS);
    for (const id of newer) {
      expect(callsOf('test.broken', id), `newer event ${id}`).toBe(1);
      expect(callsOf('test.steady', id), `newer event ${id}`).toBe(1);
    }
    expect(await gauge('liveboard_outbox_deliveries_dead')).toBe(1);
    expect(await gauge('liveboard_outbox_deliveries_pending')).toBe(0);

    const listed = await t.gql(
      `{ deadEvents(first: 10) { edges { node { eventId eventType consumer state attempts lastError payload occurredAt } } pageInfo { hasNextPage } } }`,
      {},
      { token: admin },
    );
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.deadEvents.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
      {
        eventId: String(poison),
        eventType: 'activity.favorited',
        consumer: 'test.broken',
        state: 'DEAD',
        attempts: MAX_ATTEMPTS,
        lastError: `cannot handle activity ${POISON}`,
        payload: { activityId: POISON, userId: 1 },
        occurredAt: expect.any(String),
      },
    ]);

    // Fixed and retried: delivered once by the next tick, to the broken consumer only.
    broken.fixed = true;
    const retried = await t.gql(
      `mutation ($eventId: ID!, $consumer: String!) { retryDeadEvent(eventId: $eventId, consumer: $consumer) { state attempts nextAttemptAt } }`,
      { eventId: String(poison), consumer: 'test.broken' },
      { token: admin },
    );
    expect(retried.errors).toBeUndefined();
    expect(retried.data!.retryDeadEvent).toEqual({ state: 'PENDING', attempts: 0, nextAttemptAt: clock.toISOString() });
    expect(await gauge('liveboard_outbox_deliveries_pending')).toBe(1);
    expect((await runDrainJob()).taken).toBe(1);
    expect((await runDrainJob()).taken).toBe(0);
    expect(callsOf('test.broken', poison)).toBe(MAX_ATTEMPTS + 1);
    expect(callsOf('test.steady', poison)).toBe(1);
    expect(await delivery(poison, 'test.broken')).toMatchObject({ state: 'DELIVERED', attempts: 1, lastError: null, deliveredAt: clock });
    expect(await t.deps.db.outboxEvent.findUniqueOrThrow({ where: { id: poison } })).toMatchObject({ processedAt: clock, lastError: null });
    expect(await gauge('liveboard_outbox_deliveries_dead')).toBe(0);
  });

  it('lists dead deliveries page by page and retries them all with retryDeadEvents', async () => {
    const ids = [await committedButNotDispatched(1), await committedButNotDispatched(2)];
    await t.deps.db.outboxDelivery.updateMany({ data: { state: 'DEAD', attempts: MAX_ATTEMPTS, lastError: 'gone' } });
    const page = async (after?: string) => {
      const response = await t.gql(
        `query ($after: String) { deadEvents(first: 3, after: $after) { edges { cursor node { eventId consumer } } pageInfo { hasNextPage endCursor } } }`,
        { after },
        { token: admin },
      );
      expect(response.errors).toBeUndefined();
      return response.data!.deadEvents;
    };
    const first = await page();
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await page(first.pageInfo.endCursor);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect([...first.edges, ...second.edges].map((edge: { node: { eventId: string; consumer: string } }) => `${edge.node.eventId}/${edge.node.consumer}`)).toEqual(
      ids.flatMap((id) => [`${id}/test.broken`, `${id}/test.steady`]),
    );

    const retried = await t.gql('mutation { retryDeadEvents }', {}, { token: admin });
    expect(retried.data).toEqual({ retryDeadEvents: 4 });
    expect(await t.deps.db.outboxDelivery.count({ where: { state: 'PENDING', attempts: 0, nextAttemptAt: clock } })).toBe(4);
    expect((await runDrainJob()).taken).toBe(4);
    expect(calls).toHaveLength(4);
  });

  it('keeps the admin operations to admins and answers NOT_FOUND for a delivery that is not dead', async () => {
    const user = (await t.createUser()).token;
    const eventId = await emitFavorite(1);
    for (const [query, variables] of [
      ['{ deadEvents(first: 1) { edges { cursor } } }', {}],
      ['mutation { retryDeadEvents }', {}],
      ['mutation ($id: ID!) { retryDeadEvent(eventId: $id, consumer: "test.steady") { state } }', { id: String(eventId) }],
    ] as const) {
      expect((await t.gql(query, variables, { token: user })).errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
      expect((await t.gql(query, variables)).errors?.[0]?.extensions?.code, query).toBe('UNAUTHENTICATED');
    }
    const notDead = await t.gql(
      'mutation ($id: ID!) { retryDeadEvent(eventId: $id, consumer: "test.steady") { state } }',
      { id: String(eventId) },
      { token: admin },
    );
    expect(notDead.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const garbage = await t.gql('mutation { retryDeadEvent(eventId: "x1", consumer: "test.steady") { state } }', {}, { token: admin });
    expect(garbage.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('lets drains run side by side without delivering anything twice', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, (_, index) => committedButNotDispatched(1000 + index)));
    const taken = await Promise.all(Array.from({ length: 4 }, () => t.deps.events.drain({ batchSize: 7 })));
    const more = await t.deps.events.drain();
    expect(taken.reduce((sum, count) => sum + count, 0) + more).toBe(40);
    expect(calls).toHaveLength(40);
    expect(new Set(calls).size).toBe(40);
    expect(await t.deps.db.outboxEvent.count({ where: { id: { in: ids }, processedAt: null } })).toBe(0);
  });

  it('adopts an event written without deliveries (by a version before them) and delivers it to each consumer', async () => {
    const legacy = await t.deps.db.outboxEvent.create({
      data: { type: 'activity.favorited', payload: { activityId: 7, userId: 1 }, occurredAt: clock, createdAt: new Date(clock.getTime() - 120_000) },
    });
    const recent = await t.deps.db.outboxEvent.create({ data: { type: 'activity.favorited', payload: { activityId: 8, userId: 1 }, occurredAt: clock, createdAt: clock } });
    expect(await runDrainJob()).toMatchObject({ adopted: 1, taken: 2 });
    expect(calls.sort()).toEqual([`test.broken:${legacy.id}`, `test.steady:${legacy.id}`]);
    expect(await t.deps.db.outboxEvent.findUniqueOrThrow({ where: { id: legacy.id } })).toMatchObject({ processedAt: clock });
    expect(await t.deps.db.outboxDelivery.count({ where: { eventId: recent.id } })).toBe(0);
  });
});
