import type { Deps } from '../../lib/app-deps.js';
import { releaseBoard } from './board-freeze.js';
import { verifyArchive } from './rollover-verify.js';
import { ensureSeason, seasonIdOf } from './seasons.service.js';
import { ROLLOVER_SCOPE } from './seasons.topics.js';

type FinishDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'config' | 'pubsub' | 'now'>;

/** What the last step of a rollover did. */
export interface FinishOutcome {
  seasonId: string;
  /** Rows in the archive. */
  members: number;
  /** False when the season was ARCHIVED already (a repeated run): nothing was verified again. */
  archivedNow: boolean;
  /** Redis keys of the board deleted by this run. */
  deletedKeys: number;
}

/**
 * The last step of the rollover of a CLOSING season, run after every copy
 * shard is done:
 * 1. verify the archive against the frozen board (throws, keeping the board,
 *    on any difference: the retry verifies again);
 * 2. mark the season ARCHIVED: from now on its reads go to the archive;
 * 3. only then delete the board from Redis;
 * 4. publish `season:rolledOver`.
 * A run that finds the season ARCHIVED already (a crash after step 2) just
 * does steps 3–4 again; deleting is idempotent.
 */
export async function finishRollover(deps: FinishDeps, input: { seasonId: string }): Promise<FinishOutcome> {
  const { seasonId } = input;
  const season = await deps.db.season.findUniqueOrThrow({ where: { id: seasonId }, select: { state: true } });
  if (season.state === 'CURRENT') throw new Error(`Season ${seasonId} is not closing; its rollover did not start.`);

  let archivedNow = false;
  let members: number;
  if (season.state === 'CLOSING') {
    members = await verifyArchive(deps, seasonId);
    const { count } = await deps.db.season.updateMany({ where: { id: seasonId, state: 'CLOSING' }, data: { state: 'ARCHIVED' } });
    archivedNow = count === 1;
  } else {
    members = await deps.db.seasonArchiveEntry.count({ where: { seasonId } });
  }
  const deletedKeys = await releaseBoard(deps, seasonId);

  // A repeat after a complete run has nothing to announce; one that found work left (a crash before) announces.
  if (archivedNow || deletedKeys > 0) {
    const currentSeasonId = seasonIdOf(deps, deps.now());
    await ensureSeason(deps, currentSeasonId);
    await deps.pubsub.publish('season:rolledOver', ROLLOVER_SCOPE, { archivedSeasonId: seasonId, currentSeasonId });
  }
  deps.logger.info({ seasonId, members, archivedNow, deletedKeys }, archivedNow ? 'season archived' : 'season was archived already');
  return { seasonId, members, archivedNow, deletedKeys };
}
