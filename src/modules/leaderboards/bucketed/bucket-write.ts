import { randomUUID } from 'node:crypto';
import type { KeySpace, Redis } from '../../../infra/redis.js';
import { runScript } from '../../../lib/lua-script.js';
import { writeArgs, type StandingWrite, type WriteOptions, type WriteTarget } from '../board-script.js';
import { bucketKeys, bucketHomeKeys, shardKeys } from './bucket-keys.js';
import { bucketOf, shardOf, type BucketLayout } from './bucket-layout.js';
import { BEGIN_MOVE, BUCKET_WRITE, CLAIM_LOCAL, CLAIM_MOVE, COUNT_MOVE, MOVE_FAILED, SETTLE } from './bucket-write-lua.js';

/** What a bucketed write needs: Redis and its key space (a move's start time is Redis's own clock). */
export interface BucketWriteDeps {
  redis: Redis;
  keys: KeySpace;
}

/**
 * Writes a user's standing to a bucketed board period; the newest version wins
 * whatever order writes arrive in, like writeStanding on an unbucketed board.
 *
 * A write that leaves the user in the bucket they already sit in (settled) is
 * two scripts: the shard claims it (version check), the bucket applies it —
 * one atomic change of one bucket, invisible to the move seqlock.
 *
 * Any other write (a user joining, leaving, or crossing a bound) is a *move*:
 * 1. home: register the move (moves hash, `started` + 1) — from now on every
 *    fresh read of the board retries;
 * 2. shard: claim (version check), mark the user pending in the target bucket;
 * 3. home: apply the count change (previous bucket − 1, target + 1);
 * 4. buckets: add to the target, then remove from the previous bucket (each
 *    refused if the bucket saw a newer version of the user);
 * 5. shard: settle the pending mark; 6. home: unregister the move.
 * A reader trusts its bucket reads only when no move was registered before
 * them and `started` did not change by their end (bucket-read.ts), so it never
 * sees the user in both buckets or in neither. A move that fails half-way
 * (a Redis error) stays registered, marked stuck (MOVE_FAILED): the next read
 * answers stale and asks for the board's rebuild (bucket-heal.ts). One whose
 * writer died is found stuck by its age (STUCK_MOVE_MS, by Redis's clock).
 * @returns whether the write was applied (false: stale version, or sealed board).
 */
export async function writeBucketedStanding(
  deps: BucketWriteDeps,
  target: WriteTarget,
  layout: BucketLayout,
  write: StandingWrite,
  options: WriteOptions = {},
): Promise<boolean> {
  const [userId, version, ranked, sortScore, member, seqHex] = writeArgs(target, write) as [string, string, string, string, string, string];
  const bucket = ranked === '1' ? String(bucketOf(layout, Number(sortScore))) : '';
  const shard = shardKeys(deps.keys, target.ref, shardOf(layout, write.userId));
  const home = bucketHomeKeys(deps.keys, target.ref);
  const bucketWrite = (index: string, add: boolean) => {
    const keys = bucketKeys(deps.keys, target.ref, Number(index));
    return { keys: [keys.board, keys.scores, keys.scoreCounts, keys.owners, keys.maxSeq], args: [userId, version, add ? '1' : '0', sortScore, member, seqHex] };
  };
  const honourSeal = options.throughSeal ? '0' : '1';

  // Checked before the claim, which records the version as applied: a refused write must not leave it behind.
  // (A seal set between this check and the bucket write lets that one write in; the rollover of a bucketed board must allow for it.)
  if (honourSeal === '1' && (await deps.redis.exists(home.sealed)) === 1) return false;
  const [local] = await runScript(deps.redis, CLAIM_LOCAL, [{ keys: [shard.versions, shard.at], args: [userId, version, bucket] }]);
  if (local === 0) return false;
  if (local === 1) {
    if (bucket !== '') await runScript(deps.redis, BUCKET_WRITE, [bucketWrite(bucket, true)]);
    return true;
  }

  // Unique per attempt: two writes of one user and version (a live write and leaderboard.sync re-sending it)
  // may both begin a move, and the one whose claim is refused must end its own registration, not the other's.
  const moveId = `${userId}:${version}:${randomUUID()}`;
  try {
    const [begun] = await runScript(deps.redis, BEGIN_MOVE, [{ keys: [home.moves, home.started, home.sealed], args: [moveId, honourSeal] }]);
    if (begun !== 1) return false;
  } catch (error) {
    // Nothing but the registration can have happened: take it back if it was made.
    await deps.redis.hdel(home.moves, moveId).catch(() => 0);
    throw error;
  }
  try {
    const [claim] = (await runScript(deps.redis, CLAIM_MOVE, [{ keys: [shard.versions, shard.at], args: [userId, version, bucket] }])) as [[number, string?]];
    if (claim[0] !== 1) {
      await runScript(deps.redis, COUNT_MOVE, [{ keys: [home.moves, home.counts], args: [moveId, '', '', '1'] }]);
      return false;
    }
    const previous = claim[1] ?? '';
    await runScript(deps.redis, COUNT_MOVE, [{ keys: [home.moves, home.counts], args: [moveId, previous, bucket, '0'] }]);
    if (bucket !== '') await runScript(deps.redis, BUCKET_WRITE, [bucketWrite(bucket, true)]);
    if (previous !== '' && previous !== bucket) await runScript(deps.redis, BUCKET_WRITE, [bucketWrite(previous, false)]);
    await runScript(deps.redis, SETTLE, [{ keys: [shard.versions, shard.at], args: [userId, version] }]);
    await runScript(deps.redis, COUNT_MOVE, [{ keys: [home.moves, home.counts], args: [moveId, '', '', '1'] }]);
    return true;
  } catch (error) {
    // Which steps ran is unknown (a command that timed out may still have run), so the move cannot be
    // undone or ended safely: it is marked stuck, and the next read asks for the board's rebuild at once.
    // If Redis cannot be told either, readers find it stuck after STUCK_MOVE_MS.
    await runScript(deps.redis, MOVE_FAILED, [{ keys: [home.moves], args: [moveId] }]).catch(() => 0);
    throw error;
  }
}

/** {@link writeBucketedStanding} for several writes, concurrently (writes of one user still resolve newest-wins). */
export async function writeBucketedStandings(
  deps: BucketWriteDeps,
  target: WriteTarget,
  layout: BucketLayout,
  writes: readonly StandingWrite[],
  options: WriteOptions = {},
): Promise<boolean[]> {
  return Promise.all(writes.map((write) => writeBucketedStanding(deps, target, layout, write, options)));
}
