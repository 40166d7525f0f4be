import type { Deps } from '../../lib/app-deps.js';
import type { JobControl } from '../../infra/queues.js';
import { seasonBatch } from './batch-sql.js';
import { runFanOut, type AfterFanOutBatch, type FanOutResult } from './fan-out.js';
import { seasonTitle } from './notification-text.js';

export const SEASON_ENDED_JOB = 'notifications.season-ended';

/** Seasons archived longer ago than this are never swept: turning the feature on does not announce old seasons. */
export const SEASON_SWEEP_WINDOW_DAYS = 40;

/** The `points` board's archive ref of a season, e.g. `points/2026-11`. */
export function seasonRef(seasonId: string): string {
  return `points/${seasonId}`;
}

function fanOutKey(seasonId: string): string {
  return `season:${seasonRef(seasonId)}`;
}

/**
 * Tells every member of an archived points season their final rank, from
 * board_archive, in batches; then records the fan-out as done so the sweep
 * skips it. Nothing happens for a season that is not ARCHIVED yet (its
 * archive may be incomplete).
 */
export async function notifySeasonEnded(
  deps: Pick<Deps, 'db' | 'pubsub' | 'now'>,
  seasonId: string,
  options: { control: JobControl; attempt: number; batchSize?: number; afterBatch?: AfterFanOutBatch },
): Promise<FanOutResult | { skipped: string }> {
  const periodRef = seasonRef(seasonId);
  const period = await deps.db.boardPeriod.findUnique({ where: { ref: periodRef }, select: { state: true } });
  if (period?.state !== 'ARCHIVED') return { skipped: `season ${seasonId} is not archived` };
  const members = await deps.db.boardArchiveEntry.count({ where: { month: seasonId, periodRef } });
  const key = fanOutKey(seasonId);
  const row = { seasonId, periodRef, dedupeKey: key, title: seasonTitle(seasonId), members, createdAt: deps.now() };
  const result = await runFanOut(deps, (after, limit) => seasonBatch(deps.db, row, after, limit), options);
  await deps.db.notificationFanout.upsert({
    where: { key },
    create: { key, completedAt: deps.now(), recipients: members },
    update: { completedAt: deps.now(), recipients: members },
  });
  return result;
}

/**
 * Season ids of points seasons archived within the sweep window whose
 * fan-out has not run to its end, oldest first.
 */
export async function seasonsToAnnounce(deps: Pick<Deps, 'db' | 'now'>): Promise<string[]> {
  const since = new Date(deps.now().getTime() - SEASON_SWEEP_WINDOW_DAYS * 24 * 3600_000);
  const rows = await deps.db.$queryRaw<Array<{ period_id: string }>>`
    SELECT p.period_id FROM board_periods p JOIN leaderboards l ON l.id = p.board_id
    WHERE l.key = 'points' AND p.state = 'ARCHIVED' AND p.ends_at >= ${since}
      AND NOT EXISTS (SELECT 1 FROM notification_fanouts f WHERE f.key = 'season:' || p.ref)
    ORDER BY p.period_id`;
  return rows.map((row) => row.period_id);
}
