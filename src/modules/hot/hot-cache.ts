import { LRUCache } from 'lru-cache';
import type { HeatAlgorithm } from './heat-formula.js';
import type { HotSettingsValues } from './hot-scoring.js';

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
   * Activity rows shown in hot lists, by selection shape and id, for the same
   * TTL, so a cached list does not load its activities from PostgreSQL on every read.
   */
  readonly rows: LRUCache<string, object>;
  /**
   * The last row read of every activity in `rows`, kept past the TTL: what a
   * hot list shows while PostgreSQL cannot be read (then with `stale: true`).
   */
  readonly lastGoodRows: LRUCache<string, object>;
  /** The hot settings last read from PostgreSQL: `fresh` for the TTL, `last` for outages. */
  readonly settings: {
    fresh(): HotSettingsValues | undefined;
    last(): HotSettingsValues | undefined;
    set(values: HotSettingsValues): void;
  };
  /**
   * The algorithm whose boards readers use: the one the latest board write
   * seen here (announced on `hot:changed`) was made with; undefined = HOT_ALGORITHM.
   */
  boardAlgorithm: HeatAlgorithm | undefined;
  /** Forgets the fresh copies and rows (after a write) but keeps the last good lists and rows for outages. */
  invalidate(): void;
  /**
   * Keeps a board's copies in step with changes made on other instances
   * (set by hot-cache-sync.ts on API instances; absent elsewhere).
   */
  follower: { follow(category: string | null): void } | undefined;
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
  const rows = new LRUCache<string, object>({ max: 20_000, ttl: ttlMs });
  const lastGoodRows = new LRUCache<string, object>({ max: 20_000 });
  let freshSettings: { values: HotSettingsValues; until: number } | undefined;
  let lastSettings: HotSettingsValues | undefined;
  return {
    rows,
    lastGoodRows,
    boardAlgorithm: undefined,
    follower: undefined,
    settings: {
      fresh: () => (freshSettings && freshSettings.until > performance.now() ? freshSettings.values : undefined),
      last: () => lastSettings,
      set(values) {
        lastSettings = values;
        freshSettings = { values, until: performance.now() + ttlMs };
      },
    },
    fresh: (key) => fresh.get(key),
    lastGood: (key) => lastGood.get(key),
    set(key, list) {
      fresh.set(key, list);
      lastGood.set(key, list);
    },
    invalidate() {
      fresh.clear();
      rows.clear();
    },
  };
}

/** Follows a board read on this instance, if its copies are kept in sync (API instances). */
export function followHotBoard(cache: HotCache, category: string | null): void {
  cache.follower?.follow(category);
}

/** Cache key of a board: the algorithm is part of it so switching HOT_ALGORITHM never serves the other's scores. */
export function hotCacheKey(algorithm: HeatAlgorithm, category: string | null): string {
  return `${algorithm}|${category ?? ''}`;
}
