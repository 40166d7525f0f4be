import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestContext, type TestContext } from '../support/harness.js';
import { createUsers, JOIN, outcome, seedActivity } from './support.js';

let t: TestContext;
let url: string;
const clients: Client[] = [];
beforeAll(async () => {
  t = await createTestContext();
  url = (await t.startServer()).url;
});
afterAll(async () => {
  // graphql-ws types dispose() as `void | Promise<void>`.
  await Promise.all(clients.map(async (client) => await client.dispose()));
  await t.cleanup();
});

const CHANGED = 'subscription ($id: ID!) { activityChanged(id: $id) { id status participantCount cancelReason version } }';

function wsClient(token?: string) {
  const client = createClient({
    url: `${url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  });
  clients.push(client);
  return client;
}

/** Collects results until one satisfies `until`, or fails after `timeoutMs`. */
function watch(client: Client, variables: Record<string, unknown>, until: (data: any) => boolean, timeoutMs = 5_000) {
  const seen: any[] = [];
  const done = new Promise<any[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${JSON.stringify(seen)}`)), timeoutMs);
    const unsubscribe = client.subscribe(
      { query: CHANGED, variables },
      {
        next: (result) => {
          if (result.errors) return reject(new Error(JSON.stringify(result.errors)));
          seen.push(result.data!.activityChanged);
          if (until(result.data!.activityChanged)) {
            clearTimeout(timer);
            unsubscribe();
            resolve(seen);
          }
        },
        error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => {},
      },
    );
  });
  return Object.assign(done, { seen });
}

/** Makes harmless changes (anonymous views) until every watcher has seen one, so none misses what follows. */
async function untilWatching(activityGid: string, watchers: Array<{ seen: unknown[] }>) {
  for (let i = 0; i < 100 && watchers.some((w) => w.seen.length === 0); i += 1) {
    await t.gql('mutation ($id: ID!) { recordView(activityId: $id) { id } }', { id: activityGid }, { headers: { 'x-client-id': `probe-client-${i}` } });
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

async function waitForSubscribers(activityId: number, expected: number) {
  const channel = `${t.config.redis.prefix}:events:activity:changed:${activityId}`;
  for (let i = 0; i < 100; i += 1) {
    const [, count] = (await t.deps.redis.pubsub('NUMSUB', channel)) as [string, number];
    if (Number(count) >= expected) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`fewer than ${expected} subscribers on ${channel}`);
}

describe('activityChanged', () => {
  it("fires for a cancelled activity's participants, and the activity then rejects joins", async () => {
    const organizer = await t.createUser();
    const activity = await seedActivity(t, { organizerId: organizer.user.id, capacity: 10 });
    const [first, second, latecomer] = await createUsers(t, 3, 'live');
    for (const member of [first!, second!]) expect(outcome(await t.gql(JOIN, { id: activity.gid }, { token: member.token }))).toBe('OK');

    const watchers = [first!, second!].map((member) => watch(wsClient(member.token), { id: activity.gid }, (a) => a.status === 'CANCELLED'));
    await waitForSubscribers(activity.id, 1);
    await untilWatching(activity.gid, watchers);

    const cancelled = await t.gql(
      'mutation ($id: ID!) { cancelActivity(id: $id, reason: "Storm warning") { status } }',
      { id: activity.gid },
      { token: organizer.token },
    );
    expect(cancelled.data!.cancelActivity.status).toBe('CANCELLED');
    for (const seen of await Promise.all(watchers)) {
      expect(seen.at(-1)).toMatchObject({ id: activity.gid, status: 'CANCELLED', participantCount: 2, cancelReason: 'Storm warning' });
    }

    const late = await t.gql(JOIN, { id: activity.gid }, { token: latecomer!.token });
    expect(outcome(late)).toBe('INVALID_STATE');
    expect(late.errors![0]!.message).toMatch(/CANCELLED/);

    const event = await t.deps.db.outboxEvent.findFirstOrThrow({ where: { type: 'activity.cancelled' } });
    expect(event.payload).toEqual({ activityId: activity.id, reason: 'Storm warning', participantIds: [first!.user.id, second!.user.id] });
    expect(event.processedAt).not.toBeNull();
  });

  it('fires when counts change, carrying the new state', async () => {
    const organizer = await t.createUser();
    const activity = await seedActivity(t, { organizerId: organizer.user.id, capacity: 1 });
    const [member] = await createUsers(t, 1, 'counted');
    const seen = watch(wsClient(), { id: activity.gid }, (a) => a.status === 'FULL');
    await waitForSubscribers(activity.id, 1);
    await t.gql(JOIN, { id: activity.gid }, { token: member!.token });
    expect((await seen).at(-1)).toMatchObject({ status: 'FULL', participantCount: 1 });
  });

  it('refuses to subscribe to an unknown activity with NOT_FOUND', async () => {
    const result = await watch(wsClient(), { id: 'QWN0aXZpdHk6OTk5OTk5' }, () => true).then(
      () => 'subscribed',
      (error: Error) => error.message,
    );
    expect(result).toMatch(/NOT_FOUND/);
  });
});
