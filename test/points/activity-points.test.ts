import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { advanceActivity } from '../../src/modules/activities/lifecycle.service.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { HOUR, JOIN, openTimes, QUIT, seedActivity } from '../activities/support.js';

let t: TestContext;
beforeAll(async () => {
  // One other participant's check-in is enough to earn hosting points here; the
  // default HOST_MIN_CHECKED_IN (3) and the organizer rules are in fair-points.test.ts.
  t = await createTestContext({ HOST_MIN_CHECKED_IN: '1' });
});
afterAll(() => t?.cleanup());

const CHECK_IN = 'mutation ($id: ID!) { checkIn(activityId: $id) { checkedInAt } }';

async function recordsOf(userId: number) {
  return t.deps.db.pointsRecord.findMany({ where: { userId }, orderBy: { id: 'asc' }, select: { type: true, points: true } });
}

async function boardPoints(userId: number, token: string) {
  const result = await t.gql('{ leaderboard { viewer { points rank } } }', {}, { token });
  expect(result.errors).toBeUndefined();
  return result.data!.leaderboard.viewer;
}

describe('points from activity events, end to end through GraphQL', () => {
  it('awards +10 for a join and takes it back on quit, on the board at once', async () => {
    const organizer = await t.createUser();
    const member = await t.createUser();
    const activity = await seedActivity(t, { organizerId: organizer.user.id, ...openTimes() });
    const id = encodeId('Activity', activity.id);

    expect((await t.gql(JOIN, { id }, { token: member.token })).errors).toBeUndefined();
    expect(await recordsOf(member.user.id)).toEqual([{ type: 'JOIN_ACTIVITY', points: 10 }]);
    expect(await boardPoints(member.user.id, member.token)).toMatchObject({ points: 10 });

    expect((await t.gql(QUIT, { id }, { token: member.token })).errors).toBeUndefined();
    expect(await recordsOf(member.user.id)).toEqual([
      { type: 'JOIN_ACTIVITY', points: 10 },
      { type: 'JOIN_ACTIVITY', points: -10 },
    ]);
    // A zero total is not on the board.
    expect(await boardPoints(member.user.id, member.token)).toBeNull();

    // Joining again earns nothing: JOIN_ACTIVITY is once per user and activity, ever.
    expect((await t.gql(JOIN, { id }, { token: member.token })).errors).toBeUndefined();
    expect((await recordsOf(member.user.id)).reduce((sum, record) => sum + record.points, 0)).toBe(0);
  });

  it('awards +20 for a check-in and +50 to the host when the activity ends with a check-in', async () => {
    const organizer = await t.createUser();
    const member = await t.createUser();
    const activity = await seedActivity(t, { organizerId: organizer.user.id, ...openTimes() });
    const id = encodeId('Activity', activity.id);
    expect((await t.gql(JOIN, { id }, { token: member.token })).errors).toBeUndefined();

    // Move the clock past the start: the lifecycle walks to ONGOING, emitting its events.
    const now = Date.now();
    await t.deps.db.activity.update({
      where: { id: activity.id },
      data: { signupEndsAt: new Date(now - 2 * HOUR), startsAt: new Date(now - HOUR), endsAt: new Date(now + HOUR) },
    });
    await advanceActivity(t.deps, { activityId: activity.id });
    expect((await t.gql(CHECK_IN, { id }, { token: member.token })).errors).toBeUndefined();
    expect(await recordsOf(member.user.id)).toEqual([
      { type: 'JOIN_ACTIVITY', points: 10 },
      { type: 'CHECK_IN', points: 20 },
    ]);

    await t.deps.db.activity.update({ where: { id: activity.id }, data: { endsAt: new Date(Date.now() - 1000) } });
    await advanceActivity(t.deps, { activityId: activity.id });
    expect(await recordsOf(organizer.user.id)).toEqual([{ type: 'HOST_ACTIVITY', points: 50 }]);
    expect(await boardPoints(organizer.user.id, organizer.token)).toMatchObject({ points: 50 });
  });

  it('gives the host nothing when nobody checked in', async () => {
    const organizer = await t.createUser();
    const activity = await seedActivity(t, {
      organizerId: organizer.user.id,
      status: 'ONGOING',
      signupStartsAt: new Date(Date.now() - 4 * HOUR),
      signupEndsAt: new Date(Date.now() - 3 * HOUR),
      startsAt: new Date(Date.now() - 2 * HOUR),
      endsAt: new Date(Date.now() - 1000),
    });
    await advanceActivity(t.deps, { activityId: activity.id });
    expect((await t.deps.db.activity.findUniqueOrThrow({ where: { id: activity.id } })).status).toBe('ENDED');
    expect(await recordsOf(organizer.user.id)).toEqual([]);
  });
});
