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

/**
 * The users of `ids`: those the process cache holds, the rest read in one
 * query (and cached). The cache hits are taken before the query, not looked
 * up again after it: an entry whose TTL ran out while the query was waiting
 * (a slow, loaded machine) would otherwise read as "no such user".
 */
async function usersOf(deps: Pick<Deps, 'db' | 'userCache'>, ids: readonly number[]): Promise<Map<number, User>> {
  const found = new Map<number, User>();
  const missing: number[] = [];
  for (const id of ids) {
    const cached = deps.userCache.get(id);
    if (cached) found.set(id, cached);
    else missing.push(id);
  }
  if (missing.length === 0) return found;
  const rows = await deps.db.user.findMany({ where: { id: { in: missing } }, omit: { passwordHash: true } });
  for (const row of rows) {
    deps.userCache.set(row.id, row as User);
    found.set(row.id, row as User);
  }
  return found;
}

export type UserLoader = DataLoader<number, User | null>;

/**
 * A user another row refers to by foreign key (a season standing, a points
 * record), through the request's loader. The key guarantees the user exists,
 * so a miss is a broken invariant, not a "no such user" for the client.
 */
export async function loadReferencedUser(loader: UserLoader, id: number): Promise<User> {
  const user = await loader.load(id);
  if (!user) throw new Error(`User ${id} is referenced by another row but does not exist.`);
  return user;
}

/**
 * Loads users by id for one request: from the process cache when fresh, else
 * batching every id asked for in the same tick into one query — a list of 100
 * entries costs at most one `findMany`, not 100.
 */
export function createUserLoader(deps: Pick<Deps, 'db' | 'userCache'>): UserLoader {
  return new DataLoader(async (ids) => {
    const users = await usersOf(deps, ids);
    return ids.map((id) => users.get(id) ?? null);
  });
}

/**
 * Which of `ids` are users, through the same process cache as the loaders:
 * the rows fetched here then name those users without another query. For
 * reads outside a request context, e.g. a board page checked before it is shown.
 */
export async function existingUserIds(deps: Pick<Deps, 'db' | 'userCache'>, ids: readonly number[]): Promise<Set<number>> {
  return new Set((await usersOf(deps, ids)).keys());
}
