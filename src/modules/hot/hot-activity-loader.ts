import DataLoader from 'dataloader';
import type { Context } from '../../graphql/context.js';

/** The select/include Pothos hands a `prismaField` resolver. */
type ActivityQuery = { select?: Record<string, unknown>; include?: Record<string, unknown> };

const loaders = new WeakMap<Context, Map<string, DataLoader<number, unknown>>>();

/**
 * Loads hot-list activities with the selection Pothos computed for them: from
 * the process's hot cache while fresh (it is cleared on every local board
 * write, so this instance always shows its own changes), else in one query per
 * request and selection shape (not one per entry). Rows that no longer exist
 * resolve to null.
 */
export function loadActivity(ctx: Context, query: ActivityQuery, id: number): Promise<unknown> {
  let byShape = loaders.get(ctx);
  if (!byShape) loaders.set(ctx, (byShape = new Map()));
  const shape = JSON.stringify(query);
  let loader = byShape.get(shape);
  if (!loader) {
    const rows = ctx.deps.hotCache.rows;
    // The id must come back to match rows to keys, whatever the client selected.
    const withId = query.select ? { ...query, select: { ...query.select, id: true } } : query;
    loader = new DataLoader<number, unknown>(async (ids) => {
      const missing = ids.filter((key) => !rows.has(`${shape}#${key}`));
      if (missing.length > 0) {
        const found = await ctx.deps.db.activity.findMany({ ...(withId as object), where: { id: { in: missing } } });
        for (const row of found) rows.set(`${shape}#${row.id}`, row);
      }
      return ids.map((key) => rows.get(`${shape}#${key}`) ?? null);
    });
    byShape.set(shape, loader);
  }
  return loader.load(id);
}
