import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import type { User } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';

/** How long another instance may show an old display name after a profile change. */
export const USER_CACHE_TTL_MS = 10_000;

/**
 * Public user rows shared by all requests of a process (one per `Deps`), so a
 * board page names its users from memory instead of a query per request.
 * Password hashes are never cached.
 */
export type UserCache = LRUCache<number, User>;

export function createUserCache(ttlMs = USER_CACHE_TTL_MS): UserCache {
  return new LRUCache<number, User>({ max: 100_000, ttl: ttlMs });
}

export type UserLoader = DataLoader<number, User | null>;

/**
 * Loads users by id for one request: from the process cache when fresh, else
 * batching every id asked for in the same tick into one query — a list of 100
 * entries costs at most one `findMany`, not 100.
 */
export function createUserLoader(deps: Pick<Deps, 'db' | 'userCache'>): UserLoader {
  const cache = deps.userCache;
  return new DataLoader(async (ids) => {
    const missing = ids.filter((id) => !cache.has(id));
    if (missing.length > 0) {
      const rows = await deps.db.user.findMany({ where: { id: { in: missing } }, omit: { passwordHash: true } });
      for (const row of rows) cache.set(row.id, row as User);
    }
    return ids.map((id) => cache.get(id) ?? null);
  });
}
