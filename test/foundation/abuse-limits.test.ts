import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { createKeySpace, createRedis } from '../../src/infra/redis.js';
import { AppError } from '../../src/lib/app-error.js';
import { createLogInGuard } from '../../src/modules/users/index.js';
import { gqlFrom, sseFrom, webSocketFrom, wsClientFrom, wsExecute, type From } from '../support/from-address.js';
import { TEST_PASSWORD, type GraphQLResponse } from '../support/harness.js';
import { serveTestContext } from '../support/served-context.js';
import { record, waitForOpenSubscriptions, waitUntil } from '../support/live-clients.js';

/**
 * Limits that must hold against one client acting as many: each test plays
 * its clients from their own loopback addresses (127.0.0.2, …), which all
 * reach the server on 127.0.0.1, so the counts of one test never meet
 * another's.
 */
const t = serveTestContext({
    RATE_LIMIT_MUTATIONS_PER_MINUTE: '12',
    LOGIN_FAILURES_PER_HANDLE: '10',
    LOGIN_FAILURES_PER_ADDRESS: '5',
    MAX_SUBSCRIPTIONS_PER_CONNECTION: '3',
    MAX_CONNECTIONS_PER_CLIENT: '2',
    MAX_SSE_STREAMS_PER_CLIENT: '2',
  });

/** An anonymous mutation: UNAUTHENTICATED when it runs, RATE_LIMITED when the limit stops it first. */
const ANONYMOUS = 'mutation { updateProfile(input: { displayName: "Anyone" }) { id } }';
const LOG_IN = 'mutation ($input: LogInInput!) { logIn(input: $input) { token } }';
const USER_CHANGED = 'subscription ($id: ID!) { userChanged(id: $id) { id } }';
const codeOf = (result: GraphQLResponse | undefined) => result?.errors?.[0]?.extensions?.code;
const from = (localAddress: string, headers?: Record<string, string>): From => ({ localAddress, headers });
const unique = () => randomBytes(3).toString('hex');

describe('anonymous mutations are counted by address', () => {
  it('does not raise the limit for a client that rotates x-client-id or writes X-Forwarded-For', async () => {
    const codes: unknown[] = [];
    for (let i = 0; i < 14; i += 1) {
      const headers = { 'x-client-id': `rotating-client-${i}-${unique()}`, 'x-forwarded-for': `198.51.100.${i}` };
      codes.push(codeOf(await gqlFrom(t.url, from('127.0.0.2', headers), ANONYMOUS)));
    }
    expect(codes).toEqual([...Array<string>(12).fill('UNAUTHENTICATED'), 'RATE_LIMITED', 'RATE_LIMITED']);
    // Another address keeps its own count.
    expect(codeOf(await gqlFrom(t.url, from('127.0.0.3'), ANONYMOUS))).toBe('UNAUTHENTICATED');
  });

  it('counts each graphql-ws connection by its address: one client at its limit does not limit another, and HTTP and SSE from that address share its count', async () => {
    const first = wsClientFrom(t.url, from('127.0.0.4'));
    const second = wsClientFrom(t.url, from('127.0.0.5'));
    try {
      for (let i = 0; i < 12; i += 1) expect(codeOf(await wsExecute(first, ANONYMOUS))).toBe('UNAUTHENTICATED');
      expect(codeOf(await wsExecute(first, ANONYMOUS))).toBe('RATE_LIMITED');
      expect(codeOf(await wsExecute(second, ANONYMOUS))).toBe('UNAUTHENTICATED');

      expect(codeOf(await gqlFrom(t.url, from('127.0.0.4'), ANONYMOUS))).toBe('RATE_LIMITED');
      const overSse = sseFrom(t.url, from('127.0.0.4'), ANONYMOUS);
      await overSse.ended;
      expect(codeOf(overSse.events[0])).toBe('RATE_LIMITED');
    } finally {
      await Promise.all([first.dispose(), second.dispose()]);
    }
  });

  it('counts each root mutation field, aliases included: ten aliased signUps cost ten', async () => {
    const suffix = unique();
    const signUps = (count: number) =>
      `mutation { ${Array.from({ length: count }, (_, i) => `s${i}: signUp(input: { handle: "alias_${suffix}_${count}_${i}", password: "password-${i}", displayName: "Alias" }) { user { id } }`).join(' ')} }`;
    const ten = await gqlFrom(t.url, from('127.0.0.6'), signUps(10));
    expect(ten.errors).toBeUndefined();
    expect(Object.keys(ten.data!)).toHaveLength(10);

    // Ten of twelve are used: three more fields are refused (and cost nothing), two still run.
    const three = await gqlFrom(t.url, from('127.0.0.6'), 'mutation { a: updateProfile(input: { displayName: "A" }) { id } b: updateProfile(input: { displayName: "B" }) { id } c: updateProfile(input: { displayName: "C" }) { id } }');
    expect(codeOf(three)).toBe('RATE_LIMITED');
    expect(three.errors![0]!.extensions!.cost).toBe(3);
    const two = await gqlFrom(t.url, from('127.0.0.6'), `mutation { ...Two } fragment Two on Mutation ${signUps(2).slice('mutation '.length)}`);
    expect(two.errors).toBeUndefined();
    expect(Object.keys(two.data!)).toHaveLength(2);
    expect(codeOf(await gqlFrom(t.url, from('127.0.0.6'), ANONYMOUS))).toBe('RATE_LIMITED');

    // More fields than a whole minute allows: refused outright, nothing created, the allowance untouched.
    const thirteen = await gqlFrom(t.url, from('127.0.0.7'), signUps(13));
    expect(codeOf(thirteen)).toBe('RATE_LIMITED');
    expect(await t.deps.db.user.count({ where: { handle: { startsWith: `alias_${suffix}_13_` } } })).toBe(0);
    expect(codeOf(await gqlFrom(t.url, from('127.0.0.7'), ANONYMOUS))).toBe('UNAUTHENTICATED');
  });
});

