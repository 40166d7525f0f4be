import { recomputeHotBoards } from '../../src/modules/hot/index.js';
import { recordAward } from '../../src/modules/points/index.js';
import { encodeId } from '../../src/graphql/ids.js';
import type { BenchEnvironment } from './environment.js';
import { startServer } from './processes.js';
import { httpSide, interleaved } from './rounds.js';

const MEMBERS = 2_000;
const ACTIVITIES = 1_000;
const CONNECTIONS = 20;

/** Users with points on the current season's board, through the real award path; returns their ids. */
async function fillLeaderboard(env: BenchEnvironment): Promise<number[]> {
  const { db } = env.deps;
  const handles = Array.from({ length: MEMBERS }, (_, i) => `bench_${i}`);
  await db.user.createMany({ data: handles.map((handle) => ({ handle, displayName: handle, passwordHash: 'x' })) });
  const users = await db.user.findMany({ where: { handle: { in: handles } }, select: { id: true }, orderBy: { id: 'asc' } });
  const now = new Date();
  for (let start = 0; start < users.length; start += 32) {
    await Promise.all(
      users.slice(start, start + 32).map((user, i) =>
        recordAward(env.deps, { userId: user.id, type: 'ADMIN_ADJUST', points: 1 + (((start + i) * 7919) % 500), idempotencyKey: `bench:${user.id}`, occurredAt: now }),
      ),
    );
  }
  return users.map((user) => user.id);
}

/** Published activities with varied interaction counts, then one full recompute into Redis. */
async function fillHotBoard(env: BenchEnvironment): Promise<void> {
  const organizer = await env.deps.db.user.create({ data: { handle: 'bench_org', displayName: 'Org', passwordHash: 'x' } });
  const base = Date.now();
  await env.deps.db.activity.createMany({
    data: Array.from({ length: ACTIVITIES }, (_, i) => ({
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

interface ReadQuery {
  query: string;
  /** Read as this user (a JWT in the authorization header). */
  asUser?: number;
}

const ENTRY = 'rank score user { handle displayName }';

/** The read scenarios: each a GraphQL document against the bare yoga `{ hello }` floor. */
const READS: Record<string, (users: number[]) => ReadQuery> = {
  leaderboard: () => ({ query: `{ leaderboard(first: 20) { totalParticipants entries { ${ENTRY} } } }` }),
  leaderboardAround: (users) => ({
    query: `{ leaderboardAround(radius: 5) { totalParticipants standing { rank score } entries { ${ENTRY} } } }`,
    asUser: users[MEMBERS / 2],
  }),
  standings: (users) => ({
    query: `{ standings(userIds: ${JSON.stringify(users.slice(0, 10).map((id) => encodeId('User', id)))}) { standings { ${ENTRY} } } }`,
  }),
  myPoints: (users) => ({ query: '{ myPoints { score rank signInStreak today { type points cap } } }', asUser: users[7] }),
  hotActivities: () => ({ query: '{ hotActivities(first: 20) { stale entries { rank score activity { id title } } } }' }),
};

/** One read scenario: liveboard and bare yoga, each in its own process, measured in turns. */
async function readScenario(env: BenchEnvironment, name: keyof typeof READS) {
  const users = name === 'hotActivities' ? [] : await fillLeaderboard(env);
  if (name === 'hotActivities') await fillHotBoard(env);
  const read = READS[name]!(users);
  const headers = read.asUser === undefined ? undefined : { authorization: `Bearer ${await env.deps.tokens.issue(read.asUser)}` };
  const bare = await startServer('bare', env.variables);
  const app = await startServer('app', env.variables);
  try {
    const result = await interleaved(
      httpSide('bare yoga `{ hello }`', bare, { body: JSON.stringify({ query: '{ hello }' }), connections: CONNECTIONS }),
      httpSide(`liveboard ${name}`, app, { body: JSON.stringify({ query: read.query }), headers, connections: CONNECTIONS }),
    );
    return { name, query: read.query, connections: CONNECTIONS, members: name === 'hotActivities' ? ACTIVITIES : MEMBERS, ...result };
  } finally {
    await Promise.all([bare.stop(), app.stop()]);
  }
}

export const readScenarios = Object.fromEntries(
  Object.keys(READS).map((name) => [name, (env: BenchEnvironment) => readScenario(env, name)]),
) as Record<string, (env: BenchEnvironment) => Promise<unknown>>;
