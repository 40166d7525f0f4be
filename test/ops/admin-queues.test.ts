import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_COOKIE } from '../../src/http/admin-queues.js';
import { QUEUE_NAMES } from '../../src/infra/queues.js';
import { createTestContext, type TestContext } from '../support/harness.js';

let ctx: TestContext;
let base: string;
let adminToken: string;
let userToken: string;

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers, redirect: 'manual' });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  ctx = await createTestContext();
  adminToken = (await ctx.createUser({ role: 'ADMIN' })).token;
  userToken = (await ctx.createUser()).token;
  base = `${(await ctx.startServer()).url}`;
});
afterAll(async () => {
  await ctx?.cleanup();
});

describe('Bull Board at /admin/queues', () => {
  it('answers 401 without credentials, with a bad token, and 403 to a non-admin', async () => {
    for (const path of ['/admin/queues', '/admin/queues/', '/admin/queues/api/queues', '/admin/queues/static/favicon-32x32.png']) {
      const anonymous = await get(path);
      expect(anonymous.status, path).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((await get('/admin/queues', bearer('not-a-jwt'))).status).toBe(401);
    expect((await get('/admin/queues', { authorization: 'Basic YWRtaW46YWRtaW4=' })).status).toBe(401);
    expect((await get(`/admin/queues?token=${adminToken}x`)).status).toBe(401);
    expect((await get('/admin/queues', { cookie: `${ADMIN_COOKIE}=garbage` })).status).toBe(401);
    expect((await get('/admin/queues', bearer(userToken))).status).toBe(403);
    expect((await get(`/admin/queues?token=${userToken}`)).status).toBe(403);
    expect((await get('/admin/queues/api/queues', { cookie: `${ADMIN_COOKIE}=${userToken}` })).status).toBe(403);
  });

  it('renders the board for an admin, with its assets and API', async () => {
    const page = await get('/admin/queues', bearer(adminToken));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('liveboard jobs');
    expect(html).toContain('/admin/queues/');

    const script = /src="([^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await get(new URL(script!, `${base}/admin/queues/`).pathname, bearer(adminToken));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);

    const api = await get('/admin/queues/api/queues', bearer(adminToken));
    expect(api.status).toBe(200);
    const { queues } = (await api.json()) as { queues: Array<{ name: string }> };
    expect(queues.map((queue) => queue.name).sort()).toEqual([...QUEUE_NAMES].sort());
  });

  it('lets a browser in with ?token= once: the token moves into an HttpOnly cookie scoped to the board', async () => {
    const login = await get(`/admin/queues/queue/hot?token=${adminToken}`);
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/admin/queues/queue/hot');
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(new RegExp(`^${ADMIN_COOKIE}=[^;]+; Path=/admin/queues; HttpOnly; SameSite=Strict`));

    const session = { cookie: cookie.split(';')[0]! };
    const page = await get('/admin/queues/queue/hot', session);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('liveboard jobs');
    expect((await get('/admin/queues/api/queues', session)).status).toBe(200);
  });

  it('leaves the rest of the server alone', async () => {
    expect((await get('/admin/queuesX')).status).not.toBe(401);
    expect((await get('/healthz')).status).toBe(200);
  });
});
