import type { Deps } from '../../lib/app-deps.js';
import type { Tx } from '../outbox/index.js';
import { appError, ErrorCode } from '../../lib/app-error.js';
import { localDay } from '../../lib/calendar.js';
import { activityNotFound } from './access.js';

type EngagementDeps = Pick<Deps, 'events'>;

/** Favorites and views need a published activity; a draft is nobody's to favorite yet. */
async function assertPublished(tx: Tx, activityId: number): Promise<void> {
  const activity = await tx.activity.findUnique({ where: { id: activityId }, select: { status: true } });
  if (!activity) throw activityNotFound();
  if (activity.status === 'DRAFT') throw appError(ErrorCode.INVALID_STATE, 'This activity is not published yet.');
}

/**
 * Idempotent: the row is inserted with ON CONFLICT DO NOTHING and the
 * counter moves only when a row did, in the same transaction, so
 * `favoriteCount` always equals the rows.
 */
export async function favoriteActivity(deps: EngagementDeps, input: { activityId: number; userId: number }): Promise<void> {
  const { activityId, userId } = input;
  await deps.events.transaction(async (tx, emit) => {
    await assertPublished(tx, activityId);
    const now = new Date();
    const [inserted] = await tx.$queryRaw<Array<{ id: number }>>`
      INSERT INTO favorites (activity_id, user_id, created_at) VALUES (${activityId}, ${userId}, ${now})
      ON CONFLICT (activity_id, user_id) DO NOTHING RETURNING id`;
    if (!inserted) return;
    await tx.$executeRaw`UPDATE activities SET favorite_count = favorite_count + 1 WHERE id = ${activityId}`;
    emit({ type: 'activity.favorited', payload: { activityId, userId }, occurredAt: now });
  });
}

/** Idempotent: the counter moves only when a row was deleted. */
export async function unfavoriteActivity(deps: EngagementDeps, input: { activityId: number; userId: number }): Promise<void> {
  const { activityId, userId } = input;
  await deps.events.transaction(async (tx, emit) => {
    const [deleted] = await tx.$queryRaw<Array<{ id: number }>>`
      DELETE FROM favorites WHERE activity_id = ${activityId} AND user_id = ${userId} RETURNING id`;
    if (!deleted) {
      if (!(await tx.activity.findUnique({ where: { id: activityId }, select: { id: true } }))) throw activityNotFound();
      return;
    }
    await tx.$executeRaw`UPDATE activities SET favorite_count = favorite_count - 1 WHERE id = ${activityId}`;
    emit({ type: 'activity.unfavorited', payload: { activityId, userId }, occurredAt: new Date() });
  });
}

/** Who is looking: a signed-in user, else an anonymous client id (`x-client-id`), else nobody we can tell apart. */
export interface ViewSource {
  userId: number | null;
  clientId: string | null;
}

/** `u:<id>` or `c:<client id>`; null when the viewer cannot be told apart from any other. */
export function viewerKey(viewer: ViewSource): string | null {
  if (viewer.userId !== null) return `u:${viewer.userId}`;
  if (viewer.clientId !== null) return `c:${viewer.clientId}`;
  return null;
}

/**
 * Counts a view at most once per viewer, activity and local day (the day of
 * `at` in APP_TIMEZONE): a unique row per (activity, viewer key, day), and the
 * counter moves only when that row was inserted. A request with neither a
 * token nor a client id is not counted: it could not be deduplicated, so
 * counting it would let anyone inflate views by repeating the request.
 * Returns whether this view was counted.
 */
export async function recordView(
  deps: EngagementDeps & Pick<Deps, 'config'>,
  input: { activityId: number; viewer: ViewSource; at?: Date },
): Promise<boolean> {
  const { activityId } = input;
  const at = input.at ?? new Date();
  const key = viewerKey(input.viewer);
  return deps.events.transaction(async (tx, emit) => {
    const activity = await tx.activity.findUnique({ where: { id: activityId }, select: { status: true } });
    if (!activity) throw activityNotFound();
    // An organizer previewing a draft is not an audience.
    if (key === null || activity.status === 'DRAFT') return false;
    const day = localDay(at, deps.config.timeZone);
    const [inserted] = await tx.$queryRaw<Array<{ id: bigint }>>`
      INSERT INTO activity_views (activity_id, viewer_key, day, viewed_at) VALUES (${activityId}, ${key}, ${day}::date, ${at})
      ON CONFLICT (activity_id, viewer_key, day) DO NOTHING RETURNING id`;
    if (!inserted) return false;
    await tx.$executeRaw`UPDATE activities SET view_count = view_count + 1 WHERE id = ${activityId}`;
    emit({ type: 'activity.viewed', payload: { activityId, userId: input.viewer.userId }, occurredAt: at });
    return true;
  });
}