describe('logIn limits', () => {
  const logIn = (address: string, handle: string, password: string) => gqlFrom(t.url, from(address), LOG_IN, { input: { handle, password } });

  it('answers RATE_LIMITED to the 11th attempt on one handle within a minute, whatever the address and password', async () => {
    const { user } = await t.createUser();
    for (let i = 1; i <= 10; i += 1) expect(codeOf(await logIn(`127.0.1.${i}`, user.handle, 'wrong-password'))).toBe('UNAUTHENTICATED');
    const eleventh = await logIn('127.0.1.11', user.handle, TEST_PASSWORD);
    expect(codeOf(eleventh)).toBe('RATE_LIMITED');
    expect(eleventh.errors![0]!.message).toMatch(/handle; try again in \d+ s/);
    expect(eleventh.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
    // Another handle, from the same address, is not affected.
    const other = await t.createUser();
    expect((await logIn('127.0.1.11', other.user.handle, TEST_PASSWORD)).data?.logIn.token).toBeTruthy();
  });

  it('counts every concurrent guess: of twenty at once on one handle, ten get to check a password', async () => {
    const guard = createLogInGuard(t.deps, { failuresPerHandle: 10, failuresPerAddress: 0, windowSeconds: 60 });
    const handle = `concurrent_${unique()}`;
    const attempts = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => guard.begin({ handle, remoteAddress: `192.0.2.${i}` })));
    expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(10);
    const refused = attempts.filter((attempt): attempt is PromiseRejectedResult => attempt.status === 'rejected');
    expect(refused.map((attempt) => (attempt.reason as AppError).code)).toEqual(Array<string>(10).fill('RATE_LIMITED'));
  });

  it("forgets a handle's failures once the right password is given, and does not hold it against the address", async () => {
    const guard = createLogInGuard(t.deps, { failuresPerHandle: 3, failuresPerAddress: 5, windowSeconds: 60 });
    const handle = `forgiven_${unique()}`;
    const attempt = () => guard.begin({ handle, remoteAddress: '192.0.2.99' });
    await attempt();
    await attempt();
    await (await attempt()).succeeded();
    await attempt();
    await attempt();
    // Without the reset the handle would be locked since the fourth attempt, and without the
    // point given back the address would be locked at this sixth one.
    await attempt();
    await expect(attempt()).rejects.toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/for this handle/) });
  });

  it('limits failures from one address across handles (LOGIN_FAILURES_PER_ADDRESS)', async () => {
    for (let i = 0; i < 5; i += 1) expect(codeOf(await logIn('127.0.0.8', `nobody_${unique()}`, 'wrong-password'))).toBe('UNAUTHENTICATED');
    const sixth = await logIn('127.0.0.8', `nobody_${unique()}`, 'wrong-password');
    expect(codeOf(sixth)).toBe('RATE_LIMITED');
    expect(sixth.errors![0]!.message).toMatch(/from this address/);
    expect(codeOf(await logIn('127.0.0.9', `nobody_${unique()}`, 'wrong-password'))).toBe('UNAUTHENTICATED');
  });

  it('keeps counting in memory while Redis is unreachable', async () => {
    const unreachable = createRedis('redis://127.0.0.1:1', { retryStrategy: () => null });
    unreachable.on('error', () => {});
    try {
      const guard = createLogInGuard({ redis: unreachable, keys: createKeySpace('outage') }, { failuresPerHandle: 2, failuresPerAddress: 100, windowSeconds: 60 });
      await guard.begin({ handle: 'target', remoteAddress: '192.0.2.1' });
      await guard.begin({ handle: 'target', remoteAddress: '192.0.2.1' });
      const third = await guard.begin({ handle: 'target', remoteAddress: '192.0.2.1' }).catch((error: unknown) => error);
      expect(third).toBeInstanceOf(AppError);
      expect((third as AppError).code).toBe('RATE_LIMITED');
    } finally {
      unreachable.disconnect();
    }
  });
});

