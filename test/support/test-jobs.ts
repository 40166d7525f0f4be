import { setTimeout as sleep } from 'node:timers/promises';
import type { Deps } from '../../src/deps.js';
import type { JobHandler } from '../../src/infra/queues.js';

/** Test-only jobs, registered next to (never inside) the application's jobs. */
export const TEST_JOBS = {
  /** Periodic; every tick writes a row to fixture_runs. */
  tick: 'test.tick',
  /** Periodic on a yearly cron, so only runJob starts it during a test. */
  yearly: 'test.yearly',
  /** Always throws; retried twice with exponential backoff from 200 ms. */
  fail: 'test.fail',
  /** Enqueued by tests; its first attempt holds for `data.holdMs`, later attempts finish at once. */
  slow: 'test.slow',
} as const;

export const FAILURE_MESSAGE = 'boom: the test job failed on purpose';
export const FAIL_BACKOFF_MS = 200;

/** The table the test jobs write to: one row per attempt, with no unique key, so duplicates would show. */
export const FIXTURE_TABLE_SQL = `CREATE TABLE IF NOT EXISTS fixture_runs (
  id serial PRIMARY KEY, name text NOT NULL, job_id text NOT NULL, attempt int NOT NULL,
  pid int NOT NULL, event text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`;

async function record(deps: Deps, name: string, jobId: string, attempt: number, event: string): Promise<void> {
  await deps.db.$executeRawUnsafe(
    'INSERT INTO fixture_runs (name, job_id, attempt, pid, event) VALUES ($1, $2, $3, $4, $5)',
    name,
    jobId,
    attempt,
    process.pid,
    event,
  );
}

export function testJobs(options: { tickEveryMs?: number } = {}): JobHandler<Deps>[] {
  return [
    {
      queue: 'hot',
      name: TEST_JOBS.tick,
      schedule: { every: options.tickEveryMs ?? 2_000 },
      options: { attempts: 1 },
      process: (job, deps) => record(deps, job.name, job.id!, job.attemptsStarted, 'done'),
    },
    {
      queue: 'hot',
      name: TEST_JOBS.yearly,
      description: 'A test job that ticks once a year.',
      schedule: { pattern: '0 0 1 1 *' },
      options: { attempts: 1 },
      process: (job, deps) => record(deps, job.name, job.id!, job.attemptsStarted, 'done'),
    },
    {
      queue: 'hot',
      name: TEST_JOBS.fail,
      schedule: { pattern: '0 0 1 1 *' },
      options: { attempts: 3, backoff: { type: 'exponential', delay: FAIL_BACKOFF_MS } },
      process: () => Promise.reject(new Error(FAILURE_MESSAGE)),
    },
    {
      queue: 'hot',
      name: TEST_JOBS.slow,
      process: async (job, deps) => {
        await record(deps, job.name, job.id!, job.attemptsStarted, 'started');
        const holdMs = (job.data as { holdMs?: number }).holdMs ?? 0;
        if (job.attemptsStarted === 1) await sleep(holdMs);
        await record(deps, job.name, job.id!, job.attemptsStarted, 'done');
        return { held: job.attemptsStarted === 1 ? holdMs : 0 };
      },
    },
  ];
}
