import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hotRankOf } from '../../src/modules/hot/hot-reader.js';
import { refreshActivityHeat } from '../../src/modules/hot/hot-refresh.js';
import { recomputeHotBoards } from '../../src/modules/hot/hot-recompute.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { hot, insertActivities, simulateJoin, titles, type HotResult } from './hot-fixtures.js';

const TTL_MS = 100;
const proxy = new TcpProxy({ host: '127.0.0.1', port: 6379 });
let t: TestContext;
let ids: number[];
let before: HotResult;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const staleLookups = async () =>
  (await t.deps.metrics.cacheLookups.get()).values.find((value) => value.labels.cache === 'hot' && value.labels.result === 'stale')?.value ?? 0;

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await sleep(100);
  }
}

beforeAll(async () => {
  const port = await proxy.start();
  t = await createTestContext({ REDIS_URL: `redis://127.0.0.1:${port}`, HOT_CACHE_TTL_MS: String(TTL_MS) });
  const organizer = await t.createUser();
  const published = new Date('2026-11-01T00:00:00Z');
  ids = await insertActivities(t, organizer.user.id, [
    { title: 'First', category: 'running', publishedAt: published, joins: 30 },
    { title: 'Second', category: 'chess', publishedAt: published, joins: 20 },
    { title: 'Third', category: 'running', publishedAt: published, joins: 10 },
  ]);
  await recomputeHotBoards(t.deps);
  before = await hot(t);
});
afterAll(async () => {
  await t?.cleanup();
  await proxy.stop();
});

describe('hot ranking while Redis is unreachable', () => {
  it('serves the previous list with stale: true', async () => {
    expect(before.stale).toBe(false);
    expect(titles(before)).toEqual(['First', 'Second', 'Third']);
    const staleBefore = await staleLookups();
    await proxy.stop();
    await sleep(TTL_MS + 20);
    const during = await hot(t);
    expect(during.stale).toBe(true);
    expect(during.entries).toEqual(before.entries);
    expect(during.computedAt).toBe(before.computedAt);
    expect(await staleLookups()).toBe(staleBefore + 1);
  });

  it('computes a list it has no local copy of from PostgreSQL', async () => {
    const chess = await hot(t, { category: 'chess' });
    expect(titles(chess)).toEqual(['Second']);
    expect(chess.stale).toBe(false);
  });

  it('answers heatRank from the local copy', async () => {
    expect(await hotRankOf(t.deps, ids[1]!)).toBe(2);
  });

  it('fails a recompute, or a refresh, without touching the boards', async () => {
    await simulateJoin(t, ids[2]!, (await t.createUser()).user.id);
    await expect(recomputeHotBoards(t.deps)).rejects.toThrow();
    await expect(refreshActivityHeat(t.deps, ids[2]!)).rejects.toThrow();
    expect((await hot(t)).entries).toEqual(before.entries);
  });

  it('serves fresh lists (stale: false) again once Redis is back, with the previous board intact', async () => {
    await proxy.start(proxy.port);
    const back = await eventually(() => hot(t), (result) => !result.stale);
    expect(back.stale).toBe(false);
    // The failed refresh left the board as it was; the next recompute repairs it.
    expect(back.entries).toEqual(before.entries);
    await recomputeHotBoards(t.deps);
    const repaired = await hot(t);
    expect(repaired.entries[2]!.score).toBeGreaterThan(before.entries[2]!.score);
  });
});
