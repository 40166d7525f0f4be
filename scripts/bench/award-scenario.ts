import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { encodeId } from '../../src/graphql/ids.js';
import type { BenchEnvironment } from './environment.js';
import { startServer } from './processes.js';
import { httpSide, interleaved, inTurns, type Side } from './rounds.js';

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

/** 500 award recipients and an admin's token, as every award scenario sends them. */
async function awardSetup(env: BenchEnvironment) {
  const { db } = env.deps;
  const handles = Array.from({ length: USERS }, (_, i) => `award_${i}`);
  await db.user.createMany({ data: handles.map((handle) => ({ handle, displayName: handle, passwordHash: 'x' })) });
  const userIds = (await db.user.findMany({ where: { handle: { in: handles } }, select: { id: true } })).map((user) => user.id);
  const admin = await db.user.create({ data: { handle: 'bench_admin', displayName: 'Admin', passwordHash: 'x', role: 'ADMIN' } });
  const token = await env.deps.tokens.issue(admin.id);
  return { userIds, token };
}

// Awards go to the users in turn, as in the raw loop, so both spread their row locks alike. The values are
// variables, as a client sends them: one document text, parsed and validated once (inlined literals made every
// award a new document: ~40% more server CPU per award, measured 2026-12-01).
const AWARD_BODY = JSON.stringify({
  query: 'mutation ($u: ID!, $k: String!) { awardPoints(userId: $u, points: 1, reason: "bench", idempotencyKey: $k) { duplicate } }',
  variables: { u: '$U', k: 'bench-$N' },
});

/** `awardPoints` over HTTP by an admin, every award to a user of `USERS` with a unique idempotency key, against the raw loop. */
async function awardPoints(env: BenchEnvironment) {
  const { userIds, token } = await awardSetup(env);
  const app = await startServer('app', env.variables);
  try {
    const cycle = userIds.map((id) => encodeId('User', id));
    const result = await interleaved(
      rawAwardSide(env, userIds),
      httpSide('liveboard awardPoints over HTTP', app, { body: AWARD_BODY, headers: { authorization: `Bearer ${token}` }, connections: CONCURRENCY, cycle }),
    );
    return { name: 'awardPoints', concurrency: CONCURRENCY, ...result };
  } finally {
    await app.stop();
  }
}

/**
 * The floor of an award through GraphQL over HTTP, measured: the raw loop, a
 * bare yoga server whose `awardPoints` does only the raw loop's work
 * (bare-award-server.ts, the same request body and Authorization header) and
 * liveboard's `awardPoints`, in turns in the same rounds. The ratios say how
 * far the floor itself is from the raw loop, and liveboard from the floor.
 */
async function awardFloor(env: BenchEnvironment) {
  const { userIds, token } = await awardSetup(env);
  const app = await startServer('app', env.variables);
  const floor = await startServer('bare-award', { ...env.variables, BENCH_AWARD_TOKEN: token });
  try {
    const spec = { body: AWARD_BODY, headers: { authorization: `Bearer ${token}` }, connections: CONCURRENCY, cycle: userIds.map((id) => encodeId('User', id)) };
    const result = await inTurns([
      rawAwardSide(env, userIds),
      httpSide('bare yoga awardPoints: the raw loop\'s INSERT + ZINCRBY in a resolver', floor, spec),
      httpSide('liveboard awardPoints over HTTP', app, spec),
    ]);
    return { name: 'awardFloor', concurrency: CONCURRENCY, ...result };
  } finally {
    await floor.stop();
    await app.stop();
  }
}

/**
 * Two versions of liveboard's `awardPoints` in turns in the same rounds, for
 * a before/after of a change on a busy machine: this checkout against the one
 * at BENCH_AWARD_B_CHECKOUT (e.g. `git archive <commit>` unpacked, with a
 * symlink to this node_modules and a copy of src/generated), with the floor
 * as a third side.
 */
async function awardAB(env: BenchEnvironment) {
  const checkout = process.env.BENCH_AWARD_B_CHECKOUT;
  if (!checkout) throw new Error('awardAB needs BENCH_AWARD_B_CHECKOUT: the other checkout to run');
  const { userIds, token } = await awardSetup(env);
  const app = await startServer('app', env.variables);
  const other = await startServer('app', env.variables, { checkout });
  const floor = await startServer('bare-award', { ...env.variables, BENCH_AWARD_TOKEN: token });
  try {
    const spec = { body: AWARD_BODY, headers: { authorization: `Bearer ${token}` }, connections: CONCURRENCY, cycle: userIds.map((id) => encodeId('User', id)) };
    const result = await inTurns([
      httpSide('bare yoga awardPoints: the raw loop\'s INSERT + ZINCRBY in a resolver', floor, spec),
      httpSide(`liveboard awardPoints, ${checkout}`, other, spec),
      httpSide('liveboard awardPoints, this checkout', app, spec),
      // Five rounds, not three: the difference sought is smaller than one round's noise on a shared machine.
    ], { rounds: 5 });
    return { name: 'awardAB', concurrency: CONCURRENCY, ...result };
  } finally {
    await Promise.all([floor.stop(), other.stop(), app.stop()]);
  }
}

export const awardScenarios = { awardPoints };
export const awardFloorScenarios = { awardFloor, awardAB };
