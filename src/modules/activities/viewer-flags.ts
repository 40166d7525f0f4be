import DataLoader from 'dataloader';
import type { Context } from '../../graphql/context.js';

interface ViewerFlags {
  joined(activityId: number): Promise<boolean>;
  favorited(activityId: number): Promise<boolean>;
}

// One pair of loaders per request (the context object), so a page of 100 activities costs two queries, not 200.
// Batching without caching: a later mutation in the same operation must see its own writes.
const perRequest = new WeakMap<Context, ViewerFlags>();

/** Whether the viewer joined or favorited each activity, batched per request; false without a viewer. */
export function viewerFlags(ctx: Context): ViewerFlags {
  let flags = perRequest.get(ctx);
  if (flags) return flags;
  const userId = ctx.viewer?.id;
  const { db } = ctx.deps;
  const loader = (load: (ids: number[]) => Promise<Array<{ activityId: number }>>) =>
    new DataLoader<number, boolean>(async (ids) => {
      if (userId === undefined) return ids.map(() => false);
      const found = new Set((await load([...ids])).map((row) => row.activityId));
      return ids.map((id) => found.has(id));
    }, { cache: false });
  const joined = loader((ids) => db.participation.findMany({ where: { userId, activityId: { in: ids } }, select: { activityId: true } }));
  const favorited = loader((ids) => db.favorite.findMany({ where: { userId, activityId: { in: ids } }, select: { activityId: true } }));
  flags = { joined: (id) => joined.load(id), favorited: (id) => favorited.load(id) };
  perRequest.set(ctx, flags);
  return flags;
}
