import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardScores, pointsRef } from '../support/boards.js';
import { syncPendingStandings } from '../../src/modules/leaderboards/board-sync.js';
import { leaderboardJobs } from '../../src/modules/leaderboards/leaderboards.jobs.js';
import { awardCheckIn, awardJoin } from '../../src/modules/points/activity-awards.js';
import { jobHandlers } from '../../src/jobs.js';
import { encodeId } from '../../src/graphql/ids.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { keysMatching } from '../support/redis-target.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const SEASON = '2026-07';
const REF = pointsRef(SEASON);
const proxy = new TcpProxy({ host: '127.0.0.1', port: 6379 });
let t: TestContext;
let users: Array<{ id: number; token: string }> = [];
const at = (hour: number) => new Date(Date.UTC(2026, 6, 15, hour));

beforeAll(async () => {
  const port = await proxy.start();
  t = await createTestContext({ REDIS_URL: `redis://127.0.0.1:${port}` });
  users = await Promise.all(Array.from({ length: 5 }, async () => {
    const { user, token } = await t.createUser();
    return { id: user.id, token };
  }));
});
afterAll(async () => {
  await proxy.start(proxy.port);
  await t.cleanup();
  await proxy.stop();
});

async function untilReady(timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (t.deps.redis.status !== 'ready') {
    if (Date.now() > deadline) throw new Error(`Redis still ${t.deps.redis.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function board(): Promise<Map<number, number>> {
  return boardScores(t.deps, REF);
}

async function totalsFromRecords(): Promise<Map<number, number>> {
  const rows = await t.deps.db.$queryRaw<Array<{ user_id: number; points: bigint }>>`
    SELECT user_id, sum(points) AS points FROM points_records WHERE season_id = ${SEASON} GROUP BY user_id HAVING sum(points) <> 0`;
  return new Map(rows.map((row) => [row.user_id, Number(row.points)]));
}

const LEADERBOARD = `{ leaderboard(season: "${SEASON}") { stale totalParticipants viewer { rank points } entries { rank points user { id } } } }`;

describe('while Redis is unreachable', () => {
  it('has leaderboard.sync registered as a periodic job of the leaderboards queue', () => {
    expect(jobHandlers).toEqual(expect.arrayContaining(leaderboardJobs));
    expect(leaderboardJobs[0]).toMatchObject({ queue: 'leaderboards', name: 'leaderboard.sync', schedule: { every: 5_000 } });
  });

  it('keeps awarding, serves the board from PostgreSQL marked stale, and loses nothing once Redis is back', async () => {
    const [first, second] = users as [(typeof users)[0], (typeof users)[0]];
    await awardJoin(t.deps, { userId: first.id, activityId: 1, occurredAt: at(1) });
    expect(await board()).toEqual(new Map([[first.id, 10]]));

    await proxy.stop();
    const during = await Promise.all(
      users.flatMap((user, index) => [
        awardJoin(t.deps, { userId: user.id, activityId: 2, occurredAt: at(2) }),
        awardCheckIn(t.deps, { userId: user.id, participationId: 100 + index, occurredAt: at(3) }),
      ]),
    );
    expect(during.every((outcome) => outcome.changes.length > 0)).toBe(true);
    const pending = await t.deps.db.$queryRaw<Array<{ n: bigint }>>`
      SELECT count(*) AS n FROM board_standings WHERE period_ref = ${REF} AND version > synced_version`;
    expect(Number(pending[0]!.n)).toBe(users.length);

    const degraded = await t.gql(LEADERBOARD, {}, { token: second.token });
    expect(degraded.errors).toBeUndefined();
    expect(degraded.data!.leaderboard).toMatchObject({ stale: true, totalParticipants: 5, viewer: { points: 30 } });
    expect(degraded.data!.leaderboard.entries[0]).toMatchObject({ rank: 1, points: 40 });
    const others = await t.gql(
      `query ($ids: [ID!]!) {
        standings(userIds: $ids, season: "${SEASON}") { stale standings { rank points } }
        leaderboardAround(season: "${SEASON}", radius: 1) { stale standing { rank points } entries { rank } }
      }`,
      { ids: [encodeId('User', first.id), encodeId('User', second.id)] },
      { token: second.token },
    );
    expect(others.errors).toBeUndefined();
    expect(others.data!.standings).toEqual({ stale: true, standings: [{ rank: 1, points: 40 }, degraded.data!.leaderboard.viewer] });
    expect(others.data!.leaderboardAround).toMatchObject({ stale: true, standing: degraded.data!.leaderboard.viewer });
    // A retried delivery while Redis is down still counts once.
    await awardJoin(t.deps, { userId: second.id, activityId: 2, occurredAt: at(2) });

    await proxy.start(proxy.port);
    await untilReady();
    // Still behind until the sync job runs: only the pre-outage award is there.
    expect(await board()).toEqual(new Map([[first.id, 10]]));
    const job = leaderboardJobs.find((handler) => handler.name === 'leaderboard.sync')!;
    expect(await job.process({} as never, t.deps)).toEqual({ pushed: users.length, applied: users.length, rebuilt: [] });

    const expected = await totalsFromRecords();
    expect(await board()).toEqual(expected);
    expect(expected.get(first.id)).toBe(40);
    expect(expected.get(second.id)).toBe(30);
    // Retries after the outage change nothing either; a second sync has nothing to do.
    await Promise.all(users.map((user) => awardJoin(t.deps, { userId: user.id, activityId: 2, occurredAt: at(2) })));
    expect(await syncPendingStandings(t.deps)).toEqual({ pushed: 0, applied: 0, rebuilt: [] });
    expect(await board()).toEqual(expected);

    const live = await t.gql(LEADERBOARD, {}, { token: second.token });
    expect(live.data!.leaderboard).toMatchObject({ stale: false, totalParticipants: 5, viewer: { points: 30 } });
  });

  it('re-pushes a standing whose Redis write was lost after commit', async () => {
    const user = users[2]!;
    // As if the process died between the commit and the Redis write: committed, never marked synced.
    await t.deps.db.$executeRaw`
      UPDATE board_standings SET score = score + 5, version = version + 1, seq = nextval('board_seq')
      WHERE period_ref = ${REF} AND user_id = ${user.id}`;
    await t.deps.db.$executeRaw`
      INSERT INTO points_records (user_id, type, requested, points, seq, idempotency_key, season_id, day, occurred_at)
      SELECT ${user.id}, 'ADMIN_ADJUST', 5, 5, seq, 'crash-test', ${SEASON}, '2026-07-15', now()
      FROM board_standings WHERE period_ref = ${REF} AND user_id = ${user.id}`;
    expect(await syncPendingStandings(t.deps)).toMatchObject({ pushed: 1, applied: 1 });
    expect(await board()).toEqual(await totalsFromRecords());
  });

  it('rebuilds a board Redis lost, even when live awards started a new one first', async () => {
    // Redis restarted without persistence: every key of the season is gone.
    // Every key of the season: one SCAN page may hold none of them when the shared Redis is big.
    const keys = await keysMatching(t.deps.redis, `${t.deps.keys.prefix}:{lb:${REF}}:*`);
    expect(keys.length).toBeGreaterThanOrEqual(3);
    await t.deps.redis.del(...keys);
    await awardJoin(t.deps, { userId: users[4]!.id, activityId: 3, occurredAt: at(4) });
    expect((await board()).size).toBe(1);
    expect(await syncPendingStandings(t.deps)).toMatchObject({ rebuilt: [REF], applied: users.length - 1 });
    expect(await board()).toEqual(await totalsFromRecords());
  });
});
