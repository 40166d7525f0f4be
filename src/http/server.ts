import http from 'node:http';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { ExecutionArgs } from 'graphql';
import type { Deps } from '../infra/deps.js';
import type { Yoga } from '../graphql/yoga.js';
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

  const server = http.createServer((req, res) => {
    if (req.headers.accept?.includes('text/event-stream')) {
      eventStreams.add(res);
      res.on('close', () => eventStreams.delete(res));
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const routeKey = matchRoute(routes, path);
    const stopTimer = metrics.httpRequests.startTimer({ route: routeKey ?? (path === yoga.graphqlEndpoint ? path : 'other'), method: req.method });
    res.on('finish', () => stopTimer({ status: res.statusCode }));

    const declaredLength = Number(req.headers['content-length'] ?? 0);
    if (declaredLength > config.http.maxBodyBytes) {
      sendJson(res, 413, { errors: [{ message: `The request body is larger than ${config.http.maxBodyBytes} bytes.`, extensions: { code: 'BAD_USER_INPUT' } }] });
      req.resume();
      return;
    }
    const route = routeKey ? routes[routeKey] : undefined;
    Promise.resolve(route ? route(req, res) : yoga.handle(req, res)).catch((error: unknown) => {
      deps.logger.error({ err: error, path }, 'unhandled error in an HTTP route');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.requestTimeout = 30_000;

  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: config.http.maxBodyBytes });
  const wsServer = useServer(
    {
      execute: (args) => (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args) as never,
      subscribe: (args) => (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
      onSubscribe: async (ctx, _id, payload) => {
        const connectionParams = ctx.connectionParams ?? {};
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          connectionParams,
        } as never);
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error as never];
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        let contextValue;
        try {
          contextValue = await contextFactory();
        } catch (error) {
          return [error as never];
        }
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
          rootValue: { execute, subscribe },
        };
      },
    },
    wss,
  );

  return {
    server,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        for (const stream of eventStreams) stream.end();
        void wsServer.dispose();
      });
    },
  };
}
