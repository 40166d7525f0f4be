import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { advanceActivity } from '../../src/modules/activities/lifecycle.service.js';
import { reverseJoin, awardJoin } from '../../src/modules/points/activity-awards.js';
import { createTestClock } from '../support/clock.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { JOIN, QUIT } from '../activities/support.js';

/** Every award here is dated by this clock; lifecycles are walked by moving it and calling advanceActivity. */
const clock = createTestClock('2026-11-10T08:00:00.000Z');
let t: TestContext;
let admin: { user: { id: number }; token: string };
beforeAll(async () => {
  // Default rules: HOST_MIN_CHECKED_IN is 3.
  t = await createTestContext({}, { clock });
  admin = await t.createUser({ role: 'ADMIN' });
});
afterAll(async () => {
  await t.cleanup();
});

const SECOND = 1000;
const CREATE = `mutation ($input: CreateActivityInput!) { createActivity(input: $input) { id } }`;
const PUBLISH = `mutation ($id: ID!) { publishActivity(id: $id) { status } }`;
const CHECK_IN = 'mutation ($id: ID!) { checkIn(activityId: $id) { checkedInAt } }';
const CANCEL = 'mutation ($id: ID!) { cancelActivity(id: $id) { status } }';
const SIGN_IN = 'mutation { dailySignIn { points } }';
const MY_POINTS = 'query ($season: ID) { myPoints(season: $season) { seasonTotal score } }';

type Member = { user: { id: number }; token: string };

async function ok(query: string, variables: Record<string, unknown>, token: string) {
  const result = await t.gql(query, variables, { token });
  expect(result.errors).toBeUndefined();
  return result.data!;
}

async function seasonTotal(member: Member, season = '2026-11'): Promise<number> {
  const data = await ok(MY_POINTS, { season }, member.token);
  expect(data.myPoints.seasonTotal).toBe(data.myPoints.score);
  return data.myPoints.score as number;
}

/** An activity through the API, walking from sign-ups (open now) to its end: `signup` s of sign-ups, then `length` s. */
async function publishShort(organizer: Member, { signup = 10, length = 30, capacity = 10 } = {}) {
  const now = clock.now().getTime();
  const input = {
    title: 'Quick one',
    category: 'walking',
    capacity,
    signupStartsAt: new Date(now),
    signupEndsAt: new Date(now + signup * SECOND),
    startsAt: new Date(now + signup * SECOND),
    endsAt: new Date(now + (signup + length) * SECOND),
  };
  const id = (await ok(CREATE, { input }, organizer.token)).createActivity.id as string;
  await ok(PUBLISH, { id }, organizer.token);
  const activityId = Number(Buffer.from(id, 'base64').toString().split(':')[1]);
  await advanceActivity(t.deps, { activityId });
  return { id, activityId, start: now + signup * SECOND, end: now + (signup + length) * SECOND };
}

async function walkTo(activityId: number, at: number) {
  clock.set(at);
  await advanceActivity(t.deps, { activityId });
}

async function typesOf(userId: number) {
  const rows = await t.deps.db.pointsRecord.findMany({ where: { userId }, orderBy: { id: 'asc' }, select: { type: true, points: true } });
  return rows.filter((row) => row.points !== 0);
}

