import type http from 'node:http';
import type { Logger } from '../infra/logger.js';
import { requestIdFrom, runInRequestScope, type RequestScope } from '../lib/request-scope.js';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Operation names come from documents clients write; a log line keeps a bounded, printable part. */
const logSafeName = (name: string | undefined) => name?.replace(/[^A-Za-z0-9_]/g, '').slice(0, 100) || undefined;

/**
 * Serves one HTTP request under its request id: the id is set on the
 * response (echoed from `x-request-id` when valid, else generated), every log
 * line written meanwhile carries it, and one access line is written when the
 * response ends (or the client goes away). The line holds the path without
 * its query string and never headers, cookies or variables, so no token or
 * user input ends up in the logs.
 */
export function serveWithRequestId(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  accessLogger: Logger,
  handle: (scope: RequestScope) => void,
): void {
  const scope: RequestScope = { requestId: requestIdFrom(req.headers[REQUEST_ID_HEADER]) };
  const started = process.hrtime.bigint();
  res.setHeader(REQUEST_ID_HEADER, scope.requestId);
  res.once('close', () => {
    accessLogger.info(
      {
        reqId: scope.requestId,
        method: req.method,
        path: (req.url ?? '/').split('?')[0],
        status: res.statusCode,
        // A response that did not finish was cut short (the client left, or shutdown ended a stream).
        ...(res.writableFinished ? {} : { aborted: true }),
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        operationName: logSafeName(scope.operationName),
      },
      'request',
    );
  });
  runInRequestScope(scope, () => handle(scope));
}

/**
 * The headers of a refused WebSocket upgrade (e.g. 429 over the per-address
 * connection limit): its request id, logged in one access line with the status,
 * so a refusal can be traced like any other response.
 */
export function refusedUpgradeHeaders(req: http.IncomingMessage, status: number, accessLogger: Logger): Record<string, string> {
  const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
  accessLogger.info({ reqId: requestId, method: req.method, path: (req.url ?? '/').split('?')[0], status }, 'websocket refused');
  return { [REQUEST_ID_HEADER]: requestId };
}

/**
 * The id of a WebSocket upgrade: on the 101 response and in one access line
 * when the socket closes. The line's fields are taken now: a closure holding
 * the upgrade request would keep it and its headers alive as long as the
 * socket (about 1 KB per connection, 10 MB at 10,000 subscribers).
 */
export function logUpgrade(req: http.IncomingMessage, headers: string[], accessLogger: Logger, socket: { once(event: 'close', listener: () => void): unknown }): void {
  const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
  const started = process.hrtime.bigint();
  const { method } = req;
  const path = (req.url ?? '/').split('?')[0];
  headers.push(`${REQUEST_ID_HEADER}: ${requestId}`);
  socket.once('close', () =>
    accessLogger.info({ reqId: requestId, method, path, status: 101, durationMs: Number(process.hrtime.bigint() - started) / 1e6 }, 'websocket closed'),
  );
}
