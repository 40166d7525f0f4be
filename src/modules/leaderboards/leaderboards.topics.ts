/**
 * Live-update topics of the boards, scoped by period ref (`points/2026-11`).
 *
 * `leaderboard:changed` is published after a write reached a period's Redis
 * board: an award's or submission's live write (with the user whose score
 * changed) or a batch of the `leaderboard.sync` job, which also rebuilds lost
 * boards (`userId: null`: several standings may have moved). Subscribers
 * re-read the board, so the notice carries no ranks: any standing on the
 * board may have moved, not only the written user's.
 */
declare module '../../infra/pubsub.js' {
  interface TopicMap {
    'leaderboard:changed': { ref: string; userId: number | null };
  }
}

export {};
