import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { leaderboardJobs } from '../../src/modules/leaderboards/leaderboards.jobs.js';
import type { ReconcileAllReport } from '../../src/modules/leaderboards/reconcile.js';
import { awardCheckIn, awardJoin } from '../../src/modules/points/activity-awards.js';
import { recordAward } from '../../src/modules/points/points.service.js';
import { createTestClock } from '../support/clock.js';
import { boardScores } from '../support/boards.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { JOIN, seedActivity } from '../activities/support.js';

/** Wednesday of ISO week 2026-W47 (Monday 16 November). */
const clock = createTestClock('2026-11-18T12:00:00.000Z');
let t: TestContext;
let admin: { user: { id: number }; token: string };
beforeAll(async () => {
  t = await createTestContext({}, { clock });
  admin = await t.createUser({ role: 'ADMIN' });
  // Boards beside the season: a daily and a weekly global one, a weekly check-ins-only one, and a category one.
  await t.deps.db.$executeRaw`INSERT INTO leaderboards (key, title, period, source) VALUES ('daily-all', 'Daily', 'DAILY', 'POINTS')`;
  await t.deps.db.$executeRaw`INSERT INTO leaderboards (key, title, period, source) VALUES ('weekly-all', 'Weekly', 'WEEKLY', 'POINTS')`;
  await t.deps.db.$executeRaw`INSERT INTO leaderboards (key, title, period, source, point_types) VALUES ('weekly-checkins', 'Check-ins', 'WEEKLY', 'POINTS', ARRAY['CHECK_IN']::"PointsType"[])`;
  await t.deps.db.$executeRaw`INSERT INTO leaderboards (key, title, period, scope, category, source) VALUES ('running', 'Running', 'MONTHLY', 'CATEGORY', 'running', 'POINTS')`;
});
afterAll(async () => {
  await t.cleanup();
});

const VOID = 'mutation ($u: ID!, $s: ID!, $r: String!) { voidUserPoints(userId: $u, season: $s, reason: $r) { voided records season } }';
const SUSPEND = 'mutation ($u: ID!, $r: String!) { suspendUser(userId: $u, reason: $r) { suspended reason } }';
const UNSUSPEND = 'mutation ($u: ID!) { unsuspendUser(userId: $u) { suspended } }';
const AWARD = 'mutation ($u: ID!, $k: String!) { awardPoints(userId: $u, points: 7, reason: "bonus", idempotencyKey: $k) { record { points adjustedBy { id } } } }';
const reconcileJob = () => leaderboardJobs.find((job) => job.name === 'leaderboard.reconcile')!;
const at = (day: number, hour = 10) => new Date(Date.UTC(2026, 10, day, hour));

/** Every board period that holds a standing of `userId` in PostgreSQL, with its score. */
async function pgStandings(userId: number) {
  const rows = await t.deps.db.boardStanding.findMany({ where: { userId }, select: { periodRef: true, score: true, ranked: true } });
  return new Map(rows.map((row) => [row.periodRef, { score: Number(row.score), ranked: row.ranked }]));
}

