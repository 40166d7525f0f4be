import { randomUUID } from 'node:crypto';
import type { Deps } from './app-deps.js';

/**
 * A version of each user's own state (their points today, sign-in streak,
 * standings), kept in Redis so every instance sees the same one: per-viewer
 * cached answers such as `myPoints` are stored under it
 * (graphql/response-cache.ts), and every write to that state (an award,
 * reversal, adjustment or sign-in; a submitted score) replaces it once
 * committed. Versions are random, never counters: after Redis lost its data
 * a reader draws a fresh one, which no answer stored before can match.
 */

/** Long beyond any cached answer's life (seconds; those live seconds); an idle user's version simply goes. */
const VERSION_TTL_S = 86_400;

const versionKey = (keys: Deps['keys'], userId: number) => keys.key('user-state-version', userId);

/**
 * The user's current version; one is drawn and set when there is none (a
 * first read, an idle user, or Redis lost it). Undefined when Redis cannot
 * answer: the caller then does without the cache.
 */
export async function readUserStateVersion(deps: Pick<Deps, 'redis' | 'keys'>, userId: number): Promise<string | undefined> {
  const fresh = randomUUID();
  try {
    // One round trip: keeps an existing version (NX) and returns it (GET), or sets the fresh one.
    const existing = await deps.redis.set(versionKey(deps.keys, userId), fresh, 'EX', VERSION_TTL_S, 'NX', 'GET');
    return existing ?? fresh;
  } catch {
    return undefined;
  }
}

/**
 * Replaces the user's version after a write to their state committed and
 * before the write returns, so the writer's next read, on any instance, sees
 * it. A failure (Redis unreachable) is logged, not thrown: the write stands,
 * and readers that cannot reach Redis do not use the cache; should Redis come
 * back before the next read, a cached answer can still live out its own time
 * to live (seconds, response-cache.ts).
 */
export async function replaceUserStateVersion(deps: Pick<Deps, 'redis' | 'keys' | 'logger'>, userId: number): Promise<void> {
  try {
    await deps.redis.set(versionKey(deps.keys, userId), randomUUID(), 'EX', VERSION_TTL_S);
  } catch (error) {
    deps.logger.warn({ err: error, userId }, 'user state version not replaced');
  }
}
