import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceActivity } from '../../src/modules/activities/lifecycle.service.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { createUsers, HOUR, JOIN, outcome, QUIT, seedActivity } from './support.js';
import { activityEvents, joinPoints, JOIN_WAITLIST, LEAVE_WAITLIST, queueOrder, waitlistState } from './waitlist-support.js';

let t: TestContext;
let organizer: { user: { id: number }; token: string };
beforeAll(async () => {
  t = await createTestContext();
  organizer = await t.createUser();
});
afterAll(async () => {
  await t.cleanup();
});

const POSITIONS = `query ($id: ID!) { node(id: $id) { ... on Participation { status waitlistPosition } } }`;
const PARTICIPANTS = `query ($id: ID!) { activity(id: $id) { participantCount waitlistCount viewerHasJoined participants(first: 10) { totalCount edges { node { user { id } status } } } } }`;
const UPDATE = `mutation ($input: UpdateActivityInput!) { updateActivity(input: $input) { capacity participantCount waitlistCount status } }`;
const CHECK_IN = 'mutation ($id: ID!) { checkIn(activityId: $id) { id } }';
const CANCEL = 'mutation ($id: ID!) { cancelActivity(id: $id) { status waitlistCount } }';

/** A FULL activity of `capacity` seats with `waiting` users in line (in the returned order). */
async function fullWithQueue(capacity: number, waiting: number, label: string) {
  const activity = await seedActivity(t, { organizerId: organizer.user.id, capacity });
  const users = await createUsers(t, capacity + waiting, label);
  const seated = users.slice(0, capacity);
  const queued = users.slice(capacity);
  for (const { token } of seated) expect(outcome(await t.gql(JOIN, { id: activity.gid }, { token }))).toBe('OK');
  const ids: string[] = [];
  for (const { token } of queued) {
    const result = await t.gql(JOIN_WAITLIST, { id: activity.gid }, { token });
    expect(result.data!.joinActivity.status).toBe('WAITLISTED');
    ids.push(result.data!.joinActivity.id as string);
  }
  return { activity, seated, queued, participationIds: ids };
}

async function positions(t: TestContext, ids: string[], token: string) {
  return Promise.all(ids.map(async (id) => (await t.gql(POSITIONS, { id }, { token })).data!.node));
}

describe('joining with waitlist: true', () => {
  it('just takes a seat when one is free, and queues once the activity is full', async () => {
    const activity = await seedActivity(t, { organizerId: organizer.user.id, capacity: 1 });
    const [a, b] = await createUsers(t, 2, 'free');
    const first = await t.gql(JOIN_WAITLIST, { id: activity.gid }, { token: a!.token });
    expect(first.data!.joinActivity).toMatchObject({ status: 'JOINED', waitlistPosition: null, waitlistedAt: null, activity: { status: 'FULL', waitlistCount: 0 } });
    const second = await t.gql(JOIN_WAITLIST, { id: activity.gid }, { token: b!.token });
    expect(second.data!.joinActivity).toMatchObject({ status: 'WAITLISTED', waitlistPosition: 1, activity: { participantCount: 1, waitlistCount: 1 } });
    // Joining again returns the same participation, with or without waitlist: true.
    expect((await t.gql(JOIN, { id: activity.gid }, { token: b!.token })).data!.joinActivity.id).toBe(second.data!.joinActivity.id);
  });

  it('still answers ACTIVITY_FULL without waitlist: true, and queues nobody', async () => {
    const { activity } = await fullWithQueue(1, 0, 'nowl');
    const [c] = await createUsers(t, 1, 'nowl_c');
    const result = await t.gql(JOIN, { id: activity.gid }, { token: c!.token });
    expect(outcome(result)).toBe('ACTIVITY_FULL');
    expect(result.errors![0]!.message).toMatch(/waitlist: true/);
    expect(await waitlistState(t, activity.id)).toMatchObject({ participantCount: 1, waitlistCount: 0, waiting: 0 });
  });

  it.each(['UPCOMING', 'SIGNUP_CLOSED', 'ONGOING', 'CANCELLED'] as const)('is INVALID_STATE on a %s activity', async (status) => {
    const activity = await seedActivity(t, { organizerId: organizer.user.id, status, capacity: 1 });
    const [u] = await createUsers(t, 1, `closed_${status}`);
    expect(outcome(await t.gql(JOIN_WAITLIST, { id: activity.gid }, { token: u!.token }))).toBe('INVALID_STATE');
  });

  it('is INVALID_STATE on a FULL activity whose signupEndsAt passed before the transition ran', async () => {
    const { activity } = await fullWithQueue(1, 0, 'late');
    await t.deps.db.activity.update({ where: { id: activity.id }, data: { signupStartsAt: new Date(Date.now() - 2 * HOUR), signupEndsAt: new Date(Date.now() - 1000) } });
    const [u] = await createUsers(t, 1, 'late_u');
    const result = await t.gql(JOIN_WAITLIST, { id: activity.gid }, { token: u!.token });
    expect(outcome(result)).toBe('INVALID_STATE');
    expect(result.errors![0]!.message).toMatch(/closed/);
  });
});

