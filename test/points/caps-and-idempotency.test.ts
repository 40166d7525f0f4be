import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardKeys } from '../../src/modules/leaderboards/board-keys.js';
import { boardScore, pointsRef } from '../support/boards.js';
import { awardCheckIn, awardHost, awardJoin, reverseJoin } from '../../src/modules/points/activity-awards.js';
import { adjustPoints } from '../../src/modules/points/admin-adjust.js';
import { cappedPoints } from '../../src/modules/points/points-rules.js';
import { recordAward } from '../../src/modules/points/points.service.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { MAX_BOARD_SCORE } from '../../src/modules/leaderboards/index.js';
import { suspendUser } from '../../src/modules/users/suspension.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.cleanup();
});

const SEASON = '2026-10';
/** A fixed event time per test day, so caps are per day whatever the clock says. */
const on = (day: number, hour = 12) => new Date(Date.UTC(2026, 9, day, hour));

async function boardPoints(userId: number, seasonId = SEASON) {
  const ref = pointsRef(seasonId);
  const [points, version] = await Promise.all([boardScore(t.deps, ref, userId), t.deps.redis.hget(boardKeys(t.deps.keys, ref).versions, String(userId))]);
  return { points, version: version === null ? null : Number(version) };
}

async function recordsOf(userId: number) {
  return t.deps.db.pointsRecord.findMany({ where: { userId }, orderBy: { id: 'asc' } });
}

describe('daily caps', () => {
  it('grants exactly 30 for 100 concurrent JOIN_ACTIVITY awards to one user on one day', async () => {
    const { user } = await t.createUser();
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_, index) => awardJoin(t.deps, { userId: user.id, activityId: 1_000 + index, occurredAt: on(3) })),
    );
    expect(outcomes.reduce((sum, outcome) => sum + outcome.granted, 0)).toBe(30);
    expect(outcomes.filter((outcome) => outcome.granted > 0)).toHaveLength(3);
    const records = await recordsOf(user.id);
    expect(records).toHaveLength(100);
    expect(records.reduce((sum, record) => sum + record.points, 0)).toBe(30);
    expect(await t.deps.db.dailyPoints.findMany({ where: { userId: user.id } })).toMatchObject([{ points: 30 }]);
    expect(await boardPoints(user.id)).toEqual({ points: 30, version: 3 });
  });

  it('grants the part that fits when the cap has less room than the award', async () => {
    const { user } = await t.createUser();
    // 25 of today's 30 JOIN_ACTIVITY points, through odd-sized awards of the same type.
    for (const [index, points] of [10, 10, 5].entries()) {
      await recordAward(t.deps, { userId: user.id, type: 'JOIN_ACTIVITY', points, idempotencyKey: `partial:${user.id}:${index}`, occurredAt: on(4) });
    }
    const partial = await awardJoin(t.deps, { userId: user.id, activityId: 7, occurredAt: on(4, 18) });
    expect(partial).toMatchObject({ requested: 10, granted: 5, duplicate: false });
    const none = await awardJoin(t.deps, { userId: user.id, activityId: 8, occurredAt: on(4, 19) });
    expect(none).toMatchObject({ requested: 10, granted: 0, changes: [] });
    // A new local day has a new cap.
    expect((await awardJoin(t.deps, { userId: user.id, activityId: 9, occurredAt: on(5) })).granted).toBe(10);
    expect(await boardPoints(user.id)).toEqual({ points: 40, version: 5 });
  });

  it('caps CHECK_IN at 60 and HOST_ACTIVITY at 100 a day, each on its own counter', async () => {
    const { user } = await t.createUser();
    const checkIns = await Promise.all([1, 2, 3, 4].map((p) => awardCheckIn(t.deps, { userId: user.id, participationId: 50_000 + p, occurredAt: on(6) })));
    const hosts = await Promise.all([1, 2, 3].map((a) => awardHost(t.deps, { organizerId: user.id, activityId: 60_000 + a, occurredAt: on(6) })));
    expect(checkIns.map((o) => o.granted).sort()).toEqual([0, 20, 20, 20]);
    expect(hosts.map((o) => o.granted).sort()).toEqual([0, 50, 50]);
    expect((await boardPoints(user.id)).points).toBe(160);
  });

  it('writes a −10 reversal on quit that gives no cap room back', async () => {
    const { user } = await t.createUser();
    for (const activityId of [1, 2, 3]) await awardJoin(t.deps, { userId: user.id, activityId, occurredAt: on(7) });
    const quit = await reverseJoin(t.deps, { userId: user.id, activityId: 2, participationId: 77, occurredAt: on(7, 13) });
    expect(quit).toMatchObject({ type: 'JOIN_ACTIVITY', granted: -10 });
    expect((await awardJoin(t.deps, { userId: user.id, activityId: 4, occurredAt: on(7, 14) })).granted).toBe(0);
    // Rejoining the same activity earns nothing again, and quitting again takes nothing again.
    expect((await awardJoin(t.deps, { userId: user.id, activityId: 2, occurredAt: on(8) })).duplicate).toBe(true);
    expect((await reverseJoin(t.deps, { userId: user.id, activityId: 2, participationId: 78, occurredAt: on(8) })).duplicate).toBe(true);
    expect((await boardPoints(user.id)).points).toBe(20);
  });

  it('reverses only what a capped join granted, and voids a join whose quit came first', async () => {
    const { user } = await t.createUser();
    for (const activityId of [1, 2, 3, 4]) await awardJoin(t.deps, { userId: user.id, activityId, occurredAt: on(9) });
    expect((await reverseJoin(t.deps, { userId: user.id, activityId: 4, occurredAt: on(9, 13) })).granted).toBe(0);
    expect((await reverseJoin(t.deps, { userId: user.id, activityId: 5, occurredAt: on(10) })).granted).toBe(0);
    expect(await awardJoin(t.deps, { userId: user.id, activityId: 5, occurredAt: on(10) })).toMatchObject({ duplicate: true, granted: 0 });
    expect((await boardPoints(user.id)).points).toBe(30);
  });
});

