/**
 * Users: sign-up, log-in, tokens, roles. Other modules, the GraphQL server
 * and the composition root use only what is exported here.
 */
import type { TokenService } from './auth.js';
import type { LogInGuard } from './login-limit.js';
import type { UserCache, UserLoader } from './users.loader.js';
import type { ViewerCache } from './viewer-cache.js';
import './users.schema.js';
import './suspension.schema.js';

export { createTokenService, InvalidTokenError, parseBearer, type TokenService, type VerifiedToken } from './auth.js';
export { createViewerCache, type ViewerCache } from './viewer-cache.js';
export { createLogInGuard, type LogInGuard, type LogInLimits } from './login-limit.js';
export { hashPassword } from './passwords.js';
export { createOrPromoteAdmin, handleSchema, logIn, passwordSchema } from './users.service.js';
export { createUserCache, createUserLoader, type UserCache, type UserLoader, existingUserIds, loadReferencedUser } from './users.loader.js';
export { UserRef } from './users.schema.js';

declare module '../../lib/app-deps.js' {
  interface Deps {
    tokens: TokenService;
    /** Who a token's user is (id, role), cached briefly so each request does not hit PostgreSQL. */
    viewers: ViewerCache;
    /** Failed log-ins per handle and per address (LOGIN_FAILURES_PER_HANDLE, LOGIN_FAILURES_PER_ADDRESS). */
    logInGuard: LogInGuard;
    /** Public user rows (no password hash) of this process, read through each request's `loaders.users`. */
    userCache: UserCache;
  }
}

declare module '../../graphql/context.js' {
  interface Loaders {
    /** Users by id, batched per request, from `deps.userCache` while fresh. */
    users: UserLoader;
  }
}
