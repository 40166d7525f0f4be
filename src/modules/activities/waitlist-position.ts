import type { Participation } from '../../generated/prisma/client.js';
import type { Deps } from '../../lib/app-deps.js';

/**
 * 1 + the WAITLISTED rows ahead in queue order (`waitlisted_at`, then `id`),
 * or null for a participation that is not waiting. Computed on read, so it
 * shrinks as people ahead leave or are promoted; the queue index serves it.
 */
export async function waitlistPosition(
  deps: Pick<Deps, 'db'>,
  participation: Pick<Participation, 'id' | 'activityId' | 'status' | 'waitlistedAt'>,
): Promise<number | null> {
  const { id, activityId, status, waitlistedAt } = participation;
  if (status !== 'WAITLISTED' || waitlistedAt === null) return null;
  const [row] = await deps.db.$queryRaw<Array<{ ahead: number }>>`
    SELECT count(*)::int AS ahead FROM participations
    WHERE activity_id = ${activityId} AND status = 'WAITLISTED' AND (waitlisted_at, id) < (${waitlistedAt}, ${id})`;
  return 1 + (row?.ahead ?? 0);
}