describe('quits racing their joins', () => {
  it('nets every join and its quit to zero, whichever is processed first, without errors', async () => {
    const users = await Promise.all(Array.from({ length: 30 }, () => t.createUser()));
    await Promise.all(
      users.flatMap(({ user }, index) => {
        const input = { userId: user.id, activityId: 5_000 + index, occurredAt: on(15) };
        const join = () => awardJoin(t.deps, input);
        const quit = () => reverseJoin(t.deps, { ...input, participationId: index });
        return index % 2 === 0 ? [join(), quit()] : [quit(), join()];
      }),
    );
    const totals = await t.deps.db.pointsRecord.groupBy({
      by: ['userId'],
      where: { userId: { in: users.map(({ user }) => user.id) } },
      _sum: { points: true },
    });
    expect(totals.map((row) => row._sum.points)).toEqual(users.map(() => 0));
    for (const { user } of users) expect((await boardPoints(user.id)).points).toBeNull();
  });
});

describe('idempotency', () => {
  it('turns the same key sent 50 times concurrently into one record and one board change', async () => {
    const { user } = await t.createUser();
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () => awardCheckIn(t.deps, { userId: user.id, participationId: 4242, occurredAt: on(11) })),
    );
    expect(outcomes.filter((outcome) => !outcome.duplicate)).toHaveLength(1);
    expect(new Set(outcomes.map((outcome) => outcome.recordId)).size).toBe(1);
    expect(outcomes.every((outcome) => outcome.granted === 20)).toBe(true);
    expect(await recordsOf(user.id)).toHaveLength(1);
    expect(await boardPoints(user.id)).toEqual({ points: 20, version: 1 });
    expect(await t.deps.db.boardStanding.findMany({ where: { userId: user.id } })).toMatchObject([{ score: 20n, version: 1 }]);
  });

  it('records a fully capped award too, so its retry is a no-op', async () => {
    const { user } = await t.createUser();
    for (const activityId of [1, 2, 3]) await awardJoin(t.deps, { userId: user.id, activityId, occurredAt: on(12) });
    const capped = await awardJoin(t.deps, { userId: user.id, activityId: 4, occurredAt: on(12) });
    const retried = await awardJoin(t.deps, { userId: user.id, activityId: 4, occurredAt: on(13) });
    expect(capped).toMatchObject({ granted: 0, duplicate: false });
    expect(retried).toMatchObject({ recordId: capped.recordId, granted: 0, duplicate: true, day: '2026-10-12' });
    expect((await boardPoints(user.id)).points).toBe(30);
  });

  it('returns the first outcome of an admin key, and refuses to reuse it for another award', async () => {
    const { user } = await t.createUser();
    const input = { userId: user.id, points: 999, reason: 'contest prize', idempotencyKey: `prize-${user.id}`, occurredAt: on(14) };
    const [first, second] = await Promise.all([adjustPoints(t.deps, input), adjustPoints(t.deps, input)]);
    expect([first.duplicate, second.duplicate].sort()).toEqual([false, true]);
    await expect(adjustPoints(t.deps, { ...input, points: 5 })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect((await boardPoints(user.id)).points).toBe(999);
  });

  it('refuses, in the award statement, an adjustment past the season bound or for a missing user, and answers a re-sent key after a suspension', async () => {
    const { user } = await t.createUser();
    const input = { userId: user.id, points: 1, reason: 'start', idempotencyKey: `bound-${user.id}`, occurredAt: on(15) };
    const first = await adjustPoints(t.deps, input);
    await t.deps.db.boardStanding.updateMany({ where: { userId: user.id }, data: { score: BigInt(MAX_BOARD_SCORE - 10) } });
    const past = { ...input, points: 11, idempotencyKey: `past-${user.id}` };
    await expect(adjustPoints(t.deps, past)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'points' } });
    await expect(adjustPoints(t.deps, { ...input, userId: 2_000_000_000, idempotencyKey: 'nobody' })).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect(await recordsOf(user.id)).toHaveLength(1);
    expect(await t.deps.db.boardStanding.findMany({ where: { userId: user.id } })).toMatchObject([{ score: BigInt(MAX_BOARD_SCORE - 10), version: 1 }]);
    await suspendUser(t.deps, { userId: user.id, reason: 'cheating' });
    expect(await adjustPoints(t.deps, input)).toMatchObject({ recordId: first.recordId, duplicate: true });
    await expect(adjustPoints(t.deps, { ...input, idempotencyKey: `new-${user.id}` })).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  });
});

