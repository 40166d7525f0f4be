/**
 * Live-update topics of the hot ranking, scoped by board: `global`, or
 * `category:<category>` (see hotBoardScope).
 *
 * `hot:changed` is published after a board's contents changed in Redis: an
 * activity's score, tie data or membership after refreshActivityHeat, or the
 * swap of a full recompute (every board it wrote or deleted). Subscribers
 * re-read the board and decide whether the part they show changed; every API
 * instance refreshes its local copy of the board (hot-cache-sync.ts).
 * `algorithm` is the one the board was written with, so readers follow a
 * change of algorithm made with updateHotSettings.
 */
import type { HeatAlgorithm } from './heat-formula.js';

declare module '../../infra/pubsub.js' {
  interface TopicMap {
    'hot:changed': { board: string; computedAt: number; algorithm?: HeatAlgorithm };
  }
}

/** The `hot:changed` scope of the global board (category null) or of a category's board. */
export function hotBoardScope(category: string | null): string {
  return category === null ? 'global' : `category:${category}`;
}
