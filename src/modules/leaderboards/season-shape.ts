import type { BoardPeriod, PeriodState } from '../../generated/prisma/client.js';
import { seasonBounds, seasonName } from '../../lib/calendar.js';

/** A points season as the GraphQL `Season` type shows it: one period of the `points` board. */
export interface SeasonShape {
  /** The season id, `YYYY-MM` (the period id). */
  id: string;
  /** e.g. `November 2026`. */
  name: string;
  startsAt: Date;
  endsAt: Date;
  state: PeriodState;
}

/**
 * The season a period of the `points` board (MONTHLY) stands for.
 * @throws RangeError for a period whose id is not a season id (not of the points board).
 */
export function seasonOf(period: Pick<BoardPeriod, 'periodId' | 'startsAt' | 'endsAt' | 'state'>): SeasonShape {
  const name = seasonName(period.periodId);
  // A MONTHLY period always has an end; seasonBounds (UTC) only stands in should a row lack it.
  const endsAt = period.endsAt ?? seasonBounds(period.periodId, 'UTC').endsAt;
  return { id: period.periodId, name, startsAt: period.startsAt, endsAt, state: period.state };
}
