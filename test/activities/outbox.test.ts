import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../src/deps.js';
import type { EventHandler, RecordedEvent } from '../../src/modules/outbox/event-bus.js';
import { eventHandlers } from '../../src/events.js';
import { joinActivity } from '../../src/modules/activities/signups.service.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { createUsers, seedActivity } from './support.js';

/** Production's consumers plus one that fails on its first delivery, as if Redis blinked right after commit. */
const delivered: Array<RecordedEvent<'activity.joined'>> = [];
let failuresLeft = 1;
const flaky: EventHandler<Deps, 'activity.joined'> = {
  name: 'test.flaky',
  type: 'activity.joined',
  handle(event) {
    if (failuresLeft-- > 0) return Promise.reject(new Error('consumer unavailable'));
    delivered.push(event);
    return Promise.resolve();
  },
};

let t: TestContext;
beforeAll(async () => {
  // No backoff: the failed delivery is due again at once.
  t = await createTestContext({ OUTBOX_RETRY_BASE_MS: '0' }, { eventHandlers: [...eventHandlers, flaky] });
});
afterAll(async () => {
  await t.cleanup();
});

function busWithFlakyConsumer() {
  return { deps: t.deps, delivered };
}

describe('the outbox', () => {
  it('delivers an event whose consumer failed right after commit on the next drain', async () => {
    const { deps, delivered } = busWithFlakyConsumer();
    const activity = await seedActivity(t, { organizerId: (await t.createUser()).user.id });
    const [member] = await createUsers(t, 1, 'outbox');
    const participation = await joinActivity(deps, { activityId: activity.id, userId: member!.user.id });

    // Committed: the seat is taken even though a consumer failed.
    expect((await t.deps.db.activity.findUniqueOrThrow({ where: { id: activity.id } })).participantCount).toBe(1);
    const pending = await t.deps.db.outboxEvent.findFirstOrThrow({ where: { type: 'activity.joined' } });
    expect(pending).toMatchObject({ processedAt: null, attempts: 1, lastError: 'consumer unavailable' });
    expect(delivered).toEqual([]);

    expect(await deps.events.drain()).toBe(1);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.payload).toEqual({ activityId: activity.id, userId: member!.user.id, participationId: participation.id });
    expect(delivered[0]!.occurredAt.getTime()).toBe(participation.joinedAt.getTime());
    const done = await t.deps.db.outboxEvent.findUniqueOrThrow({ where: { id: pending.id } });
    expect(done.processedAt).not.toBeNull();
    expect(done.attempts).toBe(2);
    // Nothing is left, so nothing is delivered twice.
    expect(await deps.events.drain()).toBe(0);
    expect(delivered).toHaveLength(1);
  });

  it('writes no event for a sign-up that rolled back', async () => {
    const activity = await seedActivity(t, { organizerId: (await t.createUser()).user.id, capacity: 1 });
    const [first, second] = await createUsers(t, 2, 'rollback');
    const before = await t.deps.db.outboxEvent.count();
    await joinActivity(t.deps, { activityId: activity.id, userId: first!.user.id });
    await expect(joinActivity(t.deps, { activityId: activity.id, userId: second!.user.id })).rejects.toMatchObject({
      extensions: { code: 'ACTIVITY_FULL' },
    });
    const events = await t.deps.db.outboxEvent.findMany({ orderBy: { id: 'asc' }, skip: before });
    expect(events.map((event) => event.type)).toEqual(['activity.statusChanged', 'activity.joined']);
    expect(await t.deps.db.participation.count({ where: { activityId: activity.id } })).toBe(1);
  });
});
