import { GraphQLScalarType, Kind } from 'graphql';
import { LocalDateResolver } from 'graphql-scalars';
import { badInput } from '../lib/app-error.js';
import { toClientError } from './errors.js';

function parseDay(value: unknown): string {
  try {
    return LocalDateResolver.parseValue(value) as string;
  } catch {
    const shown = typeof value === 'string' ? `"${value.slice(0, 40)}"` : typeof value;
    // graphql-js keeps a GraphQLError thrown by a scalar as it is, code included.
    throw toClientError(badInput(`${shown} is not a date; use YYYY-MM-DD, e.g. 2026-11-21.`));
  }
}

/**
 * A calendar day, `YYYY-MM-DD`, with no time zone (days are APP_TIMEZONE days).
 * graphql-scalars' LocalDate validates it; a malformed or impossible day
 * (2026-02-30) is BAD_USER_INPUT rather than a bare validation error.
 */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar day in `YYYY-MM-DD` format, e.g. `2026-11-21`, in the server\'s APP_TIMEZONE.',
  serialize: (value) => LocalDateResolver.serialize(value) as string,
  parseValue: parseDay,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw toClientError(badInput('A date is a string such as "2026-11-21".'));
    return parseDay(ast.value);
  },
});
