import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prisma } from '../../src/generated/prisma/client.js';
import { encodeId } from '../../src/graphql/ids.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { HOUR, openTimes, outcome, seedActivity } from './support.js';

type Caller = { user: { id: number }; token: string };

let t: TestContext;
let alice: Caller;
let bob: Caller;
let carol: Caller;
let admin: Caller;
/** Bob's activities: 12 published (start times shuffled against ids) and 2 drafts. */
const published: number[] = [];
const bobsDrafts: number[] = [];
const base = Date.now();

beforeAll(async () => {
  t = await createTestContext();
  [alice, bob, carol, admin] = await Promise.all([t.createUser(), t.createUser(), t.createUser(), t.createUser({ role: 'ADMIN' })]);
  for (let i = 0; i < 12; i += 1) {
    // Start times deliberately out of id order, so "soonest first" differs from insertion order.
    const startsAt = new Date(base + 48 * HOUR + ((i * 5) % 12) * HOUR);
    const activity = await seedActivity(t, {
      organizerId: bob.user.id,
      title: `Bob ${i}`,
      category: i % 3 ? 'running' : 'chess',
      startsAt,
      endsAt: new Date(startsAt.getTime() + HOUR),
    });
    published.push(activity.id);
  }
  for (let i = 0; i < 2; i += 1) {
    bobsDrafts.push((await seedActivity(t, { organizerId: bob.user.id, title: `Bob draft ${i}`, status: 'DRAFT', startsAt: new Date(base + (30 + i) * HOUR), endsAt: new Date(base + (31 + i) * HOUR) })).id);
  }
  // Alice's seats: joined in an order unrelated to the ids, two at the same instant (id breaks the tie),
  // every third one checked in; plus a seat in one of Bob's drafts, which only Bob and admins may see.
  const joinedHoursAgo = [3, 7, 1, 9, 0, 5, 5, 2, 8, 4];
  await t.deps.db.participation.createMany({
    data: published.slice(0, 10).map((activityId, i) => ({
      activityId,
      userId: alice.user.id,
      joinedAt: new Date(base - (joinedHoursAgo[i] ?? 0) * HOUR),
      checkedInAt: i % 3 === 0 ? new Date(base) : null,
    })),
  });
  await t.deps.db.participation.create({ data: { activityId: bobsDrafts[0] ?? -1, userId: alice.user.id, joinedAt: new Date(base + HOUR) } });
  // Alice's favorites: favorited in an order unrelated to the ids, with one tie.
  const favoritedHoursAgo = [6, 2, 8, 0, 4, 4, 1, 7, 3];
  await t.deps.db.favorite.createMany({
    data: published.slice(2, 11).map((activityId, i) => ({ activityId, userId: alice.user.id, createdAt: new Date(base - (favoritedHoursAgo[i] ?? 0) * HOUR) })),
  });
  // Someone else's favorite, which must never appear in Alice's list.
  await t.deps.db.favorite.create({ data: { activityId: published[0] ?? -1, userId: carol.user.id } });
});
afterAll(async () => {
  await t.cleanup();
});

const gid = (id: number) => encodeId('Activity', id);

