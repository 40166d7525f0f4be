import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { recomputeHotBoards } from '../../src/modules/hot/hot-recompute.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { activityGid, insertActivities } from './hot-fixtures.js';

let t: TestContext;
let ids: number[];
beforeAll(async () => {
  t = await createTestContext();
  const organizer = await t.createUser();
  ids = await insertActivities(t, organizer.user.id, [
    { title: 'Busy', joins: 20 },
    { title: 'Quiet', joins: 2 },
  ]);
  await recomputeHotBoards(t.deps);
});
afterAll(() => t?.cleanup());

const LIST = '{ hotActivities(first: 5) { entries { rank activity { title participantCount } } } }';
const list = async () => (await t.gql(LIST)).data!.hotActivities.entries as Array<{ rank: number; activity: { title: string; participantCount: number } }>;

describe('hot list reads from memory', () => {
  it('serves a repeated read without touching PostgreSQL', async () => {
    const first = await list();
    expect(first.map((entry) => entry.activity.title)).toEqual(['Busy', 'Quiet']);
    const findMany = vi.spyOn(t.deps.db.activity, 'findMany');
    try {
      expect(await list()).toEqual(first);
      expect(findMany).not.toHaveBeenCalled();
    } finally {
      findMany.mockRestore();
    }
  });

  it('shows a join made on this instance at once, counts included', async () => {
    const { token } = await t.createUser();
    const joined = await t.gql('mutation ($id: ID!) { joinActivity(id: $id) { id } }', { id: activityGid(ids[1]!) }, { token });
    expect(joined.errors).toBeUndefined();
    expect((await list()).find((entry) => entry.activity.title === 'Quiet')!.activity.participantCount).toBe(3);
  });
});

describe('activities(orderBy: HEAT)', () => {
  const PAGE = 'query ($after: String) { activities(orderBy: HEAT, first: 1, after: $after) { edges { cursor node { title } } pageInfo { hasNextPage endCursor } } }';

  it('pages through the hot order with cursors', async () => {
    const first = (await t.gql(PAGE)).data!.activities;
    expect(first.edges.map((edge: { node: { title: string } }) => edge.node.title)).toEqual(['Busy']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await t.gql(PAGE, { after: first.pageInfo.endCursor })).data!.activities;
    expect(second.edges.map((edge: { node: { title: string } }) => edge.node.title)).toEqual(['Quiet']);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('applies the filters to the hot order', async () => {
    const result = await t.gql('{ activities(orderBy: HEAT, filter: { status: CANCELLED }) { edges { node { title } } } }');
    expect(result.errors).toBeUndefined();
    expect(result.data!.activities.edges).toEqual([]);
  });
});
