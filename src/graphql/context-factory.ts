import { unauthenticated } from '../lib/app-error.js';
import type { Deps } from '../lib/app-deps.js';
import { InvalidTokenError, parseBearer } from '../modules/users/index.js';
import type { Context, ContextSource } from './context.js';

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
  const remoteAddress = source.req?.socket?.remoteAddress ?? null;
  const token = credentialOf(source);
  if (token === null) return { deps, viewer: null, clientId, remoteAddress };
  if (token === undefined) throw unauthenticated('The Authorization header must be "Bearer <token>".');
  let userId: number;
  try {
    userId = await deps.tokens.verify(token);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw unauthenticated(error.message);
    throw error;
  }
  const user = await deps.viewers.fetch(userId);
  if (!user) throw unauthenticated('The user of this token no longer exists.');
  return { deps, viewer: user, clientId, remoteAddress };
}
