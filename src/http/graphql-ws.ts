import type http from 'node:http';
import { GraphQLError, type DocumentNode, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { CloseCode, handleProtocols, makeServer } from 'graphql-ws';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../infra/logger.js';
import type { Yoga } from '../graphql/yoga.js';
import { resultMessageTail } from '../graphql/live/result-json.js';
import { takeSharedConsumer } from '../graphql/live/shared-subscriptions.js';
import { toClientError } from '../graphql/errors.js';
import { PERSISTED_QUERY_ONLY, trustedQueryText, type TrustedDocuments } from '../graphql/persisted-operations.js';
import { appError, ErrorCode } from '../lib/app-error.js';
import { createClientSlots } from './client-limits.js';
import { withOperationHeaders } from './operation-headers.js';
import { SocketBackpressure, type BackpressureLimits, type OutgoingMessage } from './socket-backpressure.js';

/** A WebSocket message as text, whichever of ws's binary forms it arrived in. */
function messageText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
}

/** Per-connection state: results whose shared message tail replaces the stand-in at send time. */
interface Connection {
  socket: WebSocket;
  /** Who the connection's operations count against when anonymous (rate limits). */
  clientAddress: string | null;
  pendingTails: Map<number, Buffer>;
  nextRef: number;
  backpressure: SocketBackpressure;
}

/**
 * `onNext` swaps a result for this stand-in; `send` swaps it back for the
 * result's cached JSON. The key cannot occur unescaped inside a JSON string,
 * so only a stand-in made here matches.
 */
const RESULT_REF = '__liveboardResultRef';
const REF_MARKER = `{"${RESULT_REF}":`;

/**
 * A stand-in payload (`…"payload":{"__liveboardResultRef":7}}`) becomes the
 * message's head (`…"payload":`) and the result's shared tail (its JSON and
 * the closing brace), written without building the whole message as a string.
 */
function withSharedTail(data: string, connection: Connection): OutgoingMessage {
  const at = data.lastIndexOf(REF_MARKER);
  if (at === -1 || !data.endsWith('}}')) return data;
  const ref = Number(data.slice(at + REF_MARKER.length, -2));
  const tail = connection.pendingTails.get(ref);
  if (tail === undefined) return data;
  connection.pendingTails.delete(ref);
  return { head: data.slice(0, at), tail };
}

/**
 * graphql-ws on an existing WebSocket server, through yoga's envelop (same
 * context, plugins and auth as HTTP and SSE). Built on graphql-ws's
 * `makeServer` rather than `useServer` for one reason: a subscription result
 * shared by many subscribers is serialized and UTF-8 encoded once
 * (result-json.ts), and that one Buffer ends every subscriber's `next`
 * message, instead of each message re-serializing the whole payload.
 */
export interface GraphQLWsOptions {
  /** The client address of the upgrade request (trusted proxies included). */
  clientAddressOf: (req: http.IncomingMessage) => string | null;
  /** Upgrades beyond this many open connections from one address are refused with HTTP 429. */
  maxConnectionsPerClient: number;
  /** Headers for a refused upgrade's response (its request id), and the refusal logged. */
  refusedUpgradeHeaders: (req: http.IncomingMessage, status: number) => Record<string, string>;
  /** Operations (mostly subscriptions) open at once on one connection; the next is refused with TOO_MANY_SUBSCRIPTIONS. */
  maxSubscriptionsPerConnection: number;
  /** How much unsent data one connection may hold, and for how long (socket-backpressure.ts). */
  backpressure: BackpressureLimits;
  keepAliveMs?: number;
  /** Trusted-documents mode (TRUSTED_DOCUMENTS_FILE): only these operations run, as over HTTP. */
  trustedDocuments?: TrustedDocuments;
}

/**
 * A shared subscription's results written straight to its socket, as they
 * are handed out (Multicast → PushIterator.divert), instead of through
 * graphql-ws's loop of the subscription: at 10,000 subscribers of one
 * selection, that loop's steps (envelop's iterator layers, graphql-ws's
 * `next`, the message's JSON around a stand-in, a promise per write) were
 * most of the CPU per event besides the system calls. What is written is the
 * message graphql-ws would write, `{"id":…,"type":"next","payload":<result>}`:
 * the head, encoded once per subscription, and the result's shared tail.
 *
 * Only while graphql-ws has this very subscription registered (not before
 * its loop started, not after a `complete`, not a later one under the same
 * id), and only results sent as they are (no errors: those go through
 * yoga's masking in the loop). Whatever is declined takes the loop, and the
 * consumer sends nothing directly while such a value is on its way, so
 * messages keep their order. Back-pressure is the connection's
 * (socket-backpressure.ts): a socket that is behind keeps the newest result
 * per subscription.
 */
function divertSharedResults(
  consumer: ReturnType<typeof takeSharedConsumer> & object,
  ctx: { subscriptions: Record<string, unknown>; extra: Connection },
  id: string,
  registered: unknown,
): void {
  const quotedId = JSON.stringify(id);
  const head = Buffer.from(`{"id":${quotedId},"type":"next","payload":`);
  const slot = `next:${quotedId}`;
  consumer.divert((result) => {
    if (ctx.subscriptions[id] !== registered) return false;
    const tail = resultMessageTail(result);
    if (tail === undefined) return false;
    ctx.extra.backpressure.post({ head, tail, slot });
    return true;
  });
}

