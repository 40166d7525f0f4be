import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hotCacheKey } from '../../src/modules/hot/hot-cache.js';
import { recomputeHotBoards } from '../../src/modules/hot/hot-recompute.js';
import { createTestContext, type PeerInstance, type TestContext } from '../support/harness.js';
import { activityGid, HOT_QUERY, insertActivities, type HotResult } from './hot-fixtures.js';

// Far longer than the test: a change can only reach instance B through `hot:changed`.
const TTL_MS = 60_000;
let t: TestContext;
let b: PeerInstance;
let organizerToken: string;
let ids: number[];

async function hotOn(url: string): Promise<HotResult> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: HOT_QUERY, variables: { first: 10 } }),
  });
  const body = (await response.json()) as { data?: { hotActivities: HotResult }; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!.hotActivities;
}
const titlesOf = (list: HotResult) => list.entries.map((entry) => entry.activity.title);

beforeAll(async () => {
  t = await createTestContext({ HOT_CACHE_TTL_MS: String(TTL_MS) });
  const organizer = await t.createUser();
  organizerToken = organizer.token;
  ids = await insertActivities(t, organizer.user.id, [
    { title: 'Alpha', joins: 30 },
    { title: 'Bravo', joins: 20 },
    { title: 'Charlie', joins: 10 },
  ]);
  await recomputeHotBoards(t.deps);
  await t.startServer();
  b = await t.startPeer();
});
afterAll(async () => {
  await t?.cleanup();
});

describe('local hot copies across instances', () => {
  it('preloads the global board when an API instance starts', () => {
    const preloaded = b.deps.hotCache.fresh(hotCacheKey(b.deps.config.hot.algorithm, null));
    expect(preloaded?.entries.map((entry) => entry.activityId)).toEqual(ids);
  });

  it('drops an activity cancelled on instance A from instance B within 1 s, long before the TTL', async () => {
    expect(titlesOf(await hotOn(b.url))).toEqual(['Alpha', 'Bravo', 'Charlie']);
    const cancelledAt = Date.now();
    const cancelled = await t.gql<{ cancelActivity: { status: string } }>(
      'mutation ($id: ID!) { cancelActivity(id: $id, reason: "rain") { status } }',
      { id: activityGid(ids[1]!) },
      { token: organizerToken },
    );
    expect(cancelled.data?.cancelActivity.status).toBe('CANCELLED');
    // The cancellation is made (committed) when A answers; from then on B has 1 s.
    const answeredAt = Date.now();
    let seen = await hotOn(b.url);
    while (titlesOf(seen).includes('Bravo') && Date.now() - answeredAt < 5_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen = await hotOn(b.url);
    }
    const elapsed = Date.now() - answeredAt;
    process.stdout.write(
      `hot-cache-sync: cancelActivity on A took ${answeredAt - cancelledAt} ms; gone from B ${elapsed} ms after it answered (TTL ${TTL_MS} ms)\n`,
    );
    expect(titlesOf(seen)).toEqual(['Alpha', 'Charlie']);
    expect(elapsed).toBeLessThan(1_000);
  });
});
