import { randomUUID } from 'node:crypto';
import type { BoardOrder } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';
import { Prisma } from '../../infra/prisma.js';
import { defineLuaScript, runScript } from '../../lib/lua-script.js';
import { boardKeys } from './board-keys.js';
import type { StandingWrite } from './board-script.js';
import { parsePeriodRef } from './board-definition.js';
import { LAYOUT_FIELDS, layoutOf } from './board-layout.js';
import { getBoard } from './board-periods.service.js';
import { forgetBucketedPeriods, writeLiveBoards } from './board-storage.js';
import './leaderboards.topics.js';

/** A standing of one board period as PostgreSQL committed it: what the Redis board must end up holding. */
export interface StandingChange {
  ref: string;
  order: BoardOrder;
  userId: number;
  score: number;
  /** Whether the user is on the board (a points total of 0 is not). */
  ranked: boolean;
  /** board_seq of the change, as a decimal string (BIGINT). */
  seq: string;
  version: number;
}

type SyncDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'pubsub' | 'now' | 'boardCache'>;

const toWrite = (change: StandingChange): StandingWrite => ({
  userId: change.userId,
  version: change.version,
  score: change.score,
  seq: change.seq,
  ranked: change.ranked,
});

/**
 * Records that these versions are on the board. GREATEST keeps a newer mark
 * set meanwhile; rows are locked in key order so two batches never deadlock.
 */
async function markSynced(db: Deps['db'], changes: readonly StandingChange[]): Promise<void> {
  if (changes.length === 0) return;
  await db.$executeRaw`
    WITH synced AS (
      SELECT * FROM unnest(${changes.map((c) => c.ref)}::text[], ${changes.map((c) => c.userId)}::int[],
                           ${changes.map((c) => c.version)}::int[]) AS v(period_ref, user_id, version)
    ), locked AS (
      SELECT s.period_ref, s.user_id, synced.version FROM board_standings s
      JOIN synced ON synced.period_ref = s.period_ref AND synced.user_id = s.user_id
      ORDER BY s.period_ref, s.user_id FOR UPDATE OF s
    )
    UPDATE board_standings s SET synced_version = GREATEST(s.synced_version, locked.version)
    FROM locked WHERE s.period_ref = locked.period_ref AND s.user_id = locked.user_id`;
}

/** The bucket layout of a period ref's board, from the definition cache: layouts never change once a board exists. */
async function layoutOfRef(deps: SyncDeps, ref: string) {
  return layoutOf(await getBoard(deps, parsePeriodRef(ref).boardKey));
}

/** The bucket layout of each period ref's board. */
async function layoutsOf(deps: SyncDeps, refs: readonly string[]) {
  const unique = [...new Set(refs)];
  const layouts = await Promise.all(unique.map((ref) => layoutOfRef(deps, ref)));
  return new Map(unique.map((ref, index) => [ref, layouts[index] ?? null]));
}

/**
 * Puts committed standings on their Redis boards, right after their
 * transaction, in ONE round trip however many boards one award fed: this is
 * what keeps the boards live. Never throws: if Redis is unreachable or this
 * process dies first, `leaderboard.sync` pushes them, because only that job
 * marks standings synced. (Marking here would cost every award a second
 * PostgreSQL write; the job marks hundreds per statement, and re-sending a
 * version the board already has is a no-op for the version-guarded script.)
 * Each applied write is announced on `leaderboard:changed` (scope: the period
 * ref), after it is on the board, so every instance's subscribers read the new order.
 * @returns whether the writes reached Redis.
 */
