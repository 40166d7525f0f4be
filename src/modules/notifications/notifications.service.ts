import type { Deps } from '../../lib/app-deps.js';
import { badInput, notFound } from '../../lib/app-error.js';

/** At most this many ids per markNotificationsRead call. */
export const MAX_MARK_IDS = 100;

/** The viewer's notifications not read yet. */
export function unreadCount(deps: Pick<Deps, 'db'>, userId: number): Promise<number> {
  return deps.db.notification.count({ where: { userId, readAt: null } });
}

/**
 * Marks notifications of `userId` read: the given ids, or every unread one
 * with `all`. Ids that are not the user's (someone else's, or none at all)
 * are NOT_FOUND, alike, so nobody learns which ids exist, and then nothing is
 * marked. Already read ones keep their readAt.
 * @returns how many this call marked.
 */
export async function markRead(deps: Pick<Deps, 'db' | 'now'>, userId: number, input: { ids: readonly number[] | null; all: boolean }): Promise<number> {
  const { ids, all } = input;
  if (all && ids) throw badInput('Give either ids or all: true, not both.', { field: 'ids' });
  if (!all && !ids) throw badInput('Give the ids to mark read, or all: true.', { field: 'ids' });
  const now = deps.now();
  if (all) {
    return (await deps.db.notification.updateMany({ where: { userId, readAt: null }, data: { readAt: now } })).count;
  }
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) throw badInput('ids is empty; give at least one id, or all: true.', { field: 'ids' });
  if (wanted.length > MAX_MARK_IDS) throw badInput(`ids can hold at most ${MAX_MARK_IDS} ids.`, { field: 'ids' });
  // Ownership never changes, so checking before the update leaves no window for a wrong answer.
  const owned = await deps.db.notification.count({ where: { id: { in: wanted }, userId } });
  if (owned !== wanted.length) throw notFound('There is no such notification.');
  return (await deps.db.notification.updateMany({ where: { id: { in: wanted }, userId, readAt: null }, data: { readAt: now } })).count;
}
