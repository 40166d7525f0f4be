import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_JOB_CONTROL } from '../../src/infra/queues.js';
import { jobHandlers } from '../../src/jobs.js';
import { ACTIVITY_FAN_OUT_JOB, fanOutActivity } from '../../src/modules/notifications/activity-fan-out.js';
import type { FanOutProgress } from '../../src/modules/notifications/fan-out.js';
import { activityFanOutJob } from '../../src/modules/notifications/notifications.jobs.js';
import { seedActivity } from '../activities/support.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { record, waitUntil, wsClient } from '../support/live-clients.js';
import { insertUsers, jobResult, notificationTally, seatUsers } from './support.js';

const PARTICIPANTS = 2_000;
const CANCEL = 'mutation ($id: ID!, $reason: String) { cancelActivity(id: $id, reason: $reason) { status } }';

let t: TestContext;
let url: string;
const killed: FanOutProgress[] = [];

beforeAll(async () => {
  // The fan-out's first attempt dies right after its first batch of 1,000 committed.
  const dying = activityFanOutJob((progress) => {
    if (progress.attempt === 1 && progress.batch === 1) {
      killed.push(progress);
      throw new Error('injected: the fan-out died halfway');
    }
  });
  t = await createTestContext({}, { jobHandlers: jobHandlers.map((handler) => (handler.name === ACTIVITY_FAN_OUT_JOB ? dying : handler)) });
  url = (await t.startServer({ api: true, worker: true })).url;
}, 60_000);
afterAll(async () => {
  await t.cleanup();
});

describe('cancelling an activity', () => {
  it(`notifies each of ${PARTICIPANTS} participants exactly once, although the fan-out died halfway and was retried`, async () => {
    const organizer = await t.createUser();
    const activity = await seedActivity(t, { organizerId: organizer.user.id, title: 'Big race' });
    const userIds = await insertUsers(t, PARTICIPANTS, 'runner');
    await seatUsers(t, activity.id, userIds);

    const cancelled = await t.gql(CANCEL, { id: activity.gid, reason: 'storm warning' }, { token: organizer.token });
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data?.cancelActivity.status).toBe('CANCELLED');

    const result = await jobResult(t, 'activities', `notify-cancelled-${activity.id}`, 150_000);
    expect(killed).toHaveLength(1);
    // The retry resumed after the batch the first attempt committed, and wrote the rest.
    expect(result).toMatchObject({ resumedAfter: killed[0]?.after, inserted: PARTICIPANTS - 1_000 });

    const key = `cancelled:${activity.id}`;
    expect(await notificationTally(t, key)).toEqual({ users: PARTICIPANTS, rows: PARTICIPANTS });
    const recipients = await t.deps.db.notification.findMany({ where: { dedupeKey: key }, select: { userId: true }, orderBy: { userId: 'asc' } });
    expect(recipients.map((row) => row.userId)).toEqual(userIds);
    const sample = await t.deps.db.notification.findFirstOrThrow({ where: { dedupeKey: key } });
    expect(sample).toMatchObject({ kind: 'ACTIVITY_CANCELLED', activityId: activity.id, reason: 'storm warning', title: 'Cancelled: Big race', readAt: null });

    // The whole fan-out once more from the start (a redelivered event after BullMQ forgot the job): nothing new.
    const again = await fanOutActivity(t.deps, { kind: 'ACTIVITY_CANCELLED', activityId: activity.id, version: 0 }, { control: NO_JOB_CONTROL, attempt: 1 });
    expect(again).toMatchObject({ recipients: PARTICIPANTS, inserted: 0, resumedAfter: 0 });
    expect(await notificationTally(t, key)).toEqual({ users: PARTICIPANTS, rows: PARTICIPANTS });
  }, 180_000); // ~25 s alone; the cancellation also runs 2,000 points reversals, and CI shares 2 cores.

  it('sends notificationAdded to a subscribed participant over graphql-ws', async () => {
    const organizer = await t.createUser();
    const participant = await t.createUser();
    const bystander = await t.createUser();
    const activity = await seedActivity(t, { organizerId: organizer.user.id, title: 'Picnic' });
    await seatUsers(t, activity.id, [participant.user.id]);

    const QUERY = 'subscription { notificationAdded { id kind title reason activity { id } readAt } }';
    const clients = [wsClient(url, participant.token), wsClient(url, bystander.token)];
    const [mine, theirs] = clients.map((client) => record(client, QUERY)) as [ReturnType<typeof record>, ReturnType<typeof record>];
    await waitUntil(() => t.deps.pubsub.localSubscribers('notification:added', participant.user.id) === 1);
    await waitUntil(() => t.deps.pubsub.localSubscribers('notification:added', bystander.user.id) === 1);

    const cancelled = await t.gql(CANCEL, { id: activity.gid, reason: null }, { token: organizer.token });
    expect(cancelled.errors).toBeUndefined();
    const [event] = await mine.waitFor(1, 30_000);
    const stored = await t.deps.db.notification.findFirstOrThrow({ where: { userId: participant.user.id } });
    expect(event).toEqual({
      data: {
        notificationAdded: {
          id: expect.any(String),
          kind: 'ACTIVITY_CANCELLED',
          title: 'Cancelled: Picnic',
          reason: null,
          activity: { id: activity.gid },
          readAt: null,
        },
      },
    });
    const list = await t.gql('{ notifications(first: 1) { edges { node { id } } } }', {}, { token: participant.token });
    expect(list.data?.notifications.edges[0].node.id).toBe((event as any).data.notificationAdded.id);
    expect(stored.activityId).toBe(activity.id);
    // Nobody else's stream heard of it.
    expect(theirs.results).toEqual([]);
    mine.unsubscribe();
    theirs.unsubscribe();
    for (const client of clients) await client.dispose();
  }, 60_000);

  it('needs a token to subscribe', async () => {
    const client = wsClient(url);
    const anonymous = record(client, 'subscription { notificationAdded { id } }');
    // A refused subscription is one result carrying the error.
    const [refused] = await anonymous.waitFor(1);
    expect(refused).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    anonymous.unsubscribe();
    await client.dispose();
  });
});
