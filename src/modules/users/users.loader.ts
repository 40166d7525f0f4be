import DataLoader from 'dataloader';
import type { User } from '../../generated/prisma/client.js';
import type { Context } from '../../graphql/context.js';

const loaders = new WeakMap<Context, DataLoader<number, User | null>>();

/**
 * Loads users by id for one request, batching every id asked for in the same
 * tick into one query: a list of 100 entries costs one `findMany`, not 100.
 */
export function userLoader(ctx: Context): DataLoader<number, User | null> {
  let loader = loaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(async (ids) => {
      const users = await ctx.deps.db.user.findMany({ where: { id: { in: [...ids] } } });
      const byId = new Map(users.map((user) => [user.id, user]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    loaders.set(ctx, loader);
  }
  return loader;
}
