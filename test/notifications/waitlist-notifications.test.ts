import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { openTimes, seedActivity } from '../activities/support.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { waitFor } from '../support/wait.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
  await t.startServer({ api: true, worker: true });
});
afterAll(async () => {
  await t.cleanup();
});

const JOIN = 'mutation ($id: ID!) { joinActivity(id: $id, waitlist: true) { status waitlistPosition } }';
const QUIT = 'mutation ($id: ID!) { quitActivity(id: $id) { id } }';
const CANCEL = 'mutation ($id: ID!) { cancelActivity(id: $id, reason: "rain") { status } }';

const kindsOf = async (userId: number) =>
  (await t.deps.db.notification.findMany({ where: { userId }, orderBy: { id: 'asc' }, select: { kind: true } })).map((row) => row.kind);

describe('notifications of people in a waiting line', () => {
  it('tells the one promoted once, and on cancellation tells those still waiting too', async () => {
    const organizer = await t.createUser();
    const activity = await seedActivity(t, { organizerId: organizer.user.id, capacity: 1, ...openTimes() });
    const id = encodeId('Activity', activity.id);
    const [seat, first, second] = await Promise.all([t.createUser(), t.createUser(), t.createUser()]);
    expect((await t.gql(JOIN, { id }, { token: seat.token })).data?.joinActivity).toEqual({ status: 'JOINED', waitlistPosition: null });
    expect((await t.gql(JOIN, { id }, { token: first.token })).data?.joinActivity).toEqual({ status: 'WAITLISTED', waitlistPosition: 1 });
    expect((await t.gql(JOIN, { id }, { token: second.token })).data?.joinActivity).toEqual({ status: 'WAITLISTED', waitlistPosition: 2 });

    expect((await t.gql(QUIT, { id }, { token: seat.token })).errors).toBeUndefined();
    await waitFor(async () => (await kindsOf(first.user.id)).length === 1, { timeoutMs: 10_000, what: 'the promotion notification' });
    expect(await kindsOf(first.user.id)).toEqual(['WAITLIST_PROMOTED']);
    expect(await kindsOf(second.user.id)).toEqual([]);

    expect((await t.gql(CANCEL, { id }, { token: organizer.token })).data?.cancelActivity.status).toBe('CANCELLED');
    // The participant through the fan-out job, the one still waiting through the closing of the line.
    await waitFor(async () => (await kindsOf(first.user.id)).length === 2 && (await kindsOf(second.user.id)).length === 1, { timeoutMs: 30_000, what: 'the cancellation notifications' });
    expect(await kindsOf(first.user.id)).toEqual(['WAITLIST_PROMOTED', 'ACTIVITY_CANCELLED']);
    expect(await kindsOf(second.user.id)).toEqual(['ACTIVITY_CANCELLED']);
    const rows = await t.deps.db.notification.findMany({ where: { activityId: activity.id, kind: 'ACTIVITY_CANCELLED' }, select: { reason: true } });
    expect(rows).toEqual([{ reason: 'rain' }, { reason: 'rain' }]);
  }, 60_000);
});
