import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { syncPendingStandings } from '../../src/modules/leaderboards/board-sync.js';
import { getStandings } from '../../src/modules/leaderboards/leaderboards.service.js';
import { resolveBoardArgs } from '../../src/modules/leaderboards/board-args.js';
import { postgresBoard } from '../../src/modules/leaderboards/postgres-board.js';
import { seasonIdAt } from '../../src/lib/calendar.js';
import { recordAward } from '../../src/modules/points/points.service.js';
import type { Redis } from 'ioredis';
import { createTestContext, type TestContext } from '../support/harness.js';
import { IN_CLUSTER, keysMatching } from '../support/redis-target.js';

const SEASON = '2026-08';
const REF = `points/${SEASON}`;
let t: TestContext;
let keyCounter = 0;
type Player = { id: number; token: string; gid: string };
let a: Player, b: Player, c: Player, idle: Player;

async function player(name: string): Promise<Player> {
  const { user, token } = await t.createUser({ handle: `${name}_${Date.now() % 100000}` });
  return { id: user.id, token, gid: encodeId('User', user.id) };
}

/** An uncapped award at a fixed time in the test season. */
function give(who: Player, points: number) {
  keyCounter += 1;
  return recordAward(t.deps, {
    userId: who.id,
    type: 'ADMIN_ADJUST',
    points,
    idempotencyKey: `test:${keyCounter}`,
    occurredAt: new Date(Date.UTC(2026, 7, 10, 12, keyCounter)),
  });
}

const LEADERBOARD = `query Board($season: ID, $first: Int, $offset: Int) {
  leaderboard(season: $season, first: $first, offset: $offset) {
    season { id: periodId state } totalParticipants stale viewer { rank points }
    entries { rank points user { id handle } }
  }
}`;

const ranking = (entries: Array<{ rank: number; points: number; user: { id: string } }>) =>
  entries.map((entry) => [entry.rank, entry.user.id, entry.points]);

beforeAll(async () => {
  t = await createTestContext();
  [a, b, c, idle] = await Promise.all([player('alice'), player('bob'), player('carol'), player('idle')]);
  // Bob leads with 40, Alice overtakes with 50, then Bob reaches 50 too: Alice got there first.
  await give(b, 40);
  await give(a, 50);
  await give(b, 10);
  await give(c, 30);
});
afterAll(async () => {
  await t.cleanup();
});

