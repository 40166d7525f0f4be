import type { Client as SseClient } from 'graphql-sse';
import type { Client as WsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { updateProfile } from '../../src/modules/users/users.service.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { numsub, record, type Recording, settle, sseClient, waitForNumsub, waitUntil, wsClient } from '../support/live-clients.js';

let t: TestContext;
let url: string;
beforeAll(async () => {
  t = await createTestContext();
  url = (await t.startServer()).url;
});
afterAll(async () => {
  await t.cleanup();
});

const SELECTION = 'subscription ($id: ID!) { userChanged(id: $id) { id handle displayName } }';
const gauge = async (transport: 'ws' | 'sse') =>
  (await t.deps.metrics.openSubscriptions.get()).values.find((value) => value.labels.transport === transport)?.value ?? 0;
const metric = async (name: 'liveExecutions' | 'liveStreams') => (await t.deps.metrics[name].get()).values[0]?.value ?? 0;

/**
 * Counts calls of the resolver's one database read (userChanged resolves with
 * `ctx.deps.db.user.findUniqueOrThrow`) by wrapping the real client for a while.
 */
function countUserReads(deps: TestContext['deps']) {
  const db = deps.db;
  const counter = { count: 0, restore: () => void ((deps as { db: typeof db }).db = db) };
  const users = new Proxy(db.user, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (property === 'findUniqueOrThrow') {
        return (...args: unknown[]) => ((counter.count += 1), (value as (...a: unknown[]) => unknown).apply(target, args));
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  (deps as { db: typeof db }).db = new Proxy(db, {
    get(target, property) {
      if (property === 'user') return users;
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return counter;
}

/** Counts JSON.stringify calls that serialize a userChanged result, inline or inside a graphql-ws message. */
function countResultSerializations() {
  const original = JSON.stringify;
  const counter = { count: 0, restore: () => void (JSON.stringify = original) };
  JSON.stringify = function (value: any, ...rest: any[]) {
    if (value?.data?.userChanged || value?.payload?.data?.userChanged) counter.count += 1;
    return original.call(JSON, value, ...(rest as []));
  } as typeof JSON.stringify;
  return counter;
}

describe('shared subscription execution', () => {
  const wsClients: WsClient[] = [];
  const sseClients: SseClient[] = [];
  afterAll(async () => {
    for (const client of sseClients) client.dispose();
    // graphql-ws types dispose() as `void | Promise<void>`.
    await Promise.all(wsClients.map(async (client) => await client.dispose()));
  });

  it('runs one execution and one serialization per event for 200 graphql-ws and 20 SSE subscribers of one selection', async () => {
    const { user } = await t.createUser();
    const viewers = await Promise.all(Array.from({ length: 10 }, () => t.createUser()));
    const variables = { id: encodeId('User', user.id) };
    const channel = `${t.config.redis.prefix}:events:user:changed:${user.id}`;

    // Anonymous and signed-in subscribers alike: the selection is public, so they all share.
    const recordings: Recording[] = [];
    for (let i = 0; i < 200; i += 1) {
      const client = wsClient(url, i % 2 === 0 ? viewers[i % 10]!.token : undefined);
      wsClients.push(client);
      recordings.push(record(client, SELECTION, variables));
    }
    for (let i = 0; i < 20; i += 1) {
      const client = sseClient(url, i % 2 === 0 ? viewers[i % 10]!.token : undefined);
      sseClients.push(client);
      recordings.push(record(client, SELECTION, variables));
    }
    await waitUntil(async () => (await gauge('ws')) === 200 && (await gauge('sse')) === 20, 20_000, () => 'all subscribers open');
    await waitUntil(() => t.deps.pubsub.localSubscribers('user:changed', user.id) === 1);
    await waitForNumsub(t.deps.redis, channel, 1);
    expect(await metric('liveStreams')).toBe(1);

    const executionsBefore = await metric('liveExecutions');
    const realDb = t.deps.db;
    const resolverCalls = countUserReads(t.deps);
    const serializations = countResultSerializations();
    try {
      for (const name of ['One', 'Two', 'Three']) {
        await updateProfile({ db: realDb, pubsub: t.deps.pubsub, userCache: t.deps.userCache }, { userId: user.id, displayName: name });
        await Promise.all(recordings.map((recording, i) => recording.waitFor(['One', 'Two', 'Three'].indexOf(name) + 1).catch((error: Error) => {
          throw new Error(`subscriber ${i}: ${error.message}`);
        })));
      }
      await settle(recordings, 300);
    } finally {
      serializations.restore();
      resolverCalls.restore();
    }

    expect(await metric('liveExecutions') - executionsBefore).toBe(3);
    expect(resolverCalls.count).toBe(3);
    expect(serializations.count).toBe(3);
    const expected = ['One', 'Two', 'Three'].map((displayName) => ({ data: { userChanged: { id: variables.id, handle: user.handle, displayName } } }));
    for (const recording of recordings) expect(recording.results).toEqual(expected);

    for (const recording of recordings) recording.unsubscribe();
    await waitUntil(async () => (await gauge('ws')) === 0 && (await gauge('sse')) === 0, 10_000, () => 'gauge back to 0');
    await waitForNumsub(t.deps.redis, channel, 0);
    expect(await metric('liveStreams')).toBe(0);
  });

  it('does not share between different selections or variables', async () => {
    const [a, b] = [await t.createUser(), await t.createUser()];
    const client = wsClient(url);
    wsClients.push(client);
    const subscriptions = [
      record(client, SELECTION, { id: encodeId('User', a.user.id) }),
      record(client, 'subscription ($id: ID!) { userChanged(id: $id) { displayName } }', { id: encodeId('User', a.user.id) }),
      record(client, SELECTION, { id: encodeId('User', b.user.id) }),
    ];
    // Two selections of user A, one of user B: three streams, each with its own local subscription.
    await waitUntil(() => t.deps.pubsub.localSubscribers('user:changed', a.user.id) === 2 && t.deps.pubsub.localSubscribers('user:changed', b.user.id) === 1);
    expect(await metric('liveStreams')).toBe(3);
    const before = await metric('liveExecutions');
    await updateProfile(t.deps, { userId: a.user.id, displayName: 'Changed A' });
    await updateProfile(t.deps, { userId: b.user.id, displayName: 'Changed B' });
    await Promise.all(subscriptions.map((subscription) => subscription.waitFor(1)));
    expect(await metric('liveExecutions') - before).toBe(3);
    expect(subscriptions.map((subscription) => subscription.results[0].data.userChanged.displayName)).toEqual(['Changed A', 'Changed A', 'Changed B']);
    for (const subscription of subscriptions) subscription.unsubscribe();
    await waitUntil(async () => (await numsub(t.deps.redis, `${t.config.redis.prefix}:events:user:changed:${a.user.id}`)) === 0);
  });
});

describe('graphql-ws with reused serialized results', () => {
  it('still answers queries and formats errors itself', async () => {
    const { user, token } = await t.createUser({ displayName: 'Quoted "name" \u2603' });
    const client = wsClient(url, token);
    try {
      const viewer = record(client, '{ viewer { id displayName } }');
      const invalid = record(client, '{ users(first: 1) { edges { cursor } } }');
      await Promise.all([viewer.waitFor(1), invalid.waitFor(1)]);
      expect(viewer.results).toEqual([{ data: { viewer: { id: encodeId('User', user.id), displayName: 'Quoted "name" \u2603' } } }]);
      expect(invalid.results[0]).toMatchObject({ data: null, errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    } finally {
      await client.dispose();
    }
  });
});