describe('a waitlisted user is not a participant', () => {
  it('is left out of participants, participantCount and viewerHasJoined, and earns no join points', async () => {
    const { activity, seated, queued } = await fullWithQueue(1, 1, 'np');
    const view = (await t.gql(PARTICIPANTS, { id: activity.gid }, { token: queued[0]!.token })).data!.activity;
    expect(view).toMatchObject({ participantCount: 1, waitlistCount: 1, viewerHasJoined: false });
    expect(view.participants.totalCount).toBe(1);
    expect(view.participants.edges.map((edge: { node: { status: string } }) => edge.node.status)).toEqual(['JOINED']);
    expect(await joinPoints(t, activity.id, queued[0]!.user.id)).toEqual([]);
    expect((await joinPoints(t, activity.id, seated[0]!.user.id)).map((r) => r.points)).toEqual([10]);
  });

  it('cannot check in, even with a WAITLISTED row on an ONGOING activity', async () => {
    const activity = await seedActivity(t, { organizerId: organizer.user.id, status: 'ONGOING', capacity: 1, startsAt: new Date(Date.now() - HOUR), signupEndsAt: new Date(Date.now() - HOUR), signupStartsAt: new Date(Date.now() - 2 * HOUR) });
    const [u] = await createUsers(t, 1, 'ci');
    await t.deps.db.participation.create({ data: { activityId: activity.id, userId: u!.user.id, status: 'WAITLISTED', waitlistedAt: new Date() } });
    const result = await t.gql(CHECK_IN, { id: activity.gid }, { token: u!.token });
    expect(outcome(result)).toBe('FORBIDDEN');
    expect(result.errors![0]!.message).toMatch(/waitlist/);
    expect((await t.deps.db.activity.findUniqueOrThrow({ where: { id: activity.id } })).checkInCount).toBe(0);
  });
});

