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
  /** When the request's token expires (null without one): a subscription that needs the token ends then. */
  tokenExpiresAt: Date | null;
  /**
   * Identifies an anonymous client for de-duplicating its views; from the
   * `x-client-id` header. The client picks it, so no limit is keyed by it.
   */
  clientId: string | null;
  /**
   * The client's IP address, for limits on anonymous callers: the socket's
   * peer, or what a trusted proxy reported (TRUST_PROXY_HOPS,
   * TRUSTED_PROXIES). Null only where there is no socket (yoga.fetch).
   */
  remoteAddress: string | null;
}

/** The context behind `t.withAuth({ user: true })` or `{ admin: true }`: someone is signed in. */
export type SignedInContext = Context & { viewer: Viewer };

/** What a transport hands over: HTTP/SSE give a Request, graphql-ws gives connectionParams. */
export interface ContextSource {
  request?: Request;
  /** The client's address as the HTTP server resolved it (proxies included), for HTTP, SSE and graphql-ws alike. */
  clientAddress?: string | null;
  /** True when the HTTP server limited the request body itself (graphql/body-limit.ts). */
  bodyLimited?: boolean;
  connectionParams?: Record<string, unknown>;
}
