import { GraphQLScalarType, Kind } from 'graphql';
import { badInput } from '../lib/app-error.js';
import { toClientError } from './errors.js';

/** 2^53 − 1: the largest integer a JSON number (an IEEE double) holds exactly. */
const MAX = Number.MAX_SAFE_INTEGER;
const RANGE = `an integer within ±${MAX} (2^53 − 1)`;

const shown = (value: unknown) => (typeof value === 'string' ? `"${value.slice(0, 40)}"` : typeof value === 'number' ? String(value) : typeof value);

function parseSafeInt(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw badInput(`${shown(value)} is not a SafeInt: a SafeInt is ${RANGE}.`);
  return value;
}

/**
 * An integer beyond GraphQL's 32-bit `Int`: within ±(2^53 − 1), sent and
 * returned as a JSON number, which every JSON parser reads exactly in that
 * range. Anything else (a fraction, a string, 2^53) is BAD_USER_INPUT naming
 * the range. Output also takes a bigint (a BIGINT column) within the range.
 */
export const SafeIntScalar = new GraphQLScalarType<number, number>({
  name: 'SafeInt',
  // The range is JavaScript's safe integers: Number.MAX_SAFE_INTEGER as ECMAScript defines it.
  specifiedByURL: 'https://tc39.es/ecma262/#sec-number.max_safe_integer',
  description: `An integer within ±${MAX} (2^53 − 1, JavaScript's Number.MAX_SAFE_INTEGER), as a JSON number: what a JSON number holds exactly. Wider than Int (32 bits).`,
  serialize(value) {
    if (typeof value === 'bigint') {
      if (value > BigInt(MAX) || value < -BigInt(MAX)) throw new TypeError(`SafeInt cannot represent ${value.toString()}`);
      return Number(value);
    }
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError(`SafeInt cannot represent ${shown(value)}`);
    return value;
  },
  parseValue: parseSafeInt,
  parseLiteral(ast) {
    if (ast.kind !== Kind.INT) throw toClientError(badInput(`A SafeInt is ${RANGE}, written without quotes or a fraction.`));
    // Number() of a literal beyond 2^53 rounds, to a value that is no longer a safe integer: refused below.
    try {
      return parseSafeInt(Number(ast.value));
    } catch {
      throw toClientError(badInput(`${ast.value.slice(0, 40)} is not a SafeInt: a SafeInt is ${RANGE}.`));
    }
  },
});
