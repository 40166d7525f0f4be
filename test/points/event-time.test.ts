import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardScore, pointsRef } from '../support/boards.js';
import { seasonOf } from '../../src/modules/leaderboards/season-shape.js';
import { awardJoin } from '../../src/modules/points/activity-awards.js';
import { dailySignIn } from '../../src/modules/points/sign-in.js';
import { createTestClock } from '../support/clock.js';
import { createTestContext, type TestContext } from '../support/harness.js';

const clock = createTestClock('2026-11-30T08:00:00.000Z');
let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ APP_TIMEZONE: 'Asia/Shanghai' }, { clock });
});
afterAll(async () => {
  await t.cleanup();
});

/** Shanghai is UTC+8 all year: local 2026-11-30 23:59:59.999 and 2026-12-01 00:00:00.000. */
const LAST_MOMENT_OF_NOVEMBER = new Date('2026-11-30T15:59:59.999Z');
const FIRST_MOMENT_OF_DECEMBER = new Date('2026-11-30T16:00:00.000Z');

async function boardPoints(seasonId: string, userId: number) {
  return boardScore(t.deps, pointsRef(seasonId), userId);
}

describe('days and seasons come from the event time in APP_TIMEZONE', () => {
  it('counts awards at local 23:59:59.999 and 00:00:00.000 on a month end toward different days and seasons', async () => {
    const { user } = await t.createUser();
    // Three joins fill November 30th's cap; one more a millisecond later is a new day with a new cap.
    for (const activityId of [1, 2, 3]) await awardJoin(t.deps, { userId: user.id, activityId, occurredAt: LAST_MOMENT_OF_NOVEMBER });
    const december = await awardJoin(t.deps, { userId: user.id, activityId: 4, occurredAt: FIRST_MOMENT_OF_DECEMBER });
    expect(december).toMatchObject({ granted: 10, day: '2026-12-01', seasonId: '2026-12' });

    const records = await t.deps.db.pointsRecord.findMany({ where: { userId: user.id }, orderBy: { id: 'asc' } });
    expect(records.map((record) => [record.day.toISOString().slice(0, 10), record.seasonId, record.points])).toEqual([
      ['2026-11-30', '2026-11', 10],
      ['2026-11-30', '2026-11', 10],
      ['2026-11-30', '2026-11', 10],
      ['2026-12-01', '2026-12', 10],
    ]);
    expect(await boardPoints('2026-11', user.id)).toBe(30);
    expect(await boardPoints('2026-12', user.id)).toBe(10);
  });

  it('creates each season on demand with its local-midnight bounds', async () => {
    const periods = await t.deps.db.boardPeriod.findMany({ where: { ref: { in: ['points/2026-11', 'points/2026-12'] } }, orderBy: { ref: 'asc' } });
    const seasons = periods.map(seasonOf);
    expect(seasons.map((season) => [season.id, season.name, season.startsAt.toISOString(), season.endsAt?.toISOString()])).toEqual([
      ['2026-11', 'November 2026', '2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z'],
      ['2026-12', 'December 2026', '2026-11-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z'],
    ]);
  });

  it('treats sign-ins a millisecond apart across local midnight as two days of one streak', async () => {
    const { user } = await t.createUser();
    // Signed in "now": the clock, not an explicit event time, decides the day.
    clock.set(LAST_MOMENT_OF_NOVEMBER);
    const first = await dailySignIn(t.deps, { userId: user.id });
    clock.set(FIRST_MOMENT_OF_DECEMBER);
    const second = await dailySignIn(t.deps, { userId: user.id });
    expect([first.day, first.streakDay, second.day, second.streakDay]).toEqual(['2026-11-30', 1, '2026-12-01', 2]);
    clock.set('2026-12-01T15:59:59.999Z');
    await expect(dailySignIn(t.deps, { userId: user.id })).rejects.toMatchObject({
      extensions: { code: 'ALREADY_SIGNED_IN' },
    });
  });
});
