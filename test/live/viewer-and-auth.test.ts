import type { Client as WsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../support/harness.js';
import {
  openSubscriptions,
  record,
  type Recording,
  settle,
  sseClient,
  waitForNumsub,
  waitForOpenSubscriptions,
  waitUntil,
  wsClient,
} from '../support/live-clients.js';
import { resolverCalls, startLiveTestServer } from '../support/live-schema.js';

let t: TestContext;
let server: { url: string; close(): Promise<void> };
const clients: WsClient[] = [];
beforeAll(async () => {
  t = await createTestContext();
  server = await startLiveTestServer(t.deps);
});
afterAll(async () => {
  // graphql-ws types dispose() as `void | Promise<void>`.
  await Promise.all(clients.map(async (client) => await client.dispose()));
  await server.close();
  await t.cleanup();
});

let channelCounter = 0;
const newChannel = () => `c${(channelCounter += 1)}`;
const redisChannel = (channel: string) => `${t.config.redis.prefix}:events:test:tick:${channel}`;
const metric = async (name: 'liveExecutions' | 'liveStreams') => (await t.deps.metrics[name].get()).values[0]?.value ?? 0;

function client(token?: string): WsClient {
  const created = wsClient(server.url, token);
  clients.push(created);
  return created;
}

async function subscribeAll(subscriptions: Array<[WsClient, string]>, channel: string, streams: number): Promise<Recording[]> {
  const { ws: open } = await openSubscriptions(t.deps.metrics);
  const recordings = subscriptions.map(([subscriber, query]) => record(subscriber, query, { channel }));
  await waitForOpenSubscriptions(t.deps.metrics, { ws: open + subscriptions.length });
  // Every shared stream holds one local subscription to the topic once Redis has confirmed it.
  await waitUntil(() => t.deps.pubsub.localSubscribers('test:tick', channel) === streams, 10_000, () => `${streams} shared streams listening`);
  await waitForNumsub(t.deps.redis, redisChannel(channel), 1);
  expect(await metric('liveStreams')).toBe(streams);
  return recordings;
}

describe('sharing and the viewer', () => {
  it('executes a viewer-dependent selection once per viewer, and shares it between one viewer\'s subscriptions', async () => {
    const [a, b] = [await t.createUser(), await t.createUser()];
    const query = 'subscription ($channel: String!) { tick(channel: $channel) { value seenBy } }';
    const channel = newChannel();
    const recordings = await subscribeAll(
      [[client(a.token), query], [client(a.token), query], [client(b.token), query], [client(), query], [client(), query]],
      channel,
      3,
    );
    const before = resolverCalls.tick;
    await t.deps.pubsub.publish('test:tick', channel, { value: 1 });
    await Promise.all(recordings.map((recording) => recording.waitFor(1)));
    expect(resolverCalls.tick - before).toBe(3);
    expect(recordings.map((recording) => recording.results[0].data.tick.seenBy)).toEqual([String(a.user.id), String(a.user.id), String(b.user.id), null, null]);
    for (const recording of recordings) recording.unsubscribe();
    await waitForNumsub(t.deps.redis, redisChannel(channel), 0);
  });

  it('shares a public selection between viewers and runs it as nobody, so no one sees another viewer\'s view', async () => {
    const [a, b] = [await t.createUser(), await t.createUser()];
    const query = 'subscription ($channel: String!) { tick(channel: $channel) { value unmarkedViewer } }';
    const channel = newChannel();
    const recordings = await subscribeAll([[client(a.token), query], [client(b.token), query]], channel, 1);
    const before = resolverCalls.tick;
    await t.deps.pubsub.publish('test:tick', channel, { value: 2 });
    await Promise.all(recordings.map((recording) => recording.waitFor(1)));
    expect(resolverCalls.tick - before).toBe(1);
    for (const recording of recordings) expect(recording.results[0]).toEqual({ data: { tick: { value: 2, unmarkedViewer: null } } });
    for (const recording of recordings) recording.unsubscribe();
    await waitForNumsub(t.deps.redis, redisChannel(channel), 0);
  });

  it('treats a nested field guarded by auth scopes as viewer-dependent: an admin\'s result never reaches a user', async () => {
    const admin = await t.createUser({ role: 'ADMIN' });
    const user = await t.createUser();
    const query = 'subscription ($channel: String!) { tick(channel: $channel) { value adminNote } }';
    const channel = newChannel();
    const [forAdmin, forUser] = await subscribeAll([[client(admin.token), query], [client(user.token), query]], channel, 2);
    await t.deps.pubsub.publish('test:tick', channel, { value: 3 });
    await Promise.all([forAdmin!.waitFor(1), forUser!.waitFor(1)]);
    expect(forAdmin!.results[0]).toEqual({ data: { tick: { value: 3, adminNote: 'for admins only' } } });
    expect(forUser!.results[0].data.tick.adminNote).toBeNull();
    expect(forUser!.results[0].errors[0].extensions.code).toBe('FORBIDDEN');
    forAdmin!.unsubscribe();
    forUser!.unsubscribe();
    await waitForNumsub(t.deps.redis, redisChannel(channel), 0);
  });
});

describe('authorization before sharing', () => {
  it('checks every subscriber: one without permission gets an error, never the stream an admin opened', async () => {
    const admin = await t.createUser({ role: 'ADMIN' });
    const user = await t.createUser();
    const query = 'subscription ($channel: String!) { adminTick(channel: $channel) { value } }';
    const channel = newChannel();
    const [forAdmin] = await subscribeAll([[client(admin.token), query]], channel, 1);
    const forUser = record(client(user.token), query, { channel });
    const forAnonymous = record(client(), query, { channel });
    const overSse = sseClient(server.url, user.token);
    const forUserOverSse = record(overSse, query, { channel });
    // A refused subscription is one result carrying the error, on either transport.
    await Promise.all([forUser.waitFor(1), forAnonymous.waitFor(1), forUserOverSse.waitFor(1)]);
    expect(forUser.results[0]).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    expect(forAnonymous.results[0]).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(forUserOverSse.results[0]).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });

    await t.deps.pubsub.publish('test:tick', channel, { value: 4 });
    await forAdmin!.waitFor(1);
    await settle([forUser, forAnonymous, forUserOverSse], 300);
    for (const refused of [forUser, forAnonymous, forUserOverSse]) expect(refused.results.filter((result) => result.data)).toEqual([]);
    expect(await metric('liveStreams')).toBe(1);
    forAdmin!.unsubscribe();
    overSse.dispose();
    await waitForNumsub(t.deps.redis, redisChannel(channel), 0);
  });

  it('passes a source failure to every subscriber of the shared stream, and releases the topic', async () => {
    const query = 'subscription ($channel: String!) { failingTick(channel: $channel) { value } }';
    const channel = newChannel();
    const overSse = sseClient(server.url);
    const recordings = [...(await subscribeAll([[client(), query], [client(), query], [client(), query]], channel, 1))];
    const sse = record(overSse, query, { channel });
    await waitForOpenSubscriptions(t.deps.metrics, { sse: 1 });
    await t.deps.pubsub.publish('test:tick', channel, { value: 5 });
    await Promise.all([...recordings, sse].map((recording) => recording.waitFor(1)));
    await t.deps.pubsub.publish('test:tick', channel, { value: 6, fail: true });
    // graphql-ws sends an error message; yoga's SSE sends a (masked) error result and completes.
    await Promise.all(recordings.map((recording) => recording.waitForError()));
    await sse.waitFor(2);
    expect(sse.results[1]).toMatchObject({ errors: [{ extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    await waitUntil(() => sse.completed);
    overSse.dispose();
    await waitForNumsub(t.deps.redis, redisChannel(channel), 0);
    expect(await metric('liveStreams')).toBe(0);
  });
});
