import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { HOUR, openTimes, outcome } from './support.js';

let t: TestContext;
let organizer: { user: { id: number }; token: string };
let stranger: { user: { id: number }; token: string };
let admin: { user: { id: number }; token: string };
beforeAll(async () => {
  t = await createTestContext();
  [organizer, stranger, admin] = await Promise.all([t.createUser(), t.createUser(), t.createUser({ role: 'ADMIN' })]);
});
afterAll(async () => {
  await t.cleanup();
});

const CREATE = `mutation ($input: CreateActivityInput!) {
  createActivity(input: $input) { id title description category capacity status version organizer { id } participantCount }
}`;
const UPDATE = `mutation ($input: UpdateActivityInput!) { updateActivity(input: $input) { title capacity status version } }`;
const PUBLISH = `mutation ($id: ID!) { publishActivity(id: $id) { status version } }`;
const CANCEL = `mutation ($id: ID!, $reason: String) { cancelActivity(id: $id, reason: $reason) { status cancelReason cancelledAt } }`;
const ACTIVITY = `query ($id: ID!) { activity(id: $id) { id title status } }`;

const input = (overrides: Record<string, unknown> = {}) => ({ title: 'Board games night', category: 'board-games', capacity: 8, ...openTimes(), ...overrides });

async function draft(overrides: Record<string, unknown> = {}) {
  const result = await t.gql(CREATE, { input: input(overrides) }, { token: organizer.token });
  expect(result.errors).toBeUndefined();
  return result.data!.createActivity as { id: string; version: number; status: string };
}

