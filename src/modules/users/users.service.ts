import { z } from 'zod';
import type { Deps } from '../../lib/app-deps.js';
import { Prisma } from '../../infra/prisma.js';
import type { User } from '../../generated/prisma/client.js';
import { appError, badInput, ErrorCode } from '../../lib/app-error.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { forgetCachedUser } from './users.loader.js';
import './users.topics.js';

/** Handles are case-insensitive: accepted in any case, stored and compared in lower case. */
export const handleSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_]{3,32}$/, 'A handle is 3 to 32 letters, digits or underscores.')
  .transform((handle) => handle.toLowerCase());
export const passwordSchema = z
  .string()
  .min(8, 'A password has at least 8 characters.')
  .max(256, 'A password has at most 256 characters.');
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'A display name cannot be empty.')
  .max(64, 'A display name has at most 64 characters.');

export interface AuthPayload {
  token: string;
  user: User;
}

/** A hash of a random password, so a failed log-in for an unknown handle costs as much as a wrong password. */
let decoyHash: Promise<string> | undefined;

/** Creates a user and returns a session token. A taken handle is BAD_USER_INPUT. */
export async function signUp(
  deps: Pick<Deps, 'db' | 'tokens'>,
  input: { handle: string; password: string; displayName: string },
): Promise<AuthPayload> {
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await deps.db.user.create({
      data: { handle: input.handle, displayName: input.displayName, passwordHash },
    });
    return { token: await deps.tokens.issue(user.id), user };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw badInput(`The handle "${input.handle}" is taken.`, { field: 'handle' });
    }
    throw error;
  }
}

/** Checks a handle and password. Which of the two was wrong is not revealed. */
export async function logIn(
  deps: Pick<Deps, 'db' | 'tokens'>,
  input: { handle: string; password: string },
): Promise<AuthPayload> {
  const user = await deps.db.user.findUnique({ where: { handle: input.handle } });
  decoyHash ??= hashPassword(crypto.randomUUID());
  const valid = await verifyPassword(input.password, user?.passwordHash ?? (await decoyHash));
  if (!user || !valid) throw appError(ErrorCode.UNAUTHENTICATED, 'Wrong handle or password.');
  return { token: await deps.tokens.issue(user.id), user };
}

/** Changes what others see of the user and tells live subscribers. */
export async function updateProfile(
  deps: Pick<Deps, 'db' | 'pubsub'>,
  input: { userId: number; displayName: string },
): Promise<User> {
  const user = await deps.db.user.update({ where: { id: input.userId }, data: { displayName: input.displayName } });
  forgetCachedUser(deps.db, user.id);
  await deps.pubsub.publish('user:changed', user.id, { userId: user.id });
  return user;
}

/**
 * Creates an admin, or promotes an existing user (keeping their password
 * unless a new one is given). Used by `npm run user:create` and the seed.
 */
export async function createOrPromoteAdmin(
  deps: Pick<Deps, 'db'>,
  input: { handle: string; password?: string; displayName?: string },
): Promise<{ user: User; created: boolean }> {
  const existing = await deps.db.user.findUnique({ where: { handle: input.handle } });
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  if (existing) {
    const user = await deps.db.user.update({
      where: { id: existing.id },
      data: { role: 'ADMIN', ...(passwordHash ? { passwordHash } : {}) },
    });
    return { user, created: false };
  }
  if (!passwordHash) throw new Error(`User "${input.handle}" does not exist; give --password to create it.`);
  const user = await deps.db.user.create({
    data: { handle: input.handle, displayName: input.displayName ?? input.handle, passwordHash, role: 'ADMIN' },
  });
  return { user, created: true };
}
