import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { awardCheckIn, awardJoin } from '../../src/modules/points/activity-awards.js';
import { recordAward } from '../../src/modules/points/points.service.js';
import { periodIdAt } from '../../src/lib/periods.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { record, waitForOpenSubscriptions } from '../support/live-clients.js';
import { boardScore, pointsRef } from '../support/boards.js';
import { clientPool, player, waitForLocalSubscribers } from '../live/live-support.js';

let t: TestContext;
let url: string;
const clients = clientPool();
let keys = 0;

beforeAll(async () => {
  t = await createTestContext();
  url = (await t.startServer()).url;
  await t.deps.db.leaderboard.create({
    data: { key: 'weekly-checkins', title: 'Weekly check-ins', period: 'WEEKLY', source: 'POINTS', pointTypes: ['CHECK_IN'] },
  });
});
afterAll(async () => {
  await clients.dispose();
  await t.cleanup();
});

/** An activity of `category`, as awards refer to it (its status does not matter to the boards). */
async function activityIn(category: string): Promise<number> {
  const { user } = await t.createUser();
  const now = Date.now();
  const activity = await t.deps.db.activity.create({
    data: {
      title: `A ${category} meetup`,
      category,
      organizerId: user.id,
      signupStartsAt: new Date(now - 3_600_000),
      signupEndsAt: new Date(now + 3_600_000),
      startsAt: new Date(now + 7_200_000),
      endsAt: new Date(now + 10_800_000),
    },
  });
  return activity.id;
}

const weeklyRef = (at: Date) => `weekly-checkins/${periodIdAt('WEEKLY', at, 'UTC')}`;

describe('one award, every board it feeds', () => {
  it('puts a check-in on `points` and on a CHECK_IN-only weekly board; a join only on `points`', async () => {
    const ann = await player(t);
    const at = new Date();
    const season = periodIdAt('MONTHLY', at, 'UTC');
    const activityId = await activityIn('running');
    const checkIn = await awardCheckIn(t.deps, { userId: ann.id, activityId, participationId: 1, occurredAt: at });
    expect(checkIn.changes.map((change) => change.ref).sort()).toEqual([pointsRef(season), weeklyRef(at)].sort());
    await awardJoin(t.deps, { userId: ann.id, activityId, participationId: 1, occurredAt: at });
    expect(await boardScore(t.deps, pointsRef(season), ann.id)).toBe(30);
    expect(await boardScore(t.deps, weeklyRef(at), ann.id)).toBe(20);

    const { data, errors } = await t.gql(
      `query ($user: ID!) {
        points: leaderboard(userIds: [$user]) { board entries { score rank user { id } } }
        weekly: leaderboard(board: "weekly-checkins", userIds: [$user]) { board period { id } entries { score rank user { id } } }
      }`,
      { user: ann.gid },
    );
    expect(errors).toBeUndefined();
    expect(data!.points.entries).toEqual([{ score: 30, rank: expect.any(Number), user: { id: ann.gid } }]);
    expect(data!.weekly).toMatchObject({ board: 'weekly-checkins', period: { id: periodIdAt('WEEKLY', at, 'UTC') } });
    expect(data!.weekly.entries).toEqual([{ score: 20, rank: expect.any(Number), user: { id: ann.gid } }]);
  });

  it('feeds a category board only from activities of its category, and a tournament board only from its activity', async () => {
    await t.deps.db.leaderboard.create({ data: { key: 'running', title: 'Running', period: 'MONTHLY', source: 'POINTS', scope: 'CATEGORY', category: 'running' } });
    const race = await activityIn('running');
    const chess = await activityIn('chess');
    await t.deps.db.leaderboard.create({ data: { key: 'race-day', title: 'Race day', period: 'ALL_TIME', source: 'POINTS', scope: 'ACTIVITY', activityId: race } });
    const bea = await player(t);
    const at = new Date();
    const season = periodIdAt('MONTHLY', at, 'UTC');
    await awardCheckIn(t.deps, { userId: bea.id, activityId: race, participationId: 2, occurredAt: at });
    await awardCheckIn(t.deps, { userId: bea.id, activityId: chess, participationId: 3, occurredAt: at });
    expect(await boardScore(t.deps, `running/${season}`, bea.id)).toBe(20);
    expect(await boardScore(t.deps, 'race-day/all', bea.id)).toBe(20);
    expect(await boardScore(t.deps, pointsRef(season), bea.id)).toBe(40);
  });

  it('keeps every board equal to PostgreSQL under concurrent awards to many boards', async () => {
    const users = await Promise.all(Array.from({ length: 8 }, () => player(t)));
    const at = new Date();
    const activityId = await activityIn('running');
    await Promise.all(
      users.flatMap((user, index) => [
        awardCheckIn(t.deps, { userId: user.id, activityId, participationId: 100 + index, occurredAt: at }),
        recordAward(t.deps, { userId: user.id, type: 'ADMIN_ADJUST', points: index + 1, idempotencyKey: `mb:${(keys += 1)}`, occurredAt: at }),
      ]),
    );
    const standings = await t.deps.db.boardStanding.findMany({ where: { userId: { in: users.map((user) => user.id) } } });
    expect(standings.length).toBe(users.length * 3); // points, weekly-checkins, running
    for (const standing of standings) {
      expect(await boardScore(t.deps, standing.periodRef, standing.userId)).toBe(Number(standing.score));
    }
  });
});

