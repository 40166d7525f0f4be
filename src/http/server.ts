import http from 'node:http';
import type { Socket } from 'node:net';
import { Transform } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Deps } from '../lib/app-deps.js';
import { ErrorCode } from '../lib/app-error.js';
import { loadTrustedDocuments } from '../graphql/persisted-operations.js';
import type { Yoga } from '../graphql/yoga.js';
import { logUpgrade, refusedUpgradeHeaders, serveWithRequestId } from './access-log.js';
import { createClientSlots, requestAddressResolver } from './client-limits.js';
import { serveGraphQLWs } from './graphql-ws.js';
import { matchRoute, probeRoutes, sendJson, type Route } from './routes.js';

export interface HttpServer {
  server: http.Server;
  /** Stops accepting, closes subscriptions, lets requests in flight finish. */
  close(): Promise<void>;
}

/**
 * One port for everything: GraphQL over HTTP and SSE (yoga), graphql-ws on
 * the same path, health, readiness and metrics. Extra routes (Bull Board)
 * are passed in by the caller.
 */
export function createHttpServer(deps: Deps, yoga: Yoga, extraRoutes: Record<string, Route> = {}): HttpServer {
  const { metrics, config } = deps;
  const routes: Record<string, Route> = { ...probeRoutes(deps), ...extraRoutes };

  // Subscriptions over SSE are requests that never finish on their own; shutdown ends them explicitly.
  const eventStreams = new Set<http.ServerResponse>();
  // Responses in flight per keep-alive socket. Node's own idle tracking misses sockets whose SSE
  // request the client aborted, and shutdown would wait for their keep-alive timeout.
  const inFlight = new Map<Socket, number>();
  let closing = false;
  // Anonymous limits count by this address; a client's open SSE streams are capped per address.
  const clientAddressOf = requestAddressResolver(config.rateLimit.proxyTrust);
  const sseStreams = createClientSlots(config.rateLimit.maxSseStreamsPerClient);
  const accessLogger = deps.logger.child({ component: 'http' });

  const server = http.createServer((req, res) => serveWithRequestId(req, res, accessLogger, () => {
    const socket = req.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const left = (inFlight.get(socket) ?? 1) - 1;
      if (inFlight.has(socket)) inFlight.set(socket, left);
      if (closing && left === 0) socket.end();
    });
    const isEventStream = req.headers.accept?.includes('text/event-stream') === true;
    if (isEventStream) {
      eventStreams.add(res);
      res.on('close', () => eventStreams.delete(res));
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const routeKey = matchRoute(routes, path);
    const stopTimer = metrics.httpRequests.startTimer({ route: routeKey ?? (path === yoga.graphqlEndpoint ? path : 'other'), method: req.method });
    res.on('finish', () => stopTimer({ status: res.statusCode }));

    const limit = config.http.maxBodyBytes;
    const tooLarge = () => refuseTooLarge(req, res, limit);
    if (Number(req.headers['content-length'] ?? 0) > limit) return tooLarge();
    const clientAddress = clientAddressOf(req);
    const releaseStream = isEventStream && !routeKey ? sseStreams.acquire(clientAddress) : undefined;
    if (releaseStream === null) {
      const message = `More than ${config.rateLimit.maxSseStreamsPerClient} event streams from one address; close some first.`;
      sendJson(res, 429, { errors: [{ message, extensions: { code: ErrorCode.TOO_MANY_SUBSCRIPTIONS } }] });
      req.resume();
      return;
    }
    if (releaseStream) res.once('close', releaseStream);
    const route = routeKey ? routes[routeKey] : undefined;
    // Routes read their own (small, authenticated) bodies; GraphQL bodies are counted as they stream in.
    Promise.resolve(route ? route(req, res) : yoga.handle(limitBody(req, limit, tooLarge), res, { clientAddress, bodyLimited: true })).catch((error: unknown) => {
      deps.logger.error({ err: error, path }, 'unhandled error in an HTTP route');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  }));
  server.requestTimeout = 30_000;
  server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  // An upgraded socket belongs to the WebSocket server, which closes it with a proper close frame.
  server.on('upgrade', (_req, socket: Socket) => inFlight.delete(socket));

  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: config.http.maxBodyBytes });
  wss.on('headers', (headers, req) => logUpgrade(req, headers, accessLogger, req.socket));
  const wsServer = serveGraphQLWs(wss, yoga, deps.logger.child({ component: 'graphql-ws' }), {
    clientAddressOf,
    maxConnectionsPerClient: config.rateLimit.maxConnectionsPerClient,
    refusedUpgradeHeaders: (req, status) => refusedUpgradeHeaders(req, status, accessLogger),
    maxSubscriptionsPerConnection: config.rateLimit.maxSubscriptionsPerConnection,
    backpressure: config.live.wsBackpressure,
    trustedDocuments: config.persistedQueries.trustedDocumentsFile === undefined ? undefined : loadTrustedDocuments(config.persistedQueries.trustedDocumentsFile),
  });

  return {
    server,
    async close() {
      await new Promise<void>((resolve) => {
        closing = true;
        server.close(() => resolve());
        server.closeIdleConnections();
        for (const [socket, responses] of inFlight) if (responses === 0) socket.end();
        for (const stream of eventStreams) stream.end();
        void wsServer.dispose();
      });
    },
  };
}

/**
 * Answers 413 and closes the connection once the answer is out, so the rest
 * of the body is never read (Node would otherwise read and discard it all).
 */
function refuseTooLarge(req: http.IncomingMessage, res: http.ServerResponse, limit: number): void {
  req.pause();
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.shouldKeepAlive = false;
  res.once('finish', () => req.socket.destroy());
  res.writeHead(413, { 'content-type': 'application/json', connection: 'close' }).end(
    JSON.stringify({ errors: [{ message: `The request body is larger than ${limit} bytes.`, extensions: { code: 'BAD_USER_INPUT' } }] }),
  );
}

/**
 * The request as yoga should read it: its body counted chunk by chunk as it
 * arrives, whether it declared a Content-Length or is chunked. Once past
 * `limit`, reading stops and `tooLarge` answers; nothing beyond the limit is
 * buffered. A request without a body is returned as it is.
 */
function limitBody(req: http.IncomingMessage, limit: number, tooLarge: () => void): http.IncomingMessage {
  // Without chunked encoding the body is exactly Content-Length bytes, already checked against the limit:
  // node's parser never hands over more (extra bytes would be the next request), so no counting stream is needed.
  if (req.headers['transfer-encoding'] === undefined) return req;
  let received = 0;
  const body = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received <= limit) return done(null, chunk);
      req.unpipe(body);
      tooLarge();
      done(new Error(`request body over ${limit} bytes`));
    },
  });
  // The refusal is answered by tooLarge; a body nobody reads any more must not crash the process with its error.
  body.on('error', () => undefined);
  req.once('error', (error) => body.destroy(error));
  req.once('close', () => {
    if (!req.complete) body.destroy(new Error('the client aborted the request'));
  });
  req.pipe(body);
  // What yoga's Node adapter reads besides the body: method, URL, headers, and the socket (for the peer address).
  return Object.assign(body, { method: req.method, url: req.url, headers: req.headers, socket: req.socket, httpVersion: req.httpVersion }) as unknown as http.IncomingMessage;
}
