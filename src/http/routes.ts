import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Deps } from '../lib/app-deps.js';
import { checkReadiness } from './health.js';

/** A plain Node handler for one path prefix of the HTTP server. */
export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;

export function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** `/healthz`, `/readyz` and `/metrics`: served by the API, and by a worker-only process on its own port. */
export function probeRoutes(deps: Pick<Deps, 'db' | 'redis' | 'metrics'>): Record<string, Route> {
  return {
    '/healthz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    '/readyz': async (_req, res) => {
      const readiness = await checkReadiness(deps);
      sendJson(res, readiness.ready ? 200 : 503, readiness);
    },
    '/metrics': async (_req, res) => {
      res.writeHead(200, { 'content-type': deps.metrics.registry.contentType }).end(await deps.metrics.registry.metrics());
    },
  };
}

/** The route whose prefix matches `path` (the path itself or anything under it). */
export function matchRoute(routes: Record<string, Route>, path: string): string | undefined {
  return Object.keys(routes).find((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** Listens and returns the base URL clients use. */
export async function listen(server: http.Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return `http://${address.family === 'IPv6' ? 'localhost' : '127.0.0.1'}:${address.port}`;
}

/**
 * A worker-only process has no API, but still answers health checks and
 * Prometheus scrapes, so its job metrics are collected like the API's.
 */
export function createProbeServer(deps: Pick<Deps, 'db' | 'redis' | 'metrics' | 'logger'>): { server: http.Server; close(): Promise<void> } {
  const routes = probeRoutes(deps);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = routes[matchRoute(routes, path) ?? ''];
    if (!route) return sendJson(res, 404, { error: 'not found' });
    Promise.resolve(route(req, res)).catch((error: unknown) => {
      deps.logger.error({ err: error, path }, 'unhandled error in an HTTP route');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  });
  return {
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
