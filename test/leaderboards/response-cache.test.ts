import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seasonIdAt } from '../../src/lib/calendar.js';
import { encodeId } from '../../src/graphql/ids.js';
import { periodRef, POINTS_BOARD } from '../../src/modules/leaderboards/index.js';
import { recordAward } from '../../src/modules/points/points.service.js';
import { createTestContext, type PeerInstance, type TestContext } from '../support/harness.js';
import { waitFor } from '../support/wait.js';
import { numsub } from '../support/redis-target.js';

let t: TestContext;
let peer: PeerInstance;
beforeAll(async () => {
  t = await createTestContext({ RESPONSE_CACHE_MAX_ENTRIES: '1000' });
  peer = await t.startPeer();
});
afterAll(() => t?.cleanup());

const BOARD = '{ leaderboard(first: 10) { entries { score user { displayName } } } }';
type Board = { leaderboard: { entries: Array<{ score: number; user: { displayName: string } }> } };
const board = async (token?: string) => (await t.gql<Board>(BOARD, {}, token ? { token } : {})).data!.leaderboard.entries;
const names = async (token?: string) => (await board(token)).map((entry) => entry.user.displayName);
let award = 0;
const give = (deps: TestContext['deps'], userId: number, points: number) =>
  recordAward(deps, { userId, type: 'ADMIN_ADJUST', points, idempotencyKey: `rc:${(award += 1)}`, occurredAt: new Date() });

const currentRef = () => periodRef(POINTS_BOARD, seasonIdAt(new Date(), t.config.timeZone));

/**
 * Reads `read` until its answer can be stored: the first miss starts the
 * cache's follower of the period's notices, and no answer is stored before
 * Redis confirmed that subscription.
 */
async function prime(read: () => Promise<unknown>) {
  await read();
  const channel = `${t.config.redis.prefix}:events:leaderboard:changed:${currentRef()}`;
  await waitFor(async () => (await numsub(t.deps.redis, channel)) > 0, { what: 'the cache following the period' });
  return read();
}

/** Renames a user behind the application's back: no notice, and this instance's user cache forgets the old row. */
async function renameSilently(userId: number, displayName: string) {
  await t.deps.db.user.update({ where: { id: userId }, data: { displayName } });
  t.deps.userCache.delete(userId);
}

