import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { ensureArchivePartition } from '../../src/modules/leaderboards/archive-partitions.js';
import { ensurePeriod, getBoard } from '../../src/modules/leaderboards/board-periods.service.js';
import { closePeriodNow } from '../../src/modules/leaderboards/rollover-schedule.js';
import type { BenchEnvironment } from './environment.js';
import { fillRedisBoard, loadStandings, loadUsers, withSql } from './bulk-load.js';
import { postgresCpu } from './postgres-cpu.js';
import { processPeakRssMb, processRssMb, startBuiltWorker, startServer } from './processes.js';
import { summarize } from './rounds.js';

const MEMBERS = Number(process.env.BENCH_ROLLOVER_MEMBERS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROLLOVER_ROUNDS ?? 3);
const POLL_MS = 50;
/**
 * `built` (the default): the worker as production runs it, `node dist/main.js
 * --worker` (needs `npm run build`); `tsx`: the source under tsx, as the
 * runs before 2026-12-01 (07:00) did.
 */
const WORKER = process.env.BENCH_ROLLOVER_WORKER === 'tsx' ? 'tsx' : 'built';

/** The baseline: one server-side `COPY … FROM '<file>'` of the same rows into a fresh partition of board_archive. */
async function rawCopy(env: BenchEnvironment, file: string, month: string) {
  await ensureArchivePartition(env.deps.db, month);
  return withSql(env.variables.DATABASE_URL as string, async (client) => {
    const cpu = await postgresCpu(client);
    const started = performance.now();
    await client.query(`COPY board_archive (month, period_ref, rank, user_id, score, seq) FROM '${file}' WITH (FORMAT csv)`);
    const ms = Math.round(performance.now() - started);
    return { ms, postgresCpuMs: Math.round((await cpu.used()) / 1000) };
  });
}

/**
 * Waits for the first worker's self-heal of this fresh Redis prefix (it marks
 * every CURRENT board not whole): a board filled before it ends would be
 * rebuilt from PostgreSQL, which is not what a rollover normally meets.
 */
async function healed(env: BenchEnvironment): Promise<void> {
  const [epoch, done] = [env.deps.keys.key('{meta}', 'epoch'), env.deps.keys.key('{meta}', 'healed')];
  for (;;) {
    const [now, healedAt] = await env.deps.redis.mget(epoch, done);
    if (now !== null && now === healedAt) return;
    await sleep(POLL_MS);
  }
}

/** Sets up a closed season of MEMBERS (standings in PostgreSQL, the board in Redis, both synced), then rolls it over in a worker process. */
async function rollover(env: BenchEnvironment, season: string) {
  const ref = `points/${season}`;
  const board = await getBoard(env.deps, 'points');
  await withSql(env.variables.DATABASE_URL as string, (client) => loadStandings(client, ref, MEMBERS));
  const workerEnv = { ...env.variables, WORKER_HTTP_PORT: '0' };
  const worker = WORKER === 'built' ? await startBuiltWorker(workerEnv) : await startServer('worker', workerEnv);
  const startedAt = new Date();
  try {
    await healed(env);
    await fillRedisBoard(env.deps, ref, board.order, MEMBERS);
    const idleRssMb = await processRssMb(worker.pid);
    const cpuBefore = await worker.cpuMicros();
    const { db } = env.deps;
    const sql = await withSql(env.variables.DATABASE_URL as string, async (client) => {
      const cpu = await postgresCpu(client);
      const started = performance.now();
      // The path an ended season takes: seal, CLOSING, the automatic rollover job (the minute tick would add the same job).
      await ensurePeriod(env.deps, board, season);
      await closePeriodNow(env.deps, ref, 'bench');
      for (;;) {
        const period = await db.boardPeriod.findUniqueOrThrow({ where: { ref }, select: { state: true } });
        if (period.state === 'ARCHIVED') break;
        await sleep(POLL_MS);
      }
      const ms = Math.round(performance.now() - started);
      return { ms, postgresCpuMs: Math.round((await cpu.used()) / 1000) };
    });
    const rows = await db.boardArchiveEntry.count({ where: { periodRef: ref } });
    if (rows !== MEMBERS) throw new Error(`rollover archived ${rows} rows of ${MEMBERS}`);
    // Where the time went, from the job runs the worker recorded (the finish job records itself just after ARCHIVED).
    const finished = { name: 'season.rollover.finish', state: 'COMPLETED' as const, startedAt: { gte: startedAt } };
    for (let tries = 0; tries < 100 && (await db.jobRun.count({ where: finished })) === 0; tries += 1) await sleep(POLL_MS);
    const runs = await db.jobRun.findMany({ where: { name: { startsWith: 'season.rollover' }, state: 'COMPLETED', startedAt: { gte: startedAt } } });
    const longest = (name: string) => Math.max(0, ...runs.filter((run) => run.name === name).map((run) => run.durationMs ?? 0));
    return {
      ...sql,
      phasesMs: { prepare: longest('season.rollover'), slowestCopyShard: longest('season.rollover.copy'), finish: longest('season.rollover.finish') },
      workerIdleRssMb: idleRssMb,
      workerCpuMs: Math.round(((await worker.cpuMicros()) - cpuBefore) / 1000),
      workerPeakRssMb: await processPeakRssMb(worker.pid),
    };
  } finally {
    await worker.stop();
  }
}