interface Page<N> {
  edges: Array<{ cursor: string; node: N }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

/** Every node of `user.<field>`, read `pageSize` at a time with first/after, plus the totalCount of the first page. */
async function pageThrough<N>(field: string, selection: string, userId: number, token: string | undefined, extraArgs = '', pageSize = 3) {
  const query = `query ($id: ID!, $first: Int, $after: String) { node(id: $id) { ... on User {
    ${field}(first: $first, after: $after${extraArgs}) { totalCount edges { cursor node { ${selection} } } pageInfo { hasNextPage endCursor } }
  } } }`;
  const nodes: N[] = [];
  let after: string | null = null;
  let totalCount: number | undefined;
  let pages = 0;
  for (;;) {
    const result: { data?: any; errors?: unknown } = await t.gql(query, { id: encodeId('User', userId), first: pageSize, after }, { token });
    expect(result.errors).toBeUndefined();
    const page: Page<N> = result.data.node[field];
    expect(page.edges.length).toBeLessThanOrEqual(pageSize);
    totalCount ??= page.totalCount;
    nodes.push(...page.edges.map((edge) => edge.node));
    pages += 1;
    if (!page.pageInfo.hasNextPage) return { nodes, totalCount, pages };
    expect(pages).toBeLessThan(50);
    after = page.pageInfo.endCursor;
  }
}

type ParticipationNode = { id: string; joinedAt: string; checkedInAt: string | null; activity: { id: string } };

async function expectedParticipations(where: Prisma.ParticipationWhereInput) {
  const rows = await t.deps.db.participation.findMany({ where: { userId: alice.user.id, ...where }, orderBy: [{ joinedAt: 'desc' }, { id: 'desc' }] });
  return rows.map((row) => ({ id: encodeId('Participation', row.id), activity: gid(row.activityId) }));
}

describe('User.participations', () => {
  const selection = 'id joinedAt checkedInAt activity { id }';
  const asPairs = (nodes: ParticipationNode[]) => nodes.map((node) => ({ id: node.id, activity: node.activity.id }));

  it('pages through every visible seat, newest joined first, each with its activity', async () => {
    const { nodes, totalCount, pages } = await pageThrough<ParticipationNode>('participations', selection, alice.user.id, carol.token);
    const expected = await expectedParticipations({ activity: { status: { not: 'DRAFT' } } });
    expect(expected).toHaveLength(10);
    expect(pages).toBe(4);
    expect(asPairs(nodes)).toEqual(expected);
    expect(totalCount).toBe(10);
    // The fixture really is out of id order, so sorting by id would not pass the check above.
    expect(expected.map((row) => row.id)).not.toEqual([...expected.map((row) => row.id)].sort());
  });

  it('filters by checkedIn, true and false partitioning the list', async () => {
    const checkedIn = await pageThrough<ParticipationNode>('participations', selection, alice.user.id, carol.token, ', checkedIn: true');
    const notYet = await pageThrough<ParticipationNode>('participations', selection, alice.user.id, carol.token, ', checkedIn: false');
    expect(asPairs(checkedIn.nodes)).toEqual(await expectedParticipations({ checkedInAt: { not: null }, activity: { status: { not: 'DRAFT' } } }));
    expect(asPairs(notYet.nodes)).toEqual(await expectedParticipations({ checkedInAt: null, activity: { status: { not: 'DRAFT' } } }));
    expect(checkedIn.nodes).toHaveLength(4);
    expect(checkedIn.nodes.every((node) => node.checkedInAt !== null)).toBe(true);
    expect(notYet.nodes).toHaveLength(6);
    expect(notYet.nodes.every((node) => node.checkedInAt === null)).toBe(true);
    expect([checkedIn.totalCount, notYet.totalCount]).toEqual([4, 6]);
  });

  it("hides seats in someone else's draft, but shows them to the draft's organizer and to admins", async () => {
    const draftSeat = gid(bobsDrafts[0] ?? -1);
    for (const caller of [carol.token, undefined]) {
      const { nodes } = await pageThrough<ParticipationNode>('participations', selection, alice.user.id, caller);
      expect(nodes.map((node) => node.activity.id)).not.toContain(draftSeat);
    }
    for (const caller of [bob.token, admin.token]) {
      const { nodes, totalCount } = await pageThrough<ParticipationNode>('participations', selection, alice.user.id, caller);
      expect(asPairs(nodes)).toEqual(await expectedParticipations({}));
      expect(nodes.map((node) => node.activity.id)).toContain(draftSeat);
      expect(totalCount).toBe(11);
    }
  });

  it('is on viewer too', async () => {
    const result = await t.gql<any>('{ viewer { participations(first: 100) { edges { node { activity { id } } } } } }', {}, { token: carol.token });
    expect(result.errors).toBeUndefined();
    expect(result.data.viewer.participations.edges).toEqual([]);
    const own = await t.gql<any>('{ viewer { participations(first: 2) { edges { node { id } } } } }', {}, { token: alice.token });
    expect(own.data.viewer.participations.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual(
      (await expectedParticipations({ activity: { status: { not: 'DRAFT' } } })).slice(0, 2).map((row) => row.id),
    );
  });
});

describe('User.favorites', () => {
  async function expectedFavorites() {
    const rows = await t.deps.db.favorite.findMany({ where: { userId: alice.user.id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    return rows.map((row) => gid(row.activityId));
  }

  it('pages through the activities the user favorited, most recent first, for the user and for admins', async () => {
    const expected = await expectedFavorites();
    expect(expected).toHaveLength(9);
    expect(expected).not.toEqual([...expected].sort());
    for (const caller of [alice.token, admin.token]) {
      const { nodes, totalCount, pages } = await pageThrough<{ id: string }>('favorites', 'id', alice.user.id, caller);
      expect(nodes.map((node) => node.id)).toEqual(expected);
      expect(totalCount).toBe(9);
      expect(pages).toBe(3);
    }
  });

  it('pages backwards with last/before in the same order', async () => {
    const expected = await expectedFavorites();
    const query = `query ($last: Int, $before: String) { viewer { favorites(last: $last, before: $before) {
      edges { node { id } } pageInfo { hasPreviousPage startCursor } } } }`;
    const nodes: string[] = [];
    let before: string | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const result: { data?: any; errors?: unknown } = await t.gql(query, { last: 4, before }, { token: alice.token });
      expect(result.errors).toBeUndefined();
      const page = result.data.viewer.favorites;
      nodes.unshift(...page.edges.map((edge: { node: { id: string } }) => edge.node.id));
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    expect(nodes).toEqual(expected);
  });

  it('is FORBIDDEN to other users (UNAUTHENTICATED without a token), leaving the rest of the user readable', async () => {
    const query = 'query ($id: ID!) { node(id: $id) { ... on User { handle favorites(first: 5) { edges { node { id } } } } } }';
    const asCarol = await t.gql<any>(query, { id: encodeId('User', alice.user.id) }, { token: carol.token });
    expect(outcome(asCarol)).toBe('FORBIDDEN');
    expect(asCarol.errors?.[0]?.path).toEqual(['node', 'favorites']);
    expect(asCarol.data?.node).toMatchObject({ handle: expect.any(String), favorites: null });
    const anonymous = await t.gql<any>(query, { id: encodeId('User', alice.user.id) });
    expect(outcome(anonymous)).toBe('UNAUTHENTICATED');
    expect(anonymous.data?.node.favorites).toBeNull();
    // The same query for one's own id passes: the refusal is about whose list it is.
    expect(outcome(await t.gql(query, { id: encodeId('User', carol.user.id) }, { token: carol.token }))).toBe('OK');
  });
});

describe('User.hostedActivities', () => {
  async function expectedHosted(includeDrafts: boolean) {
    const rows = await t.deps.db.activity.findMany({
      where: { organizerId: bob.user.id, ...(includeDrafts ? {} : { status: { not: 'DRAFT' } }) },
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map((row) => gid(row.id));
  }

  it('pages through published activities, soonest first, for anyone', async () => {
    const expected = await expectedHosted(false);
    expect(expected).toHaveLength(12);
    expect(expected).not.toEqual(published.map(gid));
    for (const caller of [carol.token, undefined]) {
      const { nodes, totalCount } = await pageThrough<{ id: string }>('hostedActivities', 'id', bob.user.id, caller, '', 5);
      expect(nodes.map((node) => node.id)).toEqual(expected);
      expect(totalCount).toBe(12);
    }
  });

  it('includes drafts for the organizer and admins only', async () => {
    const expected = await expectedHosted(true);
    expect(expected).toHaveLength(14);
    // The drafts start earliest, so they lead the list: a missing draft cannot hide at the end.
    expect(expected.slice(0, 2)).toEqual(bobsDrafts.map(gid));
    for (const caller of [bob.token, admin.token]) {
      const { nodes, totalCount } = await pageThrough<{ id: string }>('hostedActivities', 'id', bob.user.id, caller, '', 5);
      expect(nodes.map((node) => node.id)).toEqual(expected);
      expect(totalCount).toBe(14);
    }
  });
});

describe('page size', () => {
  it('refuses more than 100 a page on each new connection', async () => {
    for (const field of ['participations', 'favorites', 'hostedActivities']) {
      const result = await t.gql(`{ viewer { ${field}(first: 101) { edges { cursor } } } }`, {}, { token: alice.token });
      expect(outcome(result)).toBe('BAD_USER_INPUT');
      const fine = await t.gql(`{ viewer { ${field}(first: 100) { edges { cursor } } } }`, {}, { token: alice.token });
      expect(fine.errors).toBeUndefined();
    }
  });
});

describe('Query.activities totalCount', () => {
  const COUNT = 'query ($filter: ActivityFilter) { activities(filter: $filter, first: 1) { totalCount edges { cursor } } }';

  it('counts the matching rows the caller may see, not the page', async () => {
    const filter = { category: 'chess', organizerId: encodeId('User', bob.user.id) };
    const chess = await t.deps.db.activity.count({ where: { category: 'chess', organizerId: bob.user.id, status: { not: 'DRAFT' } } });
    expect(chess).toBe(4);
    const result = await t.gql<any>(COUNT, { filter }, { token: carol.token });
    expect(result.errors).toBeUndefined();
    expect(result.data.activities.edges).toHaveLength(1);
    expect(result.data.activities.totalCount).toBe(chess);
  });

  it('counts drafts only for those who may see them', async () => {
    const filter = { organizerId: encodeId('User', bob.user.id) };
    const asCarol = await t.gql<any>(COUNT, { filter }, { token: carol.token });
    const asBob = await t.gql<any>(COUNT, { filter }, { token: bob.token });
    expect(asCarol.data.activities.totalCount).toBe(12);
    expect(asBob.data.activities.totalCount).toBe(14);
    const everyone = await t.gql<any>(COUNT, {}, { token: admin.token });
    expect(everyone.data.activities.totalCount).toBe(await t.deps.db.activity.count());
  });
});

describe('participations by status', () => {
  it('lists seats and waiting-line places apart', async () => {
    const organizer = await t.createUser();
    const ana = await t.createUser();
    const full = await seedActivity(t, { organizerId: organizer.user.id, capacity: 1, ...openTimes() });
    const other = await seedActivity(t, { organizerId: organizer.user.id, ...openTimes() });
    const join = 'mutation ($id: ID!, $w: Boolean) { joinActivity(id: $id, waitlist: $w) { status } }';
    const seat = await t.createUser();
    expect((await t.gql(join, { id: encodeId('Activity', full.id) }, { token: seat.token })).data?.joinActivity.status).toBe('JOINED');
    expect((await t.gql(join, { id: encodeId('Activity', full.id), w: true }, { token: ana.token })).data?.joinActivity.status).toBe('WAITLISTED');
    expect((await t.gql(join, { id: encodeId('Activity', other.id) }, { token: ana.token })).data?.joinActivity.status).toBe('JOINED');
    const list = async (status?: string) => {
      const { data, errors } = await t.gql(
        `query ($id: ID!, $status: ParticipationStatus) { node(id: $id) { ... on User { participations(status: $status) { totalCount edges { node { status activity { id } } } } } } }`,
        { id: encodeId('User', ana.user.id), status },
      );
      expect(errors).toBeUndefined();
      return data!.node.participations as { totalCount: number; edges: Array<{ node: { status: string; activity: { id: string } } }> };
    };
    expect((await list('WAITLISTED')).edges.map((edge) => edge.node)).toEqual([{ status: 'WAITLISTED', activity: { id: encodeId('Activity', full.id) } }]);
    expect((await list('JOINED')).edges.map((edge) => edge.node)).toEqual([{ status: 'JOINED', activity: { id: encodeId('Activity', other.id) } }]);
    expect((await list()).totalCount).toBe(2);
  });
});
