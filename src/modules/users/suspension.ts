import type { Deps } from '../../lib/app-deps.js';
import { badInput, notFound } from '../../lib/app-error.js';

/** A user's suspension state after a change. */
export interface Suspension {
  userId: number;
  suspendedAt: Date | null;
  reason: string | null;
}

/**
 * Suspends a user: from now on every award to them is refused with FORBIDDEN
 * (the award statement checks `suspended_at`, see docs/points-rules.md).
 * Suspending again keeps the first time and updates the reason.
 */
export async function suspendUser(deps: Pick<Deps, 'db' | 'now'>, input: { userId: number; reason: string }): Promise<Suspension> {
  const reason = input.reason.trim();
  if (reason.length === 0 || reason.length > 500) throw badInput('reason must be 1 to 500 characters.', { field: 'reason' });
  const [row] = await deps.db.$queryRaw<Array<{ suspended_at: Date }>>`
    UPDATE users SET suspended_at = COALESCE(suspended_at, ${deps.now()}), suspended_reason = ${reason}, updated_at = ${deps.now()}
    WHERE id = ${input.userId} RETURNING suspended_at`;
  if (!row) throw notFound('There is no such user.');
  return { userId: input.userId, suspendedAt: row.suspended_at, reason };
}

/** Lifts a suspension; awards count again from now on (nothing refused meanwhile is replayed). */
export async function unsuspendUser(deps: Pick<Deps, 'db' | 'now'>, input: { userId: number }): Promise<Suspension> {
  const updated = await deps.db.$executeRaw`
    UPDATE users SET suspended_at = NULL, suspended_reason = NULL, updated_at = ${deps.now()} WHERE id = ${input.userId}`;
  if (updated === 0) throw notFound('There is no such user.');
  return { userId: input.userId, suspendedAt: null, reason: null };
}
