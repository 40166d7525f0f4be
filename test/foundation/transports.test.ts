import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { encodeId } from '../../src/graphql/ids.js';
import { serveTestContext } from '../support/served-context.js';

const t = serveTestContext();

const SUBSCRIPTION = 'subscription ($id: ID!) { userChanged(id: $id) { id displayName } }';
const UPDATE = 'mutation ($name: String!) { updateProfile(input: { displayName: $name }) { displayName } }';

/** Collects the first `count` results of a subscription, or fails after `timeoutMs`. */
function collect<T>(subscribe: (sink: { next: (value: T) => void; error: (error: unknown) => void; complete: () => void }) => () => void, count: number, timeoutMs = 5_000) {
  const values: T[] = [];
  let unsubscribe: () => void = () => {};
  const done = new Promise<T[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`got ${values.length} of ${count} results`)), timeoutMs);
    unsubscribe = subscribe({
      next: (value) => {
        values.push(value);
        if (values.length === count) {
          clearTimeout(timer);
          resolve(values);
        }
      },
      error: (error) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
      },
      complete: () => {},
    });
  });
  return { done, unsubscribe: () => unsubscribe() };
}

async function post(query: string, variables: Record<string, unknown>, token: string) {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

/** Waits until the subscription is registered in Redis, so the next publish reaches it. */
async function waitForSubscribers(channelPattern: string, expected: number) {
  for (let i = 0; i < 100; i += 1) {
    const channels = (await t.deps.redis.pubsub('CHANNELS', channelPattern)) as string[];
    if (channels.length >= expected) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no subscriber on ${channelPattern}`);
}

describe('subscriptions', () => {
  let ws: WsClient;
  afterAll(async () => {
    await ws?.dispose();
  });

  it('delivers over graphql-ws (WebSocket) with the token in connectionParams', async () => {
    const { user, token } = await t.createUser();
    ws = createWsClient({ url: t.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` } });
    const sub = collect<{ data?: any }>((sink) => ws.subscribe({ query: SUBSCRIPTION, variables: { id: encodeId('User', user.id) } }, sink), 2);
    await waitForSubscribers(`${t.config.redis.prefix}:events:user:changed:${user.id}`, 1);
    await post(UPDATE, { name: 'First' }, token);
    await post(UPDATE, { name: 'Second' }, token);
    const results = await sub.done;
    sub.unsubscribe();
    expect(results.map((result) => result.data.userChanged.displayName)).toEqual(['First', 'Second']);
    expect(results[0]!.data.userChanged.id).toBe(encodeId('User', user.id));
  });

  it('delivers over SSE with the token in the Authorization header', async () => {
    const { user, token } = await t.createUser();
    const sse = createSseClient({ url: `${t.url}/graphql`, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const sub = collect<{ data?: any }>((sink) => sse.subscribe({ query: SUBSCRIPTION, variables: { id: encodeId('User', user.id) } }, sink), 1);
    await waitForSubscribers(`${t.config.redis.prefix}:events:user:changed:${user.id}`, 1);
    await post(UPDATE, { name: 'Over SSE' }, token);
    const [result] = await sub.done;
    sub.unsubscribe();
    sse.dispose();
    expect(result!.data.userChanged.displayName).toBe('Over SSE');
  });

  it('refuses a bad token on the WebSocket with UNAUTHENTICATED', async () => {
    const bad = createWsClient({ url: t.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: 'Bearer nope' } });
    const sub = collect<unknown>((sink) => bad.subscribe({ query: SUBSCRIPTION, variables: { id: encodeId('User', 1) } }, sink), 1);
    const error = await sub.done.then(() => undefined, (reason: Error) => reason);
    await bad.dispose();
    expect(error?.message).toMatch(/UNAUTHENTICATED/);
  });
});

describe('HTTP endpoints', () => {
  it('serves GraphiQL to a browser', async () => {
    const response = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>liveboard</title>');
  });

  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, checks: { postgres: { ok: true }, redis: { ok: true } } });
  });

  it('refuses a body over the size limit with 413', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ viewer { id } }`, padding: 'x'.repeat(t.config.http.maxBodyBytes) }),
    });
    expect(response.status).toBe(413);
  });

  it('masks unexpected errors and never shows a stack trace', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ viewer { id } ',
    });
    const body = await response.text();
    expect(response.status).toBe(400);
    expect(body).not.toMatch(/at .*\.(ts|js):\d+/);
  });
});
