import type { Deps } from '../../infra/deps.js';
import { boardKeys } from './board-store.js';
import { syncMarkerKey, syncPendingStandings } from './board-sync.js';

/**
 * What a season board's seal key holds while the rollover works on it.
 * - `closing`: live writes are refused; the rollover is completing the board.
 * - `frozen`: complete; nothing writes to it any more, so copies of it agree.
 * - `archived`: the board is gone; the seal stays as a tombstone, so a very late
 *   award for the season cannot start a new board that nobody would read.
 */
export type SealState = 'closing' | 'frozen' | 'archived';

type FreezeDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger'>;

/**
 * Makes a closed season's board complete and frozen, and returns its size.
 *
 * 1. Seal it: live award writes are refused from now on (an award whose event
 *    time falls in a closed season still counts in PostgreSQL, but the board
 *    is final once the season closes).
 * 2. Complete it from PostgreSQL: every standing not yet confirmed on the board
 *    is pushed through the seal; a board Redis lost (no sync marker) is rebuilt
 *    from the standings first. So the board is always copied from Redis, and
 *    it is whole.
 * 3. Freeze it. Once frozen, retries skip steps 1–2: the board cannot change
 *    under copies that may already be running.
 *
 * A board that was not frozen yet may still have changed, so archive rows of
 * an earlier run are void and are removed before it is completed.
 */
export async function freezeBoard(deps: FreezeDeps, seasonId: string): Promise<number> {
  const keys = boardKeys(deps.keys, seasonId);
  await deps.redis.set(keys.sealed, 'closing' satisfies SealState, 'NX');
  if ((await deps.redis.get(keys.sealed)) !== ('frozen' satisfies SealState)) {
    await deps.db.$executeRaw`DELETE FROM season_archive WHERE season_id = ${seasonId}`;
    const synced = await syncPendingStandings(deps, { seasonId, throughSeal: true, batchSize: 5_000, maxBatches: Infinity });
    await deps.redis.set(keys.sealed, 'frozen' satisfies SealState);
    deps.logger.info({ seasonId, ...synced }, 'season board completed from PostgreSQL and frozen');
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
