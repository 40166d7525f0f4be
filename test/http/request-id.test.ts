import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Deps } from '../../src/deps.js';
import { createYogaServer } from '../../src/graphql/yoga.js';
import { ADMIN_QUEUES_PATH, createAdminQueuesRoute } from '../../src/http/admin-queues.js';
import { createMetricsServer, createProbeServer, listen } from '../../src/http/routes.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/infra/logger.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { waitFor } from '../support/wait.js';

type LogLine = Record<string, unknown> & { msg: string; reqId?: string };

let t: TestContext;
let server: HttpServer;
let url: string;
let token: string;
const lines: LogLine[] = [];

beforeAll(async () => {
  // One WebSocket per address, so a second one is refused with 429.
  t = await createTestContext({ MAX_CONNECTIONS_PER_CLIENT: '1' });
  token = (await t.createUser()).token;
  // The app's own server, with its log lines (debug and up) captured as JSON.
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const deps: Deps = { ...t.deps, logger: createLogger('debug', {}, capture) };
  server = createHttpServer(deps, createYogaServer(deps), { [ADMIN_QUEUES_PATH]: createAdminQueuesRoute(deps) });
  url = await listen(server.server, 0, '127.0.0.1');
});
afterAll(async () => {
  await server?.close();
  await t?.cleanup();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const accessLines = (reqId: string) => lines.filter((line) => line.reqId === reqId && line.msg === 'request');

describe('x-request-id', () => {
  it('is on every kind of response: GraphQL POST and GET, GraphiQL, SSE, health, metrics, Bull Board', async () => {
    const responses = {
      post: await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }),
      get: await fetch(`${url}/graphql?query=%7B__typename%7D`),
      graphiql: await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } }),
      healthz: await fetch(`${url}/healthz`),
      readyz: await fetch(`${url}/readyz`),
      metrics: await fetch(`${url}/metrics`),
      admin: await fetch(`${url}/admin/queues`),
      adminPage: await fetch(`${url}/admin/queues`, { headers: { accept: 'text/html' } }),
      notFound: await fetch(`${url}/nothing-here`),
    };
    for (const [name, response] of Object.entries(responses)) {
      expect(response.headers.get('x-request-id'), name).toMatch(UUID);
      await response.arrayBuffer();
    }
    expect(responses.graphiql.headers.get('content-type')).toMatch(/text\/html/);

    const abort = new AbortController();
    const sse = await fetch(`${url}/graphql?query=${encodeURIComponent('subscription { hotActivitiesChanged { algorithm } }')}`, {
      headers: { accept: 'text/event-stream' },
      signal: abort.signal,
    });
    expect(sse.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(sse.headers.get('x-request-id')).toMatch(UUID);
    abort.abort();
  });

  it("is on a worker's probe server and on the METRICS_PORT server too", async () => {
    for (const probe of [createProbeServer(t.deps), createMetricsServer(t.deps)]) {
      const probeUrl = await listen(probe.server, 0, '127.0.0.1');
      try {
        const response = await fetch(`${probeUrl}/metrics`, { headers: { 'x-request-id': 'probe-1' } });
        await response.text();
        expect(response.headers.get('x-request-id')).toBe('probe-1');
      } finally {
        await probe.close();
      }
    }
  });

  it('echoes a plain incoming id and replaces a hostile one', async () => {
    const echo = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'edge-7f3a_01.b:2' } });
    expect(echo.headers.get('x-request-id')).toBe('edge-7f3a_01.b:2');
    for (const hostile of ['a'.repeat(129), 'id with spaces', '<script>alert(1)</script>', 'x\u00e9y', '']) {
      const response = await fetch(`${url}/healthz`, { headers: { 'x-request-id': hostile } });
      const id = response.headers.get('x-request-id');
      expect(id, hostile).toMatch(UUID);
    }
  });

  it('is on a WebSocket upgrade, with one access line when the socket closes', async () => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers: { 'x-request-id': 'ws-upgrade-1' } });
    let upgradeId: unknown;
    socket.once('upgrade', (response) => (upgradeId = response.headers['x-request-id']));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    expect(upgradeId).toBe('ws-upgrade-1');
    socket.close();
    await waitFor(() => lines.some((line) => line.reqId === 'ws-upgrade-1' && line.msg === 'websocket closed'));
    expect(lines.find((line) => line.reqId === 'ws-upgrade-1' && line.msg === 'websocket closed')).toMatchObject({ path: '/graphql', status: 101 });
  });

  it('is on a refused WebSocket upgrade (429 over the per-address limit), with one access line', async () => {
    const open = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise<void>((resolve, reject) => {
      open.once('open', () => resolve());
      open.once('error', reject);
    });
    try {
      const refused = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers: { 'x-request-id': 'ws-refused-1' } });
      const response = await new Promise<{ status?: number; id: unknown }>((resolve, reject) => {
        refused.once('unexpected-response', (_request, res) => resolve({ status: res.statusCode, id: res.headers['x-request-id'] }));
        refused.once('open', () => reject(new Error('the second connection was accepted')));
      });
      expect(response).toEqual({ status: 429, id: 'ws-refused-1' });
      await waitFor(() => lines.some((line) => line.reqId === 'ws-refused-1'));
      expect(lines.filter((line) => line.reqId === 'ws-refused-1')).toEqual([expect.objectContaining({ msg: 'websocket refused', status: 429, path: '/graphql' })]);
    } finally {
      open.close();
    }
  });
});

describe('access log', () => {
  it('writes one line per request with id, method, path, status, duration and operation name, and no token, cookie or variable value', async () => {
    const secret = `secret-variable-${Date.now()}`;
    const response = await fetch(`${url}/graphql?debug=${secret}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, cookie: `session=${secret}`, 'x-request-id': 'access-log-1' },
      body: JSON.stringify({ query: 'query LookUp($category: String!) { viewer { handle } hotActivities(category: $category) { algorithm } }', variables: { category: secret }, operationName: 'LookUp' }),
    });
    await response.text();
    await waitFor(() => accessLines('access-log-1').length > 0);
    const [line, ...more] = accessLines('access-log-1');
    expect(more).toHaveLength(0);
    expect(line).toMatchObject({ reqId: 'access-log-1', method: 'POST', path: '/graphql', status: 200, operationName: 'LookUp' });
    expect(line!.durationMs).toEqual(expect.any(Number));
    expect(line!.durationMs as number).toBeGreaterThan(0);

    // Every line written while the request was served carries its id (yoga's own debug lines included).
    const during = lines.filter((entry) => entry.reqId === 'access-log-1');
    expect(during.length).toBeGreaterThan(1);
    const everything = JSON.stringify(lines);
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(token);
  });

  it('names an anonymous or unparsable operation by nothing, and a refused request by its status', async () => {
    const unparsable = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'access-log-2' }, body: '{"query":"{ nope"}' });
    expect(((await unparsable.json()) as { errors: unknown[] }).errors).toHaveLength(1);
    await (await fetch(`${url}/admin/queues`, { headers: { 'x-request-id': 'access-log-3' } })).text();
    await waitFor(() => accessLines('access-log-2').length === 1 && accessLines('access-log-3').length === 1);
    expect(accessLines('access-log-2')[0]).toMatchObject({ status: unparsable.status, path: '/graphql' });
    expect(accessLines('access-log-2')[0]!.operationName).toBeUndefined();
    expect(accessLines('access-log-3')[0]).toMatchObject({ status: 401, method: 'GET', path: '/admin/queues' });
  });
});
