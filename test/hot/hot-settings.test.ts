import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeHotBoards } from '../../src/modules/hot/hot-recompute.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { activityGid, heatOf, hot, HOUR, insertActivities, titles } from './hot-fixtures.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const WEIGHTS = { join: 1, favorite: 0.5, view: 0.05, checkIn: 2 };
let t: TestContext;
let admin: { token: string; user: { id: number } };
let user: { token: string };
let ids: number[];

/** Hacker News heat by hand: (s − 1) / (ageHours + 2)^gravity. */
const hn = (s: number, ageHours: number, gravity: number) => (s - 1) / Math.pow(ageHours + 2, gravity);

const UPDATE = /* GraphQL */ `
  mutation ($input: UpdateHotSettingsInput!) {
    updateHotSettings(input: $input) { algorithm gravity windowDays weights { join favorite view checkIn } updatedAt updatedById }
  }
`;

beforeAll(async () => {
  t = await createTestContext({ HOT_ALGORITHM: 'hackernews' });
  t.deps.now = () => NOW;
  admin = await t.createUser({ role: 'ADMIN' });
  user = await t.createUser();
  ids = await insertActivities(t, admin.user.id, [
    { title: 'Fresh', joins: 11, publishedAt: NOW },
    { title: 'Day old', joins: 601, publishedAt: new Date(NOW.getTime() - 22 * HOUR) },
    { title: 'Ten days old', joins: 100_001, publishedAt: new Date(NOW.getTime() - 240 * HOUR) },
  ]);
  await recomputeHotBoards(t.deps);
});
afterAll(async () => {
  await t?.cleanup();
});

describe('run-time hot settings', () => {
  it('starts from the HOT_* defaults: gravity 1.8, no window', async () => {
    const settings = await t.gql('{ hotSettings { algorithm gravity windowDays weights { join checkIn } updatedAt } }');
    expect(settings.data!.hotSettings).toEqual({ algorithm: 'HACKERNEWS', gravity: 1.8, windowDays: null, weights: { join: 1, checkIn: 2 }, updatedAt: null });
    const list = await hot(t);
    // 100000/242^1.8 ≈ 5.11 > 10/2^1.8 ≈ 2.87 > 600/24^1.8 ≈ 1.97
    expect(titles(list)).toEqual(['Ten days old', 'Fresh', 'Day old']);
    expect(list.entries[0]!.score).toBeCloseTo(hn(100_001, 240, 1.8), 9);
  });

  it('rejects out-of-range values with BAD_USER_INPUT and non-admins with FORBIDDEN', async () => {
    const tooHeavy = await t.gql(UPDATE, { input: { gravity: 9, windowDays: 7, weights: WEIGHTS } }, { token: admin.token });
    expect(tooHeavy.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const negativeWindow = await t.gql(UPDATE, { input: { gravity: 1.5, windowDays: -1, weights: WEIGHTS } }, { token: admin.token });
    expect(negativeWindow.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const notAdmin = await t.gql(UPDATE, { input: { gravity: 1.5, windowDays: 7, weights: WEIGHTS } }, { token: user.token });
    expect(notAdmin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('gravity 1.5 and a 7-day window change the order after the next recompute as computed by hand', async () => {
    const updated = await t.gql(UPDATE, { input: { gravity: 1.5, windowDays: 7, weights: WEIGHTS } }, { token: admin.token });
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateHotSettings).toMatchObject({ gravity: 1.5, windowDays: 7, algorithm: 'HACKERNEWS', updatedById: admin.user.id });
    // Not applied before the recompute.
    expect(titles(await hot(t))).toEqual(['Ten days old', 'Fresh', 'Day old']);

    await recomputeHotBoards(t.deps);
    const list = await hot(t);
    // 600/24^1.5 ≈ 5.10 > 10/2^1.5 ≈ 3.54; published 240 h ago is outside 7 days.
    expect(titles(list)).toEqual(['Day old', 'Fresh']);
    expect(list.entries[0]!.score).toBeCloseTo(hn(601, 22, 1.5), 9);
    expect(list.entries[1]!.score).toBeCloseTo(hn(11, 0, 1.5), 9);
  });

  it('shows the settings used in heatBreakdown and records who changed them when', async () => {
    const heat = await heatOf(t, ids[0]!);
    expect(heat.heat).toBeCloseTo(hn(11, 0, 1.5), 9);
    const breakdown = await t.gql('query ($id: ID!) { node(id: $id) { ... on Activity { heatBreakdown { gravity windowDays weights { join view } } } } }', {
      id: activityGid(ids[0]!),
    });
    expect(breakdown.data!.node.heatBreakdown).toEqual({ gravity: 1.5, windowDays: 7, weights: { join: 1, view: 0.05 } });
    const history = await t.gql('{ hotSettings { gravity history { gravity windowDays changedById changedAt } } }', {}, { token: admin.token });
    expect(history.data!.hotSettings.history).toEqual([{ gravity: 1.5, windowDays: 7, changedById: admin.user.id, changedAt: NOW.toISOString() }]);
  });
});
