import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStandingWatcher } from '../../src/graphql/live/standing-watcher.js';
import type { Deps } from '../../src/deps.js';
import { createTestContext, type PeerInstance, type TestContext } from '../support/harness.js';
import { numsub, waitUntil } from '../support/live-clients.js';

/** A test-only topic: "something in this season's board changed". */
declare module '../../src/infra/pubsub.js' {
  interface TopicMap {
    'test:board:changed': { season: string };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('StandingWatcher on real Redis, two instances', () => {
  let t: TestContext;
  let peer: PeerInstance;
  beforeAll(async () => {
    t = await createTestContext();
    peer = await t.startPeer();
  });
  afterAll(async () => {
    await t.cleanup();
  });

  type Standing = { rank: number | null; points: number | null };
  const boardKey = (deps: Deps, season: string | number) => deps.keys.key('test', 'board', season);

  /** One pipelined round trip: ZREVRANK + ZSCORE for every watched member. */
  function redisWatcher(deps: Deps) {
    const calls: Array<readonly (string | number)[]> = [];
    const watcher = createStandingWatcher<Standing>({
      async lookup(season, members) {
        calls.push([...members]);
        const pipeline = deps.redis.pipeline();
        for (const member of members) pipeline.zrevrank(boardKey(deps, season), String(member)).zscore(boardKey(deps, season), String(member));
        const replies = (await pipeline.exec()) ?? [];
        return members.map((_member, i) => {
          const rank = replies[2 * i]?.[1] as number | null;
          const score = replies[2 * i + 1]?.[1] as string | null;
          return { rank, points: score === null ? null : Number(score) };
        });
      },
      changes: (season) => deps.pubsub.subscribe('test:board:changed', season),
    });
    return { watcher, calls };
  }

  async function award(season: string, member: string, points: number) {
    await t.deps.redis.zincrby(boardKey(t.deps, season), points, member);
    await t.deps.pubsub.publish('test:board:changed', season, { season });
  }

  it('tells each instance\'s watchers about passive changes — being overtaken — with one lookup per window', async () => {
    const season = '2025-w01';
    await t.deps.redis.zadd(boardKey(t.deps, season), 300, 'alice', 200, 'bob', 100, 'carol', 10, 'dave');
    const onA = redisWatcher(t.deps);
    const onB = redisWatcher(peer.deps);
    const seen: Record<string, Standing[]> = { alice: [], bob: [], carol: [] };
    onA.watcher.watch(season, 'alice', (value) => seen.alice!.push(value), { initial: { rank: 0, points: 300 } });
    onA.watcher.watch(season, 'bob', (value) => seen.bob!.push(value), { initial: { rank: 1, points: 200 } });
    onB.watcher.watch(season, 'carol', (value) => seen.carol!.push(value), { initial: { rank: 2, points: 100 } });
    const channel = `${t.config.redis.prefix}:events:test:board:changed:${season}`;
    await waitUntil(() => t.deps.pubsub.localSubscribers('test:board:changed', season) === 1 && peer.deps.pubsub.localSubscribers('test:board:changed', season) === 1);
    expect(await numsub(t.deps.redis, channel)).toBe(2);

    // Carol jumps to the top: alice and bob are overtaken without doing anything.
    await award(season, 'carol', 400);
    await waitUntil(() => seen.alice!.length === 1 && seen.bob!.length === 1 && seen.carol!.length === 1);
    expect(seen).toEqual({
      alice: [{ rank: 1, points: 300 }],
      bob: [{ rank: 2, points: 200 }],
      carol: [{ rank: 0, points: 500 }],
    });
    expect(onA.calls).toEqual([['alice', 'bob']]);
    expect(onB.calls).toEqual([['carol']]);

    // Dave gains points but stays last: lookups run, nobody watched is notified.
    await award(season, 'dave', 5);
    await waitUntil(() => onA.calls.length === 2 && onB.calls.length === 2);
    await sleep(50);
    expect(seen.alice!.length + seen.bob!.length + seen.carol!.length).toBe(3);

    // A burst of 100 awards: a handful of lookups per instance, and the last notification is the final state.
    await sleep(300);
    const before = { a: onA.calls.length, b: onB.calls.length };
    const started = Date.now();
    for (let i = 0; i < 100; i += 1) await award(season, i % 2 === 0 ? 'bob' : 'dave', 10);
    const elapsed = Date.now() - started;
    const bobScore = Number(await t.deps.redis.zscore(boardKey(t.deps, season), 'bob'));
    const bobRank = await t.deps.redis.zrevrank(boardKey(t.deps, season), 'bob');
    // The trailing lookup always comes: the last notification is the final state.
    await waitUntil(() => JSON.stringify(seen.bob!.at(-1)) === JSON.stringify({ rank: bobRank, points: bobScore }));
    await sleep(300);
    const windows = 2 + Math.ceil(elapsed / 250);
    expect(onA.calls.length - before.a).toBeLessThanOrEqual(windows);
    expect(onB.calls.length - before.b).toBeLessThanOrEqual(windows);
    expect(seen.bob!.at(-1)).toEqual({ rank: bobRank, points: bobScore });

    await Promise.all([onA.watcher.close(), onB.watcher.close()]);
    await waitUntil(async () => (await numsub(t.deps.redis, channel)) === 0);
  });
});
