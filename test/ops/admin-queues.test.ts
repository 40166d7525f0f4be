import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_COOKIE } from '../../src/http/admin-queues.js';
import { SIGN_IN_CSRF_COOKIE } from '../../src/http/admin-sign-in.js';
import { QUEUE_NAMES } from '../../src/infra/queues.js';
import { createTestContext, TEST_PASSWORD, type TestContext } from '../support/harness.js';

let ctx: TestContext;
let base: string;
let adminToken: string;
let userToken: string;
let adminHandle: string;
let userHandle: string;

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers, redirect: 'manual' });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  // A small log-in limit, so the sign-in form's rate limit is reached in a few posts.
  ctx = await createTestContext({ LOGIN_FAILURES_PER_HANDLE: '3' });
  const admin = await ctx.createUser({ role: 'ADMIN' });
  adminToken = admin.token;
  adminHandle = admin.user.handle;
  const user = await ctx.createUser();
  userToken = user.token;
  userHandle = user.user.handle;
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
    expect(cookie).toMatch(new RegExp(`^${ADMIN_COOKIE}=[^;]+; Path=/admin/queues; HttpOnly; SameSite=Strict; Secure`));

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

/** The absolute URLs (another host) in a page or stylesheet: in tags that load something, and in CSS url(). */
function externalLoads(text: string, kind: 'html' | 'css' | 'js' = 'html'): string[] {
  const inTags = [...text.matchAll(/<(?:link|script|img|iframe|source)\b[^>]*\b(?:href|src)=["']?((?:https?:)?\/\/[^"' >]+)/gi)].map((match) => match[1]!);
  if (kind === 'js') return inTags;
  const inCss = [...text.matchAll(/url\(\s*["']?((?:https?:)?\/\/[^"')]+)/gi)].map((match) => match[1]!);
  const imports = [...text.matchAll(/@import\s+(?:url\()?["']?((?:https?:)?\/\/[^"')]+)/gi)].map((match) => match[1]!);
  return [...inTags, ...inCss, ...imports];
}

describe('Bull Board offline', () => {
  it('serves a page whose HTML, stylesheets and scripts load nothing from another host (no Google font)', async () => {
    const page = await get('/admin/queues', bearer(adminToken));
    const html = await page.text();
    expect(html).not.toMatch(/fonts\.googleapis|fonts\.gstatic/);
    expect(externalLoads(html)).toEqual([]);
    const assets = [...html.matchAll(/(?:href|src)="([^"]+\.(?:css|js))"/g)].map((match) => match[1]!);
    expect(assets.some((asset) => asset.endsWith('.css'))).toBe(true);
    expect(assets.some((asset) => asset.endsWith('.js'))).toBe(true);
    for (const asset of assets) {
      const response = await get(new URL(asset, `${base}/admin/queues/`).pathname, bearer(adminToken));
      expect(response.status, asset).toBe(200);
      const text = await response.text();
      expect(externalLoads(text, asset.endsWith('.css') ? 'css' : 'js'), asset).toEqual([]);
      expect(text, asset).not.toMatch(/fonts\.googleapis|fonts\.gstatic/);
    }
  });
});

/** Opens the sign-in page as a browser and returns what its form needs: the CSRF token and the cookie that pairs with it. */
async function openSignIn(path = '/admin/queues') {
  const page = await get(path, { accept: 'text/html,application/xhtml+xml' });
  const html = await page.text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  const cookie = page.headers.get('set-cookie')?.split(';')[0];
  return { page, html, csrf: csrf!, cookie: cookie! };
}

const postForm = (fields: Record<string, string>, headers: Record<string, string>) =>
  fetch(`${base}/admin/queues/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });

describe('Bull Board sign-in for browsers', () => {
  it('shows a browser without a session a sign-in form that loads nothing, while API clients keep the JSON 401', async () => {
    const { page, html, csrf, cookie } = await openSignIn('/admin/queues/queue/hot');
    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html).toContain('action="/admin/queues/sign-in"');
    expect(html).toContain('name="next" value="/admin/queues/queue/hot"');
    expect(html).not.toMatch(/<script|https?:\/\//);
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(cookie).toBe(`${SIGN_IN_CSRF_COOKIE}=${csrf}`);
    expect(page.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict; Secure/);

    const api = await get('/admin/queues', { accept: 'application/json' });
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toMatch(/application\/json/);
  });

  it('signs an admin in: a Secure, HttpOnly, SameSite=Strict session cookie that opens the board', async () => {
    const { csrf, cookie } = await openSignIn();
    const response = await postForm({ handle: adminHandle, password: TEST_PASSWORD, csrf, next: '/admin/queues/queue/hot' }, { cookie, origin: base });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/queues/queue/hot');
    const session = response.headers.getSetCookie().find((line) => line.startsWith(`${ADMIN_COOKIE}=`))!;
    expect(session).toMatch(/; Path=\/admin\/queues; HttpOnly; SameSite=Strict; Secure/);
    const board = await get('/admin/queues/queue/hot', { cookie: session.split(';')[0]!, accept: 'text/html' });
    expect(board.status).toBe(200);
    expect(await board.text()).toContain('liveboard jobs');
  });

  it('refuses a non-admin (403, no session), a wrong password (401), a missing or foreign CSRF token and another origin', async () => {
    let form = await openSignIn();
    const user = await postForm({ handle: userHandle, password: TEST_PASSWORD, csrf: form.csrf }, { cookie: form.cookie });
    expect(user.status).toBe(403);
    expect(await user.text()).toContain('for admins only');
    expect(user.headers.getSetCookie().some((line) => line.startsWith(`${ADMIN_COOKIE}=`))).toBe(false);

    form = await openSignIn();
    const wrong = await postForm({ handle: adminHandle, password: 'not-the-password', csrf: form.csrf }, { cookie: form.cookie });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Wrong handle or password.');

    form = await openSignIn();
    const other = await openSignIn();
    const fields = { handle: adminHandle, password: TEST_PASSWORD };
    for (const attempt of [
      postForm({ ...fields }, { cookie: form.cookie }),
      postForm({ ...fields, csrf: form.csrf }, {}),
      // A token from one form with the cookie of another: someone else's page cannot know this browser's pair.
      postForm({ ...fields, csrf: form.csrf }, { cookie: other.cookie }),
      postForm({ ...fields, csrf: form.csrf }, { cookie: form.cookie, origin: 'https://evil.example' }),
    ]) {
      const response = await attempt;
      expect(response.status).toBe(403);
      expect(response.headers.getSetCookie().some((line) => line.startsWith(`${ADMIN_COOKIE}=`))).toBe(false);
    }
  });

  it('never redirects outside the board after signing in', async () => {
    for (const next of ['https://evil.example/', '//evil.example/admin/queues', '/graphql', '/admin/queuesX']) {
      const form = await openSignIn();
      const response = await postForm({ handle: adminHandle, password: TEST_PASSWORD, csrf: form.csrf, next }, { cookie: form.cookie });
      expect(response.status, next).toBe(303);
      expect(response.headers.get('location'), next).toBe('/admin/queues');
    }
  });

  it("applies the log-in limit: after the handle's failures the form answers 429 without checking the password", async () => {
    const { user } = await ctx.createUser({ role: 'ADMIN' });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const form = await openSignIn();
      statuses.push((await postForm({ handle: user.handle, password: 'wrong-password', csrf: form.csrf }, { cookie: form.cookie })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    const form = await openSignIn();
    const right = await postForm({ handle: user.handle, password: TEST_PASSWORD, csrf: form.csrf }, { cookie: form.cookie });
    expect(right.status).toBe(429);
  });
});
