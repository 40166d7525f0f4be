import DataLoader from 'dataloader';
import type { Deps } from '../../lib/app-deps.js';

/** Whether the viewer holds a seat in (JOINED) or favorited each activity; false without a viewer. */
export interface ViewerFlags {
  joined(activityId: number): Promise<boolean>;
  favorited(activityId: number): Promise<boolean>;
}

/**
 * One pair of loaders per request (and viewer), so a page of 100 activities
 * costs two queries, not 200. Batching without caching: a later mutation in
 * the same operation must see its own writes.
 */
export function createViewerFlags(deps: Pick<Deps, 'db'>, viewerId: number | null): ViewerFlags {
  const { db } = deps;
  const loader = (load: (userId: number, ids: number[]) => Promise<Array<{ activityId: number }>>) =>
    new DataLoader<number, boolean>(async (ids) => {
      if (viewerId === null) return ids.map(() => false);
      const found = new Set((await load(viewerId, [...ids])).map((row) => row.activityId));
      return ids.map((id) => found.has(id));
    }, { cache: false });
  // A seat, not a place in the waitlist.
  const joined = loader((userId, ids) =>
    db.participation.findMany({ where: { userId, activityId: { in: ids }, status: 'JOINED' }, select: { activityId: true } }),
  );
  const favorited = loader((userId, ids) => db.favorite.findMany({ where: { userId, activityId: { in: ids } }, select: { activityId: true } }));
  return { joined: (id) => joined.load(id), favorited: (id) => favorited.load(id) };
}
