import type { Client as SseClient } from 'graphql-sse';
import type { Client as WsClient } from 'graphql-ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { updateProfile } from '../../src/modules/users/users.service.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { record, settle, sseClient, waitForOpenSubscriptions, waitUntil, wsClient } from '../support/live-clients.js';

let t: TestContext;
let url: string;
const wsClients: WsClient[] = [];
const sseClients: SseClient[] = [];
beforeAll(async () => {
  t = await createTestContext();
  url = (await t.startServer()).url;
});
afterAll(async () => {
  for (const client of sseClients) client.dispose();
  // graphql-ws types dispose() as `void | Promise<void>`.
  await Promise.all(wsClients.map(async (client) => await client.dispose()));
  await t.cleanup();
});

it('turns a burst of 100 changes within one second into at most 5 results per subscription, the last one the final state', async () => {
  const { user } = await t.createUser();
  const variables = { id: encodeId('User', user.id) };
  const selections = [
    'subscription ($id: ID!) { userChanged(id: $id) { displayName } }',
    'subscription ($id: ID!) { userChanged(id: $id) { id displayName } }',
  ];
  const recordings = selections.flatMap((query) => {
    const ws = wsClient(url);
    const sse = sseClient(url);
    wsClients.push(ws);
    sseClients.push(sse);
    return [record(ws, query, variables), record(sse, query, variables)];
  });
  await waitForOpenSubscriptions(t.deps.metrics, { ws: 2, sse: 2 });
  await waitUntil(() => t.deps.pubsub.localSubscribers('user:changed', user.id) === selections.length);

  const started = Date.now();
  // 100 change events: four commit a new name (and publish), the 96 others are bare
  // notifications, as several writers touching the user would send. Commits cost a disk flush
  // each, so this keeps the burst well within one second even on a busy machine.
  for (let round = 1; round <= 4; round += 1) {
    await Promise.all(Array.from({ length: 24 }, () => t.deps.pubsub.publish('user:changed', user.id, { userId: user.id })));
    await updateProfile(t.deps, { userId: user.id, displayName: `name ${round * 25}` });
  }
  const elapsed = Date.now() - started;
  await Promise.all(recordings.map((recording) => recording.waitFor(1)));
  await settle(recordings);

  // The first event goes out at once, then at most one per 250 ms window while the burst lasts.
  const allowed = 1 + Math.ceil(elapsed / 250);
  for (const recording of recordings) {
    expect(recording.errors).toEqual([]);
    expect(recording.results.length).toBeLessThanOrEqual(allowed);
    if (elapsed <= 1_000) expect(recording.results.length).toBeLessThanOrEqual(5);
    expect(recording.results.at(-1).data.userChanged.displayName).toBe('name 100');
  }
  for (const recording of recordings) recording.unsubscribe();
});
