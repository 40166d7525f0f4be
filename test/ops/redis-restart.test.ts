import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { planTransitions, transitionJobId } from '../../src/modules/activities/activities.jobs.js';
import { boardScores, pointsRef } from '../support/boards.js';
import { seasonIdAt } from '../../src/lib/calendar.js';
import { pauseJob } from '../../src/modules/jobs/jobs.service.js';
import { recordAward } from '../../src/modules/points/points.service.js';
import { createUsers, HOUR, JOIN, outcome, seedActivity } from '../activities/support.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { waitFor } from '../support/wait.js';

/**
 * docs/operations.md, "Self-healing after Redis lost its data": a Redis
 * started by this test is killed and restarted empty while awards and joins
 * run; the running process must put everything back by itself.
 */

const HEAL_WITHIN_MS = 15_000;
const PAUSED_JOB = 'job-runs.prune';

let redisPort = 0;
let redisServer: ChildProcess | undefined;
let t: TestContext;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A redis-server without persistence on `redisPort`, as the crash leaves it: empty. */
async function startRedis(): Promise<void> {
  const child = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
    stdio: 'ignore',
  });
  redisServer = child;
  const probe = new Redis(redisPort, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await waitFor(async () => probe.connect().then(() => probe.ping()).catch(() => probe.disconnect() as undefined), {
      what: 'redis-server to accept connections',
      timeoutMs: 10_000,
      intervalMs: 50,
    });
  } finally {
    probe.disconnect();
  }
}

/** A crash: SIGKILL, nothing saved. */
async function killRedis(): Promise<void> {
  const child = redisServer!;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  redisPort = await freePort();
  await startRedis();
  t = await createTestContext({ REDIS_URL: `redis://127.0.0.1:${redisPort}` });
}, 60_000);
afterAll(async () => {
  await t?.cleanup();
  await killRedis();
});

const LEADERBOARD = `{ leaderboard(first: 100) { stale totalParticipants entries { points user { id } } } }`;
const MY_POINTS = `{ myPoints { seasonTotal stale } }`;
const AWARD = `mutation ($userId: ID!, $points: Int!, $key: String!) {
  awardPoints(userId: $userId, points: $points, reason: "load", idempotencyKey: $key) { duplicate }
}`;

async function totalsFromRecords(seasonId: string): Promise<Map<string, number>> {
  const rows = await t.deps.db.$queryRaw<Array<{ user_id: number; points: bigint }>>`
    SELECT user_id, sum(points) AS points FROM points_records WHERE season_id = ${seasonId} GROUP BY user_id HAVING sum(points) <> 0`;
  return new Map(rows.map((row) => [encodeId('User', row.user_id), Number(row.points)]));
}

async function boardInRedis(seasonId: string): Promise<Map<string, number>> {
  const scores = await boardScores(t.deps, pointsRef(seasonId));
  return new Map([...scores].map(([userId, score]) => [encodeId('User', userId), score]));
}

/** Scheduler ids per queue, as BullMQ holds them in Redis. */
async function schedulerIds(): Promise<string[]> {
  const ids: string[] = [];
  for (const [queue, handle] of Object.entries(t.deps.queues)) {
    for (const scheduler of await handle.getJobSchedulers()) ids.push(`${queue}/${scheduler.id ?? scheduler.key}`);
  }
  return ids.sort();
}

