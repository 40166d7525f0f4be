import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { withOperationHeaders } from '../../src/http/operation-headers.js';
import { serveTestContext } from '../support/served-context.js';
import { openSubscriptions, waitForOpenSubscriptions, waitUntil } from '../support/live-clients.js';
import { AWARD_POINTS, player } from './live-support.js';

const t = serveTestContext();
const clients: Client[] = [];
// Registered after the context's own hooks, so it runs before the cleanup (afterAll hooks run in reverse).
afterAll(async () => {
  await Promise.all(clients.map(async (client) => await client.dispose()));
});

/** A graphql-ws client as GraphiQL makes it: an empty connection_init, headers sent with each operation. */
function graphiqlLikeClient(): Client {
  const client = createClient({ url: `${t.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
  clients.push(client);
  return client;
}

interface Outcome {
  results: Array<{ data?: any; errors?: Array<{ extensions?: { code?: string } }> }>;
  errors: unknown[];
}

function subscribe(client: Client, query: string, headers: Record<string, unknown>): Outcome {
  const outcome: Outcome = { results: [], errors: [] };
  client.subscribe(
    { query, extensions: { headers } },
    { next: (value) => void outcome.results.push(value as never), error: (error) => void outcome.errors.push(error), complete: () => undefined },
  );
  return outcome;
}

const codesOf = (outcome: Outcome) =>
  [...outcome.results.flatMap((result) => result.errors ?? []), ...outcome.errors.flatMap((error) => (Array.isArray(error) ? error : [error]))].map(
    (error) => (error as { extensions?: { code?: string } }).extensions?.code,
  );

describe('graphql-ws operations carry the Authorization header in extensions.headers (GraphiQL)', () => {
  it('runs myStanding for the user of the header and delivers an award', async () => {
    const me = await player(t);
    const admin = await t.createUser({ role: 'ADMIN' });
    const { ws: before } = await openSubscriptions(t.deps.metrics);
    const outcome = subscribe(graphiqlLikeClient(), 'subscription { myStanding { rank points } }', { Authorization: `Bearer ${me.token}` });
    await waitForOpenSubscriptions(t.deps.metrics, { ws: before + 1 });
    const award = await t.gql(AWARD_POINTS, { userId: me.gid, points: 7, key: 'graphiql-header-1' }, { token: admin.token });
    expect(award.errors).toBeUndefined();
    await waitUntil(() => outcome.results.some((result) => result.data?.myStanding?.points === 7), 10_000, () => JSON.stringify(outcome));
    expect(codesOf(outcome)).toEqual([]);
  });

  it.each([
    ['a token that is not a JWT', 'Bearer not-a-token'],
    ['a scheme other than Bearer', 'Basic abc'],
    ['a number', 42],
    ['a header over 4096 characters', `Bearer ${'a'.repeat(5000)}`],
  ])('refuses %s with UNAUTHENTICATED, never as anonymous', async (_name, header) => {
    const outcome = subscribe(graphiqlLikeClient(), 'subscription { myStanding { rank } }', { authorization: header });
    await waitUntil(() => codesOf(outcome).length > 0, 10_000, () => JSON.stringify(outcome));
    expect(codesOf(outcome)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('withOperationHeaders', () => {
  it('keeps a credential given at connection_init over the operation header', () => {
    expect(withOperationHeaders({ authorization: 'Bearer a' }, { headers: { Authorization: 'Bearer b' } })).toEqual({ authorization: 'Bearer a' });
    expect(withOperationHeaders({ Authorization: 'Bearer a' }, { headers: { authorization: 'Bearer b' } })).toEqual({ Authorization: 'Bearer a' });
  });

  it('takes only Authorization, whatever its case, and leaves other headers out', () => {
    expect(withOperationHeaders({ clientId: 'abcdefgh' }, { headers: { AUTHORIZATION: 'Bearer b', 'x-client-id': 'zzzzzzzz' } })).toEqual({
      clientId: 'abcdefgh',
      authorization: 'Bearer b',
    });
  });

  it('changes nothing without usable extensions', () => {
    for (const extensions of [undefined, null, 'x', [], { headers: 'x' }, { headers: [] }, { headers: {} }, { headers: { authorization: '' } }]) {
      expect(withOperationHeaders(undefined, extensions)).toEqual({});
    }
  });
});
