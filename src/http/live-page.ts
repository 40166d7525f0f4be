import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../infra/logger.js';
import { answerAsset, IMMUTABLE, prepareAsset, REVALIDATE, type StaticAsset } from '../lib/static-asset.js';
import type { Route } from './routes.js';

/**
 * Where scripts/build-web.mjs writes the page: build/live-page beside src/
 * when run from source (tsx), dist/build/live-page in the compiled image.
 */
export const LIVE_PAGE_DIR = fileURLToPath(new URL('../../build/live-page/', import.meta.url));

/**
 * Everything the page may load comes from this server; nothing inline, no
 * other origin. `connect-src 'self'` covers the page's own ws:// connection.
 */
const SECURITY_HEADERS = {
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/**
 * The live page at `/` and its bundle under `/assets/`, read and compressed
 * once at start. The bundle's file names carry their content hash, so they
 * are cached for a year; the page itself is revalidated (ETag, 304). Without
 * a build, `/` explains how to make one.
 */
export async function createLivePageRoutes(logger: Logger, dir = LIVE_PAGE_DIR): Promise<Record<string, Route>> {
  const indexFile = path.join(dir, 'index.html');
  if (!existsSync(indexFile)) {
    logger.warn({ dir }, 'the live page is not built (node scripts/build-web.mjs); / answers 503');
    return { '/': (_req, res) => void res.writeHead(503, { 'content-type': 'text/plain' }).end('The live page is not built: run `node scripts/build-web.mjs`.\n') };
  }
  const page = await prepareAsset(await readFile(indexFile), 'text/html; charset=utf-8', { cacheControl: REVALIDATE, headers: SECURITY_HEADERS });
  const assets = new Map<string, StaticAsset>();
  for (const name of await readdir(path.join(dir, 'assets'))) {
    const type = TYPES[path.extname(name)];
    if (!type) continue;
    const body = await readFile(path.join(dir, 'assets', name));
    assets.set(`/assets/${name}`, await prepareAsset(body, type, { cacheControl: IMMUTABLE, headers: { 'x-content-type-options': 'nosniff' } }));
  }
  return {
    '/': (req, res) => send(req, res, page),
    '/assets': (req, res) => send(req, res, assets.get((req.url ?? '').split('?')[0] ?? '')),
  };
}

function send(req: http.IncomingMessage, res: http.ServerResponse, asset: StaticAsset | undefined): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('GET or HEAD only\n');
    return;
  }
  if (!asset) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  const headers = { 'if-none-match': req.headers['if-none-match'], 'accept-encoding': req.headers['accept-encoding'] };
  const answer = answerAsset(asset, { method: req.method, headers });
  res.writeHead(answer.status, answer.headers).end(answer.body ?? undefined);
}
