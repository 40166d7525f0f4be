import type { Deps } from '../../lib/app-deps.js';
import type { EventHandler, EventType } from '../outbox/index.js';
import { writeBoardEntries, type BoardWrite } from './hot-board-store.js';
import { publishHotChanges } from './hot-changes.js';
import { HEAT_ROW_SELECT, insideWindow, isVisibleStatus, publicationTime, toHotEntry } from './hot-scoring.js';
import { currentHotSettings } from './hot-settings.js';

type RefreshDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'config' | 'now' | 'hotCache' | 'pubsub' | 'logger'>;

/** Ids per PostgreSQL read when refreshing many activities at once. */
const REFRESH_CHUNK = 500;

/**
 * Re-scores one activity from its row in PostgreSQL (counts, status,
 * publishedAt, category) and writes its ABSOLUTE score to the global board and
 * its category's board — or takes it off every board when it is not visible
 * (cancelled, ended, draft, deleted) or published before the age window of
 * the hot settings. Idempotent: calling it twice, late, or
 * for an event that was already applied changes nothing, so domain-event
 * handlers can call it at least once per event. Boards whose contents changed
 * are announced on `hot:changed` after the write; an unchanged board is not.
 *
 * Under `reddit` the stored score is exact at once. Under `hackernews` it is
 * computed at `deps.now()`, like the next full recompute will be.
 *
 * If Redis cannot be written this throws; the `hot.recompute` job (every
 * minute) rewrites every board from PostgreSQL, so a missed write is visible
 * for at most one recompute interval plus its run time.
 */
export async function refreshActivityHeat(deps: RefreshDeps, activityId: number): Promise<void> {
  await refreshActivitiesHeat(deps, [activityId]);
}

/** {@link refreshActivityHeat} for many activities: one PostgreSQL read and one Redis round trip per 500. */
export async function refreshActivitiesHeat(deps: RefreshDeps, activityIds: readonly number[]): Promise<void> {
  const { boardSize } = deps.config.hot;
  // The copy read within HOT_CACHE_TTL_MS: a settings change reaches incremental updates within that
  // (and every recompute at once), without a settings query on every interaction.
  const current = await currentHotSettings(deps);
  const { algorithm } = current;
  const unique = [...new Set(activityIds)];
  const changed = new Set<string | null>();
  try {
    for (let i = 0; i < unique.length; i += REFRESH_CHUNK) {
      const ids = unique.slice(i, i + REFRESH_CHUNK);
      const now = deps.now();
      const settings = { ...current, now };
      const rows = await deps.db.activity.findMany({ where: { id: { in: ids } }, select: HEAT_ROW_SELECT });
      const byId = new Map(rows.map((row) => [row.id, row]));
      const writes: BoardWrite[] = ids.map((id) => {
        const row = byId.get(id);
        if (!row) return { activityId: id, category: '', entry: null };
        const ranked = isVisibleStatus(row.status) && insideWindow(publicationTime(row), settings);
        return { activityId: id, category: row.category, entry: ranked ? toHotEntry(row, settings) : null };
      });
      for (const board of await writeBoardEntries(deps, { algorithm, writes, boardSize, computedAt: now })) changed.add(board);
    }
  } finally {
    // This instance reads its own write at once; other instances when `hot:changed` reaches them (hot-cache-sync.ts).
    deps.hotCache.invalidate();
  }
  // Announced without the algorithm: only a recompute, which writes whole boards, moves readers to another one.
  if (changed.size > 0) await publishHotChanges(deps, changed, deps.now());
}

/**
 * Event handlers that keep the hot boards current: one per event type, each
 * re-scoring the event's `payload.activityId` with {@link refreshActivityHeat}.
 * Give it the activity events that change counts, status or publication, e.g.
 * `hotEventHandlers(['activity.joined', 'activity.quit', 'activity.favorited',
 * 'activity.unfavorited', 'activity.viewed', 'activity.checkedIn',
 * 'activity.statusChanged', 'activity.cancelled', 'activity.published'])`.
 */
export function hotEventHandlers(types: readonly EventType[]): EventHandler<Deps>[] {
  return types.map((type) => ({
    name: `hot.refresh:${type}`,
    type,
    async handle(event, deps) {
      // Typed loosely on purpose: the activity events are declared by the activities module.
      const { payload } = event as unknown as { payload: { activityId?: unknown } | null };
      const activityId = payload?.activityId;
      if (typeof activityId !== 'number' || !Number.isSafeInteger(activityId)) {
        throw new Error(`Event ${type} has no numeric payload.activityId; the hot boards cannot be refreshed from it`);
      }
      await refreshActivityHeat(deps, activityId);
    },
  }));
}
