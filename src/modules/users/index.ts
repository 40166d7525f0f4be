/**
 * Users: sign-up, log-in, tokens, roles. Other modules, the GraphQL server
 * and the composition root use only what is exported here.
 */
import type { TokenService } from './auth.js';
import type { ViewerCache } from './viewer-cache.js';
import './users.schema.js';

export { createTokenService, InvalidTokenError, parseBearer, type TokenService } from './auth.js';
export { createViewerCache, type ViewerCache } from './viewer-cache.js';
export { hashPassword } from './passwords.js';
export { createOrPromoteAdmin, handleSchema, passwordSchema } from './users.service.js';
export { userLoader } from './users.loader.js';
export { UserRef } from './users.schema.js';

declare module '../../lib/app-deps.js' {
  interface Deps {
    tokens: TokenService;
    /** Who a token's user is (id, role), cached briefly so each request does not hit PostgreSQL. */
    viewers: ViewerCache;
  }
}
