import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { encodeId } from '../../src/graphql/ids.js';
import type { BenchEnvironment } from './environment.js';
import { startServer } from './processes.js';
import { httpSide, interleaved, type Side } from './rounds.js';

const run = promisify(execFile);
const USERS = 500;
const CONCURRENCY = 50;

/** The raw loop (raw-award-process.ts) as one side of a comparison: its own process, its own CPU. */
function rawAwardSide(env: BenchEnvironment, userIds: number[]): Side {
  return {
    label: `raw loop: one INSERT through pg + one Lua ZINCRBY, ${CONCURRENCY} concurrent`,
    async run(seconds) {
      const spec = {
        databaseUrl: env.variables.DATABASE_URL,
        redisUrl: env.deps.config.redis.url,
        key: `${env.variables.REDIS_PREFIX}:bench:raw-board`,
        userIds,
        seconds,
        concurrency: CONCURRENCY,
        poolSize: env.deps.config.database.poolSize,
      };
      const { stdout } = await run(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./raw-award-process.ts', import.meta.url)), JSON.stringify(spec)]);
      const result = JSON.parse(stdout) as { awardsPerSecond: number; cpuMicrosPerAward: number };
      return { opsPerSecond: result.awardsPerSecond, p99Ms: null, cpuMicrosPerOp: result.cpuMicrosPerAward, errors: 0 };
    },
  };
}

/** `awardPoints` over HTTP by an admin, every award to a user of `USERS` with a unique idempotency key, against the raw loop. */
async function awardPoints(env: BenchEnvironment) {
  const { db } = env.deps;
  const handles = Array.from({ length: USERS }, (_, i) => `award_${i}`);
  await db.user.createMany({ data: handles.map((handle) => ({ handle, displayName: handle, passwordHash: 'x' })) });
  const userIds = (await db.user.findMany({ where: { handle: { in: handles } }, select: { id: true } })).map((user) => user.id);
  const admin = await db.user.create({ data: { handle: 'bench_admin', displayName: 'Admin', passwordHash: 'x', role: 'ADMIN' } });
  const token = await env.deps.tokens.issue(admin.id);
  const app = await startServer('app', env.variables);
  try {
    // Awards go to the users in turn, as in the raw loop, so both spread their row locks alike. The values are
    // variables, as a client sends them: one document text, parsed and validated once (inlined literals made every
    // award a new document: ~40% more server CPU per award, measured 2026-12-01).
    const body = JSON.stringify({
      query: 'mutation ($u: ID!, $k: String!) { awardPoints(userId: $u, points: 1, reason: "bench", idempotencyKey: $k) { duplicate } }',
      variables: { u: '$U', k: 'bench-$N' },
    });
    const result = await interleaved(
      rawAwardSide(env, userIds),
      httpSide('liveboard awardPoints over HTTP', app, { body, headers: { authorization: `Bearer ${token}` }, connections: CONCURRENCY, cycle: userIds.map((id) => encodeId('User', id)) }),
    );
    return { name: 'awardPoints', concurrency: CONCURRENCY, ...result };
  } finally {
    await app.stop();
  }
}

export const awardScenarios = { awardPoints };
