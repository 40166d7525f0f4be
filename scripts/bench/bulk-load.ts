import pg from 'pg';
import type { BoardOrder } from '../../src/generated/prisma/client.js';
import type { Deps } from '../../src/lib/app-deps.js';
import { boardMember, sortScoreOf } from '../../src/modules/leaderboards/board-entry.js';
import { boardKeys } from '../../src/modules/leaderboards/board-keys.js';

/**
 * Bulk data for the 1,000,000-row scenarios, made inside PostgreSQL
 * (generate_series) or pipelined into Redis, so setting up takes seconds,
 * not the hours the app's own write paths would.
 */

/** Member `index` (from 0) of a bench board: user index + 1, ~50,000 distinct scores, unique seqs in shuffled order. */
export const benchScore = (index: number) => 1 + ((index * 7_919) % 50_000);
// 104,729 is prime, so index ↦ index × 104,729 mod 4,000,000 repeats no seq below 4,000,000 members.
export const benchSeq = (index: number) => 1 + ((index * 104_729) % 4_000_000);
const SCORE_SQL = `1 + ((i::bigint * 7919) % 50000)`;
const SEQ_SQL = `1 + ((i::bigint * 104729) % 4000000)`;

/** Runs SQL on the bench database with a plain pg client (bulk statements, no Prisma). */
export async function withSql<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Users 1..count (ids from the sequence of an empty table). */
export async function loadUsers(client: pg.Client, count: number): Promise<void> {
  await client.query(
    `INSERT INTO users (handle, display_name, password_hash, updated_at)
     SELECT 'bench_' || i, 'Bench ' || i, 'x', now() FROM generate_series(0, $1::int - 1) AS i`,
    [count],
  );
}

/** Standings of `ref` for users 1..count, as PostgreSQL holds them once every one is on the board (synced). */
export async function loadStandings(client: pg.Client, ref: string, count: number): Promise<void> {
  await client.query(
    `INSERT INTO board_standings (period_ref, user_id, score, ranked, seq, version, synced_version, updated_at)
     SELECT $1, i + 1, ${SCORE_SQL}, true, ${SEQ_SQL}, 1, 1, now() FROM generate_series(0, $2::int - 1) AS i`,
    [ref, count],
  );
}

/** The Redis board of `ref` as the live writes and the sync job leave it (sorted set, members hash, markers), pipelined 5,000 members a command. */
export async function fillRedisBoard(deps: Pick<Deps, 'redis' | 'keys'>, ref: string, order: BoardOrder, count: number): Promise<void> {
  const keys = boardKeys(deps.keys, ref);
  for (let start = 0; start < count; start += 100_000) {
    const pipeline = deps.redis.pipeline();
    for (let chunk = start; chunk < Math.min(start + 100_000, count); chunk += 5_000) {
      const zargs: Array<string | number> = [];
      const hargs: string[] = [];
      for (let index = chunk; index < Math.min(chunk + 5_000, count); index += 1) {
        const member = boardMember(benchSeq(index), index + 1);
        zargs.push(sortScoreOf(order, benchScore(index)), member);
        hargs.push(String(index + 1), member);
      }
      pipeline.zadd(keys.board, ...zargs).hset(keys.members, ...hargs);
    }
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }
  // The markers leaderboard.sync leaves on a board it knows whole: without them the rollover would rebuild it from PostgreSQL.
  await deps.redis.set(keys.synced, 'bench');
  await deps.redis.set(keys.ready, new Date(0).toISOString());
}
