import { Kind } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SafeIntScalar } from '../../src/graphql/safe-int-scalar.js';

const codeOf = (run: () => unknown) => {
  try {
    run();
    return 'OK';
  } catch (error) {
    return (error as { extensions?: { code?: string }; code?: string }).extensions?.code ?? (error as { code?: string }).code ?? 'UNCODED';
  }
};

describe('SafeInt', () => {
  it('takes integers within ±(2^53 − 1) from variables, and refuses anything else as BAD_USER_INPUT naming the range', () => {
    expect(SafeIntScalar.parseValue(9007199254740991)).toBe(9007199254740991);
    expect(SafeIntScalar.parseValue(-9007199254740991)).toBe(-9007199254740991);
    expect(SafeIntScalar.parseValue(3_000_000_000)).toBe(3_000_000_000);
    for (const bad of [2 ** 53, -(2 ** 53), 1.5, '5', null, Number.NaN]) expect(codeOf(() => SafeIntScalar.parseValue(bad))).toBe('BAD_USER_INPUT');
    expect(() => SafeIntScalar.parseValue(2 ** 53)).toThrow('9007199254740991');
  });

  it('takes integer literals within the range, also past what a double tells apart', () => {
    expect(SafeIntScalar.parseLiteral({ kind: Kind.INT, value: '9007199254740991' }, {})).toBe(9007199254740991);
    expect(codeOf(() => SafeIntScalar.parseLiteral({ kind: Kind.INT, value: '9007199254740992' }, {}))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => SafeIntScalar.parseLiteral({ kind: Kind.INT, value: '9007199254740993' }, {}))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => SafeIntScalar.parseLiteral({ kind: Kind.FLOAT, value: '1.0' }, {}))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => SafeIntScalar.parseLiteral({ kind: Kind.STRING, value: '1' }, {}))).toBe('BAD_USER_INPUT');
  });

  it('serializes numbers and BIGINT values within the range', () => {
    expect(SafeIntScalar.serialize(3_000_000_000n)).toBe(3_000_000_000);
    expect(SafeIntScalar.serialize(-5)).toBe(-5);
    expect(() => SafeIntScalar.serialize(2n ** 53n)).toThrow();
  });
});
