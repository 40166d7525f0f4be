import { coalesce } from '../../graphql/live/coalesce.js';
import type { Deps } from '../../lib/app-deps.js';
import { HOT_CACHE_DEPTH } from './hot-cache.js';
import { readHotActivities } from './hot-reader.js';
import { readHotSettings } from './hot-settings.js';
import { hotBoardScope } from './hot.topics.js';

type SyncDeps = Pick<Deps, 'db' | 'redis' | 'keys' | 'config' | 'now' | 'hotCache' | 'metrics' | 'logger' | 'pubsub'>;

/** What {@link startHotCacheSync} returns: follow more boards, or stop following. */
export interface HotCacheSync {
  /** Keeps the local copy of a category's board (null = global) current from now on. */
  follow(category: string | null): void;
  stop(): Promise<void>;
}


/**
 * Keeps an API instance's local hot copies current: loads the settings and
 * preloads the global board at start (so the first reads, and reads during a
 * PostgreSQL outage, are served locally), then follows `hot:changed` for every
 * board it holds. When another instance (or a worker) writes a board, this
 * instance forgets its fresh copies and re-reads that board from Redis at
 * once, instead of serving the old one until HOT_CACHE_TTL_MS runs out.
 * Failures only log: the reader falls back as usual.
 */
export async function startHotCacheSync(deps: SyncDeps): Promise<HotCacheSync> {
  const followers = new Map<string, AsyncIterableIterator<unknown>>();
  const refresh = async (category: string | null) => {
    try {
      await readHotActivities(deps, { category, first: HOT_CACHE_DEPTH, skipCache: true });
    } catch (error) {
      deps.logger.warn({ err: error, category }, 'hot board could not be refreshed after a change');
    }
  };
  const sync: HotCacheSync = {
    follow(category) {
      const scope = hotBoardScope(category);
      if (followers.has(scope)) return;
      // A burst of interactions is one refresh per window (4 a second), the last on the latest change.
      const messages = coalesce(deps.pubsub.subscribe('hot:changed', scope, { internal: true }));
      followers.set(scope, messages);
      void (async () => {
        for await (const message of messages) {
          deps.hotCache.invalidate();
          if (message.algorithm) deps.hotCache.boardAlgorithm = message.algorithm;
          await refresh(category);
        }
      })().catch((error: unknown) => deps.logger.warn({ err: error, scope }, 'hot:changed subscription ended'));
    },
    async stop() {
      if (deps.hotCache.follower === sync) deps.hotCache.follower = undefined;
      await Promise.all(
        [...followers.values()].map(async (messages) => {
          await messages.return?.();
        }),
      );
      followers.clear();
    },
  };
  deps.hotCache.follower = sync;
  try {
    deps.hotCache.boardAlgorithm ??= (await readHotSettings(deps)).algorithm;
  } catch (error) {
    deps.logger.warn({ err: error }, 'hot settings unreadable at start; using HOT_* until PostgreSQL answers');
  }
  sync.follow(null);
  await refresh(null);
  return sync;
}
