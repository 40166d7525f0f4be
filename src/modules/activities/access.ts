import type { Prisma, Role } from '../../generated/prisma/client.js';
import type { Tx } from '../outbox/index.js';
import { forbidden, notFound } from '../../lib/app-error.js';
import type { ActivityStatus, ActivityTimes } from './lifecycle.js';

/** Who is acting: services take this rather than the GraphQL context, so jobs and tests call them too. */
export interface Actor {
  id: number;
  role: Role;
}

/** Drafts are private to their organizer (and admins); everything else is public. */
export function visibleActivitiesWhere(viewer: Actor | null): Prisma.ActivityWhereInput {
  if (viewer?.role === 'ADMIN') return {};
  if (viewer) return { OR: [{ status: { not: 'DRAFT' } }, { organizerId: viewer.id }] };
  return { status: { not: 'DRAFT' } };
}

export function canManage(activity: { organizerId: number }, actor: Actor): boolean {
  return actor.role === 'ADMIN' || activity.organizerId === actor.id;
}

/** An activity row as a management operation sees it, under a row lock. */
export interface LockedActivity extends ActivityTimes {
  id: number;
  organizerId: number;
  status: ActivityStatus;
  version: number;
  capacity: number | null;
  participantCount: number;
  waitlistCount: number;
}

/**
 * Locks the activity row for the rest of the transaction and checks the actor
 * may manage it: NOT_FOUND for an unknown id (or someone else's draft),
 * FORBIDDEN for someone else's published activity. The lock makes publish,
 * update and cancel serialize with sign-ups instead of failing on their
 * version bumps.
 */
export async function lockForManagement(tx: Tx, activityId: number, actor: Actor): Promise<LockedActivity> {
  const [activity] = await tx.$queryRaw<LockedActivity[]>`
    SELECT id, organizer_id AS "organizerId", status::text AS status, version, capacity,
           participant_count AS "participantCount", waitlist_count AS "waitlistCount", signup_starts_at AS "signupStartsAt",
           signup_ends_at AS "signupEndsAt", starts_at AS "startsAt", ends_at AS "endsAt"
    FROM activities WHERE id = ${activityId} FOR NO KEY UPDATE`;
  if (!activity || (activity.status === 'DRAFT' && !canManage(activity, actor))) {
    throw activityNotFound();
  }
  if (!canManage(activity, actor)) throw forbidden('Only the organizer or an admin can change this activity.');
  return activity;
}

/** The one NOT_FOUND of this domain; the message never echoes internal ids. */
export const activityNotFound = () => notFound('This activity does not exist.');
