import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { awardCheckIn, awardJoin, reverseJoin } from '../../src/modules/points/activity-awards.js';
import { createTestClock } from '../support/clock.js';
import { createTestContext, type TestContext, type GraphQLResponse } from '../support/harness.js';

const clock = createTestClock('2026-11-20T12:00:00.000Z');
let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({}, { clock });
});
afterAll(async () => {
  await t.cleanup();
});

const HISTORY = `query ($first: Int, $after: String, $season: ID, $type: PointsType) {
  viewer { pointsRecords(first: $first, after: $after, season: $season, type: $type) {
    edges { cursor node { id points type season reason activity { id } adjustedBy { id } } }
    pageInfo { hasNextPage endCursor } } } }`;
const OTHER = 'query ($id: ID!) { node(id: $id) { ... on User { pointsRecords(first: 5) { edges { node { points } } } } } }';
const at = (month: number, day: number) => new Date(Date.UTC(2026, month - 1, day, 10));

describe('pointsRecords', () => {
  it('pages newest first with cursors and filters, and a season sums to myPoints', async () => {
    const member = await t.createUser();
    const admin = await t.createUser({ role: 'ADMIN' });
    const userId = member.user.id;
    await awardJoin(t.deps, { userId, activityId: 1, occurredAt: at(10, 30) });
    for (const a of [2, 3]) await awardJoin(t.deps, { userId, activityId: a, occurredAt: at(11, 2) });
    await awardCheckIn(t.deps, { userId, participationId: 9_001, occurredAt: at(11, 3) });
    await reverseJoin(t.deps, { userId, activityId: 3, occurredAt: at(11, 4) });
    const adjust = await t.gql(
      'mutation ($u: ID!) { awardPoints(userId: $u, points: 5, reason: "helper", idempotencyKey: "hist-1") { record { id } } }',
      { u: encodeId('User', userId) },
      { token: admin.token },
    );
    expect(adjust.errors).toBeUndefined();

    const walk: Array<{ id: string; points: number; season: string; type: string; adjustedBy: { id: string } | null }> = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const page: GraphQLResponse = await t.gql(HISTORY, { first: 2, after, season: '2026-11' }, { token: member.token });
      expect(page.errors).toBeUndefined();
      const connection: { edges: Array<{ node: (typeof walk)[number] }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } =
        page.data!.viewer.pointsRecords;
      walk.push(...connection.edges.map((edge: { node: (typeof walk)[number] }) => edge.node));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(walk.map((r) => r.points)).toEqual([5, -10, 20, 10, 10]);
    expect(walk.every((r) => r.season === '2026-11')).toBe(true);
    expect(walk[0]!.adjustedBy).toEqual({ id: encodeId('User', admin.user.id) });
    expect(walk[1]!.adjustedBy).toBeNull();
    const mine = await t.gql('{ myPoints(season: "2026-11") { seasonTotal score } }', {}, { token: member.token });
    expect(walk.reduce((sum, r) => sum + r.points, 0)).toBe(mine.data!.myPoints.seasonTotal);
    expect(mine.data!.myPoints.seasonTotal).toBe(35);

    const october = await t.gql(HISTORY, { first: 10, season: '2026-10' }, { token: member.token });
    expect(october.data!.viewer.pointsRecords.edges.map((e: { node: { points: number } }) => e.node.points)).toEqual([10]);
    const checkIns = await t.gql(HISTORY, { first: 10, type: 'CHECK_IN' }, { token: member.token });
    expect(checkIns.data!.viewer.pointsRecords.edges.map((e: { node: { type: string } }) => e.node.type)).toEqual(['CHECK_IN']);

    // Another user's history: admins only.
    const stranger = await t.createUser();
    const denied = await t.gql(OTHER, { id: encodeId('User', userId) }, { token: stranger.token });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const allowed = await t.gql(OTHER, { id: encodeId('User', userId) }, { token: admin.token });
    expect(allowed.data!.node.pointsRecords.edges).toHaveLength(5);

    const bad = await t.gql(HISTORY, { first: 2, after: 'garbage' }, { token: member.token });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badSeason = await t.gql(HISTORY, { first: 2, season: '2026-13' }, { token: member.token });
    expect(badSeason.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
