import { unauthenticated } from '../lib/app-error.js';
import type { Deps } from '../lib/app-deps.js';
import { createViewerFlags } from '../modules/activities/index.js';
import { createHotActivityLoader } from '../modules/hot/index.js';
import { createUserLoader, InvalidTokenError, parseBearer, type VerifiedToken } from '../modules/users/index.js';
import type { Context, ContextSource, Loaders, Viewer } from './context.js';

/**
 * Every per-request loader, from the modules' factories: the one place they
 * are made. Loaders that depend on the viewer are bound to it here. Each is
 * made on first use: every subscription has a context, held as long as it is
 * open, yet its events run with contexts of their own (contextFor), so a
 * subscriber's own loaders are mostly never used; made eagerly they were
 * four DataLoaders per open subscription.
 */
class RequestLoaders implements Loaders {
  #users: Loaders['users'] | undefined;
  #viewerFlags: Loaders['viewerFlags'] | undefined;
  #hotActivities: Loaders['hotActivities'] | undefined;

  constructor(
    private readonly deps: Deps,
    private readonly viewer: Viewer | null,
  ) {}

  get users() {
    return (this.#users ??= createUserLoader(this.deps));
  }

  get viewerFlags() {
    return (this.#viewerFlags ??= createViewerFlags(this.deps, this.viewer?.id ?? null));
  }

  get hotActivities() {
    return (this.#hotActivities ??= createHotActivityLoader(this.deps));
  }
}

export function createLoaders(deps: Deps, viewer: Viewer | null): Loaders {
  return new RequestLoaders(deps, viewer);
}

/**
 * The same request seen by `viewer` (e.g. nobody, for a shared execution of a
 * public selection), with fresh loaders: nothing cached for the original
 * viewer or by an earlier execution is served.
 */
export function contextFor(ctx: Context, viewer: Viewer | null): Context {
  return { ...ctx, viewer, loaders: createLoaders(ctx.deps, viewer) };
}

function credentialOf(source: ContextSource): string | null | undefined {
  const fromParams = source.connectionParams?.authorization ?? source.connectionParams?.Authorization;
  if (fromParams !== undefined && fromParams !== null) {
    return typeof fromParams === 'string' ? parseBearer(fromParams) : undefined;
  }
  return parseBearer(source.request?.headers.get('authorization'));
}

/**
 * Resolves the viewer. A credential that is present but bad fails the whole
 * operation with UNAUTHENTICATED: it is never treated as anonymous.
 */
export async function buildContext(deps: Deps, source: ContextSource): Promise<Context> {
  const clientHeader = source.request?.headers.get('x-client-id') ?? source.connectionParams?.clientId;
  const clientId = typeof clientHeader === 'string' && /^[\w-]{8,64}$/.test(clientHeader) ? clientHeader : null;
  // Without the server's resolution (a bare yoga.handle), the peer: X-Forwarded-For is only believed from trusted proxies.
  const remoteAddress = source.clientAddress ?? null;
  const token = credentialOf(source);
  if (token === null) return { deps, viewer: null, loaders: createLoaders(deps, null), tokenExpiresAt: null, clientId, remoteAddress };
  if (token === undefined) throw unauthenticated('The Authorization header must be "Bearer <token>".');
  let verified: VerifiedToken;
  try {
    verified = await deps.tokens.verifyWithExpiry(token);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw unauthenticated(error.message);
    throw error;
  }
  const user = await deps.viewers.fetch(verified.userId);
  if (!user) throw unauthenticated('The user of this token no longer exists.');
  return { deps, viewer: user, loaders: createLoaders(deps, user), tokenExpiresAt: verified.expiresAt, clientId, remoteAddress };
}

/**
 * The viewer a request would get, for keying cached answers: null when
 * anonymous, undefined when its credential is malformed or fails (the
 * operation then runs, and fails, as usual). The same checks as
 * buildContext, so a cached answer is only ever served to the viewer it
 * was computed for.
 */
export async function viewerIdOf(deps: Deps, request: Request): Promise<number | null | undefined> {
  const token = parseBearer(request.headers.get('authorization'));
  if (token === null || token === undefined) return token;
  try {
    const verified = await deps.tokens.verifyWithExpiry(token);
    const user = await deps.viewers.fetch(verified.userId);
    return user ? user.id : undefined;
  } catch {
    return undefined;
  }
}
