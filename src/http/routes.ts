import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Deps } from '../lib/app-deps.js';
import { serveWithRequestId } from './access-log.js';
import { checkReadiness } from './health.js';

/** A plain Node handler for one path prefix of the HTTP server. */
export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;

export function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

type ProbeDeps = Pick<Deps, 'db' | 'redis' | 'metrics' | 'config'>;

/**
 * `/healthz`, `/readyz` and `/metrics`: served by the API, and by a
 * worker-only process on its own port. With METRICS_PORT, `/metrics` moves
 * to a server of its own (see {@link createMetricsServer}).
 */
export function probeRoutes(deps: ProbeDeps): Record<string, Route> {
  return {
    '/healthz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    '/readyz': async (_req, res) => {
      const readiness = await checkReadiness(deps);
      sendJson(res, readiness.ready ? 200 : 503, readiness);
    },
    ...(deps.config.hygiene.metricsPort === undefined ? { '/metrics': metricsRoute(deps) } : {}),
  };
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Prometheus exposition; with METRICS_TOKEN set, only for `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise). */
export function metricsRoute(deps: Pick<Deps, 'metrics' | 'config'>): Route {
  const expected = deps.config.hygiene.metricsToken === undefined ? undefined : digest(`Bearer ${deps.config.hygiene.metricsToken}`);
  return async (req, res) => {
    if (expected && !timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="metrics"' }).end('metrics need a bearer token\n');
      return;
    }
    res.writeHead(200, { 'content-type': deps.metrics.registry.contentType }).end(await deps.metrics.registry.metrics());
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
export function createProbeServer(deps: ProbeDeps & Pick<Deps, 'logger'>): { server: http.Server; close(): Promise<void> } {
  return createRoutesServer(deps, probeRoutes(deps));
}

/** `/metrics` alone, on METRICS_PORT: a port scrapers reach and the public does not. */
export function createMetricsServer(deps: Pick<Deps, 'metrics' | 'config' | 'logger'>): { server: http.Server; close(): Promise<void> } {
  return createRoutesServer(deps, { '/metrics': metricsRoute(deps) });
}

function createRoutesServer(deps: Pick<Deps, 'logger'>, routes: Record<string, Route>): { server: http.Server; close(): Promise<void> } {
  const accessLogger = deps.logger.child({ component: 'http' });
  const server = http.createServer((req, res) =>
    serveWithRequestId(req, res, accessLogger, () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const route = routes[matchRoute(routes, path) ?? ''];
      if (!route) return sendJson(res, 404, { error: 'not found' });
      Promise.resolve(route(req, res)).catch((error: unknown) => {
        deps.logger.error({ err: error, path }, 'unhandled error in an HTTP route');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      });
    }),
  );
  return {
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