describe('the daily-cap arithmetic', () => {
  it('is the same in apply_awards (SQL, under the counter lock) as in cappedPoints', async () => {
    const REQUESTED = [0, 5, 10, 20, 50, 150];
    const AWARDED = [0, 5, 25, 30, 60, 99, 100, 175];
    // One user per requested amount, one day per amount already awarded: every case has its own counter row.
    const users = await Promise.all(REQUESTED.map(async () => (await t.createUser()).user.id));
    const cases = (['JOIN_ACTIVITY', 'CHECK_IN', 'HOST_ACTIVITY'] as const).flatMap((type) =>
      REQUESTED.flatMap((requested, r) => AWARDED.map((awarded, a) => ({ type, requested, awarded, userId: users[r]!, day: a + 1 }))),
    );
    // What earlier awards took that day (0: no counter row yet, so the award inserts it).
    await t.deps.db.dailyPoints.createMany({
      data: cases.filter((c) => c.awarded > 0).map((c) => ({ userId: c.userId, day: on(c.day, 0), type: c.type, points: c.awarded, lastGranted: c.awarded })),
    });
    const outcomes = await Promise.all(
      cases.map((c) => recordAward(t.deps, { userId: c.userId, type: c.type, points: c.requested, idempotencyKey: `arith:${c.type}:${c.userId}:${c.day}`, occurredAt: on(c.day) })),
    );
    expect(outcomes.map((outcome) => outcome.granted)).toEqual(cases.map((c) => cappedPoints(c.type, c.requested, c.awarded)));
  });
});
