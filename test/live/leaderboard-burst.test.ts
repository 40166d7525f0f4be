import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordAward } from '../../src/modules/points/points.service.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { record, settle, waitForOpenSubscriptions, waitUntil } from '../support/live-clients.js';
import {
  clientPool,
  currentSeasonId,
  LEADERBOARD,
  LEADERBOARD_CHANGED,
  MY_STANDING,
  nextNotices,
  player,
  sleep,
  STANDING_CHANGED,
  waitForLocalSubscribers,
  type Player,
} from './live-support.js';

let t: TestContext;
let url: string;
let players: Player[];
let keys = 0;
const clients = clientPool();
const season = currentSeasonId();
const executions = async () => (await t.deps.metrics.liveExecutions.get()).values[0]?.value ?? 0;

beforeAll(async () => {
  t = await createTestContext();
  url = (await t.startServer()).url;
  players = await Promise.all(Array.from({ length: 8 }, () => player(t)));
  // A board to start from: player i has 10·(i+1) points, so player 0 is last.
  await Promise.all(players.map((who, index) => give(who, 10 * (index + 1))));
});
afterAll(async () => {
  await clients.dispose();
  await t.cleanup();
});

/** An uncapped award, now, straight through the points engine (as the mutation does). */
function give(who: Player, points: number) {
  return recordAward(t.deps, { userId: who.id, type: 'ADMIN_ADJUST', points, idempotencyKey: `burst-${(keys += 1)}`, occurredAt: new Date() });
}

it('turns a burst of 100 awards within one second into at most 5 events per subscription, the last one the final board', async () => {
  const last = players[0]!;
  const recordings = [
    record(clients.ws(url), LEADERBOARD_CHANGED, { first: 5 }),
    record(clients.sse(url), LEADERBOARD_CHANGED, { first: 5 }),
    record(clients.ws(url, last.token), MY_STANDING),
    record(clients.sse(url, last.token), MY_STANDING),
    record(clients.ws(url), STANDING_CHANGED, { userId: last.gid }),
  ];
  await waitForOpenSubscriptions(t.deps.metrics, { ws: 3, sse: 2 });
  // The shared leaderboardChanged stream and the StandingWatcher each follow the season once.
  await waitForLocalSubscribers(t.deps, 'leaderboard:changed', `points/${season}`, 2);
  await waitUntil(() => t.deps.standings.stats().listeners === 2);

  const started = Date.now();
  await Promise.all(Array.from({ length: 100 }, (_, i) => give(players[i % players.length]!, 1 + ((i * 7) % 5))));
  const elapsed = Date.now() - started;
  await Promise.all(recordings.map((recording) => recording.waitFor(1)));
  await settle(recordings);

  const board = await t.gql(LEADERBOARD, { first: 5 });
  const standing = await t.gql('query ($ids: [ID!]!) { standings(userIds: $ids) { standings { rank points } } }', { ids: [last.gid] });
  const finalStanding = standing.data!.standings.standings[0];
  // The first event goes out at once, then at most one per 250 ms window while the burst lasts.
  const allowed = 1 + Math.ceil(elapsed / 250);
  for (const recording of recordings) {
    expect(recording.errors).toEqual([]);
    expect(recording.results.length).toBeLessThanOrEqual(allowed);
    if (elapsed <= 1_000) expect(recording.results.length).toBeLessThanOrEqual(5);
  }
  const lastOf = (index: number) => recordings[index]!.results.at(-1).data;
  for (const index of [0, 1]) expect(lastOf(index).leaderboardChanged.entries).toEqual(board.data!.leaderboard.entries);
  for (const index of [2, 3]) expect(lastOf(index).myStanding).toEqual(finalStanding);
  expect(lastOf(4).standingChanged).toEqual(finalStanding);

  for (const recording of recordings) recording.unsubscribe();
  await waitForLocalSubscribers(t.deps, 'leaderboard:changed', `points/${season}`, 0);
});

it('sends nothing when an award leaves the requested top N and the watched standing as they were', async () => {
  const ranked = (await t.gql(LEADERBOARD, { first: 8 })).data!.leaderboard.entries as Array<{ user: { id: string } }>;
  const [leader, , third] = ranked.map((entry) => players.find((who) => who.gid === entry.user.id)!);
  const bottom = players.find((who) => who.gid === ranked.at(-1)!.user.id)!;
  const top = record(clients.ws(url), LEADERBOARD_CHANGED, { first: 2 });
  const leaderStanding = record(clients.ws(url), STANDING_CHANGED, { userId: leader!.gid });
  await waitForOpenSubscriptions(t.deps.metrics, { ws: 2 });
  await waitForLocalSubscribers(t.deps, 'leaderboard:changed', `points/${season}`, 2);

  // Sentinel: the third overtakes everyone, which both subscriptions must see. The pipe is live.
  await give(third!, 1_000);
  await top.waitFor(1);
  await leaderStanding.waitFor(1);
  expect(leaderStanding.results[0].data.standingChanged.rank).toBe(2);
  await settle([top, leaderStanding], 300);
  const seen = { top: top.results.length, leader: leaderStanding.results.length, executions: await executions() };

  // The last one gains a point and stays last: announced, read once, and sent to nobody.
  const notice = await nextNotices(t.deps, 'leaderboard:changed', `points/${season}`);
  await give(bottom, 1);
  await notice.done;
  await sleep(700);
  expect({ top: top.results.length, leader: leaderStanding.results.length, executions: await executions() }).toEqual(seen);

  // And the next real change still arrives.
  await give(leader!, 2_000);
  await top.waitFor(seen.top + 1);
  expect(top.results.at(-1).data.leaderboardChanged.entries.map((entry: { user: { id: string } }) => entry.user.id)).toEqual([leader!.gid, third!.gid]);
  top.unsubscribe();
  leaderStanding.unsubscribe();
  await waitForLocalSubscribers(t.deps, 'leaderboard:changed', `points/${season}`, 0);
});