describe('caps on what one client holds open', () => {
  it('refuses the operation beyond MAX_SUBSCRIPTIONS_PER_CONNECTION on one connection with TOO_MANY_SUBSCRIPTIONS', async () => {
    const { user } = await t.createUser();
    const variables = { id: encodeId('User', user.id) };
    const client = wsClientFrom(t.url, from('127.0.0.10'));
    const other = wsClientFrom(t.url, from('127.0.0.10'));
    try {
      const open = [record(client, USER_CHANGED, variables), record(client, USER_CHANGED, variables), record(client, USER_CHANGED, variables)];
      await waitForOpenSubscriptions(t.deps.metrics, { ws: 3 });
      const extra = record(client, USER_CHANGED, variables);
      const [error] = (await extra.waitForError()) as Array<{ message: string; extensions: { code: string } }>;
      expect(error!.extensions.code).toBe('TOO_MANY_SUBSCRIPTIONS');
      expect(error!.message).toMatch(/At most 3/);

      // Another connection has its own count; on this one, completing one makes room for the next.
      const elsewhere = record(other, USER_CHANGED, variables);
      await waitForOpenSubscriptions(t.deps.metrics, { ws: 4 });
      open[0]!.unsubscribe();
      await waitForOpenSubscriptions(t.deps.metrics, { ws: 3 });
      const again = record(client, USER_CHANGED, variables);
      await waitForOpenSubscriptions(t.deps.metrics, { ws: 4 });
      expect([again.errors, elsewhere.errors]).toEqual([[], []]);
    } finally {
      await Promise.all([client.dispose(), other.dispose()]);
      await waitForOpenSubscriptions(t.deps.metrics, { ws: 0 });
    }
  });

  it('refuses a WebSocket upgrade beyond MAX_CONNECTIONS_PER_CLIENT from one address with HTTP 429', async () => {
    const wsUrl = `${t.url.replace(/^http/, 'ws')}/graphql`;
    const connect = (address: string) => {
      const socket = new (webSocketFrom(from(address)))(wsUrl, 'graphql-transport-ws');
      return new Promise<{ status: number; close(): void }>((resolve, reject) => {
        socket.once('open', () => resolve({ status: 101, close: () => socket.close() }));
        socket.once('unexpected-response', (request: http.ClientRequest, response: http.IncomingMessage) => {
          request.destroy();
          resolve({ status: response.statusCode ?? 0, close: () => {} });
        });
        socket.once('error', reject);
      });
    };
    const held = [await connect('127.0.0.11'), await connect('127.0.0.11')];
    const refused = await connect('127.0.0.11');
    expect([...held, refused].map((connection) => connection.status)).toEqual([101, 101, 429]);
    const elsewhere = await connect('127.0.0.12');
    expect(elsewhere.status).toBe(101);

    // A closed connection frees its slot.
    held[0]!.close();
    let reopened: { status: number; close(): void } | undefined;
    await waitUntil(async () => (reopened = await connect('127.0.0.11')).status === 101, 5_000);
    for (const connection of [held[1]!, elsewhere, reopened!]) connection.close();
  });

  it('refuses an SSE stream beyond MAX_SSE_STREAMS_PER_CLIENT from one address with HTTP 429', async () => {
    const { user } = await t.createUser();
    const variables = { id: encodeId('User', user.id) };
    const streams = [sseFrom(t.url, from('127.0.0.13'), USER_CHANGED, variables), sseFrom(t.url, from('127.0.0.13'), USER_CHANGED, variables)];
    expect(await Promise.all(streams.map((stream) => stream.status))).toEqual([200, 200]);
    const refused = sseFrom(t.url, from('127.0.0.13'), USER_CHANGED, variables);
    expect(await refused.status).toBe(429);
    const elsewhere = sseFrom(t.url, from('127.0.0.14'), USER_CHANGED, variables);
    expect(await elsewhere.status).toBe(200);

    streams[0]!.close();
    let reopened = refused;
    await waitUntil(async () => {
      reopened = sseFrom(t.url, from('127.0.0.13'), USER_CHANGED, variables);
      return (await reopened.status) === 200;
    }, 5_000);
    for (const stream of [streams[1]!, elsewhere, reopened]) stream.close();
  });
});
