import { LRUCache } from 'lru-cache';
import type { HeatAlgorithm } from './heat-formula.js';

/** One ranked entry of a hot list; ties are already ordered (compareHotEntries) into `rank`. */
export interface HotListEntry {
  /** 1-based. */
  rank: number;
  activityId: number;
  score: number;
}

/** A hot board as readers see it. */
export interface HotList {
  entries: HotListEntry[];
  /** When the scores were computed; null only for a day without a snapshot. */
  computedAt: Date | null;
  algorithm: HeatAlgorithm;
  /** True when Redis could not be read and an older local copy is served instead. */
  stale: boolean;
}

/**
 * The per-process copy of the hot boards (top {@link HOT_CACHE_DEPTH} of each).
 * `fresh` answers within the TTL without asking Redis; `lastGood` keeps the
 * latest copy read successfully, past its TTL, so a Redis outage can be
 * answered with `stale: true` instead of an error or an empty list.
 */
export interface HotCache {
  fresh(key: string): HotList | undefined;
  lastGood(key: string): HotList | undefined;
  set(key: string, list: HotList): void;
  /**
   * Which of a list's activities PostgreSQL says are visible, remembered per
   * list of ids for the same TTL, so a cached list costs no query per read.
   */
  visibleIds(ids: readonly number[], load: () => Promise<Set<number>>): Promise<Set<number>>;
  /**
   * Activity rows shown in hot lists, by selection shape and id, for the same
   * TTL, so a cached list does not load its activities from PostgreSQL on every read.
   */
  readonly rows: LRUCache<string, object>;
  /** Forgets the fresh copies, visibility and rows (after a write) but keeps the last good lists for outages. */
  invalidate(): void;
}

/** How many entries of each board are cached: the most `hotActivities(first:)` may ask for. */
export const HOT_CACHE_DEPTH = 100;

/** Boards kept per process: one global board and one per category read recently. */
const MAX_BOARDS = 1_000;

/** Builds the process's hot-board cache; `ttlMs` is HOT_CACHE_TTL_MS. */
export function createHotCache(ttlMs: number): HotCache {
  const fresh = new LRUCache<string, HotList>({ max: MAX_BOARDS, ttl: ttlMs });
  // No TTL: a copy is only replaced by a newer good read, never expired, so there is always something to fall back on.
  const lastGood = new LRUCache<string, HotList>({ max: MAX_BOARDS });
  const visibility = new LRUCache<string, Promise<Set<number>>>({ max: MAX_BOARDS, ttl: ttlMs });
  const rows = new LRUCache<string, object>({ max: 20_000, ttl: ttlMs });
  return {
    rows,
    fresh: (key) => fresh.get(key),
    lastGood: (key) => lastGood.get(key),
    set(key, list) {
      fresh.set(key, list);
      lastGood.set(key, list);
    },
    visibleIds(ids, load) {
      const key = ids.join(',');
      let visible = visibility.get(key);
      if (!visible) {
        visible = load();
        visibility.set(key, visible);
        // A failed check must not be remembered.
        visible.catch(() => visibility.delete(key));
      }
      return visible;
    },
    invalidate() {
      fresh.clear();
      visibility.clear();
      rows.clear();
    },
  };
}

/** Cache key of a board: the algorithm is part of it so switching HOT_ALGORITHM never serves the other's scores. */
export function hotCacheKey(algorithm: HeatAlgorithm, category: string | null): string {
  return `${algorithm}|${category ?? ''}`;
}
