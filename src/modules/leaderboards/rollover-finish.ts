import type { Deps } from '../../lib/app-deps.js';
import { parsePeriodRef, POINTS_BOARD, type BoardDefinition } from './board-definition.js';
import { releaseBoard } from './board-freeze.js';
import { ensurePeriod, periodIdOf, targetOf } from './board-periods.service.js';
import type { ShardDigest } from './rollover-digest.js';
import { verifyArchive, verifyByShardDigests } from './rollover-verify.js';
import { ROLLOVER_SCOPE } from './seasons.topics.js';

type FinishDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'config' | 'pubsub' | 'now' | 'boardCache'>;

/** What the last step of a rollover did. */
export interface FinishOutcome {
  ref: string;
  /** Rows in the archive. */
  members: number;
  /** False when the period was ARCHIVED already (a repeated run): nothing was verified again. */
  archivedNow: boolean;
  /** Redis keys of the board deleted by this run. */
  deletedKeys: number;
  /** How this run verified the archive: by the copy shards' digests, row by row, or not at all (ARCHIVED already). */
  verifiedBy: 'shard digests' | 'rows' | null;
}

/**
 * The board's current period after the rollover (created if needed, so its
 * empty board is ready); null for an archived board, which has none.
 */
async function currentRefOf(deps: FinishDeps, board: BoardDefinition, archivedRef: string): Promise<string | null> {
  if (board.state === 'ARCHIVED') return null;
  const ref = await ensurePeriod(deps, board, periodIdOf(deps, board, deps.now()));
  return ref === archivedRef ? null : ref;
}

/** Announces the rollover: `board:rolledOver` for every board, and `season:rolledOver` for the points board. */
async function announce(deps: FinishDeps, board: BoardDefinition, ref: string): Promise<void> {
  const currentRef = await currentRefOf(deps, board, ref);
  await deps.pubsub.publish('board:rolledOver', board.key, { ref, currentRef });
  if (board.key === POINTS_BOARD && currentRef !== null) {
    await deps.pubsub.publish('season:rolledOver', ROLLOVER_SCOPE, {
      archivedSeasonId: parsePeriodRef(ref).periodId,
      currentSeasonId: parsePeriodRef(currentRef).periodId,
    });
  }
}

/**
 * The last step of the rollover of a CLOSING board period, run after every
 * copy shard is done:
 * 1. verify the archive against the frozen board (throws, keeping the board,
 *    on any difference: the retry verifies again). Given the copy shards'
 *    digests, a count and a fingerprint of the archive suffice while they
 *    agree (see verifyByShardDigests); where they do not, or no digests are
 *    given, every row is compared, which names the first difference;
 * 2. mark the period ARCHIVED: from now on its reads go to the archive;
 * 3. only then delete the board from Redis (the seal stays, `archived`);
 * 4. publish `board:rolledOver` (and `season:rolledOver` for the points board).
 * A run that finds the period ARCHIVED already (a crash after step 2) just
 * does steps 3–4 again; deleting is idempotent.
 */
export async function finishRollover(deps: FinishDeps, input: { ref: string; shards?: readonly ShardDigest[] | null }): Promise<FinishOutcome> {
  const { ref, shards } = input;
  const period = await deps.db.boardPeriod.findUniqueOrThrow({ where: { ref }, include: { board: true } });
  if (period.state === 'CURRENT') throw new Error(`Board period ${ref} is not closing; its rollover did not start.`);
  const target = targetOf(deps, period.board, period);

  let archivedNow = false;
  let members: number;
  let verifiedBy: FinishOutcome['verifiedBy'] = null;
  if (period.state === 'CLOSING') {
    const vouched = shards ? await verifyByShardDigests(deps, target, shards) : null;
    verifiedBy = vouched === null ? 'rows' : 'shard digests';
    members = vouched ?? (await verifyArchive(deps, target));
    const { count } = await deps.db.boardPeriod.updateMany({ where: { ref, state: 'CLOSING' }, data: { state: 'ARCHIVED' } });
    archivedNow = count === 1;
  } else {
    members = await deps.db.boardArchiveEntry.count({ where: { month: target.archiveMonth, periodRef: ref } });
  }
  const deletedKeys = await releaseBoard(deps, ref, target.layout);

  // A repeat after a complete run has nothing to announce; one that found work left (a crash before) announces.
  if (archivedNow || deletedKeys > 0) await announce(deps, period.board, ref);
  deps.logger.info({ ref, members, archivedNow, deletedKeys, verifiedBy }, archivedNow ? 'board period archived' : 'board period was archived already');
  return { ref, members, archivedNow, deletedKeys, verifiedBy };
}
