import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { resultMessageTail } from '../../src/graphql/live/result-json.js';

describe('the shared tail of a graphql-ws next message', () => {
  it('is one Buffer per result, encoded once, that completes the message head into valid JSON', () => {
    const result = { data: { leaderboardChanged: { entries: [{ rank: 1, points: 5, user: { handle: 'zoë' } }] } } };
    const tail = resultMessageTail(result)!;
    // Every subscriber of the result gets these same bytes, not a copy.
    expect(resultMessageTail(result)).toBe(tail);
    expect(resultMessageTail({ ...result })).not.toBe(tail);
    const head = '{"id":"a-1","type":"next","payload":';
    const message = Buffer.concat([Buffer.from(head), tail]).toString('utf8');
    expect(JSON.parse(message)).toEqual({ id: 'a-1', type: 'next', payload: result });
  });

  it('is not made for a result with errors, which the transport formats itself', () => {
    expect(resultMessageTail({ data: null, errors: [new GraphQLError('no')] })).toBeUndefined();
  });
});
