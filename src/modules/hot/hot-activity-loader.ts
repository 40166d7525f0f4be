import DataLoader from 'dataloader';
import type { Deps } from '../../lib/app-deps.js';

/** The select/include Pothos hands a `prismaField` resolver. */
export type ActivityQuery = { select?: Record<string, unknown>; include?: Record<string, unknown> };

/** Loads hot-list activities with a given selection; see {@link createHotActivityLoader}. */
export interface HotActivityLoader {
  load(query: ActivityQuery, id: number): Promise<unknown>;
  /**
   * Whether this request's hot-list rows could not all be read fresh
   * (PostgreSQL unreachable, so the last good rows were shown). Waits for the
   * loads started in the same execution step, so `stale` can be resolved next
   * to `entries` whatever the order they were selected in.
   */
  wereStale(): Promise<boolean>;
}

/**
 * One request's loader of hot-list activities: one query per selection shape
 * for the rows the process cache (`deps.hotCache.rows`) lacks. While
 * PostgreSQL is unreachable, the rows last read (`lastGoodRows`) are shown,
 * if every one is known, and the request is marked stale.
 */
export function createHotActivityLoader(deps: Pick<Deps, 'db' | 'hotCache' | 'logger'>): HotActivityLoader {
  const byShape = new Map<string, DataLoader<number, unknown>>();
  const pending: Promise<unknown>[] = [];
  let stale = false;
  return {
    load(query, id) {
      const shape = JSON.stringify(query);
      let loader = byShape.get(shape);
      if (!loader) {
        const { rows, lastGoodRows } = deps.hotCache;
        // The id must come back to match rows to keys, whatever the client selected.
        const withId = query.select ? { ...query, select: { ...query.select, id: true } } : query;
        loader = new DataLoader<number, unknown>(async (ids) => {
          const missing = ids.filter((key) => !rows.has(`${shape}#${key}`));
          if (missing.length > 0) {
            try {
              const found = await deps.db.activity.findMany({ ...(withId as object), where: { id: { in: missing } } });
              for (const row of found) {
                rows.set(`${shape}#${row.id}`, row);
                lastGoodRows.set(`${shape}#${row.id}`, row);
              }
            } catch (error) {
              if (!missing.every((key) => lastGoodRows.has(`${shape}#${key}`))) throw error;
              deps.logger.warn({ err: error }, 'hot-list activities unreadable in PostgreSQL; showing the last rows read');
              stale = true;
              return ids.map((key) => rows.get(`${shape}#${key}`) ?? lastGoodRows.get(`${shape}#${key}`) ?? null);
            }
          }
          return ids.map((key) => rows.get(`${shape}#${key}`) ?? null);
        });
        byShape.set(shape, loader);
      }
      const load = loader.load(id);
      pending.push(load);
      return load;
    },
    async wereStale() {
      // Sibling resolvers start their loads synchronously in the same step; let them.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await Promise.allSettled(pending);
      return stale;
    },
  };
}