export async function publishStandings(deps: SyncDeps, changes: readonly StandingChange[]): Promise<boolean> {
  if (changes.length === 0) return true;
  let applied: boolean[];
  try {
    const layouts = await layoutsOf(deps, changes.map((change) => change.ref));
    applied = await writeLiveBoards(
      deps,
      changes.map((change) => ({ target: { ref: change.ref, order: change.order, layout: layouts.get(change.ref) ?? null }, write: toWrite(change) })),
    );
  } catch (error) {
    deps.logger.warn({ err: error, refs: changes.map((change) => change.ref) }, 'board writes deferred to leaderboard.sync');
    return false;
  }
  // A stale write (a newer version was there already) moved nothing: nobody needs to re-read.
  const notices = changes.filter((_change, index) => applied[index]);
  await Promise.all(notices.map((change) => deps.pubsub.publish('leaderboard:changed', change.ref, { ref: change.ref, userId: change.userId })));
  return true;
}

/** {@link publishStandings} for one standing. */
export function publishStanding(deps: SyncDeps, change: StandingChange): Promise<boolean> {
  return publishStandings(deps, [change]);
}

/**
 * KEYS = [sync marker, ready marker]; ARGV = [token seen at the start of the run, value].
 * Marks the board whole only if its sync marker is still the one this run
 * saw: a marker gone or replaced means Redis lost the board again meanwhile
 * (or another run requeued it), and that run's completion marks it.
 * The sync marker (board-keys.ts `synced`) is set only by this job, never by
 * live writes, so after Redis lost its data it is missing even if live writes
 * have already started a new, partial board.
 */
const MARK_READY = defineLuaScript(
  `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
return 1`,
  2,
);

/**
 * Finds live periods whose board Redis lost and marks every standing of them
 * pending again, so this run rebuilds the board; then sets their markers. If
 * Redis loses data again mid-run, the marker goes with it and the next run
 * repeats the rebuild. Re-sending versions the board already has is harmless.
 * Returns the periods requeued, and each live period's sync marker as this
 * run left it (the token its completion is checked against).
 */
async function requeueLostBoards(deps: SyncDeps, ref: string | undefined): Promise<{ rebuilt: string[]; markers: Map<string, string> }> {
  const markers = new Map<string, string>();
  const live = await deps.db.boardPeriod.findMany({ where: { state: { not: 'ARCHIVED' }, ref }, select: { ref: true, board: { select: LAYOUT_FIELDS } } });
  if (live.length === 0) return { rebuilt: [], markers };
  // One GET per board (each board has its own hash tag, so one pipeline could not span them in a cluster).
  const replies = await Promise.all(live.map((period) => deps.redis.get(boardKeys(deps.keys, period.ref).synced)));
  const lost = live.filter((period, index) => {
    const marker = replies[index];
    if (typeof marker === 'string') markers.set(period.ref, marker);
    return marker === null;
  });
  if (lost.length === 0) return { rebuilt: [], markers };
  // Before the requeue: whatever live writes put on a bucketed board from now on is kept, and re-sent anyway.
  await forgetBucketedPeriods(deps, lost);
  const rows = await deps.db.$queryRaw<Array<{ ref: string }>>`
    WITH requeued AS (
      UPDATE board_standings SET synced_version = 0
      WHERE period_ref = ANY(${lost.map((period) => period.ref)}::text[]) AND synced_version > 0
      RETURNING period_ref
    )
    SELECT DISTINCT period_ref AS ref FROM requeued ORDER BY ref`;
  await Promise.all(
    lost.map((period) => {
      const token = `${deps.now().toISOString()} ${randomUUID()}`;
      markers.set(period.ref, token);
      return deps.redis.set(boardKeys(deps.keys, period.ref).synced, token);
    }),
  );
  return { rebuilt: rows.map((row) => row.ref), markers };
}

/**
 * Marks every current board period's Redis board as not whole: reads answer
 * from PostgreSQL (stale) and the next sync pushes every standing again, as
 * for a board Redis lost. For a board that may lack its last writes (a
 * failover to a replica that had not received them).
 * @returns how many boards were marked.
 */
