import { randomBytes, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { Deps } from '../lib/app-deps.js';
import { AppError, ErrorCode } from '../lib/app-error.js';
import { logIn } from '../modules/users/index.js';

/** The session cookie of Bull Board: the admin's JWT, verified on every request. */
export const ADMIN_COOKIE = 'lb_admin_token';
/** Double-submit token of the sign-in form (login CSRF: another site must not sign a browser in as someone else). */
export const SIGN_IN_CSRF_COOKIE = 'lb_admin_csrf';

const MAX_FORM_BYTES = 4096;

export function cookieValue(req: http.IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * Scoped to the board, HttpOnly (no script reads it), SameSite=Strict (no
 * other site's page sends it) and Secure: browsers keep Secure cookies from
 * http://localhost too, and anywhere else the board belongs behind HTTPS.
 */
export function boardCookie(name: string, value: string, path: string, maxAgeSeconds?: number): string {
  return `${name}=${encodeURIComponent(value)}; Path=${path}; HttpOnly; SameSite=Strict; Secure${maxAgeSeconds === undefined ? '' : `; Max-Age=${maxAgeSeconds}`}`;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Only inline styles, no script, forms only to this server. */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The sign-in page a browser gets instead of a JSON 401: a form that posts
 * handle and password to `<basePath>/sign-in`. It loads nothing (no font, no
 * script, no image), so it works offline. A fresh CSRF token goes into the
 * form and into a cookie; the post must carry both, equal.
 */
export function sendSignInPage(res: http.ServerResponse, basePath: string, status: number, message: string, next = basePath): void {
  const csrf = randomBytes(18).toString('base64url');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>liveboard jobs: sign in</title>
<style>body{font-family:system-ui,sans-serif;background:#151a21;color:#d6dde6;display:flex;min-height:100vh;margin:0;align-items:center;justify-content:center}
form{background:#1f2630;padding:2rem;border-radius:8px;display:flex;flex-direction:column;gap:.75rem;min-width:18rem}
input,button{font:inherit;padding:.5rem;border-radius:4px;border:1px solid #3a4554}button{background:#3b82f6;color:#fff;border:0;cursor:pointer}
p{margin:0;color:#f4a8a8}</style></head>
<body><form method="post" action="${escapeHtml(`${basePath}/sign-in`)}">
<h1>liveboard jobs</h1>
<p role="alert">${escapeHtml(message)}</p>
<label>Handle <input name="handle" autocomplete="username" required maxlength="64"></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required maxlength="256"></label>
<input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="next" value="${escapeHtml(next)}">
<button type="submit">Sign in</button>
</form></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': PAGE_CSP,
    'cache-control': 'no-store',
    'set-cookie': boardCookie(SIGN_IN_CSRF_COOKIE, csrf, basePath, 3600),
  });
  res.end(html);
}

/** True when the client would rather read a page than JSON (a browser navigating). */
export const wantsHtml = (req: http.IncomingMessage) => /\btext\/html\b/.test(req.headers.accept ?? '');

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams | null> {
  if (!/^application\/x-www-form-urlencoded\b/.test(req.headers['content-type'] ?? '')) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return null;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const sameToken = (a: string | null, b: string | null) =>
  a !== null && b !== null && a.length > 0 && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * `POST <basePath>/sign-in`: checks the CSRF pair and the Origin (when the
 * browser sends one), then logs in with the users module's own `logIn` (so
 * its failed-log-in limits apply) and, for an admin, sets the session cookie
 * and redirects back into the board. A non-admin gets 403 and no cookie.
 */
export async function handleSignIn(
  deps: Pick<Deps, 'db' | 'tokens' | 'logInGuard'>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  basePath: string,
  clientAddress: string | null,
): Promise<void> {
  const origin = req.headers.origin;
  const form = await readForm(req);
  if (!form || (origin !== undefined && origin !== 'null' && new URL(origin).host !== req.headers.host) || !sameToken(form.get('csrf'), cookieValue(req, SIGN_IN_CSRF_COOKIE))) {
    return sendSignInPage(res, basePath, 403, 'The form expired or came from another site; please sign in again.');
  }
  const rawNext = form.get('next') ?? basePath;
  // Only back into the board: never an open redirect.
  const next = rawNext === basePath || (rawNext.startsWith(`${basePath}/`) && !rawNext.startsWith('//') && !rawNext.includes('\\')) ? rawNext : basePath;
  let session;
  try {
    session = await logIn(deps, { handle: form.get('handle') ?? '', password: form.get('password') ?? '', remoteAddress: clientAddress });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const status = error.code === ErrorCode.RATE_LIMITED ? 429 : 401;
    return sendSignInPage(res, basePath, status, error.message, next);
  }
  if (session.user.role !== 'ADMIN') return sendSignInPage(res, basePath, 403, 'Bull Board is for admins only.', next);
  res.writeHead(303, {
    location: next,
    'cache-control': 'no-store',
    'set-cookie': [boardCookie(ADMIN_COOKIE, session.token, basePath), boardCookie(SIGN_IN_CSRF_COOKIE, '', basePath, 0)],
  });
  res.end();
}