describe('Redis restarted empty under load', () => {
  it('heals within 15 s: schedulers, the board, a due activity; reads in between are stale; no award lost or doubled', async () => {
    const app = await t.startServer({ api: true, worker: true });
    expect(app.url).toBeTruthy();
    const seasonId = seasonIdAt(new Date(), t.deps.config.timeZone);
    const [adminUser] = await createUsers(t, 1, 'heal_admin');
    await t.deps.db.user.update({ where: { id: adminUser!.user.id }, data: { role: 'ADMIN' } });
    const players = await createUsers(t, 12, 'heal_player');
    const [organizer, watcher] = await createUsers(t, 2, 'heal_other');

    // An operator paused one job: healing must not bring its scheduler back.
    await pauseJob(t.deps, { name: PAUSED_JOB, userId: adminUser!.user.id });
    const wanted = t.deps.jobHandlers
      .filter((handler) => handler.schedule && handler.name !== PAUSED_JOB)
      .map((handler) => `${handler.queue}/${handler.name}`)
      .sort();
    await waitFor(async () => JSON.stringify(await schedulerIds()) === JSON.stringify(wanted), { what: 'schedulers at start' });

    // Everyone has points before the crash; the watcher has exactly 23 and gets no more.
    let awardKey = 0;
    const awarded = new Set<string>();
    const give = async (userId: number, points: number) => {
      awardKey += 1;
      const key = `heal-${awardKey}`;
      await recordAward(t.deps, { userId, type: 'ADMIN_ADJUST', points, idempotencyKey: key, occurredAt: new Date() });
      awarded.add(key);
    };
    for (const [index, player] of players.entries()) await give(player.user.id, 10 + index);
    await give(watcher!.user.id, 23);
    await waitFor(async () => (await t.gql(LEADERBOARD)).data?.leaderboard.stale === false, { what: 'a whole board' });

    const joinable = await Promise.all([0, 1, 2].map(() => seedActivity(t, { organizerId: organizer!.user.id, capacity: null })));
    // Due to open a few seconds after the restart; its delayed job is in Redis now and goes with it.
    const opensAt = new Date(Date.now() + 7_000);
    const opening = await seedActivity(t, {
      organizerId: organizer!.user.id,
      status: 'UPCOMING',
      signupStartsAt: opensAt,
      signupEndsAt: new Date(opensAt.getTime() + HOUR),
      startsAt: new Date(opensAt.getTime() + 2 * HOUR),
      endsAt: new Date(opensAt.getTime() + 3 * HOUR),
    });
    await planTransitions(t.deps, { activityId: opening.id });
    expect(await t.deps.queues.activities.getJob(transitionJobId(opening.id, 'signupStartsAt', opensAt))).toBeTruthy();

    // Load through the API while Redis goes away and comes back: awards by an admin and joins.
    const failedAwards: Array<{ userId: string; points: number; key: string }> = [];
    let loading = true;
    const awardLoop = (async () => {
      for (let round = 0; loading; round += 1) {
        const player = players[round % players.length]!;
        awardKey += 1;
        const request = { userId: encodeId('User', player.user.id), points: 1 + (round % 5), key: `heal-${awardKey}` };
        // awardPoints namespaces the caller's key.
        awarded.add(`admin:${request.key}`);
        const result = await t.gql(AWARD, request, { token: adminUser!.token }).catch((error: Error) => ({ errors: [{ message: error.message }] }));
        if (result.errors) failedAwards.push(request);
        await sleep(20);
      }
    })();
    const joinLoop = (async () => {
      for (let round = 0; loading && round < players.length * joinable.length; round += 1) {
        const activity = joinable[Math.floor(round / players.length)]!;
        await t.gql(JOIN, { id: activity.gid }, { token: players[round % players.length]!.token }).catch(() => undefined);
        await sleep(250);
      }
    })();

    await sleep(800);
    // Totals committed before the crash: a board read as whole must hold at least these.
    const beforeCrash = await totalsFromRecords(seasonId);
    await killRedis();
    await sleep(1_000);
    await startRedis();
    const restartedAt = Date.now();

    // Reads until the board is whole again: stale, or complete. The watcher's points never read as 0.
    const staleReads: boolean[] = [];
    let wholeAt = 0;
    while (Date.now() - restartedAt < HEAL_WITHIN_MS) {
      const [board, mine] = await Promise.all([t.gql(LEADERBOARD), t.gql(MY_POINTS, {}, { token: watcher!.token })]);
      expect(board.errors).toBeUndefined();
      expect(mine.errors).toBeUndefined();
      expect(mine.data!.myPoints.seasonTotal).toBe(23);
      const { stale, entries } = board.data!.leaderboard;
      staleReads.push(stale);
      if (!stale) {
        const shown = new Map<string, number>(entries.map((entry: { points: number; user: { id: string } }) => [entry.user.id, entry.points]));
        for (const [user, points] of beforeCrash) expect(shown.get(user) ?? 0).toBeGreaterThanOrEqual(points);
        wholeAt ||= Date.now();
        const schedulersBack = JSON.stringify(await schedulerIds()) === JSON.stringify(wanted);
        if (schedulersBack) break;
      }
      await sleep(50);
    }
    expect(staleReads[0]).toBe(true);
    expect(wholeAt).toBeGreaterThan(0);
    expect(await schedulerIds()).toEqual(wanted);

    // The activity due to open opens, though its delayed job was lost with Redis.
    await waitFor(async () => (await t.deps.db.activity.findUniqueOrThrow({ where: { id: opening.id } })).status === 'SIGNUP_OPEN', {
      what: 'the activity due to open',
      timeoutMs: Math.max(1, restartedAt + HEAL_WITHIN_MS - Date.now()),
    });
    expect(Date.now() - restartedAt).toBeLessThan(HEAL_WITHIN_MS);

    // Stop the load; retry what failed during the outage with the same keys.
    await sleep(500);
    loading = false;
    await Promise.all([awardLoop, joinLoop]);
    for (const request of failedAwards) {
      const result = await t.gql(AWARD, request, { token: adminUser!.token });
      expect(result.errors).toBeUndefined();
    }
    // Joining again returns the existing participation: every player ends up in every activity exactly once.
    for (const activity of joinable) {
      for (const player of players) expect(outcome(await t.gql(JOIN, { id: activity.gid }, { token: player.token }))).toBe('OK');
    }

    // No award lost or doubled: one record per key, one join award per participation, and the board equals PostgreSQL.
    const keys = [...awarded];
    const perKey = await t.deps.db.pointsRecord.groupBy({ by: ['idempotencyKey'], where: { idempotencyKey: { in: keys } }, _count: true });
    expect(perKey).toHaveLength(keys.length);
    expect(perKey.every((row) => row._count === 1)).toBe(true);
    const participations = await t.deps.db.participation.count({ where: { activityId: { in: joinable.map((activity) => activity.id) } } });
    expect(participations).toBe(players.length * joinable.length);
    await waitFor(
      async () => (await t.deps.db.pointsRecord.count({ where: { type: 'JOIN_ACTIVITY', points: { gt: 0 } } })) === participations,
      { what: 'one join award per participation' },
    );
    await waitFor(
      async () => {
        const [expected, actual] = await Promise.all([totalsFromRecords(seasonId), boardInRedis(seasonId)]);
        return JSON.stringify([...expected].sort()) === JSON.stringify([...actual].sort());
      },
      { what: 'the Redis board to equal PostgreSQL' },
    );
    const final = await t.gql(LEADERBOARD);
    expect(final.data!.leaderboard.stale).toBe(false);
    expect(final.data!.leaderboard.totalParticipants).toBe(players.length + 1);
  }, 120_000);

  it('notices a FLUSHALL without a restart the same way', async () => {
    const wanted = t.deps.jobHandlers
      .filter((handler) => handler.schedule && handler.name !== PAUSED_JOB)
      .map((handler) => `${handler.queue}/${handler.name}`)
      .sort();
    const seasonId = seasonIdAt(new Date(), t.deps.config.timeZone);
    await t.deps.redis.flushall();
    const flushedAt = Date.now();
    expect((await t.gql(LEADERBOARD)).data!.leaderboard.stale).toBe(true);
    await waitFor(async () => (await t.gql(LEADERBOARD)).data!.leaderboard.stale === false && JSON.stringify(await schedulerIds()) === JSON.stringify(wanted), {
      what: 'the board and the schedulers after FLUSHALL',
      timeoutMs: HEAL_WITHIN_MS,
    });
    expect(Date.now() - flushedAt).toBeLessThan(HEAL_WITHIN_MS);
    const [expected, actual] = await Promise.all([totalsFromRecords(seasonId), boardInRedis(seasonId)]);
    expect([...actual].sort()).toEqual([...expected].sort());
  }, 60_000);
});