describe('promotion', () => {
  it('gives a freed seat to the first in line, keeps the activity FULL, and lets no newcomer jump the queue', async () => {
    const { activity, seated, queued, participationIds } = await fullWithQueue(2, 3, 'promo');
    expect((await positions(t, participationIds, queued[0]!.token)).map((p) => p.waitlistPosition)).toEqual([1, 2, 3]);
    const quit = await t.gql(QUIT, { id: activity.gid }, { token: seated[0]!.token });
    expect(quit.data!.quitActivity).toMatchObject({ participantCount: 2, status: 'FULL' });
    expect(await positions(t, participationIds, queued[0]!.token)).toEqual([
      { status: 'JOINED', waitlistPosition: null },
      { status: 'WAITLISTED', waitlistPosition: 1 },
      { status: 'WAITLISTED', waitlistPosition: 2 },
    ]);
    const [newcomer] = await createUsers(t, 1, 'promo_new');
    expect(outcome(await t.gql(JOIN, { id: activity.gid }, { token: newcomer!.token }))).toBe('ACTIVITY_FULL');

    const events = await activityEvents(t, activity.id, ['activity.quit', 'activity.joined', 'activity.waitlistPromoted']);
    const involved = [seated[0]!.user.id, queued[0]!.user.id];
    expect(events.filter((e) => involved.includes(e.payload.userId!)).map((e) => [e.type, e.payload.userId])).toEqual([
      ['activity.joined', seated[0]!.user.id],
      ['activity.quit', seated[0]!.user.id],
      ['activity.joined', queued[0]!.user.id],
      ['activity.waitlistPromoted', queued[0]!.user.id],
    ]);
    const award = await joinPoints(t, activity.id, queued[0]!.user.id);
    expect(award.map((r) => r.points)).toEqual([10]);
    expect(award[0]!.occurredAt.getTime()).toBe(events.at(-1)!.occurredAt.getTime());
  });

  it('reopens the activity when a seat frees up and nobody waits', async () => {
    const { activity, seated } = await fullWithQueue(1, 0, 'reopen');
    const quit = await t.gql(QUIT, { id: activity.gid }, { token: seated[0]!.token });
    expect(quit.data!.quitActivity).toMatchObject({ participantCount: 0, status: 'SIGNUP_OPEN' });
  });

  it('fills seats added by a capacity raise from the queue, in order; unlimited takes everyone', async () => {
    const { activity, queued } = await fullWithQueue(1, 4, 'raise');
    const version = () => t.deps.db.activity.findUniqueOrThrow({ where: { id: activity.id } }).then((a) => a.version);
    const raised = await t.gql(UPDATE, { input: { id: activity.gid, version: await version(), capacity: 3 } }, { token: organizer.token });
    expect(raised.data!.updateActivity).toEqual({ capacity: 3, participantCount: 3, waitlistCount: 2, status: 'FULL' });
    expect(await queueOrder(t, activity.id)).toEqual(queued.slice(2).map((u) => u.user.id));
    const promoted = await activityEvents(t, activity.id, ['activity.waitlistPromoted']);
    expect(promoted.map((e) => e.payload.userId)).toEqual(queued.slice(0, 2).map((u) => u.user.id));

    const unlimited = await t.gql(UPDATE, { input: { id: activity.gid, version: await version(), capacity: null } }, { token: organizer.token });
    expect(unlimited.data!.updateActivity).toEqual({ capacity: null, participantCount: 5, waitlistCount: 0, status: 'SIGNUP_OPEN' });
  });

  it('does not promote once signupEndsAt passed, even before the transition ran', async () => {
    const { activity, seated } = await fullWithQueue(1, 1, 'gap');
    await t.deps.db.activity.update({ where: { id: activity.id }, data: { signupStartsAt: new Date(Date.now() - 2 * HOUR), signupEndsAt: new Date(Date.now() - 1000) } });
    await t.gql(QUIT, { id: activity.gid }, { token: seated[0]!.token });
    expect(await waitlistState(t, activity.id)).toEqual({ participantCount: 0, joined: 0, waitlistCount: 1, waiting: 1, status: 'FULL' });
    expect(await activityEvents(t, activity.id, ['activity.waitlistPromoted'])).toEqual([]);
  });
});

