/**
 * Live-update topics of seasons. `season:rolledOver` is published once a
 * closed season is ARCHIVED (its board served from PostgreSQL from then on),
 * naming it and the season that is current now.
 */
declare module '../../infra/pubsub.js' {
  interface TopicMap {
    'season:rolledOver': { archivedSeasonId: string; currentSeasonId: string };
  }
}

/**
 * The one scope of `season:rolledOver`. A rollover concerns every client and
 * happens once a month, so there is nothing narrower to scope it by.
 */
export const ROLLOVER_SCOPE = 'all';
