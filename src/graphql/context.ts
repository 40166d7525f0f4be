import type { Deps } from '../lib/app-deps.js';
import type { Role } from '../generated/prisma/client.js';

export interface Viewer {
  id: number;
  role: Role;
}

export interface Context {
  deps: Deps;
  viewer: Viewer | null;
  /** Identifies an anonymous client for per-client counting (e.g. views); from the `x-client-id` header. */
  clientId: string | null;
  /** The peer address, for limits on anonymous callers. */
  remoteAddress: string | null;
}

/** What a transport hands over: HTTP/SSE give a Request, graphql-ws gives connectionParams. */
export interface ContextSource {
  request?: Request;
  /** Node's request, when served over HTTP (absent under yoga.fetch in tests). */
  req?: { socket?: { remoteAddress?: string } };
  connectionParams?: Record<string, unknown>;
}
