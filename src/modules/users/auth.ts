import { createRemoteJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Config } from '../../config.js';

export interface TokenService {
  /** Issues a token for a user of ours (HS256); absent when tokens come only from an identity provider. */
  issue(userId: number): Promise<string>;
  /** Returns the user id in `sub`, or throws InvalidTokenError. */
  verify(token: string): Promise<number>;
  /** Like `verify`, with the instant the token expires (`exp`), e.g. to end a subscription then. */
  verifyWithExpiry(token: string): Promise<VerifiedToken>;
}

export interface VerifiedToken {
  userId: number;
  expiresAt: Date;
}

/** Largest user id: ids are PostgreSQL `integer`s. */
const MAX_USER_ID = 2_147_483_647;

export class InvalidTokenError extends Error {}

/** Tokens whose verification is remembered per process (a few MB at most). */
const VERIFIED_TOKENS = 10_000;

/**
 * JWTs are HS256 with JWT_SECRET, or verified against JWT_JWKS_URL so an
 * existing identity provider can issue them. The accepted algorithms are
 * pinned, so an unsigned (`alg: none`) or re-signed token never passes.
 */
/** `now` is the clock tokens are issued, verified and remembered by (the real clock in the app, see deps.ts). */
export function createTokenService(auth: Config['auth'], now: () => Date): TokenService {
  // Imported into WebCrypto once: jose imports a raw secret again on every verification (~2× the CPU of a verify).
  const secret = auth.jwtSecret
    ? crypto.subtle.importKey('raw', new TextEncoder().encode(auth.jwtSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
    : undefined;
  const jwks = auth.jwksUrl ? createRemoteJWKSet(new URL(auth.jwksUrl)) : undefined;
  // Every token must expire: one without `exp` would be a credential that can never be revoked by time.
  const claims = { issuer: auth.issuer, audience: auth.audience, requiredClaims: ['exp'] };

  /**
   * Tokens verified with JWT_SECRET, until their `exp`: the secret is fixed for
   * the process's life, so the answer cannot change before then. A token
   * verified against the JWKS is not kept (the provider may drop its key). A
   * token carries no other revocation: suspensions and role changes are read
   * from the user (viewer cache) on every request, after this.
   */
  const verified = new LRUCache<string, VerifiedToken>({ max: VERIFIED_TOKENS });

  async function verifyWithAnyKey(token: string): Promise<{ payload: JWTPayload; ownKey: boolean }> {
    if (secret) {
      try {
        return { payload: (await jwtVerify(token, await secret, { ...claims, currentDate: now(), algorithms: ['HS256'] })).payload, ownKey: true };
      } catch (error) {
        if (!jwks || !(error instanceof joseErrors.JOSEAlgNotAllowed)) throw error;
      }
    }
    if (!jwks) throw new InvalidTokenError('No key is configured to verify tokens.');
    const result = await jwtVerify(token, jwks, {
      ...claims,
      currentDate: now(),
      algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'],
    });
    return { payload: result.payload, ownKey: false };
  }

  async function verifyWithExpiry(token: string): Promise<VerifiedToken> {
    const known = verified.get(token);
    // jose's rule, on the same clock: a token is expired from its `exp` second on.
    if (known && known.expiresAt.getTime() > now().getTime()) return known;
    let payload: JWTPayload;
    let ownKey: boolean;
    try {
      ({ payload, ownKey } = await verifyWithAnyKey(token));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new InvalidTokenError('Your token has expired; log in again.');
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'exp') {
        throw new InvalidTokenError('Your token has no expiry (exp); log in again.');
      }
      throw new InvalidTokenError('Your token is invalid.');
    }
    // `sub` is a user id: a positive PostgreSQL integer written plainly ("12", not "1.2e1" or "0012").
    const userId = Number(payload.sub);
    if (typeof payload.sub !== 'string' || !/^[1-9]\d{0,9}$/.test(payload.sub) || userId > MAX_USER_ID) {
      throw new InvalidTokenError('Your token does not name a user.');
    }
    // `requiredClaims: ['exp']` makes jose refuse a token without one; this only narrows the type.
    if (payload.exp === undefined) throw new InvalidTokenError('Your token has no expiry (exp); log in again.');
    const result = { userId, expiresAt: new Date(payload.exp * 1000) };
    // Kept until evicted; an expired entry is never answered (above).
    if (ownKey) verified.set(token, result);
    return result;
  }

  return {
    async issue(userId) {
      if (!secret) throw new Error('JWT_SECRET is not set; tokens are issued by the identity provider.');
      const issuedAt = Math.floor(now().getTime() / 1000);
      let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(String(userId)).setIssuedAt(issuedAt);
      if (auth.issuer) jwt = jwt.setIssuer(auth.issuer);
      if (auth.audience) jwt = jwt.setAudience(auth.audience);
      return jwt.setExpirationTime(issuedAt + auth.tokenTtlSeconds).sign(await secret);
    },
    verify: async (token) => (await verifyWithExpiry(token)).userId,
    verifyWithExpiry,
  };
}

/** Extracts the token from `Bearer <token>`; anything else present is a malformed credential. */
export function parseBearer(header: string | null | undefined): string | null | undefined {
  if (header == null || header === '') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}
