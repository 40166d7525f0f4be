import type { TestContext } from '../support/harness.js';

export const JOIN_WAITLIST =
  'mutation ($id: ID!) { joinActivity(id: $id, waitlist: true) { id status waitlistPosition waitlistedAt user { id } activity { participantCount waitlistCount status } } }';
export const LEAVE_WAITLIST = 'mutation ($id: ID!) { leaveWaitlist(activityId: $id) { participantCount waitlistCount status } }';

/** Seats and queue in the database against the rows they summarise. */
export async function waitlistState(t: TestContext, activityId: number) {
  const activity = await t.deps.db.activity.findUniqueOrThrow({ where: { id: activityId } });
  const joined = await t.deps.db.participation.count({ where: { activityId, status: 'JOINED' } });
  const waiting = await t.deps.db.participation.count({ where: { activityId, status: 'WAITLISTED' } });
  return {
    participantCount: activity.participantCount,
    joined,
    waitlistCount: activity.waitlistCount,
    waiting,
    status: activity.status,
  };
}

/** The user ids still WAITLISTED, in queue order. */
export async function queueOrder(t: TestContext, activityId: number): Promise<number[]> {
  const rows = await t.deps.db.participation.findMany({
    where: { activityId, status: 'WAITLISTED' },
    orderBy: [{ waitlistedAt: 'asc' }, { id: 'asc' }],
    select: { userId: true },
  });
  return rows.map((row) => row.userId);
}

export interface ActivityEvent {
  id: bigint;
  type: string;
  occurredAt: Date;
  payload: { activityId: number; userId?: number; participationId?: number; userIds?: number[]; to?: string };
}

/**
 * This activity's outbox events in commit order. Every sign-up change writes
 * its events while holding the activity's row lock, so id order is the order
 * in which the transactions were serialised.
 */
export async function activityEvents(t: TestContext, activityId: number, types?: string[]): Promise<ActivityEvent[]> {
  const events = await t.deps.db.outboxEvent.findMany({ where: types ? { type: { in: types } } : {}, orderBy: { id: 'asc' } });
  return (events as unknown as ActivityEvent[]).filter((event) => event.payload.activityId === activityId);
}

/** JOIN_ACTIVITY points records of a user for an activity (awards and reversals). */
export async function joinPoints(t: TestContext, activityId: number, userId: number) {
  return t.deps.db.pointsRecord.findMany({ where: { userId, activityId, type: 'JOIN_ACTIVITY' }, orderBy: { id: 'asc' } });
}
