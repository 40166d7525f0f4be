import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { recomputeHotBoards } from '../../src/modules/hot/hot-recompute.js';
import { refreshActivityHeat } from '../../src/modules/hot/hot-refresh.js';
import { JOIN, openTimes, outcome } from '../activities/support.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { record, type Recording, settle, waitForOpenSubscriptions } from '../support/live-clients.js';
import { clientPool, nextNotices, player, sleep, waitForLocalSubscribers, type Player } from './live-support.js';

const HOT_CHANGED = `subscription ($first: Int, $category: String) {
  hotActivitiesChanged(first: $first, category: $category) { category entries { rank activity { id title } } }
}`;

let t: TestContext;
let url: string;
let organizer: Player;
const clients = clientPool();
const ids: Record<string, number> = {};
const gid = (title: string) => encodeId('Activity', ids[title]!);
const titlesOf = (recording: Recording, index = -1) =>
  recording.results.at(index).data.hotActivitiesChanged.entries.map((entry: { activity: { title: string } }) => entry.activity.title);

beforeAll(async () => {
  t = await createTestContext();
  url = (await t.startServer()).url;
  organizer = await player(t);
  // reddit heat = log10(max(s,1)) + publication term; one publication time for all, so s decides, then the lower id.
  const publishedAt = new Date(Date.now() - 3_600_000);
  const specs = [
    { title: 'Alpha', category: 'running', participantCount: 10 },
    { title: 'Beta', category: 'running', participantCount: 10 },
    { title: 'Chess club', category: 'chess', participantCount: 5 },
    { title: 'Gamma', category: 'running', participantCount: 3 },
    { title: 'Delta', category: 'running', participantCount: 1 },
  ];
  for (const spec of specs) {
    const activity = await t.deps.db.activity.create({
      data: { ...spec, ...openTimes(), organizerId: organizer.id, status: 'SIGNUP_OPEN', publishedAt },
    });
    ids[spec.title] = activity.id;
  }
  await recomputeHotBoards(t.deps);
});
afterAll(async () => {
  await clients.dispose();
  await t.cleanup();
});

async function join(title: string) {
  const member = await player(t);
  expect(outcome(await t.gql(JOIN, { id: gid(title) }, { token: member.token }))).toBe('OK');
}

