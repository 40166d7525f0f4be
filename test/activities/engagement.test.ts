import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordView } from '../../src/modules/activities/engagement.service.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { createUsers, outcome, seedActivity, tally } from './support.js';

let t: TestContext;
let organizerId: number;
beforeAll(async () => {
  // A zone far from UTC, so "day" provably means the local day of the view.
  t = await createTestContext({ APP_TIMEZONE: 'Asia/Shanghai' });
  organizerId = (await t.createUser()).user.id;
});
afterAll(async () => {
  await t.cleanup();
});

const FAVORITE = 'mutation ($id: ID!) { favoriteActivity(id: $id) { favoriteCount viewerHasFavorited } }';
const UNFAVORITE = 'mutation ($id: ID!) { unfavoriteActivity(id: $id) { favoriteCount viewerHasFavorited } }';
const VIEW = 'mutation ($id: ID!) { recordView(activityId: $id) { viewCount } }';

async function favoriteState(activityId: number) {
  const activity = await t.deps.db.activity.findUniqueOrThrow({ where: { id: activityId } });
  return { favoriteCount: activity.favoriteCount, rows: await t.deps.db.favorite.count({ where: { activityId } }) };
}

describe('favorites', () => {
  it('is idempotent both ways', async () => {
    const activity = await seedActivity(t, { organizerId });
    const { token } = await t.createUser();
    expect((await t.gql(FAVORITE, { id: activity.gid }, { token })).data!.favoriteActivity).toEqual({ favoriteCount: 1, viewerHasFavorited: true });
    expect((await t.gql(FAVORITE, { id: activity.gid }, { token })).data!.favoriteActivity).toEqual({ favoriteCount: 1, viewerHasFavorited: true });
    expect((await t.gql(UNFAVORITE, { id: activity.gid }, { token })).data!.unfavoriteActivity).toEqual({ favoriteCount: 0, viewerHasFavorited: false });
    expect((await t.gql(UNFAVORITE, { id: activity.gid }, { token })).data!.unfavoriteActivity).toEqual({ favoriteCount: 0, viewerHasFavorited: false });
  });

  it('keeps favoriteCount equal to the rows through a concurrent favorite/unfavorite storm', async () => {
    const activity = await seedActivity(t, { organizerId });
    const users = await createUsers(t, 30, 'fan');
    const storm = users.flatMap(({ token }, i) =>
      Array.from({ length: 6 }, (_, k) => ({ token, query: (i + k) % 2 ? FAVORITE : UNFAVORITE })),
    );
    const results = await Promise.all(storm.map(({ token, query }) => t.gql(query, { id: activity.gid }, { token })));
    expect(tally(results.map(outcome))).toEqual({ OK: storm.length });
    const state = await favoriteState(activity.id);
    expect(state.favoriteCount).toBe(state.rows);
    // Every event has its row change: favorited minus unfavorited events equals the rows.
    const events = await t.deps.db.outboxEvent.findMany({ where: { type: { in: ['activity.favorited', 'activity.unfavorited'] } } });
    const mine = events.filter((event) => (event.payload as { activityId: number }).activityId === activity.id);
    expect(mine.filter((e) => e.type === 'activity.favorited').length - mine.filter((e) => e.type === 'activity.unfavorited').length).toBe(state.rows);
  });

  it('refuses to favorite a draft: INVALID_STATE for its organizer, NOT_FOUND for anyone else', async () => {
    const organizer = await t.createUser();
    const activity = await seedActivity(t, { organizerId: organizer.user.id, status: 'DRAFT' });
    expect(outcome(await t.gql(FAVORITE, { id: activity.gid }, { token: organizer.token }))).toBe('INVALID_STATE');
    const { token } = await t.createUser();
    expect(outcome(await t.gql(FAVORITE, { id: activity.gid }, { token }))).toBe('NOT_FOUND');
  });
});

describe('views', () => {
  it('counts a user at most once per activity per day, concurrent duplicates included', async () => {
    const activity = await seedActivity(t, { organizerId });
    const users = await createUsers(t, 5, 'viewer');
    const results = await Promise.all(users.flatMap(({ token }) => Array.from({ length: 8 }, () => t.gql(VIEW, { id: activity.gid }, { token }))));
    expect(tally(results.map(outcome))).toEqual({ OK: 40 });
    const row = await t.deps.db.activity.findUniqueOrThrow({ where: { id: activity.id } });
    expect(row.viewCount).toBe(5);
    expect(await t.deps.db.activityView.count({ where: { activityId: activity.id } })).toBe(5);
  });

  it('counts anonymous clients by x-client-id, and does not count requests with neither', async () => {
    const activity = await seedActivity(t, { organizerId });
    const headers = (clientId: string) => ({ headers: { 'x-client-id': clientId } });
    await Promise.all([
      t.gql(VIEW, { id: activity.gid }, headers('client-aaaa-1111')),
      t.gql(VIEW, { id: activity.gid }, headers('client-aaaa-1111')),
      t.gql(VIEW, { id: activity.gid }, headers('client-bbbb-2222')),
      t.gql(VIEW, { id: activity.gid }),
      t.gql(VIEW, { id: activity.gid }),
    ]);
    const result = await t.gql(VIEW, { id: activity.gid });
    expect(result.data!.recordView.viewCount).toBe(2);
  });

  it('starts a new day at local midnight in APP_TIMEZONE, not UTC', async () => {
    const activity = await seedActivity(t, { organizerId });
    const viewer = { userId: organizerId, clientId: null };
    const view = (iso: string) => recordView(t.deps, { activityId: activity.id, viewer, at: new Date(iso) });
    // 09:00 and 23:59 in Shanghai are one day; 00:01 the next morning is another.
    expect(await view('2026-03-01T01:00:00Z')).toBe(true);
    expect(await view('2026-03-01T15:59:00Z')).toBe(false);
    expect(await view('2026-03-01T16:01:00Z')).toBe(true);
    const days = await t.deps.db.activityView.findMany({ where: { activityId: activity.id }, orderBy: { id: 'asc' } });
    expect(days.map((row) => row.day.toISOString().slice(0, 10))).toEqual(['2026-03-01', '2026-03-02']);
    const event = await t.deps.db.outboxEvent.findFirstOrThrow({ where: { type: 'activity.viewed' }, orderBy: { id: 'desc' } });
    expect(event.occurredAt.toISOString()).toBe('2026-03-01T16:01:00.000Z');
  });

  it('does not count views of a draft', async () => {
    const activity = await seedActivity(t, { organizerId, status: 'DRAFT' });
    expect(await recordView(t.deps, { activityId: activity.id, viewer: { userId: organizerId, clientId: null } })).toBe(false);
  });
});