describe('organizers earn nothing from their own activity', () => {
  it('the 45-second self-farming run (40-second activity, capacity 1, join, check in, end) earns only the sign-in', async () => {
    clock.set('2026-11-10T08:00:00.000Z');
    const organizer = await t.createUser();
    await ok(SIGN_IN, {}, organizer.token);
    const activity = await publishShort(organizer, { signup: 10, length: 30, capacity: 1 });
    await ok(JOIN, { id: activity.id }, organizer.token);
    await walkTo(activity.activityId, activity.start + SECOND);
    await ok(CHECK_IN, { id: activity.id }, organizer.token);
    await walkTo(activity.activityId, activity.end + 4 * SECOND);
    expect((await t.deps.db.activity.findUniqueOrThrow({ where: { id: activity.activityId } })).status).toBe('ENDED');
    expect(await typesOf(organizer.user.id)).toEqual([{ type: 'DAILY_SIGN_IN', points: 1 }]);
    expect(await seasonTotal(organizer)).toBe(1);
  });

  it('hosting pays only when at least 3 OTHER participants checked in', async () => {
    clock.set('2026-11-11T08:00:00.000Z');
    const organizer = await t.createUser();
    const members = await Promise.all([1, 2, 3].map(() => t.createUser()));
    // Two others and the organizer: three check-ins, but only two count.
    const short = await publishShort(organizer);
    const full = await publishShort(organizer);
    for (const m of [organizer, ...members.slice(0, 2)]) await ok(JOIN, { id: short.id }, m.token);
    for (const m of members) await ok(JOIN, { id: full.id }, m.token);
    await walkTo(short.activityId, short.start + SECOND);
    await advanceActivity(t.deps, { activityId: full.activityId });
    for (const m of [organizer, ...members.slice(0, 2)]) await ok(CHECK_IN, { id: short.id }, m.token);
    for (const m of members) await ok(CHECK_IN, { id: full.id }, m.token);
    await walkTo(short.activityId, short.end + SECOND);
    await advanceActivity(t.deps, { activityId: full.activityId });
    const hosting = await t.deps.db.pointsRecord.findMany({ where: { userId: organizer.user.id, type: 'HOST_ACTIVITY' } });
    expect(hosting.map((r) => ({ activityId: r.activityId, points: r.points }))).toEqual([{ activityId: full.activityId, points: 50 }]);
    expect(await seasonTotal(organizer)).toBe(50);
    expect(await seasonTotal(members[0]!)).toBe(10 + 20 + 10 + 20);
  });
});

describe('cancelling takes back what the activity granted', () => {
  it('reverses joins and check-ins of a cancelled ongoing activity; the organizer who joined is where they were', async () => {
    clock.set('2026-11-12T08:00:00.000Z');
    const organizer = await t.createUser();
    const member = await t.createUser();
    await ok(SIGN_IN, {}, organizer.token);
    await ok(SIGN_IN, {}, member.token);
    const activity = await publishShort(organizer, { signup: 10, length: 3600 });
    await ok(JOIN, { id: activity.id }, organizer.token);
    await ok(JOIN, { id: activity.id }, member.token);
    await walkTo(activity.activityId, activity.start + SECOND);
    await ok(CHECK_IN, { id: activity.id }, member.token);
    expect(await seasonTotal(member)).toBe(1 + 10 + 20);
    await ok(CANCEL, { id: activity.id }, organizer.token);
    expect(await seasonTotal(member)).toBe(1);
    expect(await seasonTotal(organizer)).toBe(1);
    expect(await typesOf(member.user.id)).toEqual([
      { type: 'DAILY_SIGN_IN', points: 1 },
      { type: 'JOIN_ACTIVITY', points: 10 },
      { type: 'CHECK_IN', points: 20 },
      { type: 'JOIN_ACTIVITY', points: -10 },
      { type: 'CHECK_IN', points: -20 },
    ]);
    // Delivered again (the outbox drain): nothing more is taken.
    const event = await t.deps.db.outboxEvent.findFirstOrThrow({ where: { type: 'activity.cancelled' }, orderBy: { id: 'desc' } });
    const consumer = (await import('../../src/modules/points/index.js')).pointsConsumers.find((c) => c.name === 'points.cancel')!;
    await consumer.handle({ ...event, payload: event.payload, occurredAt: event.occurredAt } as never, t.deps);
    expect(await seasonTotal(member)).toBe(1);
  });

  it('a quit before the cancellation is not taken twice', async () => {
    clock.set('2026-11-13T08:00:00.000Z');
    const organizer = await t.createUser();
    const member = await t.createUser();
    await ok(SIGN_IN, {}, member.token);
    const activity = await publishShort(organizer, { signup: 600, length: 600 });
    await ok(JOIN, { id: activity.id }, member.token);
    await ok(QUIT, { id: activity.id }, member.token);
    await ok(JOIN, { id: activity.id }, member.token);
    await ok(CANCEL, { id: activity.id }, organizer.token);
    expect(await seasonTotal(member)).toBe(1);
  });
});

