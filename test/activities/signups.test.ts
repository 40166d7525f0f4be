import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../support/harness.js';
import { createUsers, HOUR, JOIN, outcome, QUIT, seatState, seedActivity, tally } from './support.js';

let t: TestContext;
let organizerId: number;
beforeAll(async () => {
  t = await createTestContext();
  organizerId = (await t.createUser()).user.id;
});
afterAll(async () => {
  await t.cleanup();
});

describe('joining never overbooks', () => {
  it('lets exactly 10 of 200 concurrent joins in, and refuses 190 with ACTIVITY_FULL', async () => {
    const activity = await seedActivity(t, { organizerId, capacity: 10 });
    const users = await createUsers(t, 200, 'crowd');
    const results = await Promise.all(users.map(({ token }) => t.gql(JOIN, { id: activity.gid }, { token })));
    expect(tally(results.map(outcome))).toEqual({ OK: 10, ACTIVITY_FULL: 190 });
    expect(await seatState(t, activity.id)).toEqual({ participantCount: 10, rows: 10, status: 'FULL', capacity: 10 });
    const fullError = results.find((result) => outcome(result) === 'ACTIVITY_FULL')!;
    expect(fullError.errors![0]!.message).toMatch(/full/);
    // One SIGNUP_OPEN → FULL step, recorded once.
    const history = await t.deps.db.activityStatusChange.findMany({ where: { activityId: activity.id } });
    expect(history.map((change) => `${change.fromStatus}->${change.toStatus}`)).toEqual(['SIGNUP_OPEN->FULL']);
  });

  it('keeps participantCount equal to the rows, and the status in step, under interleaved joins and quits', async () => {
    const activity = await seedActivity(t, { organizerId, capacity: 15 });
    const users = await createUsers(t, 40, 'churn');
    // Every user joins, quits, joins again, in a shuffled interleaving, all at once.
    const operations = users.flatMap(({ token }, i) => [
      { token, query: JOIN, order: i },
      { token, query: QUIT, order: i + 7 },
      { token, query: JOIN, order: i + 13 },
    ]);
    operations.sort((a, b) => a.order - b.order);
    const results = await Promise.all(operations.map(({ token, query }) => t.gql(query, { id: activity.gid }, { token })));
    // INVALID_STATE only when a user's own quit removed a seat before their join could read it back.
    expect(results.map(outcome).filter((code) => !['OK', 'ACTIVITY_FULL', 'INVALID_STATE'].includes(code))).toEqual([]);
    expect(results.filter((result) => outcome(result) === 'OK').length).toBeGreaterThan(40);
    const state = await seatState(t, activity.id);
    expect(state.participantCount).toBe(state.rows);
    expect(state.rows).toBeLessThanOrEqual(15);
    expect(state.status).toBe(state.rows === 15 ? 'FULL' : 'SIGNUP_OPEN');

    // Everyone quits; then the seats are all free again.
    await Promise.all(users.map(({ token }) => t.gql(QUIT, { id: activity.gid }, { token })));
    expect(await seatState(t, activity.id)).toEqual({ participantCount: 0, rows: 0, status: 'SIGNUP_OPEN', capacity: 15 });
  });

  it('counts unlimited activities exactly too', async () => {
    const activity = await seedActivity(t, { organizerId, capacity: null });
    const users = await createUsers(t, 30, 'open');
    const results = await Promise.all(users.map(({ token }) => t.gql(JOIN, { id: activity.gid }, { token })));
    expect(tally(results.map(outcome))).toEqual({ OK: 30 });
    expect(await seatState(t, activity.id)).toEqual({ participantCount: 30, rows: 30, status: 'SIGNUP_OPEN', capacity: null });
  });
});

