import type pg from 'pg';
import type { BenchEnvironment } from './environment.js';
import { loadUsers, withSql } from './bulk-load.js';
import { runJobProcess } from './processes.js';
import { summarize } from './rounds.js';

const ACTIVITIES = Number(process.env.BENCH_HOT_ACTIVITIES ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_HOT_ROUNDS ?? 3);
const CATEGORIES = 40;

/**
 * ACTIVITIES visible activities published over the last 30 days, in
 * CATEGORIES categories, with varied join, favourite, view and check-in
 * counts: every one is scored, and every category gets a board.
 */
async function loadActivities(client: pg.Client): Promise<void> {
  await client.query(
    `INSERT INTO activities (title, category, organizer_id, signup_starts_at, signup_ends_at, starts_at, ends_at, status,
                             participant_count, favorite_count, view_count, check_in_count, published_at, updated_at)
     SELECT 'Activity ' || i, 'cat-' || (i % ${CATEGORIES}), 1, now() - interval '30 days', now() + interval '10 days',
            now() + interval '11 days', now() + interval '12 days', 'SIGNUP_OPEN',
            (i * 7) % 500, (i * 13) % 300, (i * 31) % 10000, 0, now() - (i % 43200) * interval '1 minute', now()
     FROM generate_series(1, $1::int) AS i`,
    [ACTIVITIES],
  );
  await client.query('ANALYZE activities');
}

/**
 * `hot-1m`: the `hot.recompute` job over ACTIVITIES (1,000,000) activities, each
 * run in a fresh process of its own (see job-process.ts): wall time, CPU,
 * resident memory once started and at its peak (VmHWM). The goal is absolute
 * (≤ 10 s, ≤ 400 MB), so there is no baseline.
 */
export async function hot1m(env: BenchEnvironment) {
  await withSql(env.variables.DATABASE_URL as string, async (client) => {
    await loadUsers(client, 1);
    await loadActivities(client);
  });
  const runs = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const run = await runJobProcess('hot.recompute', { ...env.variables, ...(process.env.BENCH_HOT_HEAP ? { NODE_OPTIONS: `--max-old-space-size=${process.env.BENCH_HOT_HEAP}` } : {}) });
    runs.push({ ms: run.ms, cpuMs: run.cpuMs, idleRssMb: run.idleRssMb, peakRssMb: run.peakRssMb, result: run.result });
  }
  return {
    name: `hot.recompute of ${ACTIVITIES} activities (${CATEGORIES} categories), a fresh process per run`,
    activities: ACTIVITIES,
    rounds: ROUNDS,
    ms: summarize(runs.map((run) => run.ms)),
    cpuMs: summarize(runs.map((run) => run.cpuMs)),
    idleRssMb: summarize(runs.map((run) => run.idleRssMb)),
    peakRssMb: summarize(runs.map((run) => run.peakRssMb)),
    runs,
  };
}
