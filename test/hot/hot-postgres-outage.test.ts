import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeHotBoards } from '../../src/modules/hot/hot-recompute.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { hot, insertActivities, titles, type HotResult } from './hot-fixtures.js';

// Short TTL: during the outage most reads go past the local copy to Redis, and the rows' fresh copies expire.
const TTL_MS = 200;
const OUTAGE_MS = 10_000;
const proxy = new TcpProxy({ host: '127.0.0.1', port: 5432 });
let t: TestContext;
let before: HotResult;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  const port = await proxy.start();
  t = await createTestContext(
    { HOT_CACHE_TTL_MS: String(TTL_MS) },
    {
      databaseUrl: (url) => {
        const proxied = new URL(url);
        proxied.port = String(port);
        return proxied.toString();
      },
    },
  );
  const organizer = await t.createUser();
  await insertActivities(t, organizer.user.id, [
    { title: 'First', category: 'running', joins: 30 },
    { title: 'Second', category: 'chess', joins: 20 },
    { title: 'Third', category: 'running', joins: 10 },
  ]);
  await recomputeHotBoards(t.deps);
  before = await hot(t);
});
afterAll(async () => {
  await proxy.start(proxy.port).catch(() => {});
  await t?.cleanup();
  await proxy.stop();
});

describe('hot lists while PostgreSQL is unreachable', () => {
  it('answers hotActivities from Redis and the local copy for 10 s of outage', async () => {
    expect(titles(before)).toEqual(['First', 'Second', 'Third']);
    expect(before.stale).toBe(false);
    await proxy.stop();
    const started = Date.now();
    const latencies: number[] = [];
    let staleAnswers = 0;
    while (Date.now() - started < OUTAGE_MS) {
      const asked = Date.now();
      const during = await hot(t);
      latencies.push(Date.now() - asked);
      expect(titles(during)).toEqual(titles(before));
      expect(during.entries.map((entry) => entry.score)).toEqual(before.entries.map((entry) => entry.score));
      if (during.stale) staleAnswers += 1;
      await sleep(250);
    }
    // PostgreSQL really was down: the activity rows could not be refreshed, so answers said so.
    expect(staleAnswers).toBeGreaterThan(0);
    latencies.sort((a, b) => a - b);
    process.stdout.write(
      `hot-postgres-outage: ${latencies.length} reads in ${OUTAGE_MS} ms of outage, ${staleAnswers} stale, ` +
        `p50 ${latencies[Math.floor(latencies.length / 2)]} ms, max ${latencies[latencies.length - 1]} ms\n`,
    );
  }, 30_000);

  it('shows fresh lists (stale: false) once PostgreSQL is back', async () => {
    await proxy.start(proxy.port);
    const deadline = Date.now() + 10_000;
    let after = await hot(t).catch(() => undefined);
    while ((!after || after.stale) && Date.now() < deadline) {
      await sleep(200);
      after = await hot(t).catch(() => undefined);
    }
    expect(after?.stale).toBe(false);
    expect(titles(after!)).toEqual(titles(before));
  }, 20_000);
});
