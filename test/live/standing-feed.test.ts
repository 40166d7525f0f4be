import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { recordAward } from '../../src/modules/points/index.js';
import { PushIterator } from '../../src/lib/push-iterator.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { record, settle, waitForOpenSubscriptions, waitUntil } from '../support/live-clients.js';
import { clientPool, MY_STANDING, player, sleep, type Player } from './live-support.js';

let t: TestContext;
let url: string;
let keys = 0;
const clients = clientPool();
beforeAll(async () => {
  t = await createTestContext();
  url = (await t.startServer()).url;
});
afterAll(async () => {
  await clients.dispose();
  await t.cleanup();
});

const give = (who: Player, points: number) =>
  recordAward(t.deps, { userId: who.id, type: 'ADMIN_ADJUST', points, idempotencyKey: `feed-${(keys += 1)}`, occurredAt: new Date() });

describe('myStanding fed from the StandingWatcher', () => {
  it('reaches graphql-ws and SSE subscribers without the watcher streams being pulled per event, and stops on unsubscribe', async () => {
    const viewers = await Promise.all([0, 1, 2].map(() => player(t)));
    await Promise.all(viewers.map((viewer, index) => give(viewer, 10 * (index + 1))));
    // The watcher's own streams, one per subscription (the consumers' PushIterators are the transports').
    const opened = vi.spyOn(t.deps.standings, 'stream');
    const recordings = [
      record(clients.ws(url, viewers[0]!.token), MY_STANDING),
      record(clients.ws(url, viewers[1]!.token), MY_STANDING),
      record(clients.sse(url, viewers[2]!.token), MY_STANDING),
    ];
    await waitForOpenSubscriptions(t.deps.metrics, { ws: 2, sse: 1 });
    await waitUntil(() => t.deps.standings.stats().listeners === 3);
    const streams = opened.mock.results.map((result) => result.value as unknown);
    opened.mockRestore();
    expect(streams).toHaveLength(3);

    const pulls = vi.spyOn(PushIterator.prototype, 'next');
    let pulled: unknown[] = [];
    try {
      // Each newcomer overtakes all three: every standing changes, three events past the coalescing window.
      for (let event = 1; event <= 3; event += 1) {
        await give(await player(t), 1_000 * event);
        await Promise.all(recordings.map((recording) => recording.waitFor(event)));
        await sleep(300);
      }
    } finally {
      pulled = [...pulls.mock.contexts];
      pulls.mockRestore();
    }
    for (const [index, recording] of recordings.entries()) {
      expect(recording.errors).toEqual([]);
      // Viewer i has 10·(i+1) points: rank 3 − i among the viewers, below every newcomer so far.
      expect(recording.results.map((result) => result.data.myStanding)).toEqual(
        [1, 2, 3].map((newcomers) => ({ rank: newcomers + 3 - index, points: 10 * (index + 1) })),
      );
    }
    // Pulled, each stream would have been asked for its next value once per event (by its coalescer).
    expect(streams.filter((stream) => pulled.includes(stream))).toEqual([]);

    recordings[0]!.unsubscribe();
    await waitUntil(() => t.deps.standings.stats().listeners === 2);
    await give(await player(t), 5_000);
    await Promise.all(recordings.slice(1).map((recording) => recording.waitFor(4)));
    await settle([recordings[0]!], 300);
    expect(recordings[0]!.results).toHaveLength(3);
    for (const recording of recordings.slice(1)) recording.unsubscribe();
    await waitUntil(() => t.deps.standings.stats().listeners === 0);
  });
});