describe('reads of other boards', () => {
  const code = async (query: string) => (await t.gql(query)).errors?.[0]?.extensions?.code;

  it('answers NOT_FOUND for an unknown board and BAD_USER_INPUT for a malformed key or period', async () => {
    expect(await code('{ leaderboard(board: "no-such-board") { totalParticipants } }')).toBe('NOT_FOUND');
    expect(await code('{ leaderboard(board: "Not A Key!") { totalParticipants } }')).toBe('BAD_USER_INPUT');
    expect(await code('{ leaderboard(board: "weekly-checkins", period: "2026-11") { totalParticipants } }')).toBe('BAD_USER_INPUT');
    expect(await code('{ leaderboard(board: "weekly-checkins", period: "2026-W54") { totalParticipants } }')).toBe('BAD_USER_INPUT');
    expect(await code('{ leaderboard(board: "weekly-checkins", period: "2019-W01") { totalParticipants } }')).toBe('NOT_FOUND');
    expect(await code('{ leaderboard(board: "weekly-checkins", season: "2026-11") { totalParticipants } }')).toBe('BAD_USER_INPUT');
    expect(await code('{ leaderboard(period: "2026-11", season: "2026-11") { totalParticipants } }')).toBe('BAD_USER_INPUT');
    expect(await code('{ leaderboard(after: "bm90LWEtY3Vyc29y") { totalParticipants } }')).toBe('BAD_USER_INPUT');
    expect(await code('{ leaderboard(after: "x", offset: 3) { totalParticipants } }')).toBe('BAD_USER_INPUT');
  });

  it('delivers leaderboardChanged(board: "weekly-checkins") over graphql-ws and SSE', async () => {
    const query = `subscription { leaderboardChanged(board: "weekly-checkins", first: 100) { board entries { score user { id } } } }`;
    const overWs = record(clients.ws(url), query);
    const overSse = record(clients.sse(url), query);
    await waitForOpenSubscriptions(t.deps.metrics, { ws: 1, sse: 1 });
    await waitForLocalSubscribers(t.deps, 'leaderboard:changed', weeklyRef(new Date()), 1);
    const cai = await player(t);
    await awardCheckIn(t.deps, { userId: cai.id, activityId: await activityIn('yoga'), participationId: 9, occurredAt: new Date() });
    for (const recording of [overWs, overSse]) {
      const [first] = await recording.waitFor(1);
      expect(first.data.leaderboardChanged.board).toBe('weekly-checkins');
      expect(first.data.leaderboardChanged.entries).toContainEqual({ score: 20, user: { id: encodeId('User', cai.id) } });
    }
    overWs.unsubscribe();
    overSse.unsubscribe();
  });
});
