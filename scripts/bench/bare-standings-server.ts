import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createPubSub, createSchema, createYoga } from 'graphql-yoga';
import { WebSocketServer } from 'ws';

interface Standing {
  rank: number;
  points: number;
}

/**
 * The floor of `standings-10k`: what stock graphql-yoga and graphql-ws cost
 * to push every subscriber a result of its own, with no liveboard in the
 * way. Yoga's documented graphql-ws recipe (`useServer`), no plugins, one
 * `myStanding { rank points }` subscription per connection on a topic of its
 * own (yoga's in-process pub/sub, keyed by the connection's Authorization
 * parameter, as liveboard keys a viewer's stream by its user). `POST /bump`
 * is the event: it answers, then publishes a different standing to every
 * subscribed viewer. Nothing is read from Redis or
 * PostgreSQL: liveboard's batched lookup of the standings is extra work that
 * this floor does not do.
 */
export async function startBareStandings(port: number): Promise<string> {
  const pubsub = createPubSub<{ standing: [viewer: string, standing: Standing] }>();
  /** Subscriptions open per viewer, in the order they first came. */
  const viewers = new Map<string, number>();
  let events = 0;
  const yoga = createYoga<{ viewer: string }>({
    schema: createSchema<{ viewer: string }>({
      typeDefs: `type Query { hello: String! }
        type Standing { rank: Int! points: Int! }
        type Subscription { myStanding: Standing }`,
      resolvers: {
        Query: { hello: () => 'world' },
        Subscription: {
          myStanding: {
            subscribe: (_root: unknown, _args: unknown, ctx: { viewer: string }): AsyncIterableIterator<Standing> => {
              const source = pubsub.subscribe('standing', ctx.viewer)[Symbol.asyncIterator]();
              viewers.set(ctx.viewer, (viewers.get(ctx.viewer) ?? 0) + 1);
              let open = true;
              // Not an async generator: its return() would wait for a next() that no event may ever settle.
              const iterator: AsyncIterableIterator<Standing> = {
                [Symbol.asyncIterator]: () => iterator,
                next: () => source.next(),
                return: async () => {
                  if (open) {
                    open = false;
                    const left = (viewers.get(ctx.viewer) ?? 1) - 1;
                    if (left === 0) viewers.delete(ctx.viewer);
                    else viewers.set(ctx.viewer, left);
                  }
                  await source.return?.();
                  return { done: true, value: undefined };
                },
              };
              return iterator;
            },
            resolve: (standing: Standing) => standing,
          },
        },
      },
    }),
    logging: false,
    graphiql: false,
    landingPage: false,
  });

  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/bump') {
      // Every rank changes: the event is a newcomer above everyone, as in standings-10k.
      // Answered first, as an award is answered once it is committed and published: delivering is what is timed.
      events += 1;
      res.end(String(viewers.size));
      setImmediate(() => {
        let rank = 1;
        for (const viewer of viewers.keys()) pubsub.publish('standing', viewer, { rank: (rank += 1), points: 1_000_000 - rank + events });
      });
      return;
    }
    if (req.url === '/healthz') {
      res.end('ok');
      return;
    }
    if (req.url === '/subscriptions') {
      let open = 0;
      for (const count of viewers.values()) open += count;
      res.end(String(open));
      return;
    }
    void yoga.handle(req, res);
  });
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  type Enveloped = { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown };
  useServer(
    {
      execute: (args) => (args.rootValue as Enveloped).execute(args) as never,
      subscribe: (args) => (args.rootValue as Enveloped).subscribe(args) as never,
      onSubscribe: async (ctx, _id, payload) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({ ...ctx, params: payload });
        const document = parse(payload.query);
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        const authorization = ctx.connectionParams?.authorization;
        const viewer = typeof authorization === 'string' ? authorization : '';
        const contextValue = { ...(await contextFactory()), viewer };
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue, rootValue: { execute, subscribe } };
      },
    },
    wss,
  );
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// Run by ServerProcess.startBareStandings (fanout-server-process.ts) as a process of its own.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await startBareStandings(Number(process.env.PORT));