/**
 * `rollover-1m`: the season rollover of MEMBERS (1,000,000) members through the
 * real flow (prepare, copy shards, verify, delete) in a worker process of its
 * own, against PostgreSQL's own COPY of the same rows into the same
 * partitioned table, in turns (COPY, rollover, COPY, …). Time is from the
 * rollover being queued to the period ARCHIVED; the worker's peak RSS is its
 * VmHWM (a fresh process per round); PostgreSQL CPU is read from the
 * backends of the bench database.
 */
export async function rollover1m(env: BenchEnvironment) {
  await withSql(env.variables.DATABASE_URL as string, (client) => loadUsers(client, MEMBERS));
  const file = `/tmp/lb-bench-copy-${randomBytes(4).toString('hex')}.csv`;
  const copies: Array<{ ms: number; postgresCpuMs: number }> = [];
  const rollovers: Array<Awaited<ReturnType<typeof rollover>>> = [];
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      const season = `2025-${String(round + 1).padStart(2, '0')}`;
      const copyMonth = `2024-${String(round + 1).padStart(2, '0')}`;
      const result = await rollover(env, season);
      rollovers.push(result);
      // The archive rows just made are the board: the baseline copies exactly those (constants of this file only in the SQL).
      await withSql(env.variables.DATABASE_URL as string, (client) =>
        client.query(
          `COPY (SELECT '${copyMonth}', 'copy/${copyMonth}', rank, user_id, score, seq FROM board_archive
                 WHERE month = '${season}' AND period_ref = 'points/${season}' ORDER BY rank) TO '${file}' WITH (FORMAT csv)`,
        ),
      );
      copies.push(await rawCopy(env, file, copyMonth));
    }
  } finally {
    await rm(file, { force: true });
  }
  const rolloverMs = summarize(rollovers.map((run) => run.ms));
  const copyMs = summarize(copies.map((run) => run.ms));
  const ratios = rollovers.map((run, index) => Math.round((run.ms / copies[index]!.ms) * 100) / 100);
  return {
    name: `season rollover of ${MEMBERS} members (worker process) vs raw COPY of the same rows`,
    members: MEMBERS,
    rounds: ROUNDS,
    worker: WORKER === 'built' ? 'node dist/main.js --worker' : 'tsx (server-process.ts)',
    rollover: {
      ms: rolloverMs,
      workerCpuMs: summarize(rollovers.map((run) => run.workerCpuMs)),
      workerPeakRssMb: summarize(rollovers.map((run) => run.workerPeakRssMb)),
      postgresCpuMs: summarize(rollovers.map((run) => run.postgresCpuMs)),
    },
    copy: { ms: copyMs, postgresCpuMs: summarize(copies.map((run) => run.postgresCpuMs)) },
    ratio: Math.round((rolloverMs.median / copyMs.median) * 100) / 100,
    ratioSpread: { min: Math.min(...ratios), max: Math.max(...ratios) },
    runs: { rollovers, copies },
  };
}
