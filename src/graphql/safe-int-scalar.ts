import { GraphQLScalarType, Kind } from 'graphql';
import { badInput } from '../lib/app-error.js';
import { toClientError } from './errors.js';

const RANGE = '±9007199254740991 (±(2^53 − 1))';

function parseSafeInt(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    const shown = typeof value === 'number' ? String(value) : typeof value;
    throw badInput(`${shown} is not a SafeInt: scores are integers within ${RANGE}.`);
  }
  return value;
}

/**
 * An integer within ±(2^53 − 1): every integer a JSON number (an IEEE double)
 * holds exactly, so JavaScript clients read it without loss. GraphQL's `Int`
 * stops at 2^31 − 1; board scores do not. A value outside the range is
 * BAD_USER_INPUT naming it.
 */
export const SafeIntScalar = new GraphQLScalarType<number, number>({
  name: 'SafeInt',
  description: `An integer within ${RANGE}, sent as a JSON number: every integer a double holds exactly.`,
  serialize: (value) => parseSafeInt(value),
  parseValue: (value) => parseSafeInt(value),
  parseLiteral(ast) {
    // Parsed from the literal's text: Number() of a larger literal would round it into range.
    if (ast.kind !== Kind.INT) throw toClientError(badInput(`A SafeInt is an integer literal within ${RANGE}.`));
    const value = Number(ast.value);
    if (!Number.isSafeInteger(value) || BigInt(ast.value) !== BigInt(value)) {
      throw toClientError(badInput(`${ast.value.slice(0, 30)} is outside the SafeInt range ${RANGE}.`));
    }
    return value;
  },
});
