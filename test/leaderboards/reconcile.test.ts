import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBoardScore } from '../../src/modules/leaderboards/board-score.js';
import { boardKeys } from '../../src/modules/leaderboards/board-store.js';
import { syncPendingStandings } from '../../src/modules/leaderboards/board-sync.js';
import { leaderboardJobs } from '../../src/modules/leaderboards/leaderboards.jobs.js';
import { reconcileBoard } from '../../src/modules/leaderboards/reconcile.js';
import { recordAward } from '../../src/modules/points/points.service.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { boardPlaces } from './rollover-support.js';

const SEASON = '2026-04';
let t: TestContext;
let ids: number[] = [];

beforeAll(async () => {
  t = await createTestContext();
  ids = (await Promise.all(Array.from({ length: 6 }, () => t.createUser()))).map(({ user }) => user.id);
  let key = 0;
  for (const [index, userId] of ids.entries()) {
    for (const points of [10, 10 * (index % 3), -5]) {
      if (points === 0) continue;
      key += 1;
      await recordAward(t.deps, { userId, type: 'ADMIN_ADJUST', points, idempotencyKey: `rec:${key}`, occurredAt: new Date(Date.UTC(2026, 3, 2, 8, key)) });
    }
  }
  await syncPendingStandings(t.deps);
});
afterAll(async () => {
  await t.cleanup();
});

async function driftMetric(): Promise<Record<string, number>> {
  const metric = await t.deps.metrics.leaderboardDrift.get();
  return Object.fromEntries(metric.values.map((value) => [value.labels.kind, value.value]));
}

describe('leaderboard.reconcile', () => {
  it('is an hourly job that takes an optional season', () => {
    expect(leaderboardJobs.find((job) => job.name === 'leaderboard.reconcile')).toMatchObject({
      queue: 'leaderboards',
      schedule: { pattern: '0 * * * *' },
    });
  });

  it('finds nothing to repair on a board the live writes kept exact', async () => {
    expect(await driftMetric()).toEqual({ missing: 0, score: 0, extra: 0 });
    const report = await reconcileBoard(t.deps, { seasonId: SEASON });
    expect(report).toMatchObject({ seasonId: SEASON, expected: 6, drift: { missing: 0, score: 0, extra: 0 }, repaired: [] });
  });

  it('repairs a removed member, a changed score and an extra member, and reports the three', async () => {
    const healthy = await boardPlaces(t, SEASON);
    const keys = boardKeys(t.deps.keys, SEASON);
    const [removed, changed] = [healthy[1]!, healthy[4]!];
    await t.deps.redis.zrem(keys.board, String(removed.userId));
    await t.deps.redis.zadd(keys.board, encodeBoardScore(changed.points + 100, changed.seq), String(changed.userId));
    await t.deps.redis.zadd(keys.board, encodeBoardScore(70, 12), '424242');

    const job = leaderboardJobs.find((handler) => handler.name === 'leaderboard.reconcile')!;
    const report = (await job.process({ data: { seasonId: SEASON } } as never, t.deps)) as Awaited<ReturnType<typeof reconcileBoard>>;
    expect(report.drift).toEqual({ missing: 1, score: 1, extra: 1 });
    expect(report.repaired).toEqual(
      expect.arrayContaining([
        { kind: 'missing', userId: removed.userId, found: null, expected: { points: removed.points, seq: removed.seq } },
        { kind: 'score', userId: changed.userId, found: { points: changed.points + 100, seq: changed.seq }, expected: { points: changed.points, seq: changed.seq } },
        { kind: 'extra', userId: 424242, found: { points: 70, seq: 12 }, expected: null },
      ]),
    );
    expect(await boardPlaces(t, SEASON)).toEqual(healthy);
    expect(await driftMetric()).toEqual({ missing: 1, score: 1, extra: 1 });
    const exposition = await t.deps.metrics.registry.metrics();
    expect(exposition).toContain('liveboard_leaderboard_drift_total{kind="extra"} 1');

    expect((await reconcileBoard(t.deps, { seasonId: SEASON })).drift).toEqual({ missing: 0, score: 0, extra: 0 });
  });

  it('neither counts nor overwrites awards that race it', async () => {
    let key = 0;
    const awards = Array.from({ length: 120 }, (_, index) =>
      recordAward(t.deps, {
        userId: ids[index % ids.length]!,
        type: 'ADMIN_ADJUST',
        points: index % 4 === 0 ? -3 : 7,
        idempotencyKey: `race:${(key += 1)}`,
        occurredAt: new Date(Date.UTC(2026, 3, 10, 8, index)),
      }),
    );
    const [report] = await Promise.all([reconcileBoard(t.deps, { seasonId: SEASON }), ...awards]);
    expect(report.drift).toEqual({ missing: 0, score: 0, extra: 0 });
    const expected = await t.deps.db.$queryRaw<Array<{ user_id: number; points: number }>>`
      SELECT user_id, sum(points)::int AS points FROM points_records WHERE season_id = ${SEASON} GROUP BY user_id HAVING sum(points) <> 0`;
    const board = await boardPlaces(t, SEASON);
    expect(new Map(board.map((place) => [place.userId, place.points]))).toEqual(new Map(expected.map((row) => [row.user_id, row.points])));
  });

  it('leaves a season that is not current alone', async () => {
    await t.deps.db.season.update({ where: { id: SEASON }, data: { state: 'CLOSING' } });
    expect(await reconcileBoard(t.deps, { seasonId: SEASON })).toMatchObject({ skipped: 'the season is CLOSING' });
    await t.deps.db.season.update({ where: { id: SEASON }, data: { state: 'CURRENT' } });
  });
});
