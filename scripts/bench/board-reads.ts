import { boardKeys, periodRef, POINTS_BOARD } from '../../src/modules/leaderboards/index.js';
import { seasonIdAt } from '../../src/lib/calendar.js';
import { hotKeys, recomputeHotBoards } from '../../src/modules/hot/index.js';
import { recordAward } from '../../src/modules/points/index.js';
import type { BenchEnvironment } from './environment.js';
import { startBareYoga } from './graphql-overhead.js';
import { httpThroughput, loopThroughput } from './measure.js';

const MEMBERS = 2_000;

/** The HTTP + GraphQL floor on this machine now: a bare yoga server answering a constant. */
async function bareYogaThroughput() {
  const bare = await startBareYoga();
  try {
    return await httpThroughput({ url: bare.url, body: { query: '{ hello }' } });
  } finally {
    await bare.close();
  }
}

/** Users with points on the current season's board, through the real award path; returns its period ref. */
async function fillLeaderboard(env: BenchEnvironment): Promise<string> {
  const { db } = env.deps;
  const handles = Array.from({ length: MEMBERS }, (_, i) => `bench_${i}`);
  await db.user.createMany({ data: handles.map((handle) => ({ handle, displayName: handle, passwordHash: 'x' })) });
  const users = await db.user.findMany({ where: { handle: { in: handles } }, select: { id: true } });
  const now = new Date();
  for (let start = 0; start < users.length; start += 32) {
    await Promise.all(
      users.slice(start, start + 32).map((user, i) =>
        recordAward(env.deps, { userId: user.id, type: 'ADMIN_ADJUST', points: 1 + ((start + i) * 7919) % 500, idempotencyKey: `bench:${user.id}`, occurredAt: now }),
      ),
    );
  }
  return periodRef(POINTS_BOARD, seasonIdAt(now, env.deps.config.timeZone));
}

/** Published activities with varied interaction counts, then one full recompute into Redis. */
async function fillHotBoard(env: BenchEnvironment): Promise<void> {
  const organizer = await env.deps.db.user.create({ data: { handle: 'bench_org', displayName: 'Org', passwordHash: 'x' } });
  const base = Date.now();
  await env.deps.db.activity.createMany({
    data: Array.from({ length: 1_000 }, (_, i) => ({
      title: `Activity ${i}`,
      category: ['running', 'chess', 'yoga'][i % 3]!,
      organizerId: organizer.id,
      signupStartsAt: new Date(base - 3_600_000),
      signupEndsAt: new Date(base + 86_400_000),
      startsAt: new Date(base + 90_000_000),
      endsAt: new Date(base + 93_600_000),
      status: 'SIGNUP_OPEN' as const,
      publishedAt: new Date(base - (i % 97) * 60_000),
      participantCount: (i * 31) % 200,
      favoriteCount: (i * 17) % 90,
      viewCount: (i * 13) % 1_000,
    })),
  });
  await recomputeHotBoards(env.deps);
}

/** Reading the top 20 of the season board over GraphQL vs the same ZREVRANGE sent to Redis directly. */
export async function leaderboardRead(env: BenchEnvironment) {
  const ref = await fillLeaderboard(env);
  const key = boardKeys(env.deps.keys, ref).board;
  // The board's best entries come first in ascending order (board-entry.ts).
  const baseline = await loopThroughput(() => env.deps.redis.zrange(key, 0, 19, 'WITHSCORES'));
  const subject = await httpThroughput({
    url: `${env.app.url}/graphql`,
    body: { query: '{ leaderboard(first: 20) { totalParticipants entries { rank points user { displayName } } } }' },
  });
  const floor = await bareYogaThroughput();
  return {
    name: `leaderboard top 20 (${MEMBERS} members) vs raw Redis ZRANGE`,
    baseline: { label: 'ioredis ZRANGE 0 19 WITHSCORES, 20 in flight', ...baseline },
    subject: { label: 'GraphQL leaderboard(first: 20) with user names, 20 connections', ...subject },
    ratio: subject.requestsPerSecond / baseline.operationsPerSecond,
    bareYoga: { label: 'bare yoga `{ hello }`, same run', ...floor },
    ratioToBareYoga: subject.requestsPerSecond / floor.requestsPerSecond,
  };
}

/** Reading the hot list over GraphQL (local cache → Redis) vs the same ZREVRANGE sent to Redis directly. */
export async function hotRead(env: BenchEnvironment) {
  await fillHotBoard(env);
  const key = hotKeys(env.deps, env.deps.config.hot.algorithm).global;
  const baseline = await loopThroughput(() => env.deps.redis.zrevrange(key, 0, 19, 'WITHSCORES'));
  const subject = await httpThroughput({
    url: `${env.app.url}/graphql`,
    body: { query: '{ hotActivities(first: 20) { stale entries { rank score activity { id title } } } }' },
  });
  const floor = await bareYogaThroughput();
  return {
    name: 'hot list top 20 (1,000 activities) vs raw Redis ZREVRANGE',
    baseline: { label: 'ioredis ZREVRANGE 0 19 WITHSCORES, 20 in flight', ...baseline },
    subject: { label: 'GraphQL hotActivities(first: 20) with titles, 20 connections', ...subject },
    ratio: subject.requestsPerSecond / baseline.operationsPerSecond,
    bareYoga: { label: 'bare yoga `{ hello }`, same run', ...floor },
    ratioToBareYoga: subject.requestsPerSecond / floor.requestsPerSecond,
  };
}
