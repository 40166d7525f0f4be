import { LRUCache } from 'lru-cache';
import type { Role } from '../../generated/prisma/client.js';
import type { Db } from '../../infra/prisma.js';

export type ViewerCache = LRUCache<number, { id: number; role: Role } | false>;

/**
 * Resolves a token's user to `{ id, role }` at most once per few seconds per
 * user and instance. A role change or deletion therefore takes effect within
 * `ttlMs`; concurrent requests for one user share a single query.
 */
export function createViewerCache(db: Db, ttlMs = 5_000): ViewerCache {
  return new LRUCache<number, { id: number; role: Role } | false>({
    max: 50_000,
    ttl: ttlMs,
    fetchMethod: async (id) => (await db.user.findUnique({ where: { id }, select: { id: true, role: true } })) ?? false,
  });
}
