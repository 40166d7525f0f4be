import DataLoader from 'dataloader';
import type { Deps } from '../../lib/app-deps.js';

/** The select/include Pothos hands a `prismaField` resolver. */
export type ActivityQuery = { select?: Record<string, unknown>; include?: Record<string, unknown> };

/** Loads hot-list activities with a given selection; see {@link createHotActivityLoader}. */
export interface HotActivityLoader {
  load(query: ActivityQuery, id: number): Promise<unknown>;
}

/**
 * Loads hot-list activities with the selection Pothos computed for them: from
 * the process's hot cache while fresh (it is cleared on every local board
 * write, so this instance always shows its own changes), else in one query per
 * request and selection shape (not one per entry). Rows that no longer exist
 * resolve to null.
 */
export function createHotActivityLoader(deps: Pick<Deps, 'db' | 'hotCache'>): HotActivityLoader {
  const byShape = new Map<string, DataLoader<number, unknown>>();
  return {
    load(query, id) {
      const shape = JSON.stringify(query);
      let loader = byShape.get(shape);
      if (!loader) {
        const rows = deps.hotCache.rows;
        // The id must come back to match rows to keys, whatever the client selected.
        const withId = query.select ? { ...query, select: { ...query.select, id: true } } : query;
        loader = new DataLoader<number, unknown>(async (ids) => {
          const missing = ids.filter((key) => !rows.has(`${shape}#${key}`));
          if (missing.length > 0) {
            const found = await deps.db.activity.findMany({ ...(withId as object), where: { id: { in: missing } } });
            for (const row of found) rows.set(`${shape}#${row.id}`, row);
          }
          return ids.map((key) => rows.get(`${shape}#${key}`) ?? null);
        });
        byShape.set(shape, loader);
      }
      return loader.load(id);
    },
  };
}
