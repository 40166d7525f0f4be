import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type PeerInstance, type TestContext } from '../support/harness.js';
import { record, type Recording, waitForOpenSubscriptions, waitUntil } from '../support/live-clients.js';
import {
  AWARD_POINTS,
  clientPool,
  currentSeasonId,
  LEADERBOARD_CHANGED,
  MY_STANDING,
  player,
  post,
  STANDING_CHANGED,
  waitForLocalSubscribers,
  type Player,
} from './live-support.js';

let t: TestContext;
let urlA: string;
let b: PeerInstance;
let admin: Player;
let keys = 0;
const clients = clientPool();
const season = currentSeasonId();

beforeAll(async () => {
  t = await createTestContext();
  urlA = (await t.startServer()).url;
  b = await t.startPeer();
  const created = await t.createUser({ role: 'ADMIN' });
  admin = { id: created.user.id, gid: '', token: created.token };
});
afterAll(async () => {
  await clients.dispose();
  await t.cleanup();
});

/** The code of the error a refused subscription ends with (a result carrying errors, then complete). */
async function errorCode(recording: Recording): Promise<string | undefined> {
  await waitUntil(() => recording.completed || recording.errors.length > 0);
  const errors = (recording.results[0]?.errors ?? recording.errors[0]) as Array<{ extensions?: { code?: string } }>;
  return errors[0]?.extensions?.code;
}

/** The `awardPoints` admin mutation, through instance A's HTTP endpoint. */
async function awardOnA(who: Player, points: number) {
  const result = await post(urlA, AWARD_POINTS, { userId: who.gid, points, key: `live-${(keys += 1)}` }, admin.token);
  expect(result.errors).toBeUndefined();
  return result.data.awardPoints.record.seasonTotal as number;
}

describe('leaderboardChanged across instances', () => {
  it('delivers an award made through instance A to subscribers on instance B, over graphql-ws and over SSE', async () => {
    const [ann, ben] = [await player(t), await player(t)];
    await awardOnA(ann, 30);
    const overWs = record(clients.ws(b.url), LEADERBOARD_CHANGED, { first: 3 });
    const overSse = record(clients.sse(b.url), LEADERBOARD_CHANGED, { first: 3 });
    await waitForOpenSubscriptions(b.deps.metrics, { ws: 1, sse: 1 });
    // One shared stream on B holds the topic; A has no subscriber and only publishes.
    await waitForLocalSubscribers(b.deps, 'leaderboard:changed', `points/${season}`, 1);
    expect(t.deps.pubsub.localSubscribers('leaderboard:changed', `points/${season}`)).toBe(0);

    await awardOnA(ben, 50);
    const expected = {
      data: {
        leaderboardChanged: {
          season: { id: season },
          entries: [
            { rank: 1, points: 50, user: { id: ben.gid } },
            { rank: 2, points: 30, user: { id: ann.gid } },
          ],
        },
      },
    };
    expect((await overWs.waitFor(1))[0]).toEqual(expected);
    expect((await overSse.waitFor(1))[0]).toEqual(expected);

    overWs.unsubscribe();
    overSse.unsubscribe();
    await waitForLocalSubscribers(b.deps, 'leaderboard:changed', `points/${season}`, 0);
    await waitForOpenSubscriptions(b.deps.metrics, { ws: 0, sse: 0 });
  });
});

describe('myStanding and standingChanged', () => {
  it("tells X their new, lower rank when Y overtakes them, though X's points did not change", async () => {
    const [x, y] = [await player(t), await player(t)];
    const xPoints = await awardOnA(x, 500);
    const mine = record(clients.ws(b.url, x.token), MY_STANDING);
    const mineOverSse = record(clients.sse(b.url, x.token), MY_STANDING);
    const watched = record(clients.ws(urlA), STANDING_CHANGED, { userId: x.gid });
    await waitForOpenSubscriptions(b.deps.metrics, { ws: 1, sse: 1 });
    await waitForOpenSubscriptions(t.deps.metrics, { ws: 1 });
    // Each instance's StandingWatcher follows the season's board once, for everyone it watches.
    await waitForLocalSubscribers(b.deps, 'leaderboard:changed', `points/${season}`, 1);
    await waitForLocalSubscribers(t.deps, 'leaderboard:changed', `points/${season}`, 1);
    // X's two subscriptions on B share one stream, so B watches X once.
    expect(b.deps.standings.stats()).toEqual({ scopes: 1, listeners: 1 });

    await awardOnA(y, 600);
    const expected = { rank: 2, points: xPoints };
    expect((await mine.waitFor(1))[0]).toEqual({ data: { myStanding: expected } });
    expect((await mineOverSse.waitFor(1))[0]).toEqual({ data: { myStanding: expected } });
    expect((await watched.waitFor(1))[0]).toEqual({ data: { standingChanged: expected } });

    // X's own award moves X back to the top, with the new total.
    await awardOnA(x, 200);
    await mine.waitFor(2);
    expect(mine.results[1]).toEqual({ data: { myStanding: { rank: 1, points: xPoints + 200 } } });
    await watched.waitFor(2);

    for (const recording of [mine, mineOverSse, watched]) recording.unsubscribe();
    await waitUntil(() => b.deps.standings.stats().listeners === 0 && t.deps.standings.stats().listeners === 0);
    await waitForLocalSubscribers(b.deps, 'leaderboard:changed', `points/${season}`, 0);
  });

  it('refuses myStanding without a token with UNAUTHENTICATED, over graphql-ws and over SSE', async () => {
    const overWs = record(clients.ws(b.url), MY_STANDING);
    const overSse = record(clients.sse(b.url), MY_STANDING);
    expect(await errorCode(overWs)).toBe('UNAUTHENTICATED');
    expect(await errorCode(overSse)).toBe('UNAUTHENTICATED');
    expect(overWs.completed && overSse.completed).toBe(true);
    expect(b.deps.standings.stats()).toEqual({ scopes: 0, listeners: 0 });
  });

  it('refuses standingChanged for an unknown user with NOT_FOUND', async () => {
    const recording = record(clients.ws(b.url), STANDING_CHANGED, { userId: 'VXNlcjo5OTk5OTk5' });
    expect(await errorCode(recording)).toBe('NOT_FOUND');
  });
});
