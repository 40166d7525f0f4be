import type { Deps } from '../lib/app-deps.js';
import type { Role } from '../generated/prisma/client.js';

export interface Viewer {
  id: number;
  role: Role;
}

/**
 * The request's data loaders, built together for each request (and for each
 * execution of a shared subscription) by `createLoaders` in
 * context-factory.ts. Each module adds its own by declaration merging in its
 * `index.ts`, e.g. `declare module '../../graphql/context.js' { interface Loaders { users: UserLoader } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the modules
export interface Loaders {}

export interface Context {
  deps: Deps;
  viewer: Viewer | null;
  /** Per-request batching (and caching, where safe); bound to `viewer`. */
  loaders: Loaders;
  /** Identifies an anonymous client for per-client counting (e.g. views); from the `x-client-id` header. */
  clientId: string | null;
  /** The peer address, for limits on anonymous callers. */
  remoteAddress: string | null;
}

/** The context behind `t.withAuth({ user: true })` or `{ admin: true }`: someone is signed in. */
export type SignedInContext = Context & { viewer: Viewer };

/** What a transport hands over: HTTP/SSE give a Request, graphql-ws gives connectionParams. */
export interface ContextSource {
  request?: Request;
  /** Node's request, when served over HTTP (absent under yoga.fetch in tests). */
  req?: { socket?: { remoteAddress?: string } };
  connectionParams?: Record<string, unknown>;
}
