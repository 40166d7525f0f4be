import type { Deps } from '../../lib/app-deps.js';
import type { BoardTarget } from './board-definition.js';
import { boardKeys } from './board-keys.js';
import { boardKeysToRelease, frozenBoardOf } from './board-storage.js';
import { syncPendingStandings } from './board-sync.js';
import type { BucketLayout } from './bucketed/index.js';

/**
 * What a board period's seal key holds while the rollover works on it.
 * - `closing`: live writes are refused; the rollover is completing the board.
 * - `frozen:<run>`: complete; nothing writes to it any more, so copies of it
 *   agree. `<run>` is the rollover run whose copy the archive holds.
 * - `archived`: the board is gone; the seal stays as a tombstone, so a very late
 *   write for the period cannot start a new board that nobody would read.
 */
export type SealState = 'closing' | `frozen:${string}` | 'archived';

type FreezeDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'pubsub' | 'now' | 'boardCache'>;

/**
 * Seals a period's board now: from here on live writes are refused (the
 * write script checks the seal). A board sealed already keeps its state.
 * @returns the seal as it is after the call.
 */
export async function sealBoard(deps: Pick<Deps, 'redis' | 'keys'>, ref: string): Promise<string | null> {
  const { sealed } = boardKeys(deps.keys, ref);
  await deps.redis.set(sealed, 'closing' satisfies SealState, 'NX');
  return deps.redis.get(sealed);
}

/**
 * Makes a closed period's board complete and frozen for rollover run
 * `runKey`, and returns its size.
 *
 * 1. Seal it: live writes are refused from now on (a write whose event time
 *    falls in a closed period still counts in PostgreSQL, but the board is
 *    final once the period closes).
 * 2. Complete it from PostgreSQL: every standing not yet confirmed on the board
 *    is pushed through the seal; a board Redis lost (no sync marker) is rebuilt
 *    from the standings first. So the board is always copied from Redis, and
 *    it is whole.
 * 3. Freeze it. Once frozen, nothing repeats steps 1–2: the board cannot
 *    change under copies that may already be running.
 *
 * The period's archive rows are cleared whenever a run other than the one
 * that froze the board gets here: rows copied before the board was frozen may
 * be stale, and rows a failed run left behind must not block a re-run (copies
 * keep rows that exist). A retry of the same run keeps them: its copies may be
 * running.
 */
export async function freezeBoard(deps: FreezeDeps, target: BoardTarget, runKey: string): Promise<number> {
  const { ref, archiveMonth } = target;
  const keys = boardKeys(deps.keys, ref);
  const frozen: SealState = `frozen:${runKey}`;
  const seal = await sealBoard(deps, ref);
  // The tombstone: the period is archived and its rows are the archive. Never clear them.
  if (seal === ('archived' satisfies SealState)) throw new Error(`Board period ${ref} is archived; its board is not frozen again.`);
  if (seal !== frozen) {
    await deps.db.$executeRaw`DELETE FROM board_archive WHERE month = ${archiveMonth} AND period_ref = ${ref}`;
    if (!seal?.startsWith('frozen:')) {
      const synced = await syncPendingStandings(deps, { ref, throughSeal: true, batchSize: 5_000, maxBatches: Infinity });
      deps.logger.info({ ref, ...synced }, 'board completed from PostgreSQL');
    }
    await deps.redis.set(keys.sealed, frozen);
    deps.logger.info({ ref, runKey, previously: seal }, 'board frozen for this rollover run');
  }
  return frozenBoardOf(deps, ref, target.layout).size();
}

/**
 * Deletes an archived period's board from Redis: every key of it but the
 * seal, which stays as the `archived` tombstone. The keys of the home slot
 * go with the tombstone in one transaction; a bucketed board's buckets and
 * user shards (other slots) after it, one DEL each. Idempotent: a retry
 * deletes what a failed run left.
 * @returns how many keys were deleted.
 */
export async function releaseBoard(deps: Pick<Deps, 'redis' | 'keys'>, ref: string, layout: BucketLayout | null): Promise<number> {
  const home = boardKeys(deps.keys, ref);
  const homeKeys = new Set(Object.values(home));
  const released = boardKeysToRelease(deps, ref, layout);
  const [[deleteError, deleted] = [null, 0]] =
    (await deps.redis
      .multi()
      .del(...released.filter((key) => homeKeys.has(key)))
      .set(home.sealed, 'archived' satisfies SealState)
      .exec()) ?? [];
  if (deleteError) throw deleteError;
  const elsewhere = await Promise.all(released.filter((key) => !homeKeys.has(key)).map((key) => deps.redis.del(key)));
  return Number(deleted) + elsewhere.reduce((sum, count) => sum + count, 0);
}
