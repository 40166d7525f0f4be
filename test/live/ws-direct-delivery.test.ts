import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { Multicast } from '../../src/graphql/live/multicast.js';
import { PushIterator } from '../../src/lib/push-iterator.js';
import { updateProfile } from '../../src/modules/users/users.service.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { clientPool } from './live-support.js';
import { record, settle, waitForOpenSubscriptions, waitUntil } from '../support/live-clients.js';

let t: TestContext;
let url: string;
const clients = clientPool();
beforeAll(async () => {
  t = await createTestContext();
  url = (await t.startServer()).url;
});
afterAll(async () => {
  await clients.dispose();
  await t.cleanup();
});

const SELECTION = 'subscription ($id: ID!) { userChanged(id: $id) { id handle displayName } }';

describe('shared results over graphql-ws', () => {
  it('go straight to the socket, not through the subscription loop, and stop at complete', async () => {
    const { user } = await t.createUser();
    const variables = { id: encodeId('User', user.id) };
    // The subscribers' own consumers of the shared stream (other PushIterators, e.g. the coalescer's, are not theirs).
    const joins = vi.spyOn(Multicast.prototype, 'subscribe');
    const ws = [0, 1, 2].map(() => record(clients.ws(url), SELECTION, variables));
    const sse = record(clients.sse(url), SELECTION, variables);
    await waitForOpenSubscriptions(t.deps.metrics, { ws: 3, sse: 1 });
    await waitUntil(() => t.deps.pubsub.localSubscribers('user:changed', user.id) === 1);
    const consumers = joins.mock.results.map((result) => result.value as unknown);
    joins.mockRestore();
    expect(consumers).toHaveLength(4);

    // Which consumers are pulled through next(): the subscription loop's (SSE's, and graphql-ws's when not diverted).
    const spy = vi.spyOn(PushIterator.prototype, 'next');
    let pulled: unknown[] = [];
    const deps = { db: t.deps.db, pubsub: t.deps.pubsub, userCache: t.deps.userCache };
    const names = ['One', 'Two', 'Three'];
    try {
      for (const [i, displayName] of names.entries()) {
        await updateProfile(deps, { userId: user.id, displayName });
        await Promise.all([...ws, sse].map((recording) => recording.waitFor(i + 1)));
      }
    } finally {
      // Read before restoring, which clears the spy's record.
      pulled = [...spy.mock.contexts];
      spy.mockRestore();
    }
    const expected = names.map((displayName) => ({ data: { userChanged: { id: variables.id, handle: user.handle, displayName } } }));
    for (const recording of [...ws, sse]) expect(recording.results).toEqual(expected);
    // Only the SSE subscriber's consumer was pulled; the three graphql-ws ones never were after they opened.
    expect(consumers.filter((consumer) => pulled.includes(consumer))).toHaveLength(1);

    // A completed subscription gets nothing more; the others go on.
    ws[0]!.unsubscribe();
    await waitForOpenSubscriptions(t.deps.metrics, { ws: 2, sse: 1 });
    await updateProfile(deps, { userId: user.id, displayName: 'Four' });
    await Promise.all([ws[1]!, ws[2]!, sse].map((recording) => recording.waitFor(4)));
    await settle([ws[0]!], 300);
    expect(ws[0]!.results).toHaveLength(3);
    expect(ws[1]!.results.at(-1)).toEqual({ data: { userChanged: { id: variables.id, handle: user.handle, displayName: 'Four' } } });
  });
});
