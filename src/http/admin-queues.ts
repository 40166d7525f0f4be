import type http from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Deps } from '../lib/app-deps.js';
import { InvalidTokenError, parseBearer } from '../modules/users/auth.js';
import { sendJson, type Route } from './routes.js';

/** Where Bull Board is served. */
export const ADMIN_QUEUES_PATH = '/admin/queues';
/** The session cookie a browser gets after opening Bull Board with `?token=`; it holds the same JWT. */
export const ADMIN_COOKIE = 'lb_admin_token';

type Check = { ok: true; token: string } | { ok: false; status: 401 | 403; message: string };

function cookieValue(req: http.IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

/**
 * Admin only. A browser cannot send an Authorization header when it opens a
 * page, so besides `Authorization: Bearer <jwt>` this accepts `?token=<jwt>`
 * once (moved into an HttpOnly, SameSite=Strict cookie scoped to this path)
 * and then that cookie. The JWT is verified on every request, so the cookie
 * expires with the token and a demoted admin loses access at once.
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

/**
 * Bull Board (the standard BullMQ UI) for every queue, behind the admin
 * check. Its Express app is mounted on the plain Node server by stripping
 * the path prefix, as Express's own `app.use(prefix, …)` would.
 */
export function createAdminQueuesRoute(deps: Pick<Deps, 'db' | 'tokens' | 'queues' | 'logger'>): Route {
  const serverAdapter = new ExpressAdapter().setBasePath(ADMIN_QUEUES_PATH);
  createBullBoard({
    queues: Object.values(deps.queues).map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'liveboard jobs' } },
  });
  const board = serverAdapter.getRouter() as (req: http.IncomingMessage, res: http.ServerResponse, next: (error?: unknown) => void) => void;

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const check = await checkAdmin(deps, req, url);
    if (!check.ok) {
      res.setHeader('www-authenticate', 'Bearer realm="liveboard admin"');
      return sendJson(res, check.status, { error: check.message });
    }
    if (url.searchParams.has('token')) {
      // Keep the token out of the address bar, history and Referer: set the cookie and reload without it.
      url.searchParams.delete('token');
      const secure = req.headers['x-forwarded-proto'] === 'https' ? '; Secure' : '';
      res.writeHead(303, {
        location: `${url.pathname}${url.search}`,
        'set-cookie': `${ADMIN_COOKIE}=${encodeURIComponent(check.token)}; Path=${ADMIN_QUEUES_PATH}; HttpOnly; SameSite=Strict${secure}`,
      });
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