describe('hotActivitiesChanged', () => {
  it('sends the new list when a join changes the order of the top N, and nothing when an interaction leaves it as it was', async () => {
    const global = record(clients.ws(url), HOT_CHANGED, { first: 2 });
    const running = record(clients.sse(url), HOT_CHANGED, { first: 2, category: 'running' });
    const chess = record(clients.ws(url), HOT_CHANGED, { category: 'chess' });
    await waitForOpenSubscriptions(t.deps.metrics, { ws: 2, sse: 1 });
    for (const scope of ['global', 'category:running', 'category:chess']) await waitForLocalSubscribers(t.deps, 'hot:changed', scope, 1);

    // Beta (10 joins, behind Alpha on the tie) gets an 11th: the order of the top 2 changes. This is also the sentinel.
    await join('Beta');
    await global.waitFor(1);
    await running.waitFor(1);
    expect(titlesOf(global)).toEqual(['Beta', 'Alpha']);
    expect(running.results[0]).toEqual({
      data: {
        hotActivitiesChanged: {
          category: 'running',
          entries: [
            { rank: 1, activity: { id: gid('Beta'), title: 'Beta' } },
            { rank: 2, activity: { id: gid('Alpha'), title: 'Alpha' } },
          ],
        },
      },
    });
    await settle([global, running, chess], 300);
    const seen = [global, running, chess].map((recording) => recording.results.length);

    // Delta's join moves its score (announced on both of its boards) but not the top 2 of either.
    const notices = await nextNotices(t.deps, 'hot:changed', 'category:running');
    await join('Delta');
    expect(await notices.done).toEqual([expect.objectContaining({ board: 'category:running' })]);
    await sleep(700);
    expect([global, running, chess].map((recording) => recording.results.length)).toEqual(seen);
    // Nothing in chess changed at any point.
    expect(chess.results).toEqual([]);
    for (const recording of [global, running, chess]) recording.unsubscribe();
    await waitForLocalSubscribers(t.deps, 'hot:changed', 'global', 0);
  });

  it('drops a cancelled activity from the list, while activityChanged tells its subscribers it is CANCELLED', async () => {
    const global = record(clients.ws(url), HOT_CHANGED, { first: 2 });
    const changed = record(clients.ws(url), 'subscription ($id: ID!) { activityChanged(id: $id) { status } }', { id: gid('Beta') });
    await waitForOpenSubscriptions(t.deps.metrics, { ws: 2 });
    await waitForLocalSubscribers(t.deps, 'hot:changed', 'global', 1);
    await waitForLocalSubscribers(t.deps, 'activity:changed', ids.Beta!, 1);

    const cancelled = await t.gql('mutation ($id: ID!) { cancelActivity(id: $id, reason: "Flooded") { status } }', { id: gid('Beta') }, { token: organizer.token });
    expect(cancelled.data!.cancelActivity.status).toBe('CANCELLED');
    await global.waitFor(1);
    expect(titlesOf(global)).toEqual(['Alpha', 'Chess club']);
    await changed.waitFor(1);
    expect(changed.results.at(-1)).toEqual({ data: { activityChanged: { status: 'CANCELLED' } } });
    global.unsubscribe();
    changed.unsubscribe();
    await waitForLocalSubscribers(t.deps, 'hot:changed', 'global', 0);
  });

  it("shows each viewer their own viewerHasJoined: such a selection is executed per viewer", async () => {
    const member = await player(t);
    expect(outcome(await t.gql(JOIN, { id: gid('Gamma') }, { token: member.token }))).toBe('OK');
    const query = 'subscription { hotActivitiesChanged(first: 2) { entries { activity { title viewerHasJoined } } } }';
    const mine = record(clients.ws(url, member.token), query);
    const anonymous = record(clients.ws(url), query);
    await waitForOpenSubscriptions(t.deps.metrics, { ws: 2 });
    await waitForLocalSubscribers(t.deps, 'hot:changed', 'global', 2);

    // Two more joins put Gamma (4) ahead of the chess club (5; ahead on a tie by its lower id), into the top 2.
    await join('Gamma');
    await join('Gamma');
    const [forMember] = await mine.waitFor(1);
    const [forAnonymous] = await anonymous.waitFor(1);
    expect(forMember.data.hotActivitiesChanged.entries[1].activity).toEqual({ title: 'Gamma', viewerHasJoined: true });
    expect(forAnonymous.data.hotActivitiesChanged.entries[1].activity).toEqual({ title: 'Gamma', viewerHasJoined: false });
    mine.unsubscribe();
    anonymous.unsubscribe();
    await waitForLocalSubscribers(t.deps, 'hot:changed', 'global', 0);
  });
});

describe('hot:changed', () => {
  it('announces a board only when its contents changed, and every board after a recompute', async () => {
    const notices = await nextNotices(t.deps, 'hot:changed', 'global', 2);
    // Re-scoring an unchanged activity writes the same score: nothing to announce.
    await refreshActivityHeat(t.deps, ids.Alpha!);
    await t.deps.db.activity.update({ where: { id: ids.Gamma! }, data: { favoriteCount: { increment: 2 } } });
    await refreshActivityHeat(t.deps, ids.Gamma!);
    // An end marker: one channel delivers in publish order, so anything the first refresh sent would come before it.
    await t.deps.pubsub.publish('hot:changed', 'global', { board: 'end of test', computedAt: 0 });
    expect((await notices.done).map((notice) => (notice as { board: string }).board)).toEqual(['global', 'end of test']);

    const after = await Promise.all(['global', 'category:running', 'category:chess'].map((scope) => nextNotices(t.deps, 'hot:changed', scope)));
    await recomputeHotBoards(t.deps);
    for (const notice of after) expect(await notice.done).toHaveLength(1);
  });
});
