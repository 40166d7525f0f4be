import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardKeys } from '../../src/modules/leaderboards/board-keys.js';
import { syncPendingStandings } from '../../src/modules/leaderboards/board-sync.js';
import { leaderboardJobs } from '../../src/modules/leaderboards/leaderboards.jobs.js';
import { reconcileBoard, type ReconcileAllReport, type ReconcileReport } from '../../src/modules/leaderboards/reconcile.js';
import { recordAward } from '../../src/modules/points/points.service.js';
import { createTestClock } from '../support/clock.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { boardPlaces, dropMember, putMember } from './rollover-support.js';

const SEASON = '2026-04';
const POINTS = `points/${SEASON}`;
/** ISO week 15 of 2026: Monday 6 April to Sunday 12 April. */
const WEEK = 'weekly-checkins/2026-W15';
const SUBMITTED = 'high-scores/all';
// Inside the week, so its period is current and has not ended.
const clock = createTestClock('2026-04-10T12:00:00.000Z');
let t: TestContext;
let ids: number[] = [];
let key = 0;

const award = (userId: number, type: 'ADMIN_ADJUST' | 'CHECK_IN', points: number, occurredAt: Date) =>
  recordAward(t.deps, { userId, type, points, idempotencyKey: `rec:${(key += 1)}`, occurredAt });

beforeAll(async () => {
  t = await createTestContext({}, { clock });
  ids = (await Promise.all(Array.from({ length: 6 }, () => t.createUser()))).map(({ user }) => user.id);
  // A WEEKLY board of check-ins only, created before the awards; and a SUBMITTED all-time board.
  await t.deps.db.$executeRaw`INSERT INTO leaderboards (key, title, period, source, point_types) VALUES ('weekly-checkins', 'Weekly check-ins', 'WEEKLY', 'POINTS', ARRAY['CHECK_IN']::"PointsType"[])`;
  await t.deps.db.$executeRaw`INSERT INTO leaderboards (key, title, period, source, operator) VALUES ('high-scores', 'High scores', 'ALL_TIME', 'SUBMITTED', 'BEST')`;
  for (const [index, userId] of ids.entries()) {
    for (const points of [10, 10 * (index % 3), -5]) {
      if (points !== 0) await award(userId, 'ADMIN_ADJUST', points, new Date(Date.UTC(2026, 3, 2, 8, key)));
    }
    // Check-ins in the week (two days) and one the week before, which the weekly board must not count.
    if (index < 4) await award(userId, 'CHECK_IN', 20, new Date(Date.UTC(2026, 3, 6 + index, 8)));
    if (index < 2) await award(userId, 'CHECK_IN', 20, new Date(Date.UTC(2026, 3, 9, 9)));
    await award(userId, 'CHECK_IN', 20, new Date(Date.UTC(2026, 3, 3, 8)));
  }
  // The SUBMITTED board's standings, as the submission path commits them (pending: sync writes them).
  const board = await t.deps.db.leaderboard.findUniqueOrThrow({ where: { key: 'high-scores' } });
  await t.deps.db.boardPeriod.create({ data: { ref: SUBMITTED, boardId: board.id, periodId: 'all', startsAt: board.createdAt } });
  for (const [index, userId] of ids.slice(0, 4).entries()) {
    await t.deps.db.$executeRaw`INSERT INTO board_standings (period_ref, user_id, score, ranked, seq, version)
      VALUES (${SUBMITTED}, ${userId}, ${1_000 * (index % 2) + 5_000_000_000}, true, nextval('board_seq'), 1)`;
  }
  await syncPendingStandings(t.deps, { batchSize: 1_000, maxBatches: 10 });
});
afterAll(async () => {
  await t.cleanup();
});

async function driftMetric(): Promise<Record<string, number>> {
  const metric = await t.deps.metrics.leaderboardDrift.get();
  return Object.fromEntries(metric.values.map((value) => [value.labels.kind, value.value]));
}

const reconcileJob = () => leaderboardJobs.find((job) => job.name === 'leaderboard.reconcile')!;

/** Makes one member missing, one with a wrong score, and one extra (a real user, written like the script would). */
async function damage(ref: string, extraUserId: number): Promise<{ removed: number; changed: { userId: number; score: number; seq: string } }> {
  const healthy = await boardPlaces(t, ref);
  const [removed, changed] = [healthy[1]!, healthy[2]!];
  // Every board here is DESC.
  await dropMember(t, ref, removed.userId);
  await putMember(t, ref, 'DESC', changed.userId, changed.score + 100, changed.seq);
  await putMember(t, ref, 'DESC', extraUserId, 70, 12);
  return { removed: removed.userId, changed };
}

