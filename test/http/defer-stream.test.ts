import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestContext, type TestContext } from '../support/harness.js';

let t: TestContext;
let url: string;
let token: string;
let handle: string;
let adminToken: string;
beforeAll(async () => {
  t = await createTestContext();
  url = (await t.startServer()).url;
  const user = await t.createUser({ displayName: 'Deferred Name' });
  token = user.token;
  handle = user.user.handle;
  adminToken = (await t.createUser({ role: 'ADMIN' })).token;
});
afterAll(async () => {
  await t?.cleanup();
});

const DEFERRED = 'query Deferred { viewer { handle ... @defer(label: "later") { displayName } } }';

type Part = { data?: Record<string, any>; incremental?: Array<{ data?: Record<string, any>; items?: unknown[]; path: Array<string | number>; label?: string }>; hasNext?: boolean; errors?: Array<{ extensions?: { code?: string } }> };

/** The JSON parts of a multipart/mixed response, in the order they arrived. */
async function multipartParts(response: Response): Promise<Part[]> {
  const boundary = /boundary="?([^";]+)"?/.exec(response.headers.get('content-type') ?? '')?.[1];
  expect(boundary).toBeDefined();
  const text = await response.text();
  return text
    .split(`--${boundary}`)
    .map((chunk) => chunk.split('\r\n\r\n').slice(1).join('\r\n\r\n').trim())
    .filter((body) => body.startsWith('{'))
    .map((body) => JSON.parse(body) as Part);
}

const post = (query: string, accept: string, bearer = token) =>
  fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query }),
  });

describe('@defer and @stream over HTTP', () => {
  it('sends the initial part first and the deferred fragment after it (multipart/mixed)', async () => {
    const response = await post(DEFERRED, 'multipart/mixed');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^multipart\/mixed/);
    const parts = await multipartParts(response);
    expect(parts).toHaveLength(2);
    expect(parts[0]).toEqual({ data: { viewer: { handle } }, hasNext: true });
    expect(parts[1]!.hasNext).toBe(false);
    expect(parts[1]!.incremental).toEqual([{ data: { displayName: 'Deferred Name' }, path: ['viewer'], label: 'later' }]);
  });

  it('streams list items after the first ones (@stream), for an admin', async () => {
    const response = await post('{ jobs @stream(initialCount: 1) { name } }', 'multipart/mixed', adminToken);
    const parts = await multipartParts(response);
    expect(parts[0]!.data!.jobs).toHaveLength(1);
    expect(parts[0]!.hasNext).toBe(true);
    const streamed = parts.slice(1).flatMap((part) => part.incremental ?? []).flatMap((entry) => entry.items ?? []);
    expect(streamed.length).toBeGreaterThan(0);
    expect(parts.at(-1)!.hasNext).toBe(false);
  });

  it('delivers the same parts as server-sent events', async () => {
    const response = await post(DEFERRED, 'text/event-stream');
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await response.text())
      .split('\n\n')
      .map((event) => /^data: (.*)$/m.exec(event)?.[1])
      .filter((data): data is string => data !== undefined && data.startsWith('{'))
      .map((data) => JSON.parse(data) as Part);
    expect(events[0]).toEqual({ data: { viewer: { handle } }, hasNext: true });
    expect(events[1]!.incremental?.[0]?.data).toEqual({ displayName: 'Deferred Name' });
  });

  it('keeps auth: a deferred admin-only field is FORBIDDEN for a user, not an internal error', async () => {
    const response = await post('{ viewer { handle } ... @defer { jobs { name } } }', 'multipart/mixed');
    const parts = await multipartParts(response);
    const codes = parts.flatMap((part) => [...(part.errors ?? []), ...(part.incremental ?? []).flatMap((entry) => (entry as Part).errors ?? [])]).map((error) => error.extensions?.code);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((code) => code === 'FORBIDDEN' || code === 'UNAUTHENTICATED')).toBe(true);
  });

  it('keeps the depth limit: a deferred fragment deeper than MAX_QUERY_DEPTH is refused before anything runs', async () => {
    let selection = 'id';
    for (let level = 0; level < 8; level += 1) selection = `hostedActivities(first: 1) { edges { node { organizer { ${selection} } } } }`;
    const response = await post(`{ viewer { handle ... @defer { ${selection} } } }`, 'multipart/mixed');
    const text = await response.text();
    expect(text).toContain('BAD_USER_INPUT');
    expect(text).not.toContain('"handle"');
  });

  it('over graphql-ws a deferred query gets its initial and deferred results, and the connection stays usable', async () => {
    const client = createWsClient({ url: `${url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    try {
      const results: Part[] = [];
      await new Promise<void>((resolve, reject) => {
        client.subscribe({ query: DEFERRED }, { next: (value) => results.push(value as Part), error: reject, complete: resolve });
      });
      expect(results[0]).toEqual({ data: { viewer: { handle } }, hasNext: true });
      expect(results.at(-1)!.incremental?.[0]?.data).toEqual({ displayName: 'Deferred Name' });
      const plain = await new Promise<Part>((resolve, reject) => {
        client.subscribe({ query: '{ viewer { handle } }' }, { next: (value) => resolve(value as Part), error: reject, complete: () => undefined });
      });
      expect(plain.data).toEqual({ viewer: { handle } });
    } finally {
      await client.dispose();
    }
  });
});
