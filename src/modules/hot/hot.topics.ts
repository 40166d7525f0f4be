/**
 * Live-update topics of the hot ranking, scoped by board: `global`, or
 * `category:<category>` (see hotBoardScope).
 *
 * `hot:changed` is published after a board's contents changed in Redis: an
 * activity's score, tie data or membership after refreshActivityHeat, or the
 * swap of a full recompute (every board it wrote or deleted). Subscribers
 * re-read the board and decide whether the part they show changed.
 */
declare module '../../infra/pubsub.js' {
  interface TopicMap {
    'hot:changed': { board: string; computedAt: number };
  }
}

/** The `hot:changed` scope of the global board (category null) or of a category's board. */
export function hotBoardScope(category: string | null): string {
  return category === null ? 'global' : `category:${category}`;
}