describe('leaderboard.reconcile', () => {
  it('is an hourly job that takes an optional period', () => {
    expect(reconcileJob()).toMatchObject({ queue: 'leaderboards', schedule: { pattern: '0 * * * *' } });
  });

  it('finds nothing to repair on boards the live writes kept exact, the weekly one counting only its check-ins', async () => {
    expect(await driftMetric()).toEqual({ missing: 0, score: 0, extra: 0 });
    expect(await reconcileBoard(t.deps, { ref: POINTS })).toMatchObject({ ref: POINTS, expected: 6, drift: { missing: 0, score: 0, extra: 0 }, repaired: [] });
    expect(await reconcileBoard(t.deps, { ref: WEEK })).toMatchObject({ expected: 4, drift: { missing: 0, score: 0, extra: 0 } });
    expect((await boardPlaces(t, WEEK)).map((place) => [place.userId, place.score])).toEqual([
      [ids[0], 40],
      [ids[1], 40],
      [ids[2], 20],
      [ids[3], 20],
    ]);
    expect(await reconcileBoard(t.deps, { ref: SUBMITTED })).toMatchObject({ expected: 4, drift: { missing: 0, score: 0, extra: 0 } });
    // Without data: every current period of every active board.
    const all = (await reconcileJob().process({ data: {} } as never, t.deps)) as ReconcileAllReport;
    expect(all).toMatchObject({ drift: { missing: 0, score: 0, extra: 0 }, drifted: [] });
    expect(all.periods).toBeGreaterThanOrEqual(3);
  });

  it('repairs a removed member, a changed score and an extra member of the points board, and reports the three', async () => {
    const healthy = await boardPlaces(t, POINTS);
    // The extra member: a user without a single record.
    const { user: stranger } = await t.createUser();
    const { removed, changed } = await damage(POINTS, stranger.id);
    const report = (await reconcileJob().process({ data: { seasonId: SEASON } } as never, t.deps)) as ReconcileReport;
    expect(report.drift).toEqual({ missing: 1, score: 1, extra: 1 });
    const removedPlace = healthy.find((place) => place.userId === removed)!;
    expect(report.repaired).toEqual(
      expect.arrayContaining([
        { kind: 'missing', userId: removed, found: null, expected: { score: removedPlace.score, seq: removedPlace.seq } },
        { kind: 'score', userId: changed.userId, found: { score: changed.score + 100, seq: changed.seq }, expected: { score: changed.score, seq: changed.seq } },
        { kind: 'extra', userId: stranger.id, found: { score: 70, seq: '12' }, expected: null },
      ]),
    );
    expect(await boardPlaces(t, POINTS)).toEqual(healthy);
    expect(await driftMetric()).toEqual({ missing: 1, score: 1, extra: 1 });
    expect(await t.deps.metrics.registry.metrics()).toContain('liveboard_leaderboard_drift_total{kind="extra"} 1');
    expect((await reconcileBoard(t.deps, { ref: POINTS })).drift).toEqual({ missing: 0, score: 0, extra: 0 });
  });

  it('repairs the same drift on a WEEKLY check-in board, against the check-ins of its week only', async () => {
    const healthy = await boardPlaces(t, WEEK);
    // The extra member has points this season, but no check-in this week.
    await damage(WEEK, ids[5]!);
    const report = (await reconcileJob().process({ data: { ref: WEEK } } as never, t.deps)) as ReconcileReport;
    expect(report).toMatchObject({ ref: WEEK, drift: { missing: 1, score: 1, extra: 1 } });
    expect(await boardPlaces(t, WEEK)).toEqual(healthy);
  });

  it('repairs a SUBMITTED board against its standings, and removes a member that names no user', async () => {
    const healthy = await boardPlaces(t, SUBMITTED);
    expect(healthy.map((place) => place.score)).toEqual([5_000_001_000, 5_000_001_000, 5_000_000_000, 5_000_000_000]);
    await damage(SUBMITTED, ids[5]!);
    await t.deps.redis.zadd(boardKeys(t.deps.keys, SUBMITTED).board, -5, 'not-a-member');
    const report = await reconcileBoard(t.deps, { ref: SUBMITTED });
    expect(report.drift).toEqual({ missing: 1, score: 1, extra: 2 });
    expect(report.repaired).toContainEqual({ kind: 'extra', userId: 0, found: null, expected: null });
    expect(await boardPlaces(t, SUBMITTED)).toEqual(healthy);
  });

  it('neither counts nor overwrites awards that race it', async () => {
    const awards = Array.from({ length: 120 }, (_, index) =>
      award(ids[index % ids.length]!, 'ADMIN_ADJUST', index % 4 === 0 ? -3 : 7, new Date(Date.UTC(2026, 3, 10, 8, index))),
    );
    const [report] = await Promise.all([reconcileBoard(t.deps, { ref: POINTS }), ...awards]);
    expect(report.drift).toEqual({ missing: 0, score: 0, extra: 0 });
    const expected = await t.deps.db.$queryRaw<Array<{ user_id: number; points: number }>>`
      SELECT user_id, sum(points)::int AS points FROM points_records WHERE season_id = ${SEASON} GROUP BY user_id HAVING sum(points) <> 0`;
    const board = await boardPlaces(t, POINTS);
    expect(new Map(board.map((place) => [place.userId, place.score]))).toEqual(new Map(expected.map((row) => [row.user_id, row.points])));
  });

  it('leaves a period that is not current, or a sealed board, alone', async () => {
    await t.deps.db.boardPeriod.update({ where: { ref: POINTS }, data: { state: 'CLOSING' } });
    expect(await reconcileBoard(t.deps, { ref: POINTS })).toMatchObject({ skipped: 'the period is CLOSING' });
    await t.deps.db.boardPeriod.update({ where: { ref: POINTS }, data: { state: 'CURRENT' } });
    await t.deps.redis.set(boardKeys(t.deps.keys, WEEK).sealed, 'closing');
    expect(await reconcileBoard(t.deps, { ref: WEEK })).toMatchObject({ skipped: 'the board is sealed for its rollover' });
    await t.deps.redis.del(boardKeys(t.deps.keys, WEEK).sealed);
  });
});
