import { randomUUID } from 'node:crypto';
import type { Deps } from '../../lib/app-deps.js';
import { Prisma } from '../../infra/prisma.js';
import type { KeySpace } from '../../infra/redis.js';
import { defineLuaScript, runScript } from '../../lib/lua-script.js';
import { execPipeline } from '../../lib/redis-pipeline.js';
import { boardKeys, boardReadyKey } from './board-store.js';
import { writeStanding, writeStandings, type StandingWrite } from './board-script.js';
import './leaderboards.topics.js';

/** A season standing as PostgreSQL committed it: what the Redis board must end up holding. */
export interface StandingChange {
  seasonId: string;
  userId: number;
  points: number;
  seq: number;
  version: number;
}

type SyncDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'pubsub' | 'now'>;

const toWrite = (change: StandingChange): StandingWrite => ({
  userId: String(change.userId),
  version: change.version,
  points: change.points,
  seq: change.seq,
});

/**
 * Records that these versions are on the board. GREATEST keeps a newer mark
 * set meanwhile; rows are locked in key order so two batches never deadlock.
 */
async function markSynced(db: Deps['db'], changes: readonly StandingChange[]): Promise<void> {
  if (changes.length === 0) return;
  await db.$executeRaw`
    WITH synced AS (
      SELECT * FROM unnest(${changes.map((c) => c.seasonId)}::text[], ${changes.map((c) => c.userId)}::int[],
                           ${changes.map((c) => c.version)}::int[]) AS v(season_id, user_id, version)
    ), locked AS (
      SELECT s.season_id, s.user_id, synced.version FROM season_standings s
      JOIN synced ON synced.season_id = s.season_id AND synced.user_id = s.user_id
      ORDER BY s.season_id, s.user_id FOR UPDATE OF s
    )
    UPDATE season_standings s SET synced_version = GREATEST(s.synced_version, locked.version)
    FROM locked WHERE s.season_id = locked.season_id AND s.user_id = locked.user_id`;
}

/**
 * Puts a committed standing on the Redis board, right after its transaction:
 * this is what keeps the board live. Never throws: if Redis is unreachable or
 * this process dies first, `leaderboard.sync` pushes the standing, because
 * only that job marks standings synced. (Marking here would cost every award a
 * second PostgreSQL write; the job marks hundreds per statement, and re-sending
 * a version the board already has is a no-op for the version-guarded script.)
 * An applied write is announced on `leaderboard:changed`, after it is on the
 * board, so every instance's subscribers read the new order.
 * @returns whether the write reached Redis.
 */
export async function publishStanding(deps: SyncDeps, change: StandingChange): Promise<boolean> {
  let applied: boolean;
  try {
    applied = await writeStanding(deps.redis, boardKeys(deps.keys, change.seasonId), toWrite(change));
  } catch (error) {
    deps.logger.warn({ err: error, seasonId: change.seasonId, userId: change.userId }, 'board write deferred to leaderboard.sync');
    return false;
  }
  // A stale write (a newer version was there already) moved nothing: nobody needs to re-read.
  if (applied) await deps.pubsub.publish('leaderboard:changed', change.seasonId, { seasonId: change.seasonId, userId: change.userId });
  return true;
}

/**
 * Marks a live board as complete as far as this job knows. Only this job sets
 * it (live writes never do), so after Redis lost its data (a restart without
 * persistence) the marker is missing even if live writes have already started
 * a new, partial board.
 */
export function syncMarkerKey(keys: KeySpace, seasonId: string): string {
  return keys.key('lb', `{${seasonId}}`, 'synced');
}

/**
 * KEYS = [sync marker, ready marker]; ARGV = [token seen at the start of the run, value].
 * Marks the board whole only if its sync marker is still the one this run
 * saw: a marker gone or replaced means Redis lost the board again meanwhile
 * (or another run requeued it), and that run's completion marks it.
 */
const MARK_READY = defineLuaScript(
  `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
return 1`,
  2,
);

/**
 * Finds live seasons whose board Redis lost and marks every standing of them
 * pending again, so this run rebuilds the board; then sets their markers. If
 * Redis loses data again mid-run, the marker goes with it and the next run
 * repeats the rebuild. Re-sending versions the board already has is harmless.
 * Returns the seasons requeued, and each live season's sync marker as this
 * run left it (the token its completion is checked against).
 */
