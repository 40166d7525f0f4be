import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { HOUR, outcome, seedActivity } from './support.js';

let t: TestContext;
let alice: { user: { id: number }; token: string };
let bob: { user: { id: number }; token: string };
const base = Date.now();
beforeAll(async () => {
  t = await createTestContext();
  [alice, bob] = await Promise.all([t.createUser(), t.createUser()]);
  // 30 published activities, in a shuffled start order, alternating categories and organizers; plus one draft.
  for (let i = 0; i < 30; i += 1) {
    const startsAt = new Date(base + 48 * HOUR + ((i * 7) % 30) * HOUR);
    await seedActivity(t, {
      organizerId: i % 2 ? bob.user.id : alice.user.id,
      title: `Activity ${i}`,
      category: i % 3 ? 'running' : 'chess',
      status: i % 5 ? 'SIGNUP_OPEN' : 'UPCOMING',
      startsAt,
      endsAt: new Date(startsAt.getTime() + HOUR),
    });
  }
  await seedActivity(t, { organizerId: alice.user.id, title: 'Alice draft', status: 'DRAFT' });
});
afterAll(async () => {
  await t.cleanup();
});

const LIST = `query ($filter: ActivityFilter, $orderBy: ActivityOrder, $first: Int, $after: String) {
  activities(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    edges { cursor node { title category status startsAt organizer { id } viewerHasJoined viewerHasFavorited } }
    pageInfo { hasNextPage endCursor }
  }
}`;

type Node = { title: string; category: string; status: string; startsAt: string; organizer: { id: string } };

async function all(variables: Record<string, unknown>, token?: string, pageSize = 7): Promise<Node[]> {
  const nodes: Node[] = [];
  let after: string | null = null;
  for (;;) {
    const result: { data?: any; errors?: unknown } = await t.gql(LIST, { ...variables, first: pageSize, after }, { token });
    expect(result.errors).toBeUndefined();
    const page: { edges: Array<{ node: Node }>; pageInfo: { hasNextPage: boolean; endCursor: string } } = result.data!.activities;
    nodes.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
}

describe('activities', () => {
  it('pages through every published activity by start time with cursors, no gaps or repeats', async () => {
    const nodes = await all({});
    expect(nodes).toHaveLength(30);
    const starts = nodes.map((node) => Date.parse(node.startsAt));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(new Set(nodes.map((node) => node.title)).size).toBe(30);
  });

  it('orders by CREATED, newest first', async () => {
    const nodes = await all({ orderBy: 'CREATED' });
    expect(nodes.map((node) => node.title)).toEqual(Array.from({ length: 30 }, (_, i) => `Activity ${29 - i}`));
  });

  it('filters by status, category, organizer and start window', async () => {
    expect((await all({ filter: { status: 'UPCOMING' } })).map((n) => n.status)).toEqual(Array(6).fill('UPCOMING'));
    expect((await all({ filter: { category: 'chess' } })).every((n) => n.category === 'chess')).toBe(true);
    expect(await all({ filter: { category: 'chess' } })).toHaveLength(10);
    const bobs = await all({ filter: { organizerId: encodeId('User', bob.user.id) } });
    expect(bobs.map((n) => n.organizer.id)).toEqual(Array(15).fill(encodeId('User', bob.user.id)));
    const window = await all({ filter: { startsAfter: new Date(base + 50 * HOUR), startsBefore: new Date(base + 60 * HOUR) } });
    expect(window).toHaveLength(10);
    const combined = await all({ filter: { category: 'running', status: 'SIGNUP_OPEN', organizerId: encodeId('User', alice.user.id) } });
    expect(combined.every((n) => n.category === 'running' && n.status === 'SIGNUP_OPEN' && n.organizer.id === encodeId('User', alice.user.id))).toBe(true);
  });

  it("shows drafts only to their organizer", async () => {
    expect((await all({ filter: { status: 'DRAFT' } }, bob.token))).toEqual([]);
    expect((await all({ filter: { status: 'DRAFT' } }, alice.token)).map((n) => n.title)).toEqual(['Alice draft']);
  });

  it('refuses a page size above 100 or below 0 with BAD_USER_INPUT', async () => {
    const tooBig = await t.gql(LIST, { first: 101 });
    expect(outcome(tooBig)).toBe('BAD_USER_INPUT');
    expect(tooBig.errors![0]!.message).toMatch(/first can be at most 100/);
    expect(outcome(await t.gql(LIST, { first: -1 }))).toBe('BAD_USER_INPUT');
    expect((await t.gql(LIST, { first: 100 })).data!.activities.edges).toHaveLength(30);
  });

  it('refuses cursors it did not issue with BAD_USER_INPUT', async () => {
    const forged = Buffer.from('GPC:S:x').toString('base64');
    for (const after of ['garbage', forged]) {
      const result = await t.gql(LIST, { first: 2, after });
      expect(outcome(result)).toBe('BAD_USER_INPUT');
      expect(result.errors![0]!.message).toMatch(/after is not a cursor of this list/);
    }
  });

  it('refuses a bad category filter and a malformed organizer id', async () => {
    expect(outcome(await t.gql(LIST, { filter: { category: 'not a slug' } }))).toBe('BAD_USER_INPUT');
    expect(outcome(await t.gql(LIST, { filter: { organizerId: 'nope' } }))).toBe('BAD_USER_INPUT');
  });

  it('answers viewerHasJoined and viewerHasFavorited per viewer', async () => {
    const [first] = await t.deps.db.activity.findMany({ where: { status: 'SIGNUP_OPEN' }, orderBy: { startsAt: 'asc' }, take: 1 });
    const id = encodeId('Activity', first!.id);
    await t.gql('mutation ($id: ID!) { joinActivity(id: $id) { id } }', { id }, { token: alice.token });
    await t.gql('mutation ($id: ID!) { favoriteActivity(id: $id) { id } }', { id }, { token: alice.token });
    const QUERY = 'query ($id: ID!) { activity(id: $id) { viewerHasJoined viewerHasFavorited participants(first: 5) { totalCount edges { node { user { id } } } } } }';
    expect((await t.gql(QUERY, { id }, { token: alice.token })).data!.activity).toEqual({
      viewerHasJoined: true,
      viewerHasFavorited: true,
      participants: { totalCount: 1, edges: [{ node: { user: { id: encodeId('User', alice.user.id) } } }] },
    });
    expect((await t.gql(QUERY, { id }, { token: bob.token })).data!.activity).toMatchObject({ viewerHasJoined: false, viewerHasFavorited: false });
    expect((await t.gql(QUERY, { id })).data!.activity).toMatchObject({ viewerHasJoined: false, viewerHasFavorited: false });
    expect(outcome(await t.gql('query ($id: ID!) { activity(id: $id) { participants(first: 101) { totalCount } } }', { id }))).toBe('BAD_USER_INPUT');
  });
});
