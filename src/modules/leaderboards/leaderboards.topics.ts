/**
 * Live-update topics of the season boards, scoped by season id.
 *
 * `leaderboard:changed` is published after a write reached the season's Redis
 * board: an award's live write (with the user whose total changed) or a
 * batch of the `leaderboard.sync` job, which also rebuilds lost boards
 * (`userId: null`: several standings may have moved). Subscribers re-read the
 * board, so the notice carries no ranks: any standing on the board may have
 * moved, not only the awarded user's.
 */
declare module '../../infra/pubsub.js' {
  interface TopicMap {
    'leaderboard:changed': { seasonId: string; userId: number | null };
  }
}

export {};