describe('reversals stay in the season of their award and never go below zero', () => {
  it('a quit after the rollover leaves the new season alone and takes the points back in the old one', async () => {
    clock.set('2026-11-30T23:58:00.000Z');
    const organizer = await t.createUser();
    const member = await t.createUser();
    const activity = await publishShort(organizer, { signup: 3600, length: 600 });
    await ok(JOIN, { id: activity.id }, member.token);
    expect(await seasonTotal(member, '2026-11')).toBe(10);
    clock.set('2026-12-01T00:05:00.000Z');
    await ok(QUIT, { id: activity.id }, member.token);
    expect(await seasonTotal(member, '2026-12')).toBe(0);
    expect(await seasonTotal(member, '2026-11')).toBe(0);
    const reversal = await t.deps.db.pointsRecord.findFirstOrThrow({ where: { userId: member.user.id, points: { lt: 0 } } });
    expect(reversal).toMatchObject({ seasonId: '2026-11', points: -10 });
  });

  it('once the award season is archived the reversal is recorded with 0 and changes no board', async () => {
    const { user } = await t.createUser();
    await awardJoin(t.deps, { userId: user.id, activityId: 900_001, occurredAt: new Date('2026-10-20T10:00:00Z') });
    await t.deps.db.boardPeriod.update({ where: { ref: 'points/2026-10' }, data: { state: 'ARCHIVED' } });
    const before = await t.deps.db.boardStanding.findMany({ where: { userId: user.id }, select: { periodRef: true, score: true, version: true } });
    const quit = await reverseJoin(t.deps, { userId: user.id, activityId: 900_001, occurredAt: new Date('2026-11-20T10:00:00Z') });
    expect(quit).toMatchObject({ seasonId: '2026-10', requested: -10, granted: 0, changes: [] });
    expect(await t.deps.db.boardStanding.findMany({ where: { userId: user.id }, select: { periodRef: true, score: true, version: true } })).toEqual(before);
  });

  it('clamps an automatic reversal at zero after an admin took points away (admins may go negative)', async () => {
    clock.set('2026-11-20T10:00:00.000Z');
    const member = await t.createUser();
    await awardJoin(t.deps, { userId: member.user.id, activityId: 900_002, occurredAt: clock.now() });
    await ok('mutation ($u: ID!) { awardPoints(userId: $u, points: -6, reason: "spam", idempotencyKey: "fp-neg-1") { record { points } } }', { u: encodeId('User', member.user.id) }, admin.token);
    const quit = await reverseJoin(t.deps, { userId: member.user.id, activityId: 900_002, occurredAt: clock.now() });
    expect(quit.granted).toBe(-4);
    expect(await seasonTotal(member)).toBe(0);
    const adjusted = await ok('mutation ($u: ID!) { awardPoints(userId: $u, points: -5, reason: "more", idempotencyKey: "fp-neg-2") { record { seasonTotal } } }', { u: encodeId('User', member.user.id) }, admin.token);
    expect(adjusted.awardPoints.record.seasonTotal).toBe(-5);
  });

  it('concurrent automatic reversals never take a total below zero', async () => {
    clock.set('2026-11-21T10:00:00.000Z');
    const { user } = await t.createUser();
    for (const a of [1, 2, 3]) await awardJoin(t.deps, { userId: user.id, activityId: 910_000 + a, occurredAt: clock.now() });
    await t.deps.db.$executeRaw`UPDATE board_standings SET score = 15 WHERE period_ref = 'points/2026-11' AND user_id = ${user.id}`;
    const quits = await Promise.all([1, 2, 3].map((a) => reverseJoin(t.deps, { userId: user.id, activityId: 910_000 + a, occurredAt: clock.now() })));
    expect(quits.reduce((sum, q) => sum + q.granted, 0)).toBe(-15);
    const standing = await t.deps.db.boardStanding.findUniqueOrThrow({ where: { periodRef_userId: { periodRef: 'points/2026-11', userId: user.id } } });
    expect(Number(standing.score)).toBe(0);
  });
});
