import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { createTestContext, type GraphQLResponse, type TestContext } from '../support/harness.js';

let t: TestContext;
let alice: { id: number; token: string };
let bob: { id: number; token: string };
let aliceIds: number[];
let bobIds: number[];

const PAGE = `query ($first: Int, $after: String, $unreadOnly: Boolean) {
  notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
    edges { cursor node { id kind title body readAt createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const COUNT = '{ unreadNotificationCount }';
const MARK = 'mutation ($ids: [ID!], $all: Boolean) { markNotificationsRead(ids: $ids, all: $all) }';

/** `count` SEASON_ENDED notifications for a user, oldest first; returns their ids. */
async function seed(userId: number, count: number, label: string): Promise<number[]> {
  await t.deps.db.notification.createMany({
    data: Array.from({ length: count }, (_, index) => ({
      userId,
      kind: 'SEASON_ENDED' as const,
      dedupeKey: `${label}:${index}`,
      title: `${label} ${index}`,
      body: 'body',
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, index)),
    })),
  });
  const rows = await t.deps.db.notification.findMany({ where: { userId, dedupeKey: { startsWith: `${label}:` } }, orderBy: { id: 'asc' } });
  return rows.map((row) => row.id);
}

const gid = (id: number) => encodeId('Notification', id);
const code = (result: { errors?: Array<{ extensions?: { code?: string } }> }) => result.errors?.[0]?.extensions?.code ?? 'OK';
const unread = async (token: string) => (await t.gql(COUNT, {}, { token })).data?.unreadNotificationCount as number;

beforeAll(async () => {
  t = await createTestContext();
  const a = await t.createUser();
  const b = await t.createUser();
  alice = { id: a.user.id, token: a.token };
  bob = { id: b.user.id, token: b.token };
  aliceIds = await seed(alice.id, 25, 'a');
  bobIds = await seed(bob.id, 3, 'b');
});
afterAll(async () => {
  await t.cleanup();
});

describe('notifications', () => {
  it('pages through the viewer’s own notifications, newest first', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const result: GraphQLResponse = await t.gql(PAGE, { first: 10, after }, { token: alice.token });
      expect(result.errors).toBeUndefined();
      const connection: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } = result.data?.notifications;
      seen.push(...connection.edges.map((edge) => edge.node.id));
      pages += 1;
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...aliceIds].reverse().map(gid));
  });

  it('refuses more than 100 per page and a token-less caller', async () => {
    expect(code(await t.gql(PAGE, { first: 101 }, { token: alice.token }))).toBe('BAD_USER_INPUT');
    expect(code(await t.gql(PAGE, { first: 5 }))).toBe('UNAUTHENTICATED');
    expect(code(await t.gql(COUNT))).toBe('UNAUTHENTICATED');
    expect(code(await t.gql(MARK, { all: true }))).toBe('UNAUTHENTICATED');
  });

  it('counts unread ones and lists only those with unreadOnly', async () => {
    expect(await unread(alice.token)).toBe(25);
    expect(await unread(bob.token)).toBe(3);
    const marked = await t.gql(MARK, { ids: [gid(aliceIds[0]!), gid(aliceIds[1]!), gid(aliceIds[0]!)] }, { token: alice.token });
    expect(marked.data?.markNotificationsRead).toBe(2);
    // Marking read ones again marks nothing.
    expect((await t.gql(MARK, { ids: [gid(aliceIds[0]!)] }, { token: alice.token })).data?.markNotificationsRead).toBe(0);
    expect(await unread(alice.token)).toBe(23);

    const unreadPage = await t.gql(PAGE, { first: 100, unreadOnly: true }, { token: alice.token });
    const ids = unreadPage.data?.notifications.edges.map((edge: any) => edge.node.id);
    expect(ids).toEqual(aliceIds.slice(2).reverse().map(gid));
    const everything = await t.gql(PAGE, { first: 100 }, { token: alice.token });
    const read = everything.data?.notifications.edges.filter((edge: any) => edge.node.readAt !== null).map((edge: any) => edge.node.id);
    expect(read).toEqual([gid(aliceIds[1]!), gid(aliceIds[0]!)]);
  });

  it('answers NOT_FOUND for someone else’s notification and marks nothing of the list', async () => {
    const before = await unread(alice.token);
    const mixed = await t.gql(MARK, { ids: [gid(aliceIds[5]!), gid(bobIds[0]!)] }, { token: alice.token });
    expect(code(mixed)).toBe('NOT_FOUND');
    // The same answer as for an id that does not exist: nothing tells them apart.
    const missing = await t.gql(MARK, { ids: [gid(2_000_000_000)] }, { token: alice.token });
    expect(code(missing)).toBe('NOT_FOUND');
    expect(mixed.errors?.[0]?.message).toBe(missing.errors?.[0]?.message);
    expect(await unread(alice.token)).toBe(before);
    expect(await unread(bob.token)).toBe(3);
    expect(await t.deps.db.notification.count({ where: { id: { in: [aliceIds[5]!, bobIds[0]!] }, readAt: { not: null } } })).toBe(0);
    // Nor does node() show it.
    const node = await t.gql('query ($id: ID!) { node(id: $id) { id } }', { id: gid(bobIds[0]!) }, { token: alice.token });
    expect(node.data?.node).toBeNull();
    const own = await t.gql('query ($id: ID!) { node(id: $id) { id } }', { id: gid(bobIds[0]!) }, { token: bob.token });
    expect(own.data?.node).toEqual({ id: gid(bobIds[0]!) });
  });

  it('refuses bad input with BAD_USER_INPUT', async () => {
    expect(code(await t.gql(MARK, {}, { token: alice.token }))).toBe('BAD_USER_INPUT');
    expect(code(await t.gql(MARK, { ids: [], all: false }, { token: alice.token }))).toBe('BAD_USER_INPUT');
    expect(code(await t.gql(MARK, { ids: [gid(aliceIds[2]!)], all: true }, { token: alice.token }))).toBe('BAD_USER_INPUT');
    expect(code(await t.gql(MARK, { ids: ['garbage'] }, { token: alice.token }))).toBe('BAD_USER_INPUT');
    expect(code(await t.gql(MARK, { ids: [encodeId('Activity', aliceIds[2]!)] }, { token: alice.token }))).toBe('BAD_USER_INPUT');
    const tooMany = Array.from({ length: 101 }, (_, index) => gid(index + 1));
    expect(code(await t.gql(MARK, { ids: tooMany }, { token: alice.token }))).toBe('BAD_USER_INPUT');
    expect(await unread(alice.token)).toBe(23);
  });

  it('marks all of the viewer’s unread ones and no one else’s', async () => {
    expect((await t.gql(MARK, { all: true }, { token: alice.token })).data?.markNotificationsRead).toBe(23);
    expect(await unread(alice.token)).toBe(0);
    expect(await unread(bob.token)).toBe(3);
    const unreadPage = await t.gql(PAGE, { first: 10, unreadOnly: true }, { token: alice.token });
    expect(unreadPage.data?.notifications.edges).toEqual([]);
  });
});