describe('leaderboard', () => {
  it('orders equal totals by who reached them first', async () => {
    const { data, errors } = await t.gql(LEADERBOARD, { season: SEASON }, { token: a.token });
    expect(errors).toBeUndefined();
    expect(ranking(data!.leaderboard.entries)).toEqual([[1, a.gid, 50], [2, b.gid, 50], [3, c.gid, 30]]);
    expect(data!.leaderboard).toMatchObject({ season: { id: SEASON }, totalParticipants: 3, stale: false, viewer: { rank: 1, points: 50 } });
  });

  it('keeps that order while neither changes, through other changes, a rebuild and the PostgreSQL fallback', async () => {
    await give(c, 20);
    await give(c, 30);
    await give(idle, 10);
    await give(idle, -10);
    let { data } = await t.gql(LEADERBOARD, { season: SEASON });
    expect(ranking(data!.leaderboard.entries)).toEqual([[1, c.gid, 80], [2, a.gid, 50], [3, b.gid, 50]]);

    // Rebuild the board from PostgreSQL as if Redis had lost everything.
    await syncPendingStandings(t.deps);
    const keys = await keysMatching(t.deps.redis, `${t.deps.keys.prefix}:{lb:${REF}}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await t.deps.redis.del(...keys);
    expect(await syncPendingStandings(t.deps)).toMatchObject({ rebuilt: [REF], applied: 4 });
    ({ data } = await t.gql(LEADERBOARD, { season: SEASON }));
    expect(ranking(data!.leaderboard.entries)).toEqual([[1, c.gid, 80], [2, a.gid, 50], [3, b.gid, 50]]);

    const { target } = await resolveBoardArgs(t.deps, { season: SEASON });
    const fromPostgres = await postgresBoard(t.deps).page(target, { offset: 0, limit: 10, viewerId: b.id, rankMode: 'ORDINAL' });
    expect(fromPostgres.entries.map((entry) => [entry.rank, entry.userId, entry.score])).toEqual([[1, c.id, 80], [2, a.id, 50], [3, b.id, 50]]);
    expect(fromPostgres.viewer).toMatchObject({ userId: b.id, rank: 3, position: 3, score: 50 });
  });

  it('leaves a zero total off the board and gives its viewer null, never rank 0', async () => {
    const { data } = await t.gql(LEADERBOARD, { season: SEASON }, { token: idle.token });
    expect(data!.leaderboard.totalParticipants).toBe(3);
    expect(data!.leaderboard.viewer).toBeNull();
    expect((await t.gql(LEADERBOARD, { season: SEASON })).data!.leaderboard.viewer).toBeNull();
  });

  it('pages with offset and first', async () => {
    const { data } = await t.gql(LEADERBOARD, { season: SEASON, first: 1, offset: 2 });
    expect(ranking(data!.leaderboard.entries)).toEqual([[3, b.gid, 50]]);
    const empty = await t.gql(LEADERBOARD, { season: SEASON, first: 0 });
    expect(empty.data!.leaderboard).toMatchObject({ entries: [], totalParticipants: 3 });
  });

  it('rejects first above 100 and negative paging, malformed seasons, and unknown seasons', async () => {
    const code = async (variables: Record<string, unknown>) => (await t.gql(LEADERBOARD, variables)).errors?.[0]?.extensions?.code;
    expect(await code({ season: SEASON, first: 101 })).toBe('BAD_USER_INPUT');
    expect(await code({ season: SEASON, first: -1 })).toBe('BAD_USER_INPUT');
    expect(await code({ season: SEASON, offset: -5 })).toBe('BAD_USER_INPUT');
    expect(await code({ season: '2026-13' })).toBe('BAD_USER_INPUT');
    expect(await code({ season: "'; DROP TABLE seasons; --" })).toBe('BAD_USER_INPUT');
    expect(await code({ season: '2019-01' })).toBe('NOT_FOUND');
    expect(await code({ season: SEASON, first: 100 })).toBeUndefined();
  });

  it('loads the users of a page with one query, then from memory', async () => {
    for (const who of [a, b, c, idle]) t.deps.userCache.delete(who.id);
    const findMany = vi.spyOn(t.deps.db.user, 'findMany');
    const findUnique = vi.spyOn(t.deps.db.user, 'findUnique');
    try {
      const { data } = await t.gql(LEADERBOARD, { season: SEASON, first: 100 });
      expect(data!.leaderboard.entries).toHaveLength(3);
      expect(findMany).toHaveBeenCalledTimes(1);
      const again = await t.gql(LEADERBOARD, { season: SEASON, first: 100 });
      expect(again.data!.leaderboard.entries).toEqual(data!.leaderboard.entries);
      expect(findMany).toHaveBeenCalledTimes(1);
      expect(findUnique).not.toHaveBeenCalled();
    } finally {
      findMany.mockRestore();
      findUnique.mockRestore();
    }
  });

  it('defaults to the current season', async () => {
    const { data } = await t.gql(`{ leaderboard { season { id: periodId state } totalParticipants } currentSeason { id: periodId state endsAt nextResetAt }
      seasons { id: periodId } }`);
    const current = seasonIdAt(new Date(), 'UTC');
    expect(data!.leaderboard).toEqual({ season: { id: current, state: 'CURRENT' }, totalParticipants: 0 });
    expect(data!.currentSeason.id).toBe(current);
    expect(data!.currentSeason.nextResetAt).toBe(data!.currentSeason.endsAt);
    expect(data!.seasons.map((season: { id: string }) => season.id)).toEqual([current, SEASON].sort().reverse());
  });
});

describe('leaderboardAround', () => {
  const AROUND = `query Around($userId: ID, $radius: Int) {
    leaderboardAround(userId: $userId, season: "${SEASON}", radius: $radius) {
      standing { rank points } totalParticipants stale entries { rank points user { id } }
    }
  }`;

  it('returns the user and up to radius entries above and below, defaulting to the viewer', async () => {
    const around = await t.gql(AROUND, { userId: a.gid, radius: 1 });
    expect(ranking(around.data!.leaderboardAround.entries)).toEqual([[1, c.gid, 80], [2, a.gid, 50], [3, b.gid, 50]]);
    expect(around.data!.leaderboardAround.standing).toEqual({ rank: 2, points: 50 });
    const mine = await t.gql(AROUND, { radius: 5 }, { token: c.token });
    expect(mine.data!.leaderboardAround).toMatchObject({ standing: { rank: 1 }, totalParticipants: 3 });
    expect(mine.data!.leaderboardAround.entries).toHaveLength(3);
  });

  it('is empty for a user without points, needs someone to centre on, and bounds the radius', async () => {
    expect((await t.gql(AROUND, { userId: idle.gid })).data!.leaderboardAround).toMatchObject({ standing: null, entries: [] });
    expect((await t.gql(AROUND, {})).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await t.gql(AROUND, { userId: a.gid, radius: 51 })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('standings', () => {
  const STANDINGS = `query Standings($ids: [ID!]!) {
    standings(userIds: $ids, season: "${SEASON}") { stale standings { rank points user { id } } }
  }`;

  it('ranks many users at once, in the order asked, leaving out unknown users', async () => {
    const ids = [b.gid, idle.gid, encodeId('User', 987_654), a.gid, b.gid];
    const { data, errors } = await t.gql(STANDINGS, { ids });
    expect(errors).toBeUndefined();
    expect(data!.standings.standings).toEqual([
      { rank: 3, points: 50, user: { id: b.gid } },
      { rank: null, points: 0, user: { id: idle.gid } },
      { rank: 2, points: 50, user: { id: a.gid } },
    ]);
  });

  // Counts writes on the one server's socket; a cluster client spreads them over a connection per node.
  it.skipIf(IN_CLUSTER)('reads up to 1,000 users in one Redis round trip, and refuses more', async () => {
    const userIds = Array.from({ length: 1_000 }, (_, index) => index + 1);
    const resolved = await resolveBoardArgs(t.deps, { season: SEASON });
    await getStandings(t.deps, { resolved, userIds: [a.id], rankMode: 'ORDINAL' });
    const writes = vi.spyOn((t.deps.redis as Redis).stream, 'write');
    try {
      const result = await getStandings(t.deps, { resolved, userIds, rankMode: 'ORDINAL' });
      expect(result.standings).toHaveLength(1_000);
      expect(writes).toHaveBeenCalledTimes(1);
    } finally {
      writes.mockRestore();
    }
    const tooMany = Array.from({ length: 1_001 }, (_, index) => encodeId('User', index + 1));
    expect((await t.gql(STANDINGS, { ids: tooMany })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
