import type { Job } from 'bullmq';
import type { TestContext } from '../support/harness.js';
import { waitFor } from '../support/wait.js';

/** `count` users straight in the database (no password hashing), ids ascending. */
export async function insertUsers(t: TestContext, count: number, label: string): Promise<number[]> {
  const rows = await t.deps.db.$queryRawUnsafe<Array<{ id: number }>>(
    `INSERT INTO users (handle, display_name, password_hash, updated_at)
     SELECT $1 || '_' || g, $1 || ' ' || g, 'x', now() FROM generate_series(1, $2::int) g
     RETURNING id`,
    `${label}_${process.pid}`,
    count,
  );
  return rows.map((row) => row.id).sort((a, b) => a - b);
}

/** Seats every user in the activity by SQL, with the counter kept equal to the rows. */
export async function seatUsers(t: TestContext, activityId: number, userIds: readonly number[]): Promise<void> {
  await t.deps.db.$executeRawUnsafe(
    'INSERT INTO participations (activity_id, user_id) SELECT $1, unnest($2::int[])',
    activityId,
    [...userIds],
  );
  await t.deps.db.$executeRawUnsafe('UPDATE activities SET participant_count = participant_count + $2 WHERE id = $1', activityId, userIds.length);
}

/** Waits until a job completed and returns its return value; fails fast if it failed for good. */
export async function jobResult(t: TestContext, queue: 'activities' | 'leaderboards', jobId: string, timeoutMs = 30_000): Promise<unknown> {
  const done = await waitFor(
    async () => {
      const state = await t.deps.queues[queue].getJobState(jobId);
      if (state !== 'completed' && state !== 'failed') return undefined;
      const job = (await t.deps.queues[queue].getJob(jobId)) as Job;
      if (state === 'failed') throw new Error(`job ${jobId} failed: ${job.failedReason}`);
      return { value: job.returnvalue as unknown };
    },
    { timeoutMs, what: `job ${jobId} to complete` },
  );
  return done.value;
}

/** Notifications per user of one dedupe key: `{ users, rows }`, equal when nobody got one twice. */
export async function notificationTally(t: TestContext, dedupeKey: string): Promise<{ users: number; rows: number }> {
  const [row] = await t.deps.db.$queryRawUnsafe<Array<{ users: number; rows: number }>>(
    'SELECT count(DISTINCT user_id)::int AS users, count(*)::int AS rows FROM notifications WHERE dedupe_key = $1',
    dedupeKey,
  );
  return row ?? { users: 0, rows: 0 };
}
