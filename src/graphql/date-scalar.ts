import { GraphQLScalarType, Kind, print } from 'graphql';
import { DateTimeResolver, LocalDateResolver } from 'graphql-scalars';
import { badInput } from '../lib/app-error.js';
import { MAX_SEASON_YEAR as MAX_YEAR, MIN_SEASON_YEAR as MIN_YEAR } from '../lib/calendar.js';
import { toClientError } from './errors.js';

/** Years a date may fall in are the calendar's (lib/calendar.ts): what PostgreSQL, JavaScript and our seasons agree on. */

const shown = (value: unknown) => (typeof value === 'string' ? `"${value.slice(0, 40)}"` : typeof value);
const outOfRange = (value: unknown) => badInput(`${shown(value)} is outside the years ${MIN_YEAR}–${MAX_YEAR}.`);

function parseDay(value: unknown): string {
  let day: string;
  try {
    day = LocalDateResolver.parseValue(value);
  } catch {
    throw badInput(`${shown(value)} is not a date; use YYYY-MM-DD, e.g. 2026-11-21.`);
  }
  const year = Number(day.slice(0, 4));
  if (year < MIN_YEAR || year > MAX_YEAR) throw outOfRange(value);
  return day;
}

/**
 * A calendar day, `YYYY-MM-DD`, with no time zone (days are APP_TIMEZONE days).
 * graphql-scalars' LocalDate validates it; a malformed or impossible day
 * (2026-02-30), or one outside years 1970–9999, is BAD_USER_INPUT rather
 * than a bare validation error.
 */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar day in `YYYY-MM-DD` format, e.g. `2026-11-21`, in the server\'s APP_TIMEZONE; years 1970–9999.',
  // RFC 3339's full-date: what generated clients and codegen `scalars` mappings key on.
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc3339#section-5.6',
  serialize: (value) => LocalDateResolver.serialize(value),
  parseValue: parseDay,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw toClientError(badInput('A date is a string such as "2026-11-21".'));
    return parseDay(ast.value);
  },
});

function parseInstant(value: unknown, parse: () => unknown): Date {
  let instant: Date;
  try {
    instant = parse() as Date;
  } catch {
    throw badInput(`${shown(value)} is not a date-time; use RFC 3339, e.g. 2026-11-21T09:30:00Z.`);
  }
  const year = instant.getUTCFullYear();
  if (Number.isNaN(year) || year < MIN_YEAR || year > MAX_YEAR) throw outOfRange(value);
  return instant;
}

/**
 * graphql-scalars' DateTime (RFC 3339), limited to years 1970–9999 (UTC): a
 * year 0 or 275760 is BAD_USER_INPUT here, not a database error later.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, Date | string>({
  ...DateTimeResolver.toConfig(),
  description: 'A date-time string at UTC (RFC 3339), such as `2026-11-21T09:30:00Z`; years 1970–9999.',
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc3339#section-5.6',
  parseValue: (value) => parseInstant(value, () => DateTimeResolver.parseValue(value)),
  parseLiteral: (ast, variables) =>
    parseInstant(ast.kind === Kind.STRING ? ast.value : print(ast), () => DateTimeResolver.parseLiteral(ast, variables)),
});
