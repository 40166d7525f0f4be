import type { Deps } from '../../lib/app-deps.js';
import type { HeatAlgorithm } from './heat-formula.js';
import { hotBoardScope } from './hot.topics.js';

/**
 * Tells `hotActivitiesChanged` subscribers and the local copies (hot-cache-sync.ts)
 * on every instance that these boards changed (category null = the global board);
 * `algorithm` is given by a recompute only, whose boards readers then move to. Call it after the Redis
 * write: subscribers re-read the board when told. Never throws (publishing is
 * best effort), and costs one PUBLISH per board whatever the number of subscribers.
 */
export async function publishHotChanges(
  deps: Pick<Deps, 'pubsub'>,
  categories: Iterable<string | null>,
  computedAt: Date,
  algorithm?: HeatAlgorithm,
): Promise<void> {
  const scopes = new Set([...categories].map(hotBoardScope));
  await Promise.all(
    [...scopes].map((scope) => deps.pubsub.publish('hot:changed', scope, { board: scope, computedAt: computedAt.getTime(), algorithm })),
  );
}
