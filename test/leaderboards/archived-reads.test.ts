import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { copyShard } from '../../src/modules/leaderboards/rollover-copy.js';
import { finishRollover } from '../../src/modules/leaderboards/rollover-finish.js';
import { prepareRollover } from '../../src/modules/leaderboards/rollover-prepare.js';
import { recordAward } from '../../src/modules/points/points.service.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { boardKeysPresent } from './rollover-support.js';

const SEASON = '2026-06';
const REF = `points/${SEASON}`;
let t: TestContext;
let players: Array<{ id: number; gid: string; token: string }> = [];
let idle: { id: number; gid: string; token: string };

beforeAll(async () => {
  t = await createTestContext();
  const created = await Promise.all(Array.from({ length: 13 }, () => t.createUser()));
  const all = created.map(({ user, token }) => ({ id: user.id, gid: encodeId('User', user.id), token }));
  idle = all[0]!;
  players = all.slice(1);
  // Totals of 10, 20 or 30 in an interleaved order, so most ranks are decided by who got there first.
  let key = 0;
  for (let round = 0; round < 3; round += 1) {
    for (const [index, player] of players.entries()) {
      if (index % 3 < round) continue;
      key += 1;
      await recordAward(t.deps, {
        userId: player.id,
        type: 'ADMIN_ADJUST',
        points: 10,
        idempotencyKey: `reads:${key}`,
        occurredAt: new Date(Date.UTC(2026, 5, 1 + round, 12, index)),
      });
    }
  }
});
afterAll(async () => {
  await t.cleanup();
});

const READS = `query Reads($season: ID!, $user: ID!, $ids: [ID!]!) {
  top: leaderboard(season: $season, first: 5) { season { id: periodId state } totalParticipants stale viewer { rank points } entries { rank points user { id } } }
  page: leaderboard(season: $season, first: 4, offset: 6) { totalParticipants entries { rank points user { id } } }
  around: leaderboardAround(season: $season, userId: $user, radius: 2) {
    totalParticipants standing { rank points } stale entries { rank points user { id } }
  }
  standings(season: $season, userIds: $ids) { stale standings { rank points user { id } } }
  myPoints(season: $season) { season { id: periodId } seasonTotal rank }
}`;

/** The reads a client would make of the season, as the viewer `as`, minus the season's state. */
async function reads(as: { token: string }): Promise<{ state: string; answers: Record<string, any> }> {
  const variables = { season: SEASON, user: players[7]!.gid, ids: [players[0]!.gid, idle.gid, players[11]!.gid, players[5]!.gid] };
  const { data, errors } = await t.gql(READS, variables, { token: as.token });
  expect(errors).toBeUndefined();
  const { season, ...top } = data!.top;
  return { state: season.state as string, answers: { ...data!, top } };
}

describe('reads of a season through its rollover', () => {
  it('answer the same from Redis while CURRENT and CLOSING, and from PostgreSQL once ARCHIVED', async () => {
    const viewer = players[4]!;
    const before = await reads(viewer);
    expect(before.state).toBe('CURRENT');
    expect(before.answers.top.totalParticipants).toBe(12);
    expect(before.answers.top.entries.map((entry: { points: number }) => entry.points)).toEqual([30, 30, 30, 30, 20]);
    expect(before.answers.myPoints).toMatchObject({ season: { id: SEASON }, seasonTotal: 20 });
    expect(before.answers.around.entries).toHaveLength(5);

    const plan = await prepareRollover(t.deps, { ref: REF, runKey: 'reads' });
    expect(plan).toMatchObject({ archived: false, members: 12, month: SEASON, order: 'DESC' });
    await copyShard(t.deps, { ref: REF, month: SEASON, order: 'DESC', fromRank: 1, toRank: 6, batchSize: 3 });
    const closing = await reads(viewer);
    expect(closing.state).toBe('CLOSING');
    expect(closing.answers).toEqual(before.answers);

    await copyShard(t.deps, { ref: REF, month: SEASON, order: 'DESC', fromRank: 7, toRank: 12, batchSize: 3 });
    await finishRollover(t.deps, { ref: REF });
    expect(await boardKeysPresent(t, REF)).toEqual(['sealed']);
    const after = await reads(viewer);
    expect(after.state).toBe('ARCHIVED');
    expect(after.answers).toEqual(before.answers);

    // A viewer without points in the season: no rank, never rank 0, before and after alike.
    expect((await reads(idle)).answers.top.viewer).toBeNull();
    expect((await reads(idle)).answers.myPoints).toEqual({ season: { id: SEASON }, seasonTotal: 0, rank: null });
    const { data } = await t.gql(`{ leaderboardAround(season: "${SEASON}", userId: "${idle.gid}") { standing { rank } entries { rank } } }`);
    expect(data!.leaderboardAround).toEqual({ standing: null, entries: [] });
  });
});
