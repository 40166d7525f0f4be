import type { Deps } from '../../lib/app-deps.js';
import { readBoardRange, readBoardRank } from './hot-board-store.js';
import { followHotBoard, HOT_CACHE_DEPTH, hotCacheKey, type HotList } from './hot-cache.js';
import { collectHotBoards } from './hot-recompute.js';
import { currentHotSettings } from './hot-settings.js';
import type { HeatAlgorithm } from './heat-formula.js';

type ReaderDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'config' | 'now' | 'hotCache' | 'metrics' | 'logger'>;

/** The algorithm whose boards are read: the one the latest board write seen here used (see HotCache.boardAlgorithm). */
export function boardAlgorithm(deps: Pick<Deps, 'config' | 'hotCache'>): HeatAlgorithm {
  return deps.hotCache.boardAlgorithm ?? deps.config.hot.algorithm;
}

/** Label of this cache in liveboard_cache_lookups_total. */
const CACHE_LABEL = 'hot';

function firstOf(list: HotList, first: number, stale = list.stale): HotList {
  return { ...list, entries: list.entries.slice(0, first), stale };
}

/**
 * The top `limit` of a board computed straight from PostgreSQL (streamed, with
 * a bounded heap): the last resort when Redis has no board or cannot be read.
 */
export async function computeHotList(
  deps: Pick<Deps, 'db' | 'config' | 'now' | 'hotCache' | 'logger'>,
  input: { category: string | null; limit: number },
): Promise<HotList> {
  const computedAt = deps.now();
  const settings = await currentHotSettings(deps);
  const { global } = await collectHotBoards(deps, {
    limit: input.limit,
    settings: { ...settings, now: computedAt },
    perCategory: false,
    category: input.category,
  });
  return {
    entries: global.map((entry, index) => ({ rank: index + 1, activityId: entry.id, score: entry.score })),
    computedAt,
    algorithm: settings.algorithm,
    stale: false,
  };
}

/**
 * The live hot list of the global board (category null) or a category's board.
 *
 * Local cache (fresh for HOT_CACHE_TTL_MS) → Redis → PostgreSQL. If Redis
 * cannot be read, the last good local copy is served with `stale: true`;
 * with none, the list is computed from PostgreSQL. A board no full recompute
 * has written yet (fresh deployment, flushed Redis) is computed from
 * PostgreSQL too, so the list is never empty while visible activities exist.
 * `skipCache` goes to Redis even when the local copy is fresh: a live
 * subscription told that the board changed (possibly by another instance,
 * whose write this instance's cache has not seen) must read the new board.
 * Visibility travels with the board (refreshActivityHeat takes an activity off
 * when it stops being visible), so no PostgreSQL check is made: with
 * PostgreSQL down the list still comes from the local copy or Redis.
 */
export async function readHotActivities(
  deps: ReaderDeps,
  input: { category: string | null; first: number; skipCache?: boolean },
): Promise<HotList> {
  const algorithm = boardAlgorithm(deps);
  const key = hotCacheKey(algorithm, input.category);
  const cached = input.skipCache ? undefined : deps.hotCache.fresh(key);
  if (cached) {
    deps.metrics.cacheLookups.inc({ cache: CACHE_LABEL, result: 'hit' });
    return firstOf(cached, input.first);
  }
  // A read that skips the cache (a refresh after a change) is no lookup of it.
  if (!input.skipCache) deps.metrics.cacheLookups.inc({ cache: CACHE_LABEL, result: 'miss' });
  try {
    const range = await readBoardRange(deps, { algorithm, category: input.category, start: 0, stop: HOT_CACHE_DEPTH - 1 });
    if (range.ready) {
      const list: HotList = { entries: range.entries, computedAt: range.computedAt, algorithm, stale: false };
      deps.hotCache.set(key, list);
      followHotBoard(deps.hotCache, input.category);
      return firstOf(list, input.first);
    }
  } catch (error) {
    const lastGood = deps.hotCache.lastGood(key);
    if (lastGood) {
      deps.metrics.cacheLookups.inc({ cache: CACHE_LABEL, result: 'stale' });
      deps.logger.warn({ err: error, category: input.category }, 'hot board unreadable in Redis; serving the last local copy');
      return firstOf(lastGood, input.first, true);
    }
    deps.logger.warn({ err: error, category: input.category }, 'hot board unreadable in Redis; computing it from PostgreSQL');
  }
  const list = await computeHotList(deps, { category: input.category, limit: HOT_CACHE_DEPTH });
  deps.hotCache.set(key, list);
  followHotBoard(deps.hotCache, input.category);
  return firstOf(list, input.first);
}


/**
 * 1-based rank of an activity on the global board, or null when it is not on
 * it (not visible, or below the top HOT_BOARD_SIZE). When Redis has no board
 * or cannot be read, it is looked up in the top 100 of {@link readHotActivities}.
 */
export async function hotRankOf(deps: ReaderDeps, activityId: number): Promise<number | null> {
  try {
    const { ready, rank } = await readBoardRank(deps, { algorithm: boardAlgorithm(deps), category: null, activityId });
    if (ready) return rank;
  } catch (error) {
    deps.logger.debug({ err: error, activityId }, 'hot rank unreadable in Redis; using the hot list');
  }
  const list = await readHotActivities(deps, { category: null, first: HOT_CACHE_DEPTH });
  return list.entries.find((entry) => entry.activityId === activityId)?.rank ?? null;
}

/**
 * The `HEAT` ordering hook for `activities(orderBy: HEAT)`: ids of visible
 * activities, hottest first, from `offset` (0-based) for `limit` entries, in
 * exactly the order `hotActivities` shows (ties included). Only the top
 * HOT_BOARD_SIZE are ranked; past it the list ends. `category` null = all.
 */
export async function heatOrderedActivityIds(
  deps: ReaderDeps,
  input: { category: string | null; offset: number; limit: number },
): Promise<number[]> {
  const end = Math.min(input.offset + input.limit, deps.config.hot.boardSize);
  if (input.limit <= 0 || input.offset >= end) return [];
  if (end <= HOT_CACHE_DEPTH) {
    const list = await readHotActivities(deps, { category: input.category, first: HOT_CACHE_DEPTH });
    return list.entries.slice(input.offset, end).map((entry) => entry.activityId);
  }
  try {
    const range = await readBoardRange(deps, {
      algorithm: boardAlgorithm(deps),
      category: input.category,
      start: input.offset,
      stop: end - 1,
    });
    if (range.ready) return range.entries.map((entry) => entry.activityId);
  } catch (error) {
    deps.logger.warn({ err: error }, 'hot board unreadable in Redis; ordering by heat from PostgreSQL');
  }
  const list = await computeHotList(deps, { category: input.category, limit: end });
  return list.entries.slice(input.offset, end).map((entry) => entry.activityId);
}
