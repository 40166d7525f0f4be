/**
 * Board periods: which period of a DAILY, WEEKLY, MONTHLY or ALL_TIME board an
 * instant falls in, in the configured zone (`APP_TIMEZONE`), and where each
 * period starts and ends. Period ids:
 * - DAILY `2026-11-30` (the local day);
 * - WEEKLY `2026-W49` (the ISO 8601 week: weeks start on Monday, and week 1 is
 *   the week with the year's first Thursday, so 2026-12-31 is in 2026-W53 and
 *   2027-01-04 starts 2027-W01);
 * - MONTHLY `2026-11` (the points season);
 * - ALL_TIME `all`.
 */
import { addDays, isoWeekday, isSeasonId, localDay, localDayStart, MAX_SEASON_YEAR, MIN_SEASON_YEAR, seasonBounds } from './calendar.js';

export const PERIOD_KINDS = ['DAILY', 'WEEKLY', 'MONTHLY', 'ALL_TIME'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

/** The one period of an ALL_TIME board. */
export const ALL_TIME_PERIOD = 'all';

const DAY_RE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const WEEK_RE = /^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$/;

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** The Monday of ISO week 1 of `year`: the week holding January 4th. */
function firstIsoMonday(year: number): string {
  const jan4 = `${pad(year, 4)}-01-04`;
  return addDays(jan4, 1 - isoWeekday(jan4));
}

/** ISO weeks in `year`: 53 when it starts on a Thursday, or is a leap year starting on a Wednesday. */
function isoWeeksIn(year: number): number {
  return addDays(firstIsoMonday(year + 1), -7) === addDays(firstIsoMonday(year), 52 * 7) ? 53 : 52;
}

/** The ISO week id (`YYYY-Www`) of a calendar day. */
export function isoWeekOf(day: string): string {
  // The week belongs to the year of its Thursday.
  const thursday = addDays(day, 4 - isoWeekday(day));
  const year = Number(thursday.slice(0, 4));
  const monday = firstIsoMonday(year);
  const week = 1 + Math.round((Date.parse(`${thursday}T00:00:00Z`) - Date.parse(`${monday}T00:00:00Z`)) / (7 * 86_400_000));
  return `${pad(year, 4)}-W${pad(Math.floor(week), 2)}`;
}

function inYears(year: number): boolean {
  return year >= MIN_SEASON_YEAR && year <= MAX_SEASON_YEAR;
}

/** True when `id` is a well-formed, existing period id of `kind`. */
export function isPeriodId(kind: PeriodKind, id: string): boolean {
  switch (kind) {
    case 'ALL_TIME':
      return id === ALL_TIME_PERIOD;
    case 'MONTHLY':
      return isSeasonId(id);
    case 'DAILY': {
      const match = DAY_RE.exec(id);
      if (!match || !inYears(Number(match[1]))) return false;
      return existsDay(id);
    }
    case 'WEEKLY': {
      const match = WEEK_RE.exec(id);
      if (!match || !inYears(Number(match[1]))) return false;
      return Number(match[2]) <= isoWeeksIn(Number(match[1]));
    }
  }
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function existsDay(day: string): boolean {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const lengths = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return date <= (lengths[month - 1] ?? 0);
}

/** The id of the period of `kind` that `at` falls in, in `timeZone`. */
export function periodIdAt(kind: PeriodKind, at: Date, timeZone: string): string {
  if (kind === 'ALL_TIME') return ALL_TIME_PERIOD;
  const day = localDay(at, timeZone);
  if (kind === 'DAILY') return day;
  if (kind === 'MONTHLY') return day.slice(0, 7);
  return isoWeekOf(day);
}

/** Every period id an instant falls in, by kind: what one award needs to find its boards' periods. */
export function periodIdsAt(at: Date, timeZone: string): Record<PeriodKind, string> {
  const day = localDay(at, timeZone);
  return { DAILY: day, WEEKLY: isoWeekOf(day), MONTHLY: day.slice(0, 7), ALL_TIME: ALL_TIME_PERIOD };
}

/** The local day a period begins on; null for ALL_TIME. */
export function periodFirstDay(kind: PeriodKind, id: string): string | null {
  if (!isPeriodId(kind, id)) throw new RangeError(`'${id}' is not a ${kind} period id`);
  switch (kind) {
    case 'ALL_TIME':
      return null;
    case 'DAILY':
      return id;
    case 'MONTHLY':
      return `${id}-01`;
    case 'WEEKLY':
      return addDays(firstIsoMonday(Number(id.slice(0, 4))), 7 * (Number(id.slice(6)) - 1));
  }
}

/**
 * Where a period starts and ends (exclusive: the start of the next), at local
 * midnight in `timeZone`, correct across DST changes. ALL_TIME has neither.
 * @throws RangeError for an id that is not a period id of `kind`.
 */
export function periodBounds(kind: PeriodKind, id: string, timeZone: string): { startsAt: Date | null; endsAt: Date | null } {
  const first = periodFirstDay(kind, id);
  if (first === null) return { startsAt: null, endsAt: null };
  if (kind === 'MONTHLY') return seasonBounds(id, timeZone);
  const next = addDays(first, kind === 'DAILY' ? 1 : 7);
  return { startsAt: localDayStart(first, timeZone), endsAt: localDayStart(next, timeZone) };
}

/** How a period id of each kind is written, for error messages. */
export const PERIOD_ID_FORMATS: Record<PeriodKind, string> = {
  DAILY: 'YYYY-MM-DD',
  WEEKLY: 'YYYY-Www (ISO week)',
  MONTHLY: 'YYYY-MM',
  ALL_TIME: '"all"',
};

/** One dated period: its id and bounds. */
export interface DatedPeriod {
  id: string;
  startsAt: Date;
  endsAt: Date;
}

// Every award needs its day's periods; computing their bounds goes through Intl, so days are remembered.
const eventPeriods = new Map<string, Record<'DAILY' | 'WEEKLY' | 'MONTHLY', DatedPeriod>>();
const MAX_REMEMBERED_DAYS = 512;

/** The dated periods (day, ISO week, month) a local day falls in, with their bounds in `timeZone`. */
export function periodsOfEvent(day: string, timeZone: string): Record<'DAILY' | 'WEEKLY' | 'MONTHLY', DatedPeriod> {
  const key = `${timeZone} ${day}`;
  const known = eventPeriods.get(key);
  if (known) return known;
  const dated = (kind: 'DAILY' | 'WEEKLY' | 'MONTHLY', id: string): DatedPeriod => {
    const { startsAt, endsAt } = periodBounds(kind, id, timeZone);
    if (!startsAt || !endsAt) throw new RangeError(`${kind} period ${id} has no bounds`);
    return { id, startsAt, endsAt };
  };
  const periods = { DAILY: dated('DAILY', day), WEEKLY: dated('WEEKLY', isoWeekOf(day)), MONTHLY: dated('MONTHLY', day.slice(0, 7)) };
  if (eventPeriods.size >= MAX_REMEMBERED_DAYS) eventPeriods.clear();
  eventPeriods.set(key, periods);
  return periods;
}
