import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { numsub, record, settle, waitUntil } from '../support/live-clients.js';
import { fixtureEnv, killFixtures, PROCESS_WAIT_MS, startFixture, type FixtureProcess } from '../support/processes.js';
import { IN_CLUSTER } from '../support/redis-target.js';
import { waitFor } from '../support/wait.js';
import { clientPool, currentSeasonId, LEADERBOARD, LEADERBOARD_CHANGED } from '../live/live-support.js';

/**
 * Two API and two worker processes of one deployment on the local cluster,
 * as separate Node processes: awards through both APIs, subscribers on both.
 */
const USERS = 10;
const AWARDS = 120;
const AWARD = `mutation ($userId: ID!, $points: Int!, $key: String!) {
  awardPoints(userId: $userId, points: $points, reason: "processes", idempotencyKey: $key) { duplicate }
}`;

let t: TestContext;
let admin: { token: string };
let apis: FixtureProcess[];
let workers: FixtureProcess[];
const clients = clientPool();

async function post(url: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: unknown };
}

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.createUser({ role: 'ADMIN' });
  const env = fixtureEnv(t, { FIXTURE_JOBS: 'app', RATE_LIMIT_MUTATIONS_PER_MINUTE: '100000' });
  [apis, workers] = await Promise.all([
    Promise.all([startFixture({ ...env, FIXTURE_ROLES: 'api' }), startFixture({ ...env, FIXTURE_ROLES: 'api' })]),
    Promise.all([startFixture({ ...env, FIXTURE_ROLES: 'worker' }), startFixture({ ...env, FIXTURE_ROLES: 'worker' })]),
  ]);
}, PROCESS_WAIT_MS * 2);
afterAll(async () => {
  await clients.dispose();
  await killFixtures();
  await t?.cleanup();
});

describe.runIf(IN_CLUSTER)('two API and two worker processes on the cluster', () => {
  it('bring awards from both APIs to subscribers on both, and run each scheduled tick once', async () => {
    const since = new Date();
    const users = await Promise.all(Array.from({ length: USERS }, () => t.createUser()));
    const recordings = apis.flatMap((api) => [
      record(clients.ws(api.url), LEADERBOARD_CHANGED, { first: USERS }),
      record(clients.sse(api.url), LEADERBOARD_CHANGED, { first: USERS }),
    ]);
    // Both APIs follow the season's change channel (one shared stream each) before the first award.
    const channel = `${t.config.redis.prefix}:events:leaderboard:changed:points/${currentSeasonId()}`;
    await waitUntil(async () => (await numsub(t.deps.redis, channel)) === 2, PROCESS_WAIT_MS, () => `both APIs subscribed to ${channel}`);

    // Awards alternate between the two APIs, 8 at a time.
    let next = 0;
    const send = async () => {
      while (next < AWARDS) {
        const index = next++;
        const user = users[index % USERS]!;
        const response = await post(apis[index % 2]!.url, AWARD, { userId: encodeId('User', user.user.id), points: 1 + ((index * 13) % 17), key: `processes-${index}` });
        expect(response.errors).toBeUndefined();
        expect(response.data.awardPoints.duplicate).toBe(false);
      }
    };
    await Promise.all(Array.from({ length: 8 }, send));

    // Every subscriber, on either API, ends with the final board.
    const final = await post(apis[0]!.url, LEADERBOARD, { first: USERS });
    expect(final.errors).toBeUndefined();
    expect(final.data.leaderboard.entries).toHaveLength(USERS);
    await waitFor(
      () => recordings.every((recording) => JSON.stringify(recording.results.at(-1)?.data?.leaderboardChanged.entries) === JSON.stringify(final.data.leaderboard.entries)) || undefined,
      { what: 'every subscriber to show the final board', timeoutMs: PROCESS_WAIT_MS },
    );
    await settle(recordings);
    for (const recording of recordings) {
      expect(recording.errors).toEqual([]);
      expect(recording.results.at(-1).data.leaderboardChanged.entries).toEqual(final.data.leaderboard.entries);
    }
    const records = await t.deps.db.pointsRecord.count({ where: { reason: 'processes' } });
    expect(records).toBe(AWARDS);

    // The 5 s board sync ticked meanwhile on one of the two workers each time, never on both.
    await waitFor(
      async () => ((await t.deps.db.jobRun.count({ where: { name: 'leaderboard.sync', trigger: 'SCHEDULE', startedAt: { gte: since } } })) >= 3 ? true : undefined),
      { what: 'three ticks of leaderboard.sync', timeoutMs: PROCESS_WAIT_MS },
    );
    const runs = await t.deps.db.jobRun.findMany({ where: { trigger: 'SCHEDULE', startedAt: { gte: since } }, orderBy: { startedAt: 'asc' } });
    const pids = new Set(workers.map((worker) => String(worker.pid)));
    expect(runs.every((run) => pids.has(run.worker!.split(':').at(-1)!))).toBe(true);
    const perTick = new Map<string, number>();
    for (const run of runs) perTick.set(`${run.queue}/${run.jobId}`, (perTick.get(`${run.queue}/${run.jobId}`) ?? 0) + 1);
    expect([...perTick.values()].every((count) => count === 1)).toBe(true);
    const syncTicks = runs.filter((run) => run.name === 'leaderboard.sync').map((run) => Number(run.jobId.split(':').at(-1)));
    expect(new Set(syncTicks).size).toBe(syncTicks.length);
    process.stdout.write(
      `many processes: ${AWARDS} awards through 2 APIs reached ${recordings.length} subscribers on both; ` +
        `${runs.length} scheduled runs on 2 workers, each tick once\n`,
    );
  }, 180_000);
});
