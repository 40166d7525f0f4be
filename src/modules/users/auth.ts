import { createRemoteJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Config } from '../../config.js';

export interface TokenService {
  /** Issues a token for a user of ours (HS256); absent when tokens come only from an identity provider. */
  issue(userId: number): Promise<string>;
  /** Returns the user id in `sub`, or throws InvalidTokenError. */
  verify(token: string): Promise<number>;
}

export class InvalidTokenError extends Error {}

/**
 * JWTs are HS256 with JWT_SECRET, or verified against JWT_JWKS_URL so an
 * existing identity provider can issue them. The accepted algorithms are
 * pinned, so an unsigned (`alg: none`) or re-signed token never passes.
 */
export function createTokenService(auth: Config['auth']): TokenService {
  const secret = auth.jwtSecret ? new TextEncoder().encode(auth.jwtSecret) : undefined;
  const jwks = auth.jwksUrl ? createRemoteJWKSet(new URL(auth.jwksUrl)) : undefined;
  const claims = { issuer: auth.issuer, audience: auth.audience };

  async function verifyWithAnyKey(token: string): Promise<JWTPayload> {
    if (secret) {
      try {
        return (await jwtVerify(token, secret, { ...claims, algorithms: ['HS256'] })).payload;
      } catch (error) {
        if (!jwks || !(error instanceof joseErrors.JOSEAlgNotAllowed)) throw error;
      }
    }
    if (!jwks) throw new InvalidTokenError('No key is configured to verify tokens.');
    const result = await jwtVerify(token, jwks, {
      ...claims,
      algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'],
    });
    return result.payload;
  }

  return {
    async issue(userId) {
      if (!secret) throw new Error('JWT_SECRET is not set; tokens are issued by the identity provider.');
      let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(String(userId)).setIssuedAt();
      if (auth.issuer) jwt = jwt.setIssuer(auth.issuer);
      if (auth.audience) jwt = jwt.setAudience(auth.audience);
      return jwt.setExpirationTime(`${auth.tokenTtlSeconds}s`).sign(secret);
    },
    async verify(token) {
      let payload: JWTPayload;
      try {
        payload = await verifyWithAnyKey(token);
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw new InvalidTokenError('Your token has expired; log in again.');
        throw new InvalidTokenError('Your token is invalid.');
      }
      const userId = Number(payload.sub);
      if (!payload.sub || !Number.isSafeInteger(userId) || userId <= 0) {
        throw new InvalidTokenError('Your token does not name a user.');
      }
      return userId;
    },
  };
}

/** Extracts the token from `Bearer <token>`; anything else present is a malformed credential. */
export function parseBearer(header: string | null | undefined): string | null | undefined {
  if (header == null || header === '') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}
