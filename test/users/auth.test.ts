import { SignJWT, base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_PASSWORD, type TestContext } from '../support/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.cleanup();
});

const VIEWER = '{ viewer { id handle displayName role } }';
const SIGN_UP = `mutation ($input: SignUpInput!) { signUp(input: $input) { token user { id handle displayName role } } }`;
const LOG_IN = `mutation ($input: LogInInput!) { logIn(input: $input) { token user { handle } } }`;

describe('sign-up and log-in', () => {
  it('signs up, then the token identifies the user as viewer', async () => {
    const signUp = await t.gql(SIGN_UP, { input: { handle: 'Grace_H', password: 'hopper-1906', displayName: 'Grace' } });
    expect(signUp.errors).toBeUndefined();
    expect(signUp.data!.signUp.user).toMatchObject({ handle: 'grace_h', displayName: 'Grace', role: 'USER' });
    const viewer = await t.gql(VIEWER, {}, { token: signUp.data!.signUp.token });
    expect(viewer.data!.viewer).toEqual(signUp.data!.signUp.user);
  });

  it('stores a memory-hard hash, never the password', async () => {
    const user = await t.deps.db.user.findUniqueOrThrow({ where: { handle: 'grace_h' } });
    expect(user.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(user.passwordHash).not.toContain('hopper-1906');
  });

  it('treats handles case-insensitively: a taken handle in other case is refused', async () => {
    const again = await t.gql(SIGN_UP, { input: { handle: 'GRACE_h', password: 'another-pass', displayName: 'Other' } });
    expect(again.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(again.errors?.[0]?.message).toMatch(/taken/);
  });

  it('rejects bad handles, passwords and names with BAD_USER_INPUT and a reason', async () => {
    for (const [input, reason] of [
      [{ handle: 'ab', password: 'long-enough', displayName: 'x' }, /3 to 32/],
      [{ handle: 'no spaces', password: 'long-enough', displayName: 'x' }, /letters, digits or underscores/],
      [{ handle: 'a'.repeat(33), password: 'long-enough', displayName: 'x' }, /3 to 32/],
      [{ handle: 'fine_name', password: 'short', displayName: 'x' }, /at least 8/],
      [{ handle: 'fine_name', password: 'long-enough', displayName: '' }, /cannot be empty/],
    ] as const) {
      const result = await t.gql(SIGN_UP, { input });
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(reason);
      expect(result.data).toBeNull();
    }
  });

  it('logs in with the right password, in any case of the handle', async () => {
    const result = await t.gql(LOG_IN, { input: { handle: 'GRACE_H', password: 'hopper-1906' } });
    expect(result.data!.logIn.user.handle).toBe('grace_h');
    const viewer = await t.gql(VIEWER, {}, { token: result.data!.logIn.token });
    expect(viewer.data!.viewer.handle).toBe('grace_h');
  });

  it('refuses a wrong password or unknown handle with the same UNAUTHENTICATED error', async () => {
    const wrong = await t.gql(LOG_IN, { input: { handle: 'grace_h', password: 'not-her-password' } });
    const unknown = await t.gql(LOG_IN, { input: { handle: 'nobody_here', password: TEST_PASSWORD } });
    for (const result of [wrong, unknown]) {
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(result.errors?.[0]?.message).toBe('Wrong handle or password.');
    }
  });
});

describe('tokens', () => {
  const secret = () => new TextEncoder().encode(t.config.auth.jwtSecret);

  it('gives null viewer without a token', async () => {
    expect((await t.gql(VIEWER)).data).toEqual({ viewer: null });
  });

  it.each([
    ['garbage', 'not-a-jwt'],
    ['a truncated token', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0'],
  ])('rejects %s with UNAUTHENTICATED, never as anonymous', async (_name, token) => {
    const result = await t.gql(VIEWER, {}, { token });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data ?? null).toBeNull();
  });

  it('rejects an expired token', async () => {
    const { user } = await t.createUser();
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(user.id))
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(secret());
    const result = await t.gql(VIEWER, {}, { token });
    expect(result.errors?.[0]).toMatchObject({ message: 'Your token has expired; log in again.', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('rejects a token signed with another secret', async () => {
    const { user } = await t.createUser();
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(String(user.id)).setExpirationTime('1h').sign(new TextEncoder().encode('another-secret-that-is-long-enough-000000'));
    expect((await t.gql(VIEWER, {}, { token })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rejects an unsigned alg:none token', async () => {
    const { user } = await t.createUser();
    const encode = (value: object) => base64url.encode(JSON.stringify(value));
    const token = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: String(user.id), exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
    expect((await t.gql(VIEWER, {}, { token })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rejects a valid token whose user no longer exists', async () => {
    const { user, token } = await t.createUser();
    await t.deps.db.user.delete({ where: { id: user.id } });
    expect((await t.gql(VIEWER, {}, { token })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rejects an Authorization header that is not a bearer token', async () => {
    const result = await t.gql(VIEWER, {}, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('roles', () => {
  const USERS = '{ users(first: 5) { edges { node { handle } } } }';

  it('gives FORBIDDEN to a user on an admin-only field', async () => {
    const { token } = await t.createUser();
    const result = await t.gql(USERS, {}, { token });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(result.data).toBeNull();
  });

  it('gives UNAUTHENTICATED to an anonymous caller on an admin-only field', async () => {
    expect((await t.gql(USERS)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets an admin through', async () => {
    const { token } = await t.createUser({ role: 'ADMIN' });
    const result = await t.gql(USERS, {}, { token });
    expect(result.errors).toBeUndefined();
    expect(result.data!.users.edges.length).toBeGreaterThan(0);
  });
});
