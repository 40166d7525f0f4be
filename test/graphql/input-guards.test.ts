import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkInput } from '../../src/graphql/input-guards.js';
import { schema } from '../../src/graphql/schema.js';

/**
 * The guard walks a document once and keeps what the document alone decides
 * (yoga hands out one document object per query text); what depends on the
 * variables is still checked on every request.
 */
const LIST = parse('query ($after: String) { activities(first: 2, after: $after) { edges { cursor } } }');
const GOOD = Buffer.from('GPC:N:12').toString('base64');

describe('checkInput on a document sent again', () => {
  it('checks each request\'s cursor variable, not the first one\'s', () => {
    expect(checkInput(schema, LIST, { after: GOOD })).toBeNull();
    expect(checkInput(schema, LIST, { after: 'garbage' })?.message).toMatch(/after is not a cursor of this list/);
    expect(checkInput(schema, LIST, { after: GOOD })).toBeNull();
    expect(checkInput(schema, LIST, {})).toBeNull();
  });

  it('refuses a document with a bad literal every time, and reports the first problem in document order', () => {
    const literal = parse('query ($after: String) { activities(first: 2, after: $after) { edges { cursor } } a: activities(last: 1, before: "forged") { edges { cursor } } }');
    // A bad variable cursor comes first in the document, so it is the one reported; otherwise the literal.
    expect(checkInput(schema, literal, { after: GOOD })?.message).toMatch(/^before is not a cursor/);
    expect(checkInput(schema, literal, { after: 'garbage' })?.message).toMatch(/^after is not a cursor/);
    expect(checkInput(schema, literal, { after: GOOD })?.message).toMatch(/^before is not a cursor/);
    const nul = parse('mutation { updateProfile(input: { displayName: "a\\u0000b" }) { displayName } }');
    expect(checkInput(schema, nul, {})?.message).toMatch(/A string in the query/);
    expect(checkInput(schema, nul, {})?.message).toMatch(/A string in the query/);
  });
});
