import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardKeys } from '../../src/modules/leaderboards/board-keys.js';
import { MAX_STANDINGS_USERS } from '../../src/modules/leaderboards/board-read-limits.js';
import type { StandingChange } from '../../src/modules/leaderboards/board-sync.js';
import { publishStanding, syncPendingStandings } from '../../src/modules/leaderboards/board-sync.js';
import { lookupStandings } from '../../src/modules/leaderboards/standing-lookup.js';
import { recordAward } from '../../src/modules/points/points.service.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { waitUntil } from '../support/live-clients.js';

const SEASON = '2026-05';
const REF = `points/${SEASON}`;
const proxy = new TcpProxy({ host: '127.0.0.1', port: 6379 });
let t: TestContext;
let users: number[];
let keys = 0;

beforeAll(async () => {
  t = await createTestContext({ REDIS_URL: `redis://127.0.0.1:${await proxy.start()}` });
  users = await Promise.all([1, 2, 3].map(async () => (await t.createUser()).user.id));
});
afterAll(async () => {
  await proxy.start(proxy.port);
  await waitUntil(() => t.deps.redis.status === 'ready');
  await t.cleanup();
  await proxy.stop();
});

const give = (userId: number, points: number) =>
  recordAward(t.deps, { userId, type: 'ADMIN_ADJUST', points, idempotencyKey: `ls-${(keys += 1)}`, occurredAt: new Date(Date.UTC(2026, 4, 3, keys)) });

/** Every `leaderboard:changed` notice of the season while `work` runs, closed by an end marker. */
async function noticesDuring(work: () => Promise<unknown>) {
  const notices = t.deps.pubsub.subscribe('leaderboard:changed', REF);
  const seen: Array<{ userId: number | null }> = [];
  const reading = (async () => {
    for await (const notice of notices) {
      if (notice.userId === -1) break;
      seen.push(notice);
    }
  })();
  await waitUntil(() => t.deps.pubsub.localSubscribers('leaderboard:changed', REF) === 1);
  await work();
  // One channel delivers in publish order: everything `work` published arrives before the marker.
  await t.deps.pubsub.publish('leaderboard:changed', REF, { ref: REF, userId: -1 });
  await reading;
  return seen;
}

describe('leaderboard:changed', () => {
  it('is published after each applied board write, never for a stale one', async () => {
    const [a, b] = users as [number, number];
    let stale: StandingChange | undefined;
    const seen = await noticesDuring(async () => {
      stale = (await give(a, 10)).changes[0];
      await give(b, 20);
      await give(a, 5);
      // The first award's standing again: an older version the board ignores.
      expect(await publishStanding(t.deps, stale!)).toBe(true);
    });
    expect(seen).toEqual([
      { ref: REF, userId: a },
      { ref: REF, userId: b },
      { ref: REF, userId: a },
    ]);
  });

  it('is published once per board period batch when leaderboard.sync rebuilds a lost board, and not when nothing was missing', async () => {
    await syncPendingStandings(t.deps);
    expect(await noticesDuring(() => syncPendingStandings(t.deps))).toEqual([]);
    const { board, members, versions, synced } = boardKeys(t.deps.keys, REF);
    await t.deps.redis.del(board, members, versions, synced);
    expect(await noticesDuring(() => syncPendingStandings(t.deps))).toEqual([{ ref: REF, userId: null }]);
  });
});

describe('lookupStandings (the StandingWatcher lookup)', () => {
  const expected = () => [
    { rank: 2, score: 15, total: 2 },
    { rank: 1, score: 20, total: 2 },
    null,
  ];

  it('reads many users in one pipeline, null for users without points', async () => {
    expect(await lookupStandings(t.deps, REF, users)).toEqual(expected());
  });

  it('answers from PostgreSQL when the season has no board in Redis, or Redis is unreachable', async () => {
    const { board } = boardKeys(t.deps.keys, REF);
    await t.deps.redis.rename(board, `${board}:aside`);
    expect(await lookupStandings(t.deps, REF, users)).toEqual(expected());
    await t.deps.redis.rename(`${board}:aside`, board);

    await proxy.stop();
    await waitUntil(() => t.deps.redis.status !== 'ready');
    expect(await lookupStandings(t.deps, REF, users)).toEqual(expected());
    await proxy.start(proxy.port);
    await waitUntil(() => t.deps.redis.status === 'ready');
  });

  it('reads more users than one standings read takes, in order, from Redis and from PostgreSQL', async () => {
    // Users with no points fill the first read; the three known ones land in the next.
    const strangers = Array.from({ length: MAX_STANDINGS_USERS }, (_, index) => 900_000_000 + index);
    const many = [...strangers, ...users];
    const answer = [...strangers.map(() => null), ...expected()];
    expect(await lookupStandings(t.deps, REF, many)).toEqual(answer);

    const { board } = boardKeys(t.deps.keys, REF);
    await t.deps.redis.rename(board, `${board}:aside`);
    expect(await lookupStandings(t.deps, REF, many)).toEqual(answer);
    await t.deps.redis.rename(`${board}:aside`, board);
  });
});
