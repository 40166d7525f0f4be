/** The hot ranking: heat scores, boards in Redis, the local copy, recompute and snapshots. */
import type { HotActivityLoader } from './hot-activity-loader.js';
import type { HotCache } from './hot-cache.js';
import './hot.schema.js';
import './hot-live.schema.js';
import './hot-settings.schema.js';

export { createHotActivityLoader, type HotActivityLoader } from './hot-activity-loader.js';
export { createHotCache, type HotCache } from './hot-cache.js';
export { startHotCacheSync, type HotCacheSync } from './hot-cache-sync.js';
export { heatOrderedActivityIds } from './hot-reader.js';
export { hotEventHandlers } from './hot-refresh.js';
export { hotJobs } from './hot.jobs.js';
export { hotKeys } from './hot-board-store.js';
export { recomputeHotBoards } from './hot-recompute.js';

declare module '../../lib/app-deps.js' {
  interface Deps {
    /** This process's copy of the hot boards; see hot-reader.ts. */
    hotCache: HotCache;
  }
}

declare module '../../graphql/context.js' {
  interface Loaders {
    /** Activities of hot lists, batched per request and selection, from `deps.hotCache.rows` while fresh. */
    hotActivities: HotActivityLoader;
  }
}