export async function invalidateLiveBoards(deps: SyncDeps): Promise<number> {
  // CURRENT only: a closing board is sealed for its rollover, which completes it from PostgreSQL and verifies the archive.
  const live = await deps.db.boardPeriod.findMany({ where: { state: 'CURRENT' }, select: { ref: true } });
  await Promise.all(
    live.map((period) => {
      const keys = boardKeys(deps.keys, period.ref);
      return deps.redis.del(keys.synced, keys.ready);
    }),
  );
  // A bucketed period's surviving keys are forgotten by that sync (requeueLostBoards), as its marker is gone.
  return live.length;
}

/** Marks each board whose sync marker is still `markers`' token as whole (see board-store.ts). */
async function markBoardsReady(deps: SyncDeps, markers: Map<string, string>): Promise<void> {
  if (markers.size === 0) return;
  const at = deps.now().toISOString();
  await runScript(
    deps.redis,
    MARK_READY,
    [...markers].map(([ref, token]) => {
      const keys = boardKeys(deps.keys, ref);
      return { keys: [keys.synced, keys.ready], args: [token, at] };
    }),
  );
}

interface PendingRow {
  period_ref: string;
  sort_order: BoardOrder;
  user_id: number;
  score: bigint;
  ranked: boolean;
  seq: bigint;
  version: number;
}

/**
 * The `leaderboard.sync` job, the outbox of every board: pushes each standing
 * whose latest version is not yet confirmed on its board (version >
 * synced_version), in batches of one pipelined round trip per board period,
 * then marks the batch synced in one statement. Most were written live
 * already and are ignored by the script; the rest (Redis was down, the
 * process died, Redis lost the board) are `applied` now, and each period that
 * got some is announced on `leaderboard:changed` once per batch. Archived
 * periods are left to the rollover, and a sealed (closing) board refuses the
 * writes, unless `throughSeal`.
 *
 * `ref` limits the run to one board period: the rollover uses it, with
 * `throughSeal` and no batch limit, to complete a closed board before it
 * freezes it.
 */
export async function syncPendingStandings(
  deps: SyncDeps,
  options: { batchSize?: number; maxBatches?: number; ref?: string; throughSeal?: boolean } = {},
): Promise<{ pushed: number; applied: number; rebuilt: string[] }> {
  const { batchSize = 500, maxBatches = 200, ref, throughSeal = false } = options;
  const onlyPeriod = ref === undefined ? Prisma.empty : Prisma.sql`AND s.period_ref = ${ref}`;
  const { rebuilt, markers } = await requeueLostBoards(deps, ref);
  let pushed = 0;
  let applied = 0;
  let complete = false;
  for (let batch = 0; batch < maxBatches; batch += 1) {
    const rows = await deps.db.$queryRaw<PendingRow[]>`
      SELECT s.period_ref, b.sort_order, s.user_id, s.score, s.ranked, s.seq, s.version FROM board_standings s
      JOIN board_periods p ON p.ref = s.period_ref AND p.state <> 'ARCHIVED'
      JOIN leaderboards b ON b.id = p.board_id
      WHERE s.version > s.synced_version ${onlyPeriod}
      ORDER BY s.period_ref, s.user_id LIMIT ${batchSize}`;
    const byPeriod = new Map<string, StandingChange[]>();
    for (const row of rows) {
      const change: StandingChange = {
        ref: row.period_ref,
        order: row.sort_order,
        userId: row.user_id,
        score: Number(row.score),
        ranked: row.ranked,
        seq: String(row.seq),
        version: row.version,
      };
      const list = byPeriod.get(change.ref) ?? [];
      list.push(change);
      byPeriod.set(change.ref, list);
    }
    for (const [periodRef, changes] of byPeriod) {
      const target = { ref: periodRef, order: changes[0]?.order ?? 'DESC', layout: await layoutOfRef(deps, periodRef) };
      const written = await writeLiveBoards(deps, changes.map((change) => ({ target, write: toWrite(change) })), { throughSeal });
      const count = written.filter(Boolean).length;
      applied += count;
      if (count > 0) await deps.pubsub.publish('leaderboard:changed', periodRef, { ref: periodRef, userId: null });
    }
    await markSynced(deps.db, [...byPeriod.values()].flat());
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
