/**
 * Live-update topics of rollovers.
 * - `season:rolledOver` is published once a period of the `points` board (a
 *   season) is ARCHIVED (its board served from PostgreSQL from then on),
 *   naming it and the season that is current now.
 * - `board:rolledOver` (scope: the board key) is published once any board
 *   period is ARCHIVED: its ref, and the board's current period (null once
 *   the board itself is archived).
 */
declare module '../../infra/pubsub.js' {
  interface TopicMap {
    'season:rolledOver': { archivedSeasonId: string; currentSeasonId: string };
    'board:rolledOver': { ref: string; currentRef: string | null };
  }
}

/**
 * The one scope of `season:rolledOver`. A rollover concerns every client and
 * happens once a month, so there is nothing narrower to scope it by.
 */
export const ROLLOVER_SCOPE = 'all';