export function serveGraphQLWs(wss: WebSocketServer, yoga: Yoga, logger: Logger, options: GraphQLWsOptions): { dispose(): Promise<void> } {
  const { clientAddressOf, maxConnectionsPerClient, refusedUpgradeHeaders, maxSubscriptionsPerConnection, backpressure: limits, keepAliveMs = 12_000, trustedDocuments } = options;

  type Enveloped = { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown };
  /** What yoga's envelop hands out for one operation (its own type is too general to be useful here). */
  type Operation = Enveloped & {
    schema: GraphQLSchema;
    contextFactory: () => Promise<unknown>;
    parse: (source: string) => DocumentNode;
    validate: (schema: GraphQLSchema, document: DocumentNode) => readonly GraphQLError[];
  };
  const server = makeServer<Record<string, unknown> | undefined, Connection>({
    // The enveloped functions of this subscription travel in rootValue from onSubscribe.
    execute: (args) => (args.rootValue as Enveloped).execute(args) as never,
    subscribe: (args) => (args.rootValue as Enveloped).subscribe(args) as never,
    onSubscribe: async (ctx, _id, payload) => {
      // graphql-ws registers the operation (this one included) before calling this hook, and removes it when it ends.
      if (Object.keys(ctx.subscriptions).length > maxSubscriptionsPerConnection) {
        const message = `At most ${maxSubscriptionsPerConnection} operations may be open on one connection; complete some first.`;
        return [toClientError(appError(ErrorCode.TOO_MANY_SUBSCRIPTIONS, message, { max: maxSubscriptionsPerConnection })) as never];
      }
      // GraphiQL sends its Authorization header with each operation, not at connection_init.
      const connectionParams = withOperationHeaders(ctx.connectionParams, payload.extensions);
      const { clientAddress } = ctx.extra;
      const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({ ...ctx, connectionParams, clientAddress } as never) as Operation;
      const query = trustedDocuments ? trustedQueryText(trustedDocuments, payload) : payload.query;
      if (query === null) {
        return [new GraphQLError('Only trusted operations are accepted: send the text or sha256Hash of one of the server\'s persisted operations.', { extensions: { code: PERSISTED_QUERY_ONLY } })];
      }
      let document;
      try {
        document = parse(query);
      } catch (error) {
        return [error as never];
      }
      const errors = validate(schema, document);
      if (errors.length > 0) return [...errors];
      let contextValue;
      try {
        contextValue = await contextFactory();
      } catch (error) {
        return [toClientError(error) as never];
      }
      return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue, rootValue: { execute, subscribe } };
    },
    onOperation(ctx, id, _payload, args, result) {
      const consumer = takeSharedConsumer(args.contextValue);
      if (consumer) divertSharedResults(consumer, ctx, id, result);
    },
    onNext(ctx, _id, _payload, _args, result) {
      const tail = resultMessageTail(result);
      if (tail === undefined) return;
      const ref = (ctx.extra.nextRef += 1);
      ctx.extra.pendingTails.set(ref, tail);
      return { [RESULT_REF]: ref } as never;
    },
  });

  wss.options.handleProtocols = handleProtocols;
  // Refused before the handshake, so a client over its share costs no connection state. The slot is
  // held by the socket itself: released when it closes, whether the handshake completed or not.
  const connections = createClientSlots(maxConnectionsPerClient);
  wss.options.verifyClient = (info, done) => {
    const release = connections.acquire(clientAddressOf(info.req));
    if (!release) return done(false, 429, 'Too many connections from this address', refusedUpgradeHeaders(info.req, 429));
    info.req.socket.once('close', release);
    done(true);
  };
  wss.on('error', (error) => logger.error({ err: error }, 'WebSocket server error'));
  wss.on('connection', (socket, request) => {
    // The upgrade request is not kept: only its client address is needed, and it would hold its headers for the connection's life.
    const clientAddress = clientAddressOf(request);
    socket.once('error', (error) => {
      logger.warn({ err: error }, 'WebSocket connection error');
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    // A socket that cannot keep up gets each subscription's newest result only, never a growing queue.
    const backpressure = new SocketBackpressure(socket, limits, (held) =>
      logger.warn({ ...held, clientAddress }, 'closing a WebSocket connection that stopped reading'),
    );
    const connection: Connection = { socket, clientAddress, pendingTails: new Map(), nextRef: 0, backpressure };

    // Pings find dead peers (a laptop lid closed) whose subscriptions would otherwise stay open.
    let alive = true;
    socket.on('pong', () => (alive = true));
    const keepAlive = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
      backpressure.check();
    }, keepAliveMs);

    const closed = server.opened(
      {
        protocol: socket.protocol,
        // Resolved before anything else, so a result that is replaced while waiting leaves nothing in pendingTails.
        send: (data) => backpressure.send(withSharedTail(data, connection)),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data) => {
            handle(messageText(data)).catch((error: unknown) => {
              logger.error({ err: error }, 'error while handling a graphql-ws message');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      connection,
    );

    socket.once('close', (code, reason) => {
      clearInterval(keepAlive);
      backpressure.dispose();
      connection.pendingTails.clear();
      void closed(code, String(reason));
    });
  });

  return {
    async dispose() {
      for (const client of wss.clients) client.close(1001, 'Going away');
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
