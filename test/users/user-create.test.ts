import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/modules/users/passwords.js';
import { createTestContext, type TestContext } from '../support/harness.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t?.cleanup());

/** Runs `npm run user:create -- …` as an operator would, against this file's database. */
async function userCreate(...args: string[]) {
  try {
    const { stdout, stderr } = await run(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/user-create.ts', ...args], {
      cwd: ROOT,
      // No Redis on this port: creating a user needs only PostgreSQL.
      env: { ...process.env, DATABASE_URL: t.databaseUrl, REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'silent' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run user:create', () => {
  it('creates an admin with a password, then promotes an existing user without touching theirs', async () => {
    const created = await userCreate('--admin', 'Chief_1', '--password', 'chief-password');
    expect(created.stdout).toMatch(/created admin "chief_1"/);
    const chief = await t.deps.db.user.findUniqueOrThrow({ where: { handle: 'chief_1' } });
    expect(chief.role).toBe('ADMIN');
    expect(await verifyPassword('chief-password', chief.passwordHash)).toBe(true);

    const { user } = await t.createUser({ handle: 'plain_user' });
    const promoted = await userCreate('--admin', 'plain_user');
    expect(promoted.stdout).toMatch(/promoted admin "plain_user"/);
    const after = await t.deps.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.role).toBe('ADMIN');
    expect(after.passwordHash).toBe(user.passwordHash);
  });

  it('explains what is wrong instead of creating anything', async () => {
    expect(await userCreate('--admin', 'ghost_user')).toMatchObject({ code: 1, stderr: expect.stringMatching(/does not exist; give --password/) });
    expect(await userCreate()).toMatchObject({ code: 64, stderr: expect.stringMatching(/usage: npm run user:create/) });
    expect(await userCreate('--admin', 'x')).toMatchObject({ code: 64, stderr: expect.stringMatching(/3 to 32/) });
    expect(await t.deps.db.user.count({ where: { handle: { in: ['ghost_user', 'x'] } } })).toBe(0);
  });
});