async function requeueLostBoards(deps: SyncDeps, seasonId: string | undefined): Promise<{ rebuilt: string[]; markers: Map<string, string> }> {
  const markers = new Map<string, string>();
  const live = await deps.db.season.findMany({ where: { state: { not: 'ARCHIVED' }, id: seasonId }, select: { id: true } });
  if (live.length === 0) return { rebuilt: [], markers };
  const pipeline = deps.redis.pipeline();
  for (const { id } of live) pipeline.get(syncMarkerKey(deps.keys, id));
  const replies = await execPipeline(pipeline);
  const lost = live.filter((season, index) => {
    const marker = replies[index];
    if (typeof marker === 'string') markers.set(season.id, marker);
    return marker === null;
  });
  if (lost.length === 0) return { rebuilt: [], markers };
  const rows = await deps.db.$queryRaw<Array<{ id: string }>>`
    WITH requeued AS (
      UPDATE season_standings SET synced_version = 0
      WHERE season_id = ANY(${lost.map((season) => season.id)}::text[]) AND synced_version > 0
      RETURNING season_id
    )
    SELECT DISTINCT season_id AS id FROM requeued ORDER BY id`;
  const set = deps.redis.pipeline();
  for (const { id } of lost) {
    const token = `${deps.now().toISOString()} ${randomUUID()}`;
    markers.set(id, token);
    set.set(syncMarkerKey(deps.keys, id), token);
  }
  await set.exec();
  return { rebuilt: rows.map((row) => row.id), markers };
}

/** Marks each board whose sync marker is still `markers`' token as whole (see boardReadyKey). */
async function markBoardsReady(deps: SyncDeps, markers: Map<string, string>): Promise<void> {
  if (markers.size === 0) return;
  const at = deps.now().toISOString();
  await runScript(
    deps.redis,
    MARK_READY,
    [...markers].map(([seasonId, token]) => ({ keys: [syncMarkerKey(deps.keys, seasonId), boardReadyKey(deps.keys, seasonId)], args: [token, at] })),
  );
}

/**
 * The `leaderboard.sync` job, the outbox of the board: pushes every standing
 * whose latest version is not yet confirmed on the board (version >
 * synced_version), in batches of one pipelined round trip per season, then
 * marks the batch synced in one statement. Most were written live already and
 * are ignored by the script; the rest (Redis was down, the process died, Redis
 * lost the board) are `applied` now, and each season that got some is
 * announced on `leaderboard:changed` once per batch. Archived seasons are left
 * to the rollover, and a sealed (closing) board refuses the writes, unless
 * `throughSeal`.
 *
 * `seasonId` limits the run to one season: the rollover uses it, with
 * `throughSeal` and no batch limit, to complete a closed board before it
 * freezes it.
 */
export async function syncPendingStandings(
  deps: SyncDeps,
  options: { batchSize?: number; maxBatches?: number; seasonId?: string; throughSeal?: boolean } = {},
): Promise<{ pushed: number; applied: number; rebuilt: string[] }> {
  const { batchSize = 500, maxBatches = 200, seasonId, throughSeal = false } = options;
  const onlySeason = seasonId === undefined ? Prisma.empty : Prisma.sql`AND s.season_id = ${seasonId}`;
  const { rebuilt, markers } = await requeueLostBoards(deps, seasonId);
  let pushed = 0;
  let applied = 0;
  let complete = false;
  for (let batch = 0; batch < maxBatches; batch += 1) {
    const rows = await deps.db.$queryRaw<Array<{ season_id: string; user_id: number; points: number; seq: bigint; version: number }>>`
      SELECT s.season_id, s.user_id, s.points, s.seq, s.version FROM season_standings s
      JOIN seasons ON seasons.id = s.season_id AND seasons.state <> 'ARCHIVED'
      WHERE s.version > s.synced_version ${onlySeason}
      ORDER BY s.season_id, s.user_id LIMIT ${batchSize}`;
    const bySeason = new Map<string, StandingChange[]>();
    for (const row of rows) {
      const change = { seasonId: row.season_id, userId: row.user_id, points: row.points, seq: Number(row.seq), version: row.version };
      const list = bySeason.get(change.seasonId) ?? [];
      list.push(change);
      bySeason.set(change.seasonId, list);
    }
    for (const [seasonId, changes] of bySeason) {
      const written = await writeStandings(deps.redis, boardKeys(deps.keys, seasonId), changes.map(toWrite), { throughSeal });
      const count = written.filter(Boolean).length;
      applied += count;
      if (count > 0) await deps.pubsub.publish('leaderboard:changed', seasonId, { seasonId, userId: null });
    }
    await markSynced(deps.db, [...bySeason.values()].flat());
    pushed += rows.length;
    if (rows.length < batchSize) {
      complete = true;
      break;
    }
  }
  // Nothing pending is left: every standing requeued when the board was lost is on it again.
  if (complete) await markBoardsReady(deps, markers);
  return { pushed, applied, rebuilt };
}