describe('the response cache of public board reads', () => {
  it('answers a repeated anonymous read from the cache until the board period announces a change, from any instance', async () => {
    const { user, token } = await t.createUser({ displayName: 'Cached' });
    await give(t.deps, user.id, 5);
    expect(await prime(names)).toContain('Cached');
    await renameSilently(user.id, 'Renamed');
    // Nothing announced the rename: the anonymous answer is the stored one, a signed-in read computes afresh.
    expect(await names()).toContain('Cached');
    expect(await names(token)).toContain('Renamed');
    const ref = currentRef();
    await peer.deps.pubsub.publish('leaderboard:changed', ref, { ref, userId: null });
    await waitFor(async () => (await names()).includes('Renamed'), { what: 'the cached answer dropped by the other instance\'s notice' });
  });

  it('shows this instance\'s own award at once, and another instance\'s once its notice arrives', async () => {
    const { user } = await t.createUser({ displayName: 'Climber' });
    await give(t.deps, user.id, 1);
    await prime(board);
    const before = (await board()).find((entry) => entry.user.displayName === 'Climber')?.score;
    await give(t.deps, user.id, 1_000);
    expect((await board()).find((entry) => entry.user.displayName === 'Climber')?.score).toBe((before ?? 0) + 1_000);
    await give(peer.deps, user.id, 1_000);
    await waitFor(async () => (await board()).find((entry) => entry.user.displayName === 'Climber')?.score === (before ?? 0) + 2_000, {
      what: 'the peer\'s award on this instance',
    });
  });

  it('never shares a signed-in answer: the viewer field is each viewer\'s own', async () => {
    const a = await t.createUser({ displayName: 'Viewer A' });
    const b = await t.createUser({ displayName: 'Viewer B' });
    await give(t.deps, a.user.id, 3);
    await give(t.deps, b.user.id, 4);
    const query = '{ leaderboard(first: 1) { viewer { score } } }';
    for (let i = 0; i < 2; i += 1) {
      expect((await t.gql(query, {}, { token: a.token })).data!.leaderboard.viewer?.score).toBeGreaterThanOrEqual(3);
      expect((await t.gql(query, {}, { token: b.token })).data!.leaderboard.viewer?.score).toBeGreaterThanOrEqual(4);
      expect((await t.gql(query)).data!.leaderboard.viewer).toBeNull();
    }
    const aScore = (await t.gql(query, {}, { token: a.token })).data!.leaderboard.viewer?.score as number;
    const bScore = (await t.gql(query, {}, { token: b.token })).data!.leaderboard.viewer?.score as number;
    expect(bScore - aScore).toBe(1);
  });

  it('keeps a signed-in answer per viewer, and still checks the token on every request', async () => {
    const { user, token } = await t.createUser({ displayName: 'Signed in' });
    await give(t.deps, user.id, 11);
    const around = '{ leaderboardAround(radius: 50) { standing { score } entries { user { displayName } } } }';
    const aroundNames = async (bearer: string) =>
      (await t.gql<{ leaderboardAround: { entries: Array<{ user: { displayName: string } }> } }>(around, {}, { token: bearer })).data!.leaderboardAround.entries.map(
        (entry) => entry.user.displayName,
      );
    expect(await prime(() => aroundNames(token))).toContain('Signed in');
    await renameSilently(user.id, 'Signed in, renamed');
    expect(await aroundNames(token)).toContain('Signed in');
    const tampered = await t.gql(around, {}, { token: `${token.slice(0, -2)}xx` });
    expect(tampered.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('keeps standings of a set of users until their period announces a change', async () => {
    const { user } = await t.createUser({ displayName: 'Standing' });
    await give(t.deps, user.id, 13);
    const query = `{ standings(userIds: ["${encodeId('User', user.id)}"]) { standings { score user { displayName } } } }`;
    const shown = async () =>
      (await t.gql<{ standings: { standings: Array<{ user: { displayName: string } }> } }>(query)).data!.standings.standings.map((row) => row.user.displayName);
    expect(await prime(shown)).toEqual(['Standing']);
    await renameSilently(user.id, 'Standing, renamed');
    expect(await shown()).toEqual(['Standing']);
    const ref = currentRef();
    await peer.deps.pubsub.publish('leaderboard:changed', ref, { ref, userId: user.id });
    await waitFor(async () => (await shown())[0] === 'Standing, renamed', { what: 'the standings answer dropped by the notice' });
  });

  it('drops every answer when this instance changes a user\'s profile', async () => {
    const { user, token } = await t.createUser({ displayName: 'Old name' });
    await give(t.deps, user.id, 7);
    expect(await prime(names)).toContain('Old name');
    const renamed = await t.gql('mutation { updateProfile(input: { displayName: "New name" }) { displayName } }', {}, { token });
    expect(renamed.errors).toBeUndefined();
    expect(await names()).toContain('New name');
  });

  it('does not store answers of operations that select other root fields', async () => {
    const { user, token } = await t.createUser({ displayName: 'Mixed' });
    await give(t.deps, user.id, 9);
    const mixed = '{ seasons { id } leaderboard(first: 50) { entries { user { displayName } } } }';
    const shown = async () => ((await t.gql<Board>(mixed)).data!.leaderboard.entries.map((entry) => entry.user.displayName));
    expect(await prime(shown)).toContain('Mixed');
    await renameSilently(user.id, 'Mixed again');
    expect(await shown()).toContain('Mixed again');
    expect(await names(token)).toContain('Mixed again');
  });
});
