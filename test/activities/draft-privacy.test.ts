import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { seedActivity } from './support.js';

let t: TestContext;
let organizer: { user: { id: number }; token: string };
let stranger: { token: string };
let admin: { token: string };

beforeAll(async () => {
  t = await createTestContext();
  organizer = await t.createUser();
  stranger = await t.createUser();
  admin = await t.createUser({ role: 'ADMIN' });
});
afterAll(() => t?.cleanup());

/** Every operation that takes an activity id, asking for what a leak would show. */
const OPERATIONS: Record<string, string> = {
  activity: 'query ($id: ID!) { activity(id: $id) { id title description } }',
  updateActivity: 'mutation ($id: ID!) { updateActivity(input: { id: $id, version: 1, title: "Mine now" }) { id title description } }',
  publishActivity: 'mutation ($id: ID!) { publishActivity(id: $id) { id title description } }',
  cancelActivity: 'mutation ($id: ID!) { cancelActivity(id: $id, reason: "no") { id title description } }',
  joinActivity: 'mutation ($id: ID!) { joinActivity(id: $id) { id activity { title description } } }',
  quitActivity: 'mutation ($id: ID!) { quitActivity(id: $id) { id title description } }',
  checkIn: 'mutation ($id: ID!) { checkIn(activityId: $id) { id activity { title description } } }',
  favoriteActivity: 'mutation ($id: ID!) { favoriteActivity(id: $id) { id title description } }',
  unfavoriteActivity: 'mutation ($id: ID!) { unfavoriteActivity(id: $id) { id title description } }',
  recordView: 'mutation ($id: ID!) { recordView(activityId: $id) { id title description } }',
};

describe("someone else's draft", () => {
  it('is NOT_FOUND with the message of an unknown id, for every operation, signed in or not', async () => {
    const draft = await seedActivity(t, { organizerId: organizer.user.id, status: 'DRAFT', title: 'Secret plan', description: 'Top secret' });
    const unknown = encodeId('Activity', 999_999);
    for (const [name, operation] of Object.entries(OPERATIONS)) {
      for (const token of [stranger.token, undefined]) {
        const missing = await t.gql(operation, { id: unknown }, { token });
        const hidden = await t.gql(operation, { id: draft.gid }, { token });
        const label = `${name} ${token ? 'signed in' : 'anonymous'}`;
        if (!token && name !== 'activity' && name !== 'recordView') {
          // Anonymous callers are turned away before any lookup, the same way for both ids.
          expect(hidden.errors?.[0]?.extensions?.code, label).toBe('UNAUTHENTICATED');
          expect(hidden.errors?.[0]?.message, label).toBe(missing.errors?.[0]?.message);
          continue;
        }
        expect(missing.errors?.[0]?.extensions?.code, label).toBe('NOT_FOUND');
        expect(hidden.errors?.[0]?.extensions?.code, label).toBe('NOT_FOUND');
        expect(hidden.errors?.[0]?.message, label).toBe(missing.errors?.[0]?.message);
        expect(JSON.stringify(hidden), label).not.toMatch(/Secret plan|Top secret|DRAFT/);
      }
    }
    // Nothing changed: no favorite, participation, view or edit was recorded.
    const after = await t.deps.db.activity.findUniqueOrThrow({ where: { id: draft.id } });
    expect(after).toMatchObject({ status: 'DRAFT', title: 'Secret plan', favoriteCount: 0, participantCount: 0, viewCount: 0 });
    expect(await t.deps.db.participation.count({ where: { activityId: draft.id } })).toBe(0);
    expect(await t.deps.db.favorite.count({ where: { activityId: draft.id } })).toBe(0);
  });

  it('stays visible to its organizer and to admins', async () => {
    const draft = await seedActivity(t, { organizerId: organizer.user.id, status: 'DRAFT', title: 'Visible to us' });
    for (const token of [organizer.token, admin.token]) {
      const read = await t.gql(OPERATIONS.activity!, { id: draft.gid }, { token });
      expect(read.errors).toBeUndefined();
      expect(read.data!.activity.title).toBe('Visible to us');
      // Not NOT_FOUND: the organizer learns why (a draft cannot be favorited yet).
      const favorite = await t.gql(OPERATIONS.favoriteActivity!, { id: draft.gid }, { token });
      expect(favorite.errors?.[0]?.extensions?.code).toBe('INVALID_STATE');
      const unfavorite = await t.gql(OPERATIONS.unfavoriteActivity!, { id: draft.gid }, { token });
      expect(unfavorite.errors).toBeUndefined();
      expect(unfavorite.data!.unfavoriteActivity.title).toBe('Visible to us');
    }
  });
});
