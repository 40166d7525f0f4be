import type { Deps } from '../../lib/app-deps.js';
import { boardKeys } from './board-store.js';
import { syncMarkerKey, syncPendingStandings } from './board-sync.js';

/**
 * What a season board's seal key holds while the rollover works on it.
 * - `closing`: live writes are refused; the rollover is completing the board.
 * - `frozen:<run>`: complete; nothing writes to it any more, so copies of it
 *   agree. `<run>` is the rollover run whose copy the archive holds.
 * - `archived`: the board is gone; the seal stays as a tombstone, so a very late
 *   award for the season cannot start a new board that nobody would read.
 */
export type SealState = 'closing' | `frozen:${string}` | 'archived';

type FreezeDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'pubsub'>;

/**
 * Makes a closed season's board complete and frozen for rollover run `runKey`,
 * and returns its size.
 *
 * 1. Seal it: live award writes are refused from now on (an award whose event
 *    time falls in a closed season still counts in PostgreSQL, but the board
 *    is final once the season closes).
 * 2. Complete it from PostgreSQL: every standing not yet confirmed on the board
 *    is pushed through the seal; a board Redis lost (no sync marker) is rebuilt
 *    from the standings first. So the board is always copied from Redis, and
 *    it is whole.
 * 3. Freeze it. Once frozen, nothing repeats steps 1–2: the board cannot
 *    change under copies that may already be running.
 *
 * The archive rows are cleared whenever a run other than the one that froze
 * the board gets here: rows copied before the board was frozen may be stale,
 * and rows a failed run left behind must not block a re-run (copies keep rows
 * that exist). A retry of the same run keeps them: its copies may be running.
 */
export async function freezeBoard(deps: FreezeDeps, seasonId: string, runKey: string): Promise<number> {
  const keys = boardKeys(deps.keys, seasonId);
  const frozen: SealState = `frozen:${runKey}`;
  await deps.redis.set(keys.sealed, 'closing' satisfies SealState, 'NX');
  const seal = await deps.redis.get(keys.sealed);
  if (seal !== frozen) {
    await deps.db.$executeRaw`DELETE FROM season_archive WHERE season_id = ${seasonId}`;
    if (!seal?.startsWith('frozen:')) {
      const synced = await syncPendingStandings(deps, { seasonId, throughSeal: true, batchSize: 5_000, maxBatches: Infinity });
      deps.logger.info({ seasonId, ...synced }, 'season board completed from PostgreSQL');
    }
    await deps.redis.set(keys.sealed, frozen);
    deps.logger.info({ seasonId, runKey, previously: seal }, 'season board frozen for this rollover run');
  }
  return deps.redis.zcard(keys.board);
}

/**
 * Deletes an archived season's board: the sorted set, its versions and its
 * sync marker. The seal stays, as `archived`. Idempotent.
 * @returns how many keys were deleted.
 */
export async function releaseBoard(deps: Pick<Deps, 'redis' | 'keys'>, seasonId: string): Promise<number> {
  const keys = boardKeys(deps.keys, seasonId);
  const [[deleteError, deleted] = [null, 0]] =
    (await deps.redis
      .multi()
      .del(keys.board, keys.versions, syncMarkerKey(deps.keys, seasonId))
      .set(keys.sealed, 'archived' satisfies SealState)
      .exec()) ?? [];
  if (deleteError) throw deleteError;
  return Number(deleted);
}