describe('join and quit rules', () => {
  it('returns the same participation when joining twice, even concurrently', async () => {
    const activity = await seedActivity(t, { organizerId, capacity: 5 });
    const { token } = await t.createUser();
    const results = await Promise.all([1, 2, 3].map(() => t.gql(JOIN, { id: activity.gid }, { token })));
    const ids = new Set(results.map((result) => result.data!.joinActivity.id));
    expect(ids.size).toBe(1);
    const again = await t.gql(JOIN, { id: activity.gid }, { token });
    expect(again.data!.joinActivity.id).toBe([...ids][0]);
    expect(again.data!.joinActivity.activity).toEqual({ participantCount: 1, status: 'SIGNUP_OPEN', viewerHasJoined: true });
  });

  it('frees the seat of a FULL activity: FULL → SIGNUP_OPEN', async () => {
    const activity = await seedActivity(t, { organizerId, capacity: 2 });
    const [a, b, c] = await createUsers(t, 3, 'seat');
    await t.gql(JOIN, { id: activity.gid }, { token: a!.token });
    expect((await t.gql(JOIN, { id: activity.gid }, { token: b!.token })).data!.joinActivity.activity.status).toBe('FULL');
    expect(outcome(await t.gql(JOIN, { id: activity.gid }, { token: c!.token }))).toBe('ACTIVITY_FULL');
    const quit = await t.gql(QUIT, { id: activity.gid }, { token: a!.token });
    expect(quit.data!.quitActivity).toEqual({ participantCount: 1, status: 'SIGNUP_OPEN', viewerHasJoined: false });
    expect(outcome(await t.gql(JOIN, { id: activity.gid }, { token: c!.token }))).toBe('OK');
    const history = await t.deps.db.activityStatusChange.findMany({ where: { activityId: activity.id }, orderBy: { version: 'asc' } });
    expect(history.map((change) => change.toStatus)).toEqual(['FULL', 'SIGNUP_OPEN', 'FULL']);
  });

  it.each(['DRAFT', 'UPCOMING', 'SIGNUP_CLOSED', 'ONGOING', 'ENDED', 'CANCELLED'] as const)(
    'refuses to join a %s activity with INVALID_STATE',
    async (status) => {
      // A draft is seen only by its organizer (to anyone else it is NOT_FOUND, see draft-privacy.test.ts).
      const joiner = await t.createUser();
      const activity = await seedActivity(t, { organizerId: status === 'DRAFT' ? joiner.user.id : organizerId, status });
      const result = await t.gql(JOIN, { id: activity.gid }, { token: joiner.token });
      expect(outcome(result)).toBe('INVALID_STATE');
      expect(result.errors![0]!.message).toContain(status);
      expect(await seatState(t, activity.id)).toMatchObject({ participantCount: 0, rows: 0 });
    },
  );

  it('refuses to join once signupEndsAt passed, even before the transition job ran', async () => {
    const now = Date.now();
    const activity = await seedActivity(t, { organizerId, signupStartsAt: new Date(now - 2 * HOUR), signupEndsAt: new Date(now - 1000) });
    const { token } = await t.createUser();
    const result = await t.gql(JOIN, { id: activity.gid }, { token });
    expect(outcome(result)).toBe('INVALID_STATE');
    expect(result.errors![0]!.message).toMatch(/closed/);
  });

  it('refuses to quit after startsAt with INVALID_STATE, and keeps the seat', async () => {
    const activity = await seedActivity(t, { organizerId });
    const { token } = await t.createUser();
    await t.gql(JOIN, { id: activity.gid }, { token });
    const now = Date.now();
    await t.deps.db.activity.update({
      where: { id: activity.id },
      data: { status: 'ONGOING', signupStartsAt: new Date(now - 3 * HOUR), signupEndsAt: new Date(now - 2 * HOUR), startsAt: new Date(now - HOUR) },
    });
    const result = await t.gql(QUIT, { id: activity.gid }, { token });
    expect(outcome(result)).toBe('INVALID_STATE');
    expect(result.errors![0]!.message).toMatch(/started/);
    expect(await seatState(t, activity.id)).toMatchObject({ participantCount: 1, rows: 1 });
  });

  it('allows quitting while SIGNUP_CLOSED, before startsAt', async () => {
    const activity = await seedActivity(t, { organizerId });
    const { token } = await t.createUser();
    await t.gql(JOIN, { id: activity.gid }, { token });
    await t.deps.db.activity.update({ where: { id: activity.id }, data: { status: 'SIGNUP_CLOSED' } });
    const result = await t.gql(QUIT, { id: activity.gid }, { token });
    expect(result.data!.quitActivity).toEqual({ participantCount: 0, status: 'SIGNUP_CLOSED', viewerHasJoined: false });
  });

  it('needs a signed-in user', async () => {
    const activity = await seedActivity(t, { organizerId });
    expect(outcome(await t.gql(JOIN, { id: activity.gid }))).toBe('UNAUTHENTICATED');
  });
});

describe('check-in', () => {
  const CHECK_IN = 'mutation ($id: ID!) { checkIn(activityId: $id) { id checkedInAt activity { checkInCount } } }';

  it('checks a participant in once, only while ONGOING', async () => {
    const activity = await seedActivity(t, { organizerId });
    const [member, stranger] = await createUsers(t, 2, 'checkin');
    const joined = await t.gql(JOIN, { id: activity.gid }, { token: member!.token });
    expect(outcome(await t.gql(CHECK_IN, { id: activity.gid }, { token: member!.token }))).toBe('INVALID_STATE');

    await t.deps.db.activity.update({ where: { id: activity.id }, data: { status: 'ONGOING' } });
    const results = await Promise.all([1, 2, 3].map(() => t.gql(CHECK_IN, { id: activity.gid }, { token: member!.token })));
    expect(results.map(outcome)).toEqual(['OK', 'OK', 'OK']);
    expect(new Set(results.map((result) => result.data!.checkIn.checkedInAt)).size).toBe(1);
    expect(results[0]!.data!.checkIn.id).toBe(joined.data!.joinActivity.id);
    expect((await t.deps.db.activity.findUniqueOrThrow({ where: { id: activity.id } })).checkInCount).toBe(1);
    const events = await t.deps.db.outboxEvent.count({ where: { type: 'activity.checkedIn' } });
    expect(events).toBe(1);

    expect(outcome(await t.gql(CHECK_IN, { id: activity.gid }, { token: stranger!.token }))).toBe('FORBIDDEN');
  });
});
