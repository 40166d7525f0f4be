import DataLoader from 'dataloader';
import type { Context } from '../../graphql/context.js';

/** The select/include Pothos hands a `prismaField` resolver. */
type ActivityQuery = { select?: Record<string, unknown>; include?: Record<string, unknown> };

const loaders = new WeakMap<Context, Map<string, DataLoader<number, unknown>>>();
/** Per request: the row loads started, and whether any was answered from the last good rows. */
const requestLoads = new WeakMap<Context, { pending: Promise<unknown>[]; stale: boolean }>();

/**
 * Whether this request's hot-list rows could not all be read fresh (PostgreSQL
 * unreachable, so the last good rows were shown). Waits for the loads the
 * request started in the same execution step, so `stale` can be resolved next
 * to `entries` whatever the order they were selected in.
 */
export async function rowsWereStale(ctx: Context): Promise<boolean> {
  // Sibling resolvers start their loads synchronously in the same step; let them.
  await new Promise<void>((resolve) => setImmediate(resolve));
  const loads = requestLoads.get(ctx);
  if (!loads) return false;
  await Promise.allSettled(loads.pending);
  return loads.stale;
}

/**
 * Loads hot-list activities with the selection Pothos computed for them: from
 * the process's hot cache while fresh (it is cleared on every local board
 * write, so this instance always shows its own changes), else in one query per
 * request and selection shape (not one per entry). Rows that no longer exist
 * resolve to null. While PostgreSQL cannot be read, the last rows read (kept
 * past the TTL) are shown and {@link rowsWereStale} says so.
 */
export function loadActivity(ctx: Context, query: ActivityQuery, id: number): Promise<unknown> {
  let byShape = loaders.get(ctx);
  if (!byShape) loaders.set(ctx, (byShape = new Map()));
  const shape = JSON.stringify(query);
  let loader = byShape.get(shape);
  if (!loader) {
    const { rows, lastGoodRows } = ctx.deps.hotCache;
    if (!requestLoads.has(ctx)) requestLoads.set(ctx, { pending: [], stale: false });
    const loads = requestLoads.get(ctx)!;
    // The id must come back to match rows to keys, whatever the client selected.
    const withId = query.select ? { ...query, select: { ...query.select, id: true } } : query;
    loader = new DataLoader<number, unknown>(async (ids) => {
      const missing = ids.filter((key) => !rows.has(`${shape}#${key}`));
      if (missing.length > 0) {
        try {
          const found = await ctx.deps.db.activity.findMany({ ...(withId as object), where: { id: { in: missing } } });
          for (const row of found) {
            rows.set(`${shape}#${row.id}`, row);
            lastGoodRows.set(`${shape}#${row.id}`, row);
          }
        } catch (error) {
          // PostgreSQL unreachable: show the rows last read, if every one is known; else fail as before.
          if (!missing.every((key) => lastGoodRows.has(`${shape}#${key}`))) throw error;
          ctx.deps.logger.warn({ err: error }, 'hot-list activities unreadable in PostgreSQL; showing the last rows read');
          loads.stale = true;
          return ids.map((key) => rows.get(`${shape}#${key}`) ?? lastGoodRows.get(`${shape}#${key}`) ?? null);
        }
      }
      return ids.map((key) => rows.get(`${shape}#${key}`) ?? null);
    });
    byShape.set(shape, loader);
  }
  const load = loader.load(id);
  requestLoads.get(ctx)!.pending.push(load);
  return load;
}
