/**
 * Local days ('YYYY-MM-DD') and seasons ('YYYY-MM', one calendar month) of an
 * event time in the configured IANA zone (`APP_TIMEZONE`). The server's own zone
 * is never consulted: every conversion goes through `Intl` with an explicit zone.
 */

const DAY_RE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const SEASON_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
] as const;

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

// Building a DateTimeFormat is far slower than using one; zones are few.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws RangeError for an unknown zone, which is what callers should see.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function wallTimeAt(epochMs: number, timeZone: string): WallTime {
  const wall: WallTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    if (part.type in wall) wall[part.type as keyof WallTime] = Number(part.value);
  }
  return wall;
}

// Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

function wallAsUtcMs(wall: WallTime): number {
  return utcMs(wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second);
}

/** Zone offset (local minus UTC, in ms) in effect at an instant. */
function offsetAt(epochMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  return wallAsUtcMs(wallTimeAt(wholeSecond, timeZone)) - wholeSecond;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * The first instant of a local calendar day. Usually local 00:00; when a DST gap
 * swallows midnight (e.g. America/Santiago in September) the day begins at the
 * transition, which is found by bisection between the two candidate offsets.
 */
function startOfLocalDay(year: number, month: number, day: number, timeZone: string): Date {
  const target = utcMs(year, month, day);
  const dayMs = 86_400_000;
  const offsets = new Set([offsetAt(target - dayMs, timeZone), offsetAt(target + dayMs, timeZone)]);
  const candidates = [...offsets].map((offset) => target - offset).sort((a, b) => a - b);
  // Exact local midnight; the earliest one if an overlap repeats it.
  const exact = candidates.find((t) => wallAsUtcMs(wallTimeAt(t, timeZone)) === target);
  if (exact !== undefined) return new Date(exact);
  let lo = candidates[0] ?? target;
  let hi = candidates[candidates.length - 1] ?? target;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallAsUtcMs(wallTimeAt(mid, timeZone)) >= target) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

function parseDay(day: string): [number, number, number] {
  const match = DAY_RE.exec(day);
  const [year, month, date] = [Number(match?.[1]), Number(match?.[2]), Number(match?.[3])];
  if (!match || date > new Date(utcMs(year, month + 1, 0)).getUTCDate()) {
    throw new RangeError(`Invalid local day '${day}', expected an existing YYYY-MM-DD date`);
  }
  return [year, month, date];
}

function parseSeasonId(id: string): [number, number] {
  const match = SEASON_RE.exec(id);
  if (!match || !isSeasonId(id)) throw new RangeError(`Invalid season id '${id}', expected YYYY-MM from ${MIN_SEASON_YEAR} to ${MAX_SEASON_YEAR}`);
  return [Number(match[1]), Number(match[2])];
}

function formatDay(epochMs: number): string {
  const date = new Date(epochMs);
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}

/** Seasons lie within these years: PostgreSQL, JavaScript dates and the API's date scalars all agree on them. */
export const MIN_SEASON_YEAR = 1970;
export const MAX_SEASON_YEAR = 9999;

/** True when `id` is a season id: exactly `YYYY-MM` with month 01–12 and a year from 1970 to 9999. */
export function isSeasonId(id: string): boolean {
  const match = SEASON_RE.exec(id);
  return match !== null && Number(match[1]) >= MIN_SEASON_YEAR && Number(match[1]) <= MAX_SEASON_YEAR;
}

/**
 * The local calendar day ('YYYY-MM-DD') of an instant in `timeZone`.
 * @throws RangeError for an invalid date or an unknown time zone.
 */
export function localDay(at: Date, timeZone: string): string {
  const epochMs = at.getTime();
  // Every board read asks for today: answer from the day's bounds instead of going through Intl each time.
  const known = knownDays.get(timeZone);
  if (known && epochMs >= known.startMs && epochMs < known.endMs) return known.day;
  const wall = wallTimeAt(epochMs, timeZone);
  const day = `${pad(wall.year, 4)}-${pad(wall.month, 2)}-${pad(wall.day, 2)}`;
  if (wall.year >= MIN_SEASON_YEAR && wall.year <= MAX_SEASON_YEAR) {
    knownDays.set(timeZone, { day, startMs: startOfLocalDay(wall.year, wall.month, wall.day, timeZone).getTime(), endMs: startOfLocalDay(wall.year, wall.month, wall.day + 1, timeZone).getTime() });
  }
  return day;
}

// The last day asked for per zone, with the instants it starts and ends at (DST included).
const knownDays = new Map<string, { day: string; startMs: number; endMs: number }>();

/** The season ('YYYY-MM') an instant belongs to in `timeZone`. */
export function seasonIdAt(at: Date, timeZone: string): string {
  return localDay(at, timeZone).slice(0, 7);
}

/**
 * UTC instants where a season starts (local 00:00 on the 1st) and ends (the start
 * of the next season, exclusive), correct across DST changes.
 * @throws RangeError for an invalid season id or unknown time zone.
 */
export function seasonBounds(seasonId: string, timeZone: string): { startsAt: Date; endsAt: Date } {
  const [year, month] = parseSeasonId(seasonId);
  // Not through nextSeasonId: 9999-12 ends in year 10000, which is no season id.
  const [nextYear, nextMonth] = month === 12 ? [year + 1, 1] : [year, month + 1];
  return {
    startsAt: startOfLocalDay(year, month, 1, timeZone),
    endsAt: startOfLocalDay(nextYear, nextMonth, 1, timeZone),
  };
}

function formatSeasonId(year: number, month: number): string {
  const id = `${pad(year, 4)}-${pad(month, 2)}`;
  if (!isSeasonId(id)) throw new RangeError(`Season ${year}-${month} is outside years ${MIN_SEASON_YEAR}-${MAX_SEASON_YEAR}`);
  return id;
}

/** The season after `id` ('2026-12' → '2027-01'). */
export function nextSeasonId(id: string): string {
  const [year, month] = parseSeasonId(id);
  return month === 12 ? formatSeasonId(year + 1, 1) : formatSeasonId(year, month + 1);
}

/** The season before `id` ('2027-01' → '2026-12'). */
export function previousSeasonId(id: string): string {
  const [year, month] = parseSeasonId(id);
  return month === 1 ? formatSeasonId(year - 1, 12) : formatSeasonId(year, month - 1);
}

/** Display name of a season, e.g. 'November 2026'. */
export function seasonName(id: string): string {
  const [year, month] = parseSeasonId(id);
  return `${MONTH_NAMES[month - 1]} ${year}`;
}

/** The calendar day before `day`, used to tell whether a sign-in streak continues. */
export function previousDay(day: string): string {
  const [year, month, date] = parseDay(day);
  return formatDay(utcMs(year, month, date - 1));
}

/**
 * The first instant of a local day ('YYYY-MM-DD') in `timeZone`.
 * @throws RangeError for a day that does not exist.
 */
export function localDayStart(day: string, timeZone: string): Date {
  const [year, month, date] = parseDay(day);
  return startOfLocalDay(year, month, date, timeZone);
}

/** The calendar day `days` after `day` (negative: before). */
export function addDays(day: string, days: number): string {
  const [year, month, date] = parseDay(day);
  return formatDay(utcMs(year, month, date + days));
}

/** Day of the week of a calendar day: 1 = Monday … 7 = Sunday (ISO 8601). */
export function isoWeekday(day: string): number {
  const [year, month, date] = parseDay(day);
  const weekday = new Date(utcMs(year, month, date)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}
