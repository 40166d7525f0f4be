import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { boardMember, sortScoreOf } from '../../src/modules/leaderboards/board-entry.js';
import { boardKeys } from '../../src/modules/leaderboards/board-keys.js';
import { recordAward } from '../../src/modules/points/points.service.js';
import { createTestContext, type TestContext } from '../support/harness.js';

const SEASON = '2026-08';
let t: TestContext;
let alice: { id: number; gid: string; token: string };
let bob: { id: number; gid: string; token: string };

async function player(): Promise<typeof alice> {
  const { user, token } = await t.createUser();
  return { id: user.id, gid: encodeId('User', user.id), token };
}

let keyCounter = 0;
function give(userId: number, points: number) {
  keyCounter += 1;
  return recordAward(t.deps, {
    userId,
    type: 'ADMIN_ADJUST',
    points,
    idempotencyKey: `foreign:${keyCounter}`,
    occurredAt: new Date(Date.UTC(2026, 7, 10, 12, keyCounter)),
  });
}

const LEADERBOARD = `query ($season: ID) {
  leaderboard(season: $season, first: 10) { stale totalParticipants entries { rank points user { id } } }
}`;
const AROUND = `query ($season: ID, $userId: ID) {
  leaderboardAround(season: $season, userId: $userId, radius: 5) { stale entries { points user { id } } standing { points } }
}`;
const STANDINGS = `query ($season: ID, $ids: [ID!]!) { standings(season: $season, userIds: $ids) { stale standings { points user { id } } } }`;

const foreignCount = async () => (await t.deps.metrics.leaderboardForeignMembers.get()).values[0]?.value ?? 0;

beforeAll(async () => {
  t = await createTestContext();
  alice = await player();
  bob = await player();
  await give(alice.id, 50);
  await give(bob.id, 30);
});
afterAll(() => t?.cleanup());

describe('a board member that is not a user', () => {
  it('is answered without it: the real users, stale: true', async () => {
    const before = await t.gql(LEADERBOARD, { season: SEASON });
    expect(before.errors).toBeUndefined();
    expect(before.data!.leaderboard.stale).toBe(false);

    const { board } = boardKeys(t.deps.keys, `points/${SEASON}`);
    // An unknown user id above everyone, a member that is no entry between Alice and Bob, an out-of-range id below.
    const score = (points: number) => sortScoreOf('DESC', points);
    await t.deps.redis.zadd(board, score(100), boardMember(1, 999999), score(40), 'not-a-user', score(10), `0000000000000002:${2 ** 40}`);
    const counted = await foreignCount();

    const page = await t.gql(LEADERBOARD, { season: SEASON });
    expect(page.errors).toBeUndefined();
    expect(page.data!.leaderboard.stale).toBe(true);
    expect(page.data!.leaderboard.entries.map((entry: { user: { id: string }; points: number }) => [entry.user.id, entry.points])).toEqual([
      [alice.gid, 50],
      [bob.gid, 30],
    ]);
    expect(await foreignCount()).toBe(counted + 3);

    const around = await t.gql(AROUND, { season: SEASON, userId: bob.gid });
    expect(around.errors).toBeUndefined();
    expect(around.data!.leaderboardAround.stale).toBe(true);
    expect(around.data!.leaderboardAround.entries.map((entry: { user: { id: string } }) => entry.user.id)).toEqual([alice.gid, bob.gid]);
    expect(around.data!.leaderboardAround.standing.points).toBe(30);

    const standings = await t.gql(STANDINGS, { season: SEASON, ids: [alice.gid, bob.gid, encodeId('User', 999999)] });
    expect(standings.errors).toBeUndefined();
    expect(standings.data!.standings.standings.map((row: { user: { id: string } }) => row.user.id)).toEqual([alice.gid, bob.gid]);
  });

  it('is gone after reconcile, and reads are no longer stale', async () => {
    const run = t.deps.jobHandlers.find((handler) => handler.name === 'leaderboard.reconcile')!;
    await run.process({ data: { seasonId: SEASON } } as never, t.deps);
    const page = await t.gql(LEADERBOARD, { season: SEASON });
    expect(page.errors).toBeUndefined();
    expect(page.data!.leaderboard.stale).toBe(false);
    expect(page.data!.leaderboard.totalParticipants).toBe(2);
    expect(page.data!.leaderboard.entries.map((entry: { rank: number }) => entry.rank)).toEqual([1, 2]);
  });
});
