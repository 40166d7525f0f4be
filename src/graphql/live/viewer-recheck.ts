import type { Logger } from '../../infra/logger.js';

/** What a re-check learns about one user: null once the user no longer exists. */
export interface RecheckedUser {
  id: number;
  role: string;
}

export interface ViewerRecheckOptions {
  intervalMs: number;
  /** The users among `ids` that still exist, in one query (missing ones are simply absent). */
  readUsers: (ids: readonly number[]) => Promise<readonly RecheckedUser[]>;
  logger: Pick<Logger, 'warn'>;
  /** Ids per query; a PostgreSQL `IN` of this many stays one fast index scan. */
  batchSize?: number;
}

/**
 * Re-reads the users of this instance's signed-in subscriptions, all of them
 * at once: every `intervalMs`, one query per `batchSize` distinct users (not
 * one per subscription), then each watcher hears its user's row, or null if
 * the user is gone. At 10,000 signed-in subscribers that is 1–2 queries per
 * interval instead of 10,000 / interval reads through the viewer cache,
 * which is what kept `standings-10k` from finishing (docs/benchmarks.md).
 *
 * It reads PostgreSQL directly, not the viewer cache, so a deletion or a role
 * change reaches every watcher of that user within one interval plus the
 * query, whatever the cache holds. The timer runs only while something is
 * watched, and a tick that finds the previous one still reading is skipped.
 */
export interface ViewerRecheck {
  /** Calls `onUser` with the user's row (or null) on every re-check until the returned function is called. */
  watch(userId: number, onUser: (user: RecheckedUser | null) => void): () => void;
  /** One re-check now (what the timer calls); resolves once every watcher has heard. */
  check(): Promise<void>;
  /** Distinct users and watchers, for tests. */
  stats(): { users: number; watchers: number };
}

export function createViewerRecheck(options: ViewerRecheckOptions): ViewerRecheck {
  const { intervalMs, readUsers, logger, batchSize = 5_000 } = options;
  const watchers = new Map<number, Set<(user: RecheckedUser | null) => void>>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  async function check(): Promise<void> {
    if (running || watchers.size === 0) return;
    running = true;
    try {
      const ids = [...watchers.keys()];
      for (let start = 0; start < ids.length; start += batchSize) {
        const batch = ids.slice(start, start + batchSize);
        let found: Map<number, RecheckedUser>;
        try {
          found = new Map((await readUsers(batch)).map((user) => [user.id, user]));
        } catch (error) {
          logger.warn({ err: error, users: batch.length }, 'could not re-check subscriptions’ users; trying again next interval');
          continue;
        }
        for (const id of batch) {
          // A copy: a watcher that ends its stream unwatches while this loop runs.
          for (const onUser of [...(watchers.get(id) ?? [])]) onUser(found.get(id) ?? null);
        }
      }
    } finally {
      running = false;
    }
  }

  return {
    watch(userId, onUser) {
      const set = watchers.get(userId) ?? new Set();
      set.add(onUser);
      watchers.set(userId, set);
      if (!timer) {
        timer = setInterval(() => void check(), intervalMs);
        timer.unref();
      }
      return () => {
        if (!set.delete(onUser) || set.size > 0) return;
        watchers.delete(userId);
        if (watchers.size === 0) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
    check,
    stats() {
      let count = 0;
      for (const set of watchers.values()) count += set.size;
      return { users: watchers.size, watchers: count };
    },
  };
}
