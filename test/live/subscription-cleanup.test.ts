import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { numsub, sseClient, waitUntil, wsClient } from '../support/live-clients.js';
import { currentSeasonId, LEADERBOARD_CHANGED, MY_STANDING, STANDING_CHANGED } from './live-support.js';

let t: TestContext;
let url: string;
beforeAll(async () => {
  t = await createTestContext();
  url = (await t.startServer()).url;
});
afterAll(async () => {
  await t.cleanup();
});

/** A mix of every kind of stream: plain topics, deduplicated top N lists, and StandingWatcher streams. */
const SELECTIONS = [
  'subscription ($id: ID!) { userChanged(id: $id) { id displayName } }',
  'subscription ($id: ID!) { userChanged(id: $id) { handle } }',
  LEADERBOARD_CHANGED,
  MY_STANDING,
  STANDING_CHANGED,
  'subscription ($first: Int) { hotActivitiesChanged(first: $first) { entries { rank } } }',
];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const gauge = async (transport: 'ws' | 'sse') =>
  (await t.deps.metrics.openSubscriptions.get()).values.find((value) => value.labels.transport === transport)?.value ?? 0;
const liveStreams = async () => (await t.deps.metrics.liveStreams.get()).values[0]?.value ?? 0;

it('leaves no Redis subscription, listener, stream or gauge count behind after 1,000 subscribe/unsubscribe cycles', async () => {
  const [{ user, token }, other] = [await t.createUser(), await t.createUser()];
  const season = currentSeasonId();
  const variables = { id: encodeId('User', user.id), userId: encodeId('User', user.id), first: 3 };
  const channels = [
    ['user:changed', user.id],
    ['leaderboard:changed', `points/${season}`],
    ['hot:changed', 'global'],
  ] as const;
  const subscriber = t.deps.pubsub.subscriber;
  const baseline = { message: subscriber.listenerCount('message'), pmessage: subscriber.listenerCount('pmessage') };
  // The API instance's own hot-cache follower (hot-cache-sync.ts) holds `hot:changed:global` for its lifetime.
  const channelOf = (topic: string, scope: string | number) => `${t.config.redis.prefix}:events:${topic}:${scope}`;
  const before = new Map(await Promise.all(channels.map(async ([topic, scope]) => [channelOf(topic, scope), await numsub(t.deps.redis, channelOf(topic, scope))] as const)));
  const channelsBefore = await t.deps.redis.pubsub('CHANNELS', `${t.config.redis.prefix}:*`);

  // Changes keep arriving during the cycles, so streams are torn down while events are in flight too.
  let publishing = true;
  const publisher = (async () => {
    for (let i = 0; publishing; i += 1) {
      await t.deps.pubsub.publish('user:changed', user.id, { userId: user.id });
      await t.deps.pubsub.publish('leaderboard:changed', `points/${season}`, { ref: `points/${season}`, userId: user.id });
      await t.deps.pubsub.publish('hot:changed', 'global', { board: 'global', computedAt: Date.now() });
      await sleep(15);
    }
  })();

  let cycles = 0;
  let delivered = 0;
  /**
   * One client (of one of two viewers), `count` cycles: subscribe, wait 0–25 ms (sometimes not at all),
   * unsubscribe. Its first userChanged subscription stays until a result arrived, however busy the machine.
   */
  async function worker(kind: 'ws' | 'sse', count: number, index: number) {
    const viewer = index % 2 === 0 ? token : other.token;
    const client = kind === 'ws' ? wsClient(url, viewer) : sseClient(url, viewer);
    for (let i = 0; i < count; i += 1) {
      let received = 0;
      const unsubscribe = client.subscribe(
        { query: SELECTIONS[(index + i) % SELECTIONS.length]!, variables },
        { next: () => void ((delivered += 1), (received += 1)), error: () => {}, complete: () => {} },
      );
      const wait = (index * 7 + i * 13) % 26;
      if ((index + i) % SELECTIONS.length === 0 && i < SELECTIONS.length) await waitUntil(() => received > 0, 10_000, () => 'a result');
      else if (wait > 2) await sleep(wait);
      else if (wait > 0) await Promise.resolve();
      unsubscribe();
      cycles += 1;
    }
    await sleep(50);
    if ('terminate' in client) await client.dispose();
    else client.dispose();
  }

  await Promise.all([
    ...Array.from({ length: 9 }, (_, index) => worker('ws', 100, index)),
    ...Array.from({ length: 4 }, (_, index) => worker('sse', 25, index)),
  ]);
  publishing = false;
  await publisher;
  expect(cycles).toBe(1_000);
  // The cycles overlapped with events: some subscriptions did receive results before leaving.
  expect(delivered).toBeGreaterThan(0);

  for (const [topic, scope] of channels) {
    const channel = channelOf(topic, scope);
    const base = before.get(channel) ?? 0;
    await waitUntil(async () => (await numsub(t.deps.redis, channel)) === base, 10_000, () => `PUBSUB NUMSUB ${channel} back to ${base}`);
    expect(t.deps.pubsub.localSubscribers(topic, scope)).toBe(0);
  }
  await waitUntil(async () => (await gauge('ws')) === 0 && (await gauge('sse')) === 0, 10_000, () => 'open-subscription gauge back to 0');
  expect(await liveStreams()).toBe(0);
  expect(t.deps.standings.stats()).toEqual({ scopes: 0, listeners: 0 });
  expect(subscriber.listenerCount('message')).toBe(baseline.message);
  expect(subscriber.listenerCount('pmessage')).toBe(baseline.pmessage);
  // Unsubscribing from Redis is asynchronous: wait for the channel list to settle back to where it was.
  const channelsNow = async () => ((await t.deps.redis.pubsub('CHANNELS', `${t.config.redis.prefix}:*`)) as string[]).sort();
  // A subscribe whose setup (board and period lookups) finished after its client left may still open and then close
  // its channel: on a loaded machine that takes seconds, so the list is awaited rather than sampled once.
  const settled = async () => JSON.stringify(await channelsNow()) === JSON.stringify([...channelsBefore].sort());
  await waitUntil(settled, 30_000, () => 'PUBSUB CHANNELS back to before');
});