describe('create', () => {
  it('creates a DRAFT organized by the caller', async () => {
    const result = await t.gql(CREATE, { input: input({ category: ' Board-Games ' }) }, { token: organizer.token });
    expect(result.data!.createActivity).toMatchObject({
      title: 'Board games night',
      description: '',
      category: 'board-games',
      capacity: 8,
      status: 'DRAFT',
      version: 1,
      participantCount: 0,
      organizer: { id: encodeId('User', organizer.user.id) },
    });
  });

  it('needs a token', async () => {
    expect(outcome(await t.gql(CREATE, { input: input() }))).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['times out of order', { signupEndsAt: new Date(Date.now() - 2 * HOUR) }, /signupStartsAt < signupEndsAt <= startsAt < endsAt.*signupEndsAt must be after signupStartsAt/],
    ['startsAt before signupEndsAt', { startsAt: new Date(Date.now() + 2 * HOUR) }, /startsAt must not be before signupEndsAt/],
    ['endsAt before startsAt', { endsAt: new Date(Date.now() + 47 * HOUR) }, /endsAt must be after startsAt/],
    ['a title that is too long', { title: 'x'.repeat(121) }, /at most 120 characters/],
    ['an empty title', { title: '  ' }, /title cannot be empty/],
    ['a long description', { description: 'x'.repeat(5001) }, /at most 5000 characters/],
    ['a negative capacity', { capacity: -1 }, /capacity must be at least 1/],
    ['a huge capacity', { capacity: 100_001 }, /at most 100000/],
    ['a category that is not a slug', { category: 'Board Games!' }, /short slug/],
  ])('refuses %s with BAD_USER_INPUT and says why', async (_name, overrides, message) => {
    const result = await t.gql(CREATE, { input: input(overrides) }, { token: organizer.token });
    expect(outcome(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.message).toMatch(message);
  });

  it('accepts signupEndsAt equal to startsAt, and unlimited capacity', async () => {
    // One clock reading for every time, so the boundaries are exactly equal.
    const times = openTimes();
    const result = await t.gql(CREATE, { input: input({ ...times, capacity: null, startsAt: times.signupEndsAt }) }, { token: organizer.token });
    expect(result.errors).toBeUndefined();
    expect(result.data!.createActivity.capacity).toBeNull();
  });
});

describe('update, publish and cancel permissions', () => {
  it('lets only the organizer or an admin update, publish or cancel', async () => {
    const activity = await draft();
    const update = { input: { id: activity.id, version: 1, title: 'Renamed' } };
    expect(outcome(await t.gql(UPDATE, update))).toBe('UNAUTHENTICATED');
    // Someone else's draft does not exist for them.
    expect(outcome(await t.gql(UPDATE, update, { token: stranger.token }))).toBe('NOT_FOUND');
    expect(outcome(await t.gql(PUBLISH, { id: activity.id }, { token: stranger.token }))).toBe('NOT_FOUND');
    expect((await t.gql(UPDATE, update, { token: organizer.token })).data!.updateActivity).toMatchObject({ title: 'Renamed', version: 2 });
    expect((await t.gql(PUBLISH, { id: activity.id }, { token: organizer.token })).data!.publishActivity.status).toBe('SIGNUP_OPEN');

    const published = { input: { id: activity.id, version: 4, title: 'Stolen' } };
    expect(outcome(await t.gql(UPDATE, published, { token: stranger.token }))).toBe('FORBIDDEN');
    expect(outcome(await t.gql(CANCEL, { id: activity.id }, { token: stranger.token }))).toBe('FORBIDDEN');
    expect((await t.gql(UPDATE, { input: { ...published.input, title: 'By admin' } }, { token: admin.token })).data!.updateActivity.title).toBe('By admin');
    const cancelled = await t.gql(CANCEL, { id: activity.id, reason: 'Venue closed' }, { token: admin.token });
    expect(cancelled.data!.cancelActivity).toMatchObject({ status: 'CANCELLED', cancelReason: 'Venue closed' });
    expect(outcome(await t.gql(CANCEL, { id: activity.id }, { token: organizer.token }))).toBe('INVALID_STATE');
    expect(outcome(await t.gql(PUBLISH, { id: activity.id }, { token: organizer.token }))).toBe('INVALID_STATE');
  });

  it('refuses an update at a stale version with VERSION_CONFLICT', async () => {
    const activity = await draft();
    const first = await t.gql(UPDATE, { input: { id: activity.id, version: 1, title: 'First' } }, { token: organizer.token });
    expect(first.data!.updateActivity.version).toBe(2);
    const stale = await t.gql(UPDATE, { input: { id: activity.id, version: 1, title: 'Second' } }, { token: organizer.token });
    expect(outcome(stale)).toBe('VERSION_CONFLICT');
    expect(stale.errors![0]!.extensions!.currentVersion).toBe(2);
    // Concurrent updates at the same version: exactly one wins.
    const racing = await Promise.all(['A', 'B', 'C'].map((title) => t.gql(UPDATE, { input: { id: activity.id, version: 2, title } }, { token: organizer.token })));
    expect(racing.map(outcome).sort()).toEqual(['OK', 'VERSION_CONFLICT', 'VERSION_CONFLICT']);
  });

  it('checks merged times on update, and keeps times that already passed', async () => {
    const activity = await draft();
    const bad = await t.gql(UPDATE, { input: { id: activity.id, version: 1, endsAt: new Date(Date.now() + HOUR) } }, { token: organizer.token });
    expect(outcome(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.message).toMatch(/endsAt must be after startsAt/);
    await t.gql(PUBLISH, { id: activity.id }, { token: organizer.token });
    const frozen = await t.gql(UPDATE, { input: { id: activity.id, version: 3, signupStartsAt: new Date(Date.now() - 2 * HOUR) } }, { token: organizer.token });
    expect(outcome(frozen)).toBe('INVALID_STATE');
    expect(frozen.errors![0]!.message).toMatch(/signupStartsAt already passed/);
  });

  it('moves between SIGNUP_OPEN and FULL when capacity changes, never below the participants', async () => {
    const activity = await draft({ capacity: 3 });
    await t.gql(PUBLISH, { id: activity.id }, { token: organizer.token });
    await t.gql('mutation ($id: ID!) { joinActivity(id: $id) { id } }', { id: activity.id }, { token: stranger.token });
    await t.gql('mutation ($id: ID!) { joinActivity(id: $id) { id } }', { id: activity.id }, { token: admin.token });
    const current = await t.deps.db.activity.findFirstOrThrow({ where: { title: 'Board games night', capacity: 3 } });
    const tooSmall = await t.gql(UPDATE, { input: { id: activity.id, version: current.version, capacity: 1 } }, { token: organizer.token });
    expect(outcome(tooSmall)).toBe('BAD_USER_INPUT');
    const full = await t.gql(UPDATE, { input: { id: activity.id, version: current.version, capacity: 2 } }, { token: organizer.token });
    expect(full.data!.updateActivity).toMatchObject({ capacity: 2, status: 'FULL' });
    const unlimited = await t.gql(UPDATE, { input: { id: activity.id, version: current.version + 1, capacity: null } }, { token: organizer.token });
    expect(unlimited.data!.updateActivity).toMatchObject({ capacity: null, status: 'SIGNUP_OPEN' });
  });
});

describe('ids', () => {
  it('gives NOT_FOUND for unknown ids and BAD_USER_INPUT for malformed ones', async () => {
    const unknown = encodeId('Activity', 999_999);
    for (const result of [
      await t.gql(ACTIVITY, { id: unknown }),
      await t.gql(PUBLISH, { id: unknown }, { token: organizer.token }),
      await t.gql('mutation ($id: ID!) { joinActivity(id: $id) { id } }', { id: unknown }, { token: organizer.token }),
      await t.gql('mutation ($id: ID!) { favoriteActivity(id: $id) { id } }', { id: unknown }, { token: organizer.token }),
      await t.gql('mutation ($id: ID!) { recordView(activityId: $id) { id } }', { id: unknown }),
    ]) {
      expect(outcome(result)).toBe('NOT_FOUND');
      expect(result.errors![0]!.message).toBe('This activity does not exist.');
    }
    for (const id of ['garbage', encodeId('User', 1), encodeId('Activity', 'abc')]) {
      const result = await t.gql(ACTIVITY, { id });
      expect(outcome(result)).toBe('BAD_USER_INPUT');
      expect(result.errors![0]!.message).toMatch(/is not a valid Activity id/);
    }
  });

  it('hides drafts from everyone but their organizer and admins', async () => {
    const activity = await draft({ title: 'Secret plan' });
    expect(outcome(await t.gql(ACTIVITY, { id: activity.id }))).toBe('NOT_FOUND');
    expect(outcome(await t.gql(ACTIVITY, { id: activity.id }, { token: stranger.token }))).toBe('NOT_FOUND');
    expect((await t.gql(ACTIVITY, { id: activity.id }, { token: organizer.token })).data!.activity.title).toBe('Secret plan');
    expect((await t.gql(ACTIVITY, { id: activity.id }, { token: admin.token })).data!.activity.title).toBe('Secret plan');
    const NODE = 'query ($id: ID!) { node(id: $id) { id ... on Activity { title } } }';
    expect((await t.gql(NODE, { id: activity.id }, { token: stranger.token })).data!.node).toBeNull();
    expect((await t.gql(NODE, { id: activity.id }, { token: organizer.token })).data!.node.title).toBe('Secret plan');
  });
});
