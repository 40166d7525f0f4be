import type { AddressInfo } from 'node:net';
import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type { Context } from '../../src/graphql/context.js';
import { forbidden, unauthenticated } from '../../src/lib/app-error.js';
import { createYogaServer } from '../../src/graphql/yoga.js';
import { createHttpServer } from '../../src/http/server.js';
import type { Deps } from '../../src/deps.js';

/** A test-only topic: the live machinery is proven on it without touching the application schema. */
declare module '../../src/infra/pubsub.js' {
  interface TopicMap {
    'test:tick': { value: number; fail?: boolean };
  }
}

interface Tick {
  value: number;
  fail?: boolean;
}

/** How many times the subscription root resolvers ran: once per execution. */
export const resolverCalls = { tick: 0 };

type Types = { Context: Context; AuthScopes: { user: boolean; admin: boolean } };
// The application's Prisma plugin makes `prisma` a required option of every builder in this
// program (global type augmentation); this schema has no Prisma types, so it leaves it out.
const builder = new SchemaBuilder<Types>({
  plugins: [ScopeAuthPlugin],
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx: Context) => ({ user: ctx.viewer !== null, admin: ctx.viewer?.role === 'ADMIN' }),
    unauthorizedError: (_parent: unknown, ctx: Context) => (ctx.viewer ? forbidden() : unauthenticated()),
  },
} as unknown as ConstructorParameters<typeof SchemaBuilder<Types>>[0]);

const TickRef = builder.objectRef<Tick>('Tick').implement({
  fields: (t) => ({
    value: t.exposeInt('value'),
    seenBy: t.string({
      nullable: true,
      extensions: { viewerDependent: true },
      resolve: (_tick, _args, ctx) => (ctx.viewer ? String(ctx.viewer.id) : null),
    }),
    /** Reads the viewer without saying so: shared executions run as nobody, so it can only show null. */
    unmarkedViewer: t.string({ nullable: true, resolve: (_tick, _args, ctx) => (ctx.viewer ? String(ctx.viewer.id) : null) }),
    adminNote: t.string({ nullable: true, authScopes: { admin: true }, resolve: () => 'for admins only' }),
  }),
});

/** Throws when a tick asks for it, like a source whose connection broke. */
function failOnRequest(source: AsyncIterableIterator<Tick>): AsyncIterableIterator<Tick> {
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      const result = await source.next();
      if (!result.done && result.value.fail) throw new Error('the tick source failed');
      return result;
    },
    return: () => source.return!(),
  };
}

builder.queryType({ fields: (t) => ({ ok: t.boolean({ resolve: () => true }) }) });
builder.subscriptionType({
  fields: (t) => {
    const channel = { channel: t.arg.string({ required: true }) };
    const resolve = (payload: unknown) => {
      resolverCalls.tick += 1;
      return payload as Tick;
    };
    return {
      tick: t.field({ type: TickRef, args: channel, subscribe: (_root, args, ctx) => ctx.deps.pubsub.subscribe('test:tick', args.channel), resolve }),
      adminTick: t.field({
        type: TickRef,
        args: channel,
        authScopes: { admin: true },
        subscribe: (_root, args, ctx) => ctx.deps.pubsub.subscribe('test:tick', args.channel),
        resolve,
      }),
      failingTick: t.field({
        type: TickRef,
        args: channel,
        subscribe: (_root, args, ctx) => failOnRequest(ctx.deps.pubsub.subscribe('test:tick', args.channel)),
        resolve,
      }),
    };
  },
});

export const liveTestSchema = builder.toSchema();

/** The real HTTP server (graphql-ws and SSE) with the production plugins, serving the test schema. */
export async function startLiveTestServer(deps: Deps): Promise<{ url: string; close(): Promise<void> }> {
  const http = createHttpServer(deps, createYogaServer(deps, liveTestSchema));
  await new Promise<void>((resolve) => http.server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(http.server.address() as AddressInfo).port}`, close: () => http.close() };
}
