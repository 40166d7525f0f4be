import type http from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Deps } from '../lib/app-deps.js';
import { InvalidTokenError, parseBearer } from '../modules/users/auth.js';
import { ADMIN_COOKIE, boardCookie, cookieValue, handleSignIn, sendSignInPage, wantsHtml } from './admin-sign-in.js';
import { requestAddressResolver } from './client-limits.js';
import { sendJson, type Route } from './routes.js';

export { ADMIN_COOKIE } from './admin-sign-in.js';

/** Where Bull Board is served. */
export const ADMIN_QUEUES_PATH = '/admin/queues';

type Check = { ok: true; token: string } | { ok: false; status: 401 | 403; message: string };

/**
 * Admin only. A browser cannot send an Authorization header when it opens a
 * page, so besides `Authorization: Bearer <jwt>` this accepts the session
 * cookie set by the sign-in form, and `?token=<jwt>` once (moved into that
 * cookie). The JWT is verified on every request, so the cookie expires with
 * the token and a demoted admin loses access at once.
 */
async function checkAdmin(deps: Pick<Deps, 'db' | 'tokens'>, req: http.IncomingMessage, url: URL): Promise<Check> {
  const header = parseBearer(req.headers.authorization);
  if (header === undefined) return { ok: false, status: 401, message: 'The Authorization header must be "Bearer <token>".' };
  const token = header ?? url.searchParams.get('token') ?? cookieValue(req, ADMIN_COOKIE);
  if (!token) return { ok: false, status: 401, message: 'Log in as an admin: send "Authorization: Bearer <token>" or open ?token=<token>.' };
  let userId: number;
  try {
    userId = await deps.tokens.verify(token);
  } catch (error) {
    if (error instanceof InvalidTokenError) return { ok: false, status: 401, message: error.message };
    throw error;
  }
  const user = await deps.db.user.findUnique({ where: { id: userId }, select: { role: true } });
  if (!user) return { ok: false, status: 401, message: 'The user of this token no longer exists.' };
  if (user.role !== 'ADMIN') return { ok: false, status: 403, message: 'Bull Board is for admins only.' };
  return { ok: true, token };
}

/** Stylesheets and scripts from other hosts (Bull Board's page asks Google for its fonts); the UI falls back to system fonts. */
const EXTERNAL_ASSET = /<(?:link|script)\b[^>]*\b(?:href|src)=["']?(?:https?:)?\/\/[^>]*>(?:\s*<\/script>)?\s*/gi;

type ViewEngine = (path: string, options: object, done: (error: Error | null, html?: string) => void) => void;

/**
 * Renders Bull Board's page without anything from another host, so the
 * board works offline and tells no third party who opens it. The board's
 * own engine renders as before; its output loses external links.
 */
function stripExternalAssets(app: { engines: Record<string, ViewEngine>; engine(ext: string, fn: ViewEngine): unknown }): void {
  const render = app.engines['.ejs'];
  if (!render) throw new Error('Bull Board no longer renders with ejs; check that its page loads nothing external');
  app.engine('ejs', (path, options, done) => render(path, options, (error, html) => done(error, html?.replace(EXTERNAL_ASSET, ''))));
}

/**
 * Bull Board (the standard BullMQ UI) for every queue, behind the admin
 * check. Its Express app is mounted on the plain Node server by stripping
 * the path prefix, as Express's own `app.use(prefix, …)` would. A browser
 * without a session gets a sign-in page; API clients get JSON 401/403.
 */
export function createAdminQueuesRoute(deps: Pick<Deps, 'db' | 'tokens' | 'queues' | 'logger' | 'logInGuard' | 'config'>): Route {
  const serverAdapter = new ExpressAdapter().setBasePath(ADMIN_QUEUES_PATH);
  createBullBoard({
    queues: Object.values(deps.queues).map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'liveboard jobs' } },
  });
  const board = serverAdapter.getRouter() as ((req: http.IncomingMessage, res: http.ServerResponse, next: (error?: unknown) => void) => void) &
    Parameters<typeof stripExternalAssets>[0];
  stripExternalAssets(board);
  const clientAddressOf = requestAddressResolver(deps.config.rateLimit.proxyTrust);

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === `${ADMIN_QUEUES_PATH}/sign-in` && req.method === 'POST') {
      return handleSignIn(deps, req, res, ADMIN_QUEUES_PATH, clientAddressOf(req));
    }
    const check = await checkAdmin(deps, req, url);
    if (!check.ok) {
      if (wantsHtml(req) && req.method === 'GET') return sendSignInPage(res, ADMIN_QUEUES_PATH, check.status, check.message, url.pathname);
      res.setHeader('www-authenticate', 'Bearer realm="liveboard admin"');
      return sendJson(res, check.status, { error: check.message });
    }
    if (url.searchParams.has('token')) {
      // Keep the token out of the address bar, history and Referer: set the cookie and reload without it.
      url.searchParams.delete('token');
      res.writeHead(303, { location: `${url.pathname}${url.search}`, 'set-cookie': boardCookie(ADMIN_COOKIE, check.token, ADMIN_QUEUES_PATH) });
      return void res.end();
    }
    const rest = url.pathname.slice(ADMIN_QUEUES_PATH.length);
    req.url = `${rest.startsWith('/') ? rest : `/${rest}`}${url.search}`;
    await new Promise<void>((resolve) => {
      res.on('finish', resolve).on('close', resolve);
      board(req, res, (error) => {
        if (error) deps.logger.error({ err: error }, 'Bull Board failed');
        if (!res.headersSent) sendJson(res, error ? 500 : 404, { error: error ? 'internal error' : 'not found' });
        resolve();
      });
    });
  };
}
