import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { awardCheckIn, awardJoin, reverseJoin } from '../../src/modules/points/activity-awards.js';
import { createTestClock } from '../support/clock.js';
import { createTestContext, type TestContext } from '../support/harness.js';

/** "Today" for every request of this file; the streak test moves it day by day. */
const clock = createTestClock('2026-05-20T08:00:00.000Z');
let t: TestContext;
let admin: { token: string };
beforeAll(async () => {
  t = await createTestContext({}, { clock });
  admin = await t.createUser({ role: 'ADMIN' });
});
afterAll(async () => {
  await t.cleanup();
});

const SIGN_IN = `mutation { dailySignIn { streakDay points record { type points day seasonTotal } } }`;
const AWARD = `mutation Award($userId: ID!, $points: Int!, $reason: String!, $key: String!) {
  awardPoints(userId: $userId, points: $points, reason: $reason, idempotencyKey: $key) {
    duplicate record { type requested points reason seasonTotal user { id } }
  }
}`;
const MY_POINTS = `{ myPoints { day seasonTotal rank signInStreak signedInToday stale season { id: periodId nextResetAt }
  today { type points cap remaining } } }`;

describe('dailySignIn', () => {
  it('awards 1 point once a day; a second call that day is ALREADY_SIGNED_IN', async () => {
    const { token } = await t.createUser();
    const first = await t.gql(SIGN_IN, {}, { token });
    expect(first.errors).toBeUndefined();
    expect(first.data!.dailySignIn).toMatchObject({ streakDay: 1, points: 1, record: { type: 'DAILY_SIGN_IN', points: 1, seasonTotal: 1 } });
    const second = await t.gql(SIGN_IN, {}, { token });
    expect(second.errors?.[0]?.extensions?.code).toBe('ALREADY_SIGNED_IN');
  });

  it('lets exactly one of many concurrent sign-ins through', async () => {
    const { token } = await t.createUser();
    const results = await Promise.all(Array.from({ length: 10 }, () => t.gql(SIGN_IN, {}, { token })));
    expect(results.filter((result) => !result.errors)).toHaveLength(1);
    expect(results.filter((result) => result.errors?.[0]?.extensions?.code === 'ALREADY_SIGNED_IN')).toHaveLength(9);
  });

  it('adds the streak bonuses on days 7, 14 and 28, and restarts after a missed day', async () => {
    const { token } = await t.createUser();
    const day = (n: number) => new Date(Date.UTC(2026, 5, n, 8));
    const signIn = async () => {
      const { data, errors } = await t.gql(SIGN_IN, {}, { token });
      expect(errors).toBeUndefined();
      return data!.dailySignIn as { streakDay: number; points: number };
    };
    const streak = async () => (await t.gql(MY_POINTS, {}, { token })).data!.myPoints.signInStreak as number;
    const points: number[] = [];
    for (let n = 1; n <= 28; n += 1) {
      clock.set(day(n));
      points.push((await signIn()).points);
    }
    expect(points.filter((p) => p > 1)).toEqual([11, 21, 41]);
    expect(points[6]).toBe(11);
    // The streak survives until the end of the next day, and is gone once a day was missed.
    clock.set(day(29));
    expect(await streak()).toBe(28);
    clock.set(day(30));
    expect(await streak()).toBe(0);
    const afterGap = await signIn();
    expect(afterGap).toMatchObject({ streakDay: 1, points: 1 });
  });

  it('needs a logged-in user', async () => {
    expect((await t.gql(SIGN_IN)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('awardPoints (admin)', () => {
  it('adds any integer without a cap, once per idempotency key', async () => {
    const { user } = await t.createUser();
    const variables = { userId: encodeId('User', user.id), points: 500, reason: 'prize', key: `prize-${user.id}` };
    const first = await t.gql(AWARD, variables, { token: admin.token });
    expect(first.errors).toBeUndefined();
    expect(first.data!.awardPoints).toMatchObject({ duplicate: false, record: { type: 'ADMIN_ADJUST', points: 500, seasonTotal: 500 } });
    const again = await t.gql(AWARD, variables, { token: admin.token });
    expect(again.data!.awardPoints).toMatchObject({ duplicate: true, record: { points: 500, seasonTotal: 500 } });
    const minus = await t.gql(AWARD, { ...variables, points: -120, key: `fine-${user.id}` }, { token: admin.token });
    expect(minus.data!.awardPoints.record).toMatchObject({ points: -120, seasonTotal: 380 });
  });

  it('is forbidden to users and rejects bad input', async () => {
    const { user, token } = await t.createUser();
    const variables = { userId: encodeId('User', user.id), points: 5, reason: 'x', key: 'k1' };
    expect((await t.gql(AWARD, variables, { token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const codes = async (overrides: Record<string, unknown>) =>
      (await t.gql(AWARD, { ...variables, ...overrides }, { token: admin.token })).errors?.[0]?.extensions?.code;
    expect(await codes({ points: 0 })).toBe('BAD_USER_INPUT');
    expect(await codes({ points: 2_000_000 })).toBe('BAD_USER_INPUT');
    expect(await codes({ reason: '   ' })).toBe('BAD_USER_INPUT');
    expect(await codes({ key: 'has space' })).toBe('BAD_USER_INPUT');
    expect(await codes({ userId: 'garbage' })).toBe('BAD_USER_INPUT');
    expect(await codes({ userId: encodeId('User', 999_999) })).toBe('NOT_FOUND');
  });
});

describe('myPoints', () => {
  it("shows today's points per type against the caps, the season total and rank, and the streak", async () => {
    const { user, token } = await t.createUser();
    const now = clock.now();
    await t.gql(SIGN_IN, {}, { token });
    for (const activityId of [1, 2]) await awardJoin(t.deps, { userId: user.id, activityId, occurredAt: now });
    await reverseJoin(t.deps, { userId: user.id, activityId: 2, occurredAt: now });
    await awardCheckIn(t.deps, { userId: user.id, participationId: 900_001, occurredAt: now });
    const { data, errors } = await t.gql(MY_POINTS, {}, { token });
    expect(errors).toBeUndefined();
    expect(data!.myPoints).toMatchObject({ seasonTotal: 31, signInStreak: 1, signedInToday: true, stale: false });
    expect(data!.myPoints.rank).toBeGreaterThanOrEqual(1);
    expect(data!.myPoints.season.nextResetAt).not.toBeNull();
    expect(data!.myPoints.today).toEqual([
      { type: 'DAILY_SIGN_IN', points: 1, cap: null, remaining: null },
      { type: 'JOIN_ACTIVITY', points: 10, cap: 30, remaining: 10 },
      { type: 'CHECK_IN', points: 20, cap: 60, remaining: 40 },
      { type: 'HOST_ACTIVITY', points: 0, cap: 100, remaining: 100 },
      { type: 'ADMIN_ADJUST', points: 0, cap: null, remaining: null },
    ]);
  });

  it('has no rank and a zero streak for a user without points', async () => {
    const { token } = await t.createUser();
    const { data } = await t.gql(MY_POINTS, {}, { token });
    expect(data!.myPoints).toMatchObject({ seasonTotal: 0, rank: null, signInStreak: 0, signedInToday: false });
  });
});
