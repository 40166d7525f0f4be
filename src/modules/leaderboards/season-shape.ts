import type { BoardPeriod, PeriodState } from '../../generated/prisma/client.js';
import { isSeasonId, seasonName } from '../../lib/calendar.js';

/**
 * What the GraphQL `Season` shows: a period of a board under the names the
 * API had when `points` was the only board (a season is a `points` period).
 */
export interface SeasonShape {
  id: string;
  name: string;
  startsAt: Date;
  endsAt: Date | null;
  state: PeriodState;
}

/** A board period as a `Season`: monthly ids are named like `November 2026`, others by their id. */
export function seasonOf(period: Pick<BoardPeriod, 'periodId' | 'startsAt' | 'endsAt' | 'state'>): SeasonShape {
  return {
    id: period.periodId,
    name: isSeasonId(period.periodId) ? seasonName(period.periodId) : period.periodId,
    startsAt: period.startsAt,
    endsAt: period.endsAt,
    state: period.state,
  };
}
