import type { Client as SseClient } from 'graphql-sse';
import type { Client as WsClient } from 'graphql-ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { createTestContext, type PeerInstance, type TestContext } from '../support/harness.js';
import { numsub, record, sseClient, waitForNumsub, waitForOpenSubscriptions, waitUntil, wsClient } from '../support/live-clients.js';

let t: TestContext;
let urlA: string;
let b: PeerInstance;
const wsClients: WsClient[] = [];
const sseClients: SseClient[] = [];
beforeAll(async () => {
  t = await createTestContext();
  urlA = (await t.startServer()).url;
  b = await t.startPeer();
});
afterAll(async () => {
  for (const client of sseClients) client.dispose();
  // graphql-ws types dispose() as `void | Promise<void>`.
  await Promise.all(wsClients.map(async (client) => await client.dispose()));
  await t.cleanup();
});

const SUBSCRIPTION = 'subscription ($id: ID!) { userChanged(id: $id) { id displayName } }';
const UPDATE = 'mutation ($name: String!) { updateProfile(input: { displayName: $name }) { displayName } }';

async function postTo(url: string, token: string, name: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: UPDATE, variables: { name } }),
  });
  return (await response.json()) as { data?: { updateProfile: { displayName: string } }; errors?: unknown };
}

it('runs two instances on one database and Redis prefix, each with its own connections', () => {
  expect(b.deps.config.database.url).toBe(t.config.database.url);
  expect(b.deps.config.redis.prefix).toBe(t.config.redis.prefix);
  expect(b.deps.pubsub.subscriber).not.toBe(t.deps.pubsub.subscriber);
  expect(b.url).not.toBe(urlA);
});

it('delivers a change made through instance A to subscribers on instance B, over graphql-ws and over SSE', async () => {
  const { user, token } = await t.createUser();
  const variables = { id: encodeId('User', user.id) };
  const channel = `${t.config.redis.prefix}:events:user:changed:${user.id}`;

  const ws = wsClient(b.url, token);
  wsClients.push(ws);
  const sse = sseClient(b.url);
  sseClients.push(sse);
  const overWs = record(ws, SUBSCRIPTION, variables);
  const overSse = record(sse, SUBSCRIPTION, variables);
  // Both subscribers sit on B (one shared stream there); A has none.
  await waitForOpenSubscriptions(b.deps.metrics, { ws: 1, sse: 1 });
  await waitUntil(() => b.deps.pubsub.localSubscribers('user:changed', user.id) === 1);
  await waitForNumsub(t.deps.redis, channel, 1);
  expect(t.deps.pubsub.localSubscribers('user:changed', user.id)).toBe(0);

  const response = await postTo(urlA, token, 'Changed on A');
  expect(response.data?.updateProfile.displayName).toBe('Changed on A');
  const expected = { data: { userChanged: { id: variables.id, displayName: 'Changed on A' } } };
  expect((await overWs.waitFor(1))[0]).toEqual(expected);
  expect((await overSse.waitFor(1))[0]).toEqual(expected);

  overWs.unsubscribe();
  overSse.unsubscribe();
  await waitForNumsub(t.deps.redis, channel, 0);
  await waitForOpenSubscriptions(b.deps.metrics, { ws: 0, sse: 0 });
});

it('delivers to subscribers on both instances at once, each instance subscribed to Redis once', async () => {
  const { user, token } = await t.createUser();
  const variables = { id: encodeId('User', user.id) };
  const channel = `${t.config.redis.prefix}:events:user:changed:${user.id}`;
  const recordings = [urlA, b.url].flatMap((url) => {
    const ws = wsClient(url);
    const sse = sseClient(url);
    wsClients.push(ws);
    sseClients.push(sse);
    return [record(ws, SUBSCRIPTION, variables), record(sse, SUBSCRIPTION, variables)];
  });
  await waitForOpenSubscriptions(t.deps.metrics, { ws: 1, sse: 1 });
  await waitForOpenSubscriptions(b.deps.metrics, { ws: 1, sse: 1 });
  await waitUntil(() => t.deps.pubsub.localSubscribers('user:changed', user.id) === 1 && b.deps.pubsub.localSubscribers('user:changed', user.id) === 1);
  expect(await numsub(t.deps.redis, channel)).toBe(2);

  await postTo(b.url, token, 'Changed on B');
  for (const recording of recordings) expect((await recording.waitFor(1))[0].data.userChanged.displayName).toBe('Changed on B');
  for (const recording of recordings) recording.unsubscribe();
  await waitForNumsub(t.deps.redis, channel, 0);
});
