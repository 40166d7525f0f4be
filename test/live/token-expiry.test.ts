import type { Client as SseClient } from 'graphql-sse';
import type { Client as WsClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { openSubscriptions, record, sseClient, waitForOpenSubscriptions, waitUntil, wsClient } from '../support/live-clients.js';

let t: TestContext;
let url: string;
const clients: Array<WsClient | SseClient> = [];

beforeAll(async () => {
  // Re-checks every 200 ms so a deletion shows quickly; expiry has its own timer whatever this is.
  t = await createTestContext({ LIVE_REAUTH_INTERVAL_MS: '200', MAX_QUERY_DEPTH: '6' });
  url = (await t.startServer()).url;
});
afterAll(async () => {
  // graphql-ws's dispose() may return a promise (graphql-sse's never does): wait for both kinds.
  await Promise.all(clients.map(async (client) => await client.dispose()));
  await t?.cleanup();
});

const MY_STANDING = 'subscription { myStanding { rank points } }';

/** A token for `userId` that expires in `seconds` (JWT expiry is whole seconds). */
async function tokenExpiringIn(userId: number, seconds: number): Promise<{ token: string; expiresAt: number }> {
  const exp = Math.floor(Date.now() / 1000) + seconds;
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(userId))
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(t.config.auth.jwtSecret));
  return { token, expiresAt: exp * 1000 };
}

function connect(transport: 'ws' | 'sse', token?: string): WsClient | SseClient {
  const client = transport === 'ws' ? wsClient(url, token) : sseClient(url, token);
  clients.push(client);
  return client;
}

/** The code of every error the stream delivered, in results or as a failure. */
function codes(recording: { results: Array<{ errors?: Array<{ extensions?: { code?: string } }> }>; errors: unknown[] }): string[] {
  const inResults = recording.results.flatMap((result) => result.errors ?? []).map((error) => error.extensions?.code ?? '?');
  const failures = recording.errors.flatMap((error) => (Array.isArray(error) ? error : [error])).map((error) => (error as { extensions?: { code?: string } }).extensions?.code ?? '?');
  return [...inResults, ...failures];
}

describe('subscriptions stay authorized', () => {
  it.each(['ws', 'sse'] as const)('ends a %s myStanding stream with UNAUTHENTICATED within 5 s of its token expiring', async (transport) => {
    const { user } = await t.createUser();
    const { token, expiresAt } = await tokenExpiringIn(user.id, 3);
    const { [transport]: before } = await openSubscriptions(t.deps.metrics);
    const recording = record(connect(transport, token), MY_STANDING);
    await waitForOpenSubscriptions(t.deps.metrics, { [transport]: before + 1 });
    expect(recording.completed).toBe(false);

    await waitUntil(() => recording.completed, 10_000, () => 'the stream to end');
    const endedAt = Date.now();
    expect(endedAt).toBeGreaterThanOrEqual(expiresAt - 50);
    expect(endedAt - expiresAt).toBeLessThan(5_000);
    expect(codes(recording)).toEqual(['UNAUTHENTICATED']);
    // The subscription was released on the server, not just on the client.
    await waitForOpenSubscriptions(t.deps.metrics, { [transport]: before });
  });

  it('ends a myStanding stream with UNAUTHENTICATED once its user is deleted', async () => {
    const { user, token } = await t.createUser();
    const { ws: before } = await openSubscriptions(t.deps.metrics);
    const recording = record(connect('ws', token), MY_STANDING);
    await waitForOpenSubscriptions(t.deps.metrics, { ws: before + 1 });

    // The viewer cache still holds the user for 5 s; the re-check (every 200 ms here) reads PostgreSQL, not the cache.
    await t.deps.db.user.delete({ where: { id: user.id } });
    await waitUntil(() => recording.completed, 3_000, () => 'the stream to end');
    expect(codes(recording)).toEqual(['UNAUTHENTICATED']);
    await waitForOpenSubscriptions(t.deps.metrics, { ws: before });
  });

  it('keeps a stream whose token is still valid, and public streams opened with an expiring token', async () => {
    const { user, token } = await t.createUser();
    const short = await tokenExpiringIn(user.id, 2);
    const mine = record(connect('ws', token), MY_STANDING);
    const board = record(connect('ws', short.token), 'subscription { leaderboardChanged(first: 3) { totalParticipants } }');
    await waitUntil(() => Date.now() > short.expiresAt + 1_000, 5_000);
    expect(mine.completed).toBe(false);
    expect(board.completed).toBe(false);
    expect(codes(mine)).toEqual([]);
    mine.unsubscribe();
    board.unsubscribe();
  });

  it.each(['ws', 'sse'] as const)('refuses a too-deep subscription over %s with one BAD_USER_INPUT when it is opened', async (transport) => {
    const { user, token } = await t.createUser();
    const activity = await t.deps.db.activity.create({
      data: {
        title: 'Deep', category: 'running', status: 'SIGNUP_OPEN', organizerId: user.id, publishedAt: new Date(),
        signupStartsAt: new Date(), signupEndsAt: new Date(Date.now() + 3_600_000), startsAt: new Date(Date.now() + 7_200_000), endsAt: new Date(Date.now() + 9_000_000),
      },
    });
    let selection = 'id';
    for (let i = 0; i < 3; i += 1) selection = `participants(first: 1) { edges { node { activity { ${selection} } } } }`;
    const recording = record(connect(transport, token), `subscription ($id: ID!) { activityChanged(id: $id) { ${selection} } }`, {
      id: encodeId('Activity', activity.id),
    });
    await waitUntil(() => recording.completed || recording.errors.length > 0, 5_000, () => 'the refusal');
    expect(codes(recording)).toEqual(['BAD_USER_INPUT']);
    expect(recording.results.filter((result) => result.data)).toEqual([]);
  });
});