describe('voidUserPoints', () => {
  it("takes a user's season off every board of the season; Redis and PostgreSQL agree after reconcile", async () => {
    const cheater = await t.createUser();
    const honest = await t.createUser();
    const organizer = await t.createUser();
    const run = await seedActivity(t, { organizerId: organizer.user.id, category: 'running' });
    for (const who of [cheater, honest]) {
      await awardJoin(t.deps, { userId: who.user.id, activityId: run.id, occurredAt: at(16) });
      await awardCheckIn(t.deps, { userId: who.user.id, activityId: run.id, participationId: 100_000 + who.user.id, occurredAt: at(17) });
      await recordAward(t.deps, { userId: who.user.id, type: 'ADMIN_ADJUST', points: 25, idempotencyKey: `adj:${who.user.id}`, occurredAt: at(18) });
    }
    // A reversal on another day than its award: the void must undo each day on its own.
    await recordAward(t.deps, { userId: cheater.user.id, type: 'JOIN_ACTIVITY', points: -5, idempotencyKey: `rev:${cheater.user.id}`, occurredAt: at(18), activityId: run.id });

    const before = await pgStandings(cheater.user.id);
    expect(before.get('points/2026-11')).toEqual({ score: 50, ranked: true });
    expect([...before.keys()].sort()).toEqual(
      ['daily-all/2026-11-16', 'daily-all/2026-11-17', 'daily-all/2026-11-18', 'points/2026-11', 'running/2026-11', 'weekly-all/2026-W47', 'weekly-checkins/2026-W47'],
    );

    const voided = await t.gql(VOID, { u: encodeId('User', cheater.user.id), s: '2026-11', r: 'bot farming' }, { token: admin.token });
    expect(voided.errors).toBeUndefined();
    expect(voided.data!.voidUserPoints).toMatchObject({ voided: 50, season: '2026-11' });

    const after = await pgStandings(cheater.user.id);
    for (const [ref, standing] of after) expect({ ref, ...standing }).toEqual({ ref, score: 0, ranked: false });
    for (const ref of before.keys()) {
      expect((await boardScores(t.deps, ref)).has(cheater.user.id)).toBe(false);
      // The honest user is untouched wherever they are.
      const honestPg = (await pgStandings(honest.user.id)).get(ref);
      if (honestPg) expect((await boardScores(t.deps, ref)).get(honest.user.id)).toBe(honestPg.score);
    }
    const records = await t.deps.db.pointsRecord.findMany({ where: { userId: cheater.user.id, createdBy: admin.user.id } });
    expect(records.every((r) => r.reason === 'void: bot farming')).toBe(true);

    const report = (await reconcileJob().process({ data: {} } as never, t.deps)) as ReconcileAllReport;
    expect(report.drift).toEqual({ missing: 0, score: 0, extra: 0 });

    // Again: nothing left to void.
    const again = await t.gql(VOID, { u: encodeId('User', cheater.user.id), s: '2026-11', r: 'bot farming' }, { token: admin.token });
    expect(again.data!.voidUserPoints).toMatchObject({ voided: 0, records: 0 });
  });

  it('answers bad input with coded errors', async () => {
    const { user, token } = await t.createUser();
    const codes = async (vars: Record<string, unknown>, tok = admin.token) => (await t.gql(VOID, vars, { token: tok })).errors?.[0]?.extensions?.code;
    expect(await codes({ u: encodeId('User', user.id), s: '2026-13', r: 'x' })).toBe('BAD_USER_INPUT');
    expect(await codes({ u: encodeId('User', 99_999_999), s: '2026-11', r: 'x' })).toBe('NOT_FOUND');
    expect(await codes({ u: 'nope', s: '2026-11', r: 'x' })).toBe('BAD_USER_INPUT');
    expect(await codes({ u: encodeId('User', user.id), s: '2026-11', r: 'x' }, token)).toBe('FORBIDDEN');
    await t.deps.db.$executeRaw`INSERT INTO board_periods (ref, board_id, period_id, starts_at, ends_at, state)
      SELECT 'points/2026-09', id, '2026-09', '2026-09-01', '2026-10-01', 'ARCHIVED' FROM leaderboards WHERE key = 'points' ON CONFLICT (ref) DO UPDATE SET state = 'ARCHIVED'`;
    expect(await codes({ u: encodeId('User', user.id), s: '2026-09', r: 'x' })).toBe('INVALID_STATE');
    expect((await t.gql(SUSPEND, { u: encodeId('User', 99_999_999), r: 'x' }, { token: admin.token })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('suspension', () => {
  it('refuses every award to a suspended user with FORBIDDEN, automatic ones included, until unsuspended', async () => {
    const member = await t.createUser();
    const organizer = await t.createUser();
    const gid = encodeId('User', member.user.id);
    const suspended = await t.gql(SUSPEND, { u: gid, r: 'multi-accounting' }, { token: admin.token });
    expect(suspended.data!.suspendUser).toEqual({ suspended: true, reason: 'multi-accounting' });

    const signIn = await t.gql('mutation { dailySignIn { points } }', {}, { token: member.token });
    expect(signIn.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(signIn.errors?.[0]?.message).toMatch(/is suspended \(multi-accounting\)/);
    const award = await t.gql(AWARD, { u: gid, k: 'susp-1' }, { token: admin.token });
    expect(award.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // Joining still works; its automatic award is refused, logged, and the delivery is done (no retry loop).
    const activity = await seedActivity(t, { organizerId: organizer.user.id });
    expect((await t.gql(JOIN, { id: activity.gid }, { token: member.token })).errors).toBeUndefined();
    expect(await t.deps.db.pointsRecord.count({ where: { userId: member.user.id } })).toBe(0);
    const pending = await t.deps.db.$queryRaw<Array<{ n: bigint }>>`
      SELECT count(*) AS n FROM outbox_deliveries d JOIN outbox_events e ON e.id = d.event_id
      WHERE e.type = 'activity.joined' AND d.consumer = 'points.join' AND d.delivered_at IS NULL`;
    expect(Number(pending[0]!.n)).toBe(0);

    expect((await t.gql(UNSUSPEND, { u: gid }, { token: admin.token })).data!.unsuspendUser).toEqual({ suspended: false });
    const later = await t.gql(AWARD, { u: gid, k: 'susp-2' }, { token: admin.token });
    expect(later.data!.awardPoints.record).toEqual({ points: 7, adjustedBy: { id: encodeId('User', admin.user.id) } });
  });
});
