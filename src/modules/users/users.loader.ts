import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import type { User } from '../../generated/prisma/client.js';
import type { Context } from '../../graphql/context.js';
import type { Db } from '../../infra/prisma.js';

/** How long another instance may show an old display name after a profile change. */
export const USER_CACHE_TTL_MS = 10_000;

/**
 * Public user rows shared by all requests of a process, keyed by database
 * client, so a board page names its users from memory instead of a query
 * per request. Password hashes are never cached.
 */
const caches = new WeakMap<Db, LRUCache<number, User>>();
const loaders = new WeakMap<Context, DataLoader<number, User | null>>();

function cacheOf(db: Db): LRUCache<number, User> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new LRUCache<number, User>({ max: 100_000, ttl: USER_CACHE_TTL_MS })));
  return cache;
}

/** Drops a user from this process's cache, e.g. after their profile changed here. */
export function forgetCachedUser(db: Db, userId: number): void {
  cacheOf(db).delete(userId);
}

/**
 * Loads users by id for one request: from the process cache when fresh, else
 * batching every id asked for in the same tick into one query — a list of 100
 * entries costs at most one `findMany`, not 100.
 */
export function userLoader(ctx: Context): DataLoader<number, User | null> {
  let loader = loaders.get(ctx);
  if (!loader) {
    const cache = cacheOf(ctx.deps.db);
    loader = new DataLoader(async (ids) => {
      const missing = ids.filter((id) => !cache.has(id));
      if (missing.length > 0) {
        const rows = await ctx.deps.db.user.findMany({ where: { id: { in: missing } }, omit: { passwordHash: true } });
        for (const row of rows) cache.set(row.id, row as User);
      }
      return ids.map((id) => cache.get(id) ?? null);
    });
    loaders.set(ctx, loader);
  }
  return loader;
}

/**
 * Which of `ids` are users, through the same process cache as `userLoader`:
 * the rows fetched here (one query for the ids not cached) then name those
 * users without another query. For reads outside a request context, e.g. a
 * board page checked before it is shown.
 */
export async function existingUserIds(db: Db, ids: readonly number[]): Promise<Set<number>> {
  const cache = cacheOf(db);
  const missing = ids.filter((id) => !cache.has(id));
  if (missing.length > 0) {
    const rows = await db.user.findMany({ where: { id: { in: missing } }, omit: { passwordHash: true } });
    for (const row of rows) cache.set(row.id, row as User);
  }
  return new Set(ids.filter((id) => cache.has(id)));
}