describe('leaving the waitlist', () => {
  it('moves everyone behind up, through leaveWaitlist or quitActivity, without activity.quit', async () => {
    const { activity, queued, participationIds } = await fullWithQueue(1, 3, 'leave');
    const left = await t.gql(LEAVE_WAITLIST, { id: activity.gid }, { token: queued[0]!.token });
    expect(left.data!.leaveWaitlist).toEqual({ participantCount: 1, waitlistCount: 2, status: 'FULL' });
    expect((await positions(t, participationIds.slice(1), queued[1]!.token)).map((p) => p.waitlistPosition)).toEqual([1, 2]);
    const quit = await t.gql(QUIT, { id: activity.gid }, { token: queued[1]!.token });
    expect(quit.data!.quitActivity).toMatchObject({ participantCount: 1, status: 'FULL' });
    expect(await queueOrder(t, activity.id)).toEqual([queued[2]!.user.id]);
    expect((await activityEvents(t, activity.id, ['activity.waitlistLeft'])).map((e) => e.payload.userId)).toEqual([queued[0]!.user.id, queued[1]!.user.id]);
    expect(await activityEvents(t, activity.id, ['activity.quit'])).toEqual([]);
    // No reversal, and no voided award that would cancel a later join.
    expect(await joinPoints(t, activity.id, queued[1]!.user.id)).toEqual([]);
  });

  it('is NOT_FOUND when not on the waitlist, INVALID_STATE when holding a seat', async () => {
    const { activity, seated } = await fullWithQueue(1, 0, 'notwl');
    const [stranger] = await createUsers(t, 1, 'notwl_s');
    expect(outcome(await t.gql(LEAVE_WAITLIST, { id: activity.gid }, { token: stranger!.token }))).toBe('NOT_FOUND');
    expect(outcome(await t.gql(LEAVE_WAITLIST, { id: activity.gid }, { token: seated[0]!.token }))).toBe('INVALID_STATE');
  });
});

describe('the waitlist closes with sign-ups', () => {
  it('removes everyone waiting when signupEndsAt passes, and they cannot check in later', async () => {
    const { activity, seated, queued } = await fullWithQueue(1, 2, 'close');
    const end = new Date(Date.now() + 24 * HOUR + 1000);
    expect((await advanceActivity(t.deps, { activityId: activity.id, now: end })).map((s) => s.to)).toEqual(['SIGNUP_CLOSED']);
    expect(await waitlistState(t, activity.id)).toEqual({ participantCount: 1, joined: 1, waitlistCount: 0, waiting: 0, status: 'SIGNUP_CLOSED' });
    const closed = await activityEvents(t, activity.id, ['activity.waitlistClosed']);
    expect(closed.map((e) => e.payload)).toEqual([{ activityId: activity.id, to: 'SIGNUP_CLOSED', userIds: queued.map((u) => u.user.id) }]);

    await t.deps.db.activity.update({
      where: { id: activity.id },
      data: { status: 'ONGOING', signupStartsAt: new Date(Date.now() - 3 * HOUR), signupEndsAt: new Date(Date.now() - 2 * HOUR), startsAt: new Date(Date.now() - HOUR) },
    });
    expect(outcome(await t.gql(CHECK_IN, { id: activity.gid }, { token: queued[0]!.token }))).toBe('FORBIDDEN');
    expect(outcome(await t.gql(CHECK_IN, { id: activity.gid }, { token: seated[0]!.token }))).toBe('OK');
  });

  it('removes everyone waiting on cancel, and names only seat holders as participants', async () => {
    const { activity, seated, queued } = await fullWithQueue(1, 2, 'cancel');
    expect((await t.gql(CANCEL, { id: activity.gid }, { token: organizer.token })).data!.cancelActivity).toEqual({ status: 'CANCELLED', waitlistCount: 0 });
    const [cancelled] = await activityEvents(t, activity.id, ['activity.cancelled']);
    expect((cancelled!.payload as unknown as { participantIds: number[] }).participantIds).toEqual([seated[0]!.user.id]);
    const [closed] = await activityEvents(t, activity.id, ['activity.waitlistClosed']);
    expect(closed!.payload).toEqual({ activityId: activity.id, to: 'CANCELLED', userIds: queued.map((u) => u.user.id) });
    expect(await t.deps.db.participation.count({ where: { activityId: activity.id, status: 'WAITLISTED' } })).toBe(0);
  });
});
