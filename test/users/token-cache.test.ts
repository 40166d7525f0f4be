import { describe, expect, it } from 'vitest';
import { createTokenService, InvalidTokenError } from '../../src/modules/users/auth.js';
import { createTestClock } from '../support/clock.js';

const auth = { jwtSecret: 'a-secret-long-enough-for-hs256-tokens', jwksUrl: undefined, issuer: undefined, audience: undefined, tokenTtlSeconds: 60 };

describe('remembered token verifications', () => {
  it('answers a verified token again until its exp, never after it', async () => {
    const clock = createTestClock('2026-12-01T10:00:00Z');
    const tokens = createTokenService(auth, clock.now);
    const token = await tokens.issue(42);
    expect(await tokens.verifyWithExpiry(token)).toEqual({ userId: 42, expiresAt: new Date('2026-12-01T10:01:00Z') });
    clock.set('2026-12-01T10:00:59.999Z');
    expect(await tokens.verify(token)).toBe(42);
    clock.set('2026-12-01T10:01:00Z');
    await expect(tokens.verify(token)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('still refuses a token signed with another secret, or altered, after a good one was remembered', async () => {
    const now = () => new Date('2026-12-01T10:00:00Z');
    const tokens = createTokenService(auth, now);
    const other = createTokenService({ ...auth, jwtSecret: 'another-secret-long-enough-for-hs256' }, now);
    const token = await tokens.issue(7);
    expect(await tokens.verify(token)).toBe(7);
    await expect(tokens.verify(await other.issue(7))).rejects.toBeInstanceOf(InvalidTokenError);
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: '8', exp: 4_000_000_000 })).toString('base64url')}.${signature}`;
    await expect(tokens.verify(forged)).rejects.toBeInstanceOf(InvalidTokenError);
  });
});
