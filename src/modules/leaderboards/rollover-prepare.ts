import { UnrecoverableError } from 'bullmq';
import type { Deps } from '../../lib/app-deps.js';
import { ensureArchivePartition } from './archive-partitions.js';
import { freezeBoard } from './board-freeze.js';
import { seasonBounds } from '../../lib/calendar.js';
import { ensureSeason } from './seasons.service.js';

type PrepareDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'logger' | 'config' | 'now' | 'pubsub'>;

/** What the first step of a rollover found and did. */
export type RolloverPlan =
  | { seasonId: string; archived: true }
  | { seasonId: string; archived: false; /** Members of the frozen board, i.e. archive rows to expect. */ members: number };

/** Logs seasons that ended before this one and were never archived (a missed tick); they are re-run by hand. */
async function reportOverdue(deps: PrepareDeps, seasonId: string, startsAt: Date): Promise<void> {
  const overdue = await deps.db.season.findMany({
    where: { endsAt: { lte: startsAt }, state: { not: 'ARCHIVED' } },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  if (overdue.length > 0) {
    deps.logger.warn(
      { seasonId, overdue: overdue.map((season) => season.id) },
      'older seasons were never archived; run season.rollover with { seasonId } for each',
    );
  }
}

/**
 * Step 1 of run `runKey` of the rollover of `seasonId`: mark it CLOSING,
 * create its archive partition, and complete and freeze its board (see
 * {@link freezeBoard}).
 * Every part is idempotent, so a retried or repeated run redoes only what is
 * missing; an ARCHIVED season is left alone. A season with no row yet (no
 * award all month) is created, so it archives as an empty board.
 * @throws UnrecoverableError when the season has not ended (a retry would not help).
 */
export async function prepareRollover(deps: PrepareDeps, input: { seasonId: string; runKey: string }): Promise<RolloverPlan> {
  const { seasonId, runKey } = input;
  const { startsAt, endsAt } = seasonBounds(seasonId, deps.config.timeZone);
  if (endsAt.getTime() > deps.now().getTime()) {
    throw new UnrecoverableError(`Season ${seasonId} ends at ${endsAt.toISOString()}; it cannot be rolled over before then.`);
  }
  await ensureSeason(deps, seasonId);
  const season = await deps.db.season.findUniqueOrThrow({ where: { id: seasonId }, select: { state: true } });
  if (season.state === 'ARCHIVED') return { seasonId, archived: true };
  await reportOverdue(deps, seasonId, startsAt);

  await deps.db.season.updateMany({ where: { id: seasonId, state: 'CURRENT' }, data: { state: 'CLOSING' } });
  await ensureArchivePartition(deps.db, seasonId);
  const members = await freezeBoard(deps, seasonId, runKey);
  deps.logger.info({ seasonId, members }, 'season closing: board frozen, archive partition ready');
  return { seasonId, archived: false, members };
}
